-- Up Migration
-- Kernel: org units, principals and their API tokens, goals, plans, tasks, actions,
-- business events, outcomes, state snapshots, and the sequenced live stream.

CREATE FUNCTION bos_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'BOS02', TABLE = TG_TABLE_NAME;
END;
$$;

CREATE TABLE org_units (
  id              text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]{1,62}$'),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  currency        char(3) NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  timezone        text NOT NULL DEFAULT 'UTC',
  stream_seq      bigint NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE principals (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  kind            text NOT NULL CHECK (kind IN ('user', 'agent')),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role            text NOT NULL CHECK (role IN ('founder', 'operator', 'viewer', 'agent')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  disabled_at     timestamptz,
  -- an agent principal always has the agent role, and only agents do
  CHECK ((kind = 'agent') = (role = 'agent')),
  UNIQUE (org_unit_id, name)
);

CREATE TABLE api_tokens (
  id              text PRIMARY KEY CHECK (id ~ '^[a-z0-9]{12}$'),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  principal_id    uuid NOT NULL REFERENCES principals(id),
  label           text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
  secret_sha256   text NOT NULL UNIQUE CHECK (secret_sha256 ~ '^[0-9a-f]{64}$'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz,
  last_used_at    timestamptz,
  revoked_at      timestamptz
);
CREATE INDEX api_tokens_principal_idx ON api_tokens (principal_id);

CREATE TABLE agents (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  principal_id    uuid NOT NULL UNIQUE REFERENCES principals(id),
  name            text NOT NULL,
  purpose         text NOT NULL DEFAULT '',
  allowed_tools   text[] NOT NULL DEFAULT '{}',
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'retired')),
  config          jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_unit_id, name)
);

CREATE TABLE goals (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  type            text NOT NULL CHECK (type IN ('okr', 'kpi', 'milestone', 'guardrail')),
  metric          text NOT NULL DEFAULT 'revenue',
  target_value    numeric(24, 6) NOT NULL,
  current_value   numeric(24, 6) NOT NULL DEFAULT 0,
  deadline        timestamptz,
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'achieved', 'missed', 'cancelled')),
  created_by      uuid REFERENCES principals(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goals_org_idx ON goals (org_unit_id, status);

CREATE TABLE plans (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  goal_id         uuid REFERENCES goals(id),
  title           text NOT NULL,
  steps           jsonb NOT NULL DEFAULT '[]',
  status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'done', 'abandoned')),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plans_goal_idx ON plans (goal_id);

CREATE TABLE tasks (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  plan_id         uuid REFERENCES plans(id),
  agent_id        uuid REFERENCES agents(id),
  workflow_run_id uuid,
  kind            text NOT NULL,
  title           text NOT NULL,
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'running', 'done', 'failed', 'escalated', 'cancelled')),
  input           jsonb NOT NULL DEFAULT '{}',
  output          jsonb,
  quality_score   double precision,
  created_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz
);
CREATE INDEX tasks_org_status_idx ON tasks (org_unit_id, status);

-- Business events as ingested (from the simulated shop or a real one).
CREATE TABLE events (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  type            text NOT NULL,
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
  source          text NOT NULL DEFAULT 'api',
  payload         jsonb NOT NULL,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_unit_id, idempotency_key)
);
CREATE INDEX events_org_type_time_idx ON events (org_unit_id, type, occurred_at);

-- Every side effect proposed through the tool router, with its verdict and outcome.
CREATE TABLE actions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  actor           text NOT NULL,
  actor_role      text NOT NULL CHECK (actor_role IN ('founder', 'operator', 'viewer', 'agent', 'system')),
  tool            text NOT NULL,
  mode            text NOT NULL DEFAULT 'execute' CHECK (mode IN ('execute', 'dry_run', 'simulate')),
  input           jsonb NOT NULL,
  context         jsonb NOT NULL DEFAULT '{}',
  action_hash     text NOT NULL CHECK (action_hash ~ '^[0-9a-f]{64}$'),
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 300),
  verdict_id      uuid,
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'denied', 'awaiting_approval', 'draft', 'discarded')),
  output          jsonb,
  error           jsonb,
  attempts        integer NOT NULL DEFAULT 0,
  latency_ms      double precision,
  cost_minor      bigint NOT NULL DEFAULT 0,
  workflow_run_id uuid,
  step            text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz,
  UNIQUE (org_unit_id, idempotency_key)
);
CREATE INDEX actions_org_time_idx ON actions (org_unit_id, created_at DESC);
CREATE INDEX actions_run_idx ON actions (workflow_run_id) WHERE workflow_run_id IS NOT NULL;

CREATE TABLE outcomes (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  subject_type    text NOT NULL,
  subject_id      text NOT NULL,
  metric          text NOT NULL,
  value           numeric(24, 6) NOT NULL,
  observed_at     timestamptz NOT NULL,
  details         jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outcomes_subject_idx ON outcomes (org_unit_id, subject_type, subject_id);

CREATE TABLE state_snapshots (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  taken_at        timestamptz NOT NULL,
  revenue_minor   bigint NOT NULL DEFAULT 0,
  orders          integer NOT NULL DEFAULT 0,
  margin_percent  numeric(9, 6),
  cash_minor      bigint NOT NULL DEFAULT 0,
  runway_days     numeric(9, 2),
  metrics         jsonb NOT NULL DEFAULT '{}',
  UNIQUE (org_unit_id, taken_at)
);

-- The live stream: every event sent to console clients, numbered per org unit so a
-- client that reconnects resumes from its last number with no gap and no duplicate.
CREATE TABLE stream_events (
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  seq             bigint NOT NULL CHECK (seq > 0),
  type            text NOT NULL,
  payload         jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_unit_id, seq)
);

-- Down Migration
DROP TABLE stream_events, state_snapshots, outcomes, actions, events, tasks, plans, goals, agents, api_tokens, principals, org_units;
DROP FUNCTION bos_reject_change();
