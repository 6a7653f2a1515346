-- Up Migration
-- Learning and simulation: the twin's runs and their stored inputs, calibrated model
-- versions, logged decisions with propensities, bandit arm state and rewards, experiments.

CREATE TABLE model_registry (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id        text NOT NULL REFERENCES org_units(id),
  model              text NOT NULL CHECK (model IN ('demand', 'creator', 'pricing', 'fraud', 'payout', 'inventory')),
  version            integer NOT NULL CHECK (version > 0),
  params             jsonb NOT NULL,
  training_from      timestamptz,
  training_to        timestamptz,
  backtest_error     jsonb NOT NULL DEFAULT '{}',
  status             text NOT NULL DEFAULT 'candidate' CHECK (status IN ('candidate', 'active', 'retired')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_unit_id, model, version)
);
CREATE UNIQUE INDEX model_registry_one_active_idx ON model_registry (org_unit_id, model) WHERE status = 'active';

CREATE TABLE simulations (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id        text NOT NULL REFERENCES org_units(id),
  description        text NOT NULL DEFAULT '',
  kind               text NOT NULL DEFAULT 'single' CHECK (kind IN ('single', 'sweep')),
  scenario           jsonb NOT NULL,
  input_sha256       text NOT NULL CHECK (input_sha256 ~ '^[0-9a-f]{64}$'),
  seed               bigint NOT NULL,
  model_versions     jsonb NOT NULL DEFAULT '{}',
  backend            text,
  status             text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
  samples            integer,
  result             jsonb,
  error              jsonb,
  requested_by       text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  completed_at       timestamptz
);
CREATE INDEX simulations_org_time_idx ON simulations (org_unit_id, created_at DESC);

CREATE TABLE simulation_runs (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  simulation_id      uuid NOT NULL REFERENCES simulations(id),
  scenario_index     integer NOT NULL CHECK (scenario_index >= 0),
  changes            jsonb NOT NULL,
  result             jsonb NOT NULL,
  duration_ms        double precision,
  UNIQUE (simulation_id, scenario_index)
);

-- Forecasts kept so they can be compared with what then happened.
CREATE TABLE predictions (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id        text NOT NULL REFERENCES org_units(id),
  simulation_id      uuid REFERENCES simulations(id),
  metric             text NOT NULL,
  window_start       timestamptz NOT NULL,
  window_end         timestamptz NOT NULL,
  predicted          jsonb NOT NULL,
  actual             numeric(24, 6),
  resolved_at        timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX predictions_open_idx ON predictions (org_unit_id, window_end) WHERE resolved_at IS NULL;

CREATE TABLE experiments (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id        text NOT NULL REFERENCES org_units(id),
  decision_type      text NOT NULL CHECK (decision_type IN ('ad_spend', 'pricing', 'creator_allocation', 'stream_schedule', 'payout_frequency')),
  name               text NOT NULL,
  candidate          jsonb NOT NULL,
  status             text NOT NULL DEFAULT 'shadow' CHECK (status IN ('shadow', 'promoted', 'rejected', 'stopped')),
  report             jsonb,
  created_by         text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  decided_at         timestamptz,
  UNIQUE (org_unit_id, name)
);

CREATE TABLE decisions (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id        text NOT NULL REFERENCES org_units(id),
  decision_type      text NOT NULL CHECK (decision_type IN ('ad_spend', 'pricing', 'creator_allocation', 'stream_schedule', 'payout_frequency')),
  context            jsonb NOT NULL,
  features           double precision[] NOT NULL DEFAULT '{}',
  arms               jsonb NOT NULL,
  chosen_arm         text NOT NULL,
  propensity         double precision NOT NULL CHECK (propensity > 0 AND propensity <= 1),
  algorithm          text NOT NULL CHECK (algorithm IN ('epsilon_greedy', 'linucb', 'thompson')),
  policy_version     text NOT NULL,
  experiment_id      uuid REFERENCES experiments(id),
  shadow             boolean NOT NULL DEFAULT false,
  predicted_impact   jsonb,
  simulation_id      uuid REFERENCES simulations(id),
  verdict_id         uuid REFERENCES verdicts(id),
  action_id          uuid REFERENCES actions(id),
  status             text NOT NULL DEFAULT 'proposed'
                     CHECK (status IN ('proposed', 'executed', 'awaiting_approval', 'denied', 'shadow', 'frozen', 'failed')),
  outcome            jsonb,
  reward             double precision,
  created_at         timestamptz NOT NULL DEFAULT now(),
  outcome_at         timestamptz
);
CREATE INDEX decisions_org_type_time_idx ON decisions (org_unit_id, decision_type, created_at DESC);

CREATE TABLE bandit_arms (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id        text NOT NULL REFERENCES org_units(id),
  decision_type      text NOT NULL,
  algorithm          text NOT NULL CHECK (algorithm IN ('epsilon_greedy', 'linucb', 'thompson')),
  arm_key            text NOT NULL,
  is_baseline        boolean NOT NULL DEFAULT false,
  state              jsonb NOT NULL,
  pulls              bigint NOT NULL DEFAULT 0,
  reward_sum         double precision NOT NULL DEFAULT 0,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_unit_id, decision_type, algorithm, arm_key)
);

CREATE TABLE bandit_rewards (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id        text NOT NULL REFERENCES org_units(id),
  decision_id        uuid NOT NULL UNIQUE REFERENCES decisions(id),
  arm_key            text NOT NULL,
  gross_value        numeric(24, 6) NOT NULL,
  tool_cost_minor    bigint NOT NULL DEFAULT 0,
  reward             double precision NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE bandit_rewards, bandit_arms, decisions, experiments, predictions, simulation_runs, simulations, model_registry;
