-- Up Migration
-- Durable workflows: definitions with autonomy, runs leased by one process at a time, the
-- append-only run journal (the source of truth), durable timers, and the outbox.

CREATE TABLE workflows (
  org_unit_id        text NOT NULL REFERENCES org_units(id),
  id                 text NOT NULL CHECK (id ~ '^wf_[a-z0-9_]{1,60}$'),
  name               text NOT NULL,
  description        text NOT NULL DEFAULT '',
  definition_version integer NOT NULL CHECK (definition_version > 0),
  definition         jsonb NOT NULL DEFAULT '{}',
  triggers           text[] NOT NULL DEFAULT '{}',
  autonomy           text NOT NULL DEFAULT 'a0_manual'
                     CHECK (autonomy IN ('a0_manual', 'a1_assisted', 'a2_supervised', 'a3_autonomous', 'a4_self_optimizing')),
  paused             boolean NOT NULL DEFAULT false,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_unit_id, id)
);

CREATE TABLE workflow_runs (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id        text NOT NULL,
  workflow_id        text NOT NULL,
  definition_version integer NOT NULL,
  idempotency_key    text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 300),
  trigger_event_id   uuid REFERENCES events(id),
  status             text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'running', 'waiting', 'completed', 'failed', 'cancelled')),
  waiting_for        text,
  input              jsonb NOT NULL DEFAULT '{}',
  snapshot           jsonb,
  journal_length     integer NOT NULL DEFAULT 0,
  lease_owner        text,
  lease_expires_at   timestamptz,
  wake_at            timestamptz,
  error              jsonb,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  completed_at       timestamptz,
  UNIQUE (org_unit_id, idempotency_key),
  FOREIGN KEY (org_unit_id, workflow_id) REFERENCES workflows(org_unit_id, id)
);
CREATE INDEX workflow_runs_runnable_idx ON workflow_runs (wake_at) WHERE status IN ('pending', 'running');
CREATE INDEX workflow_runs_workflow_idx ON workflow_runs (org_unit_id, workflow_id, created_at DESC);

CREATE TABLE run_journal (
  run_id             uuid NOT NULL REFERENCES workflow_runs(id),
  seq                integer NOT NULL CHECK (seq > 0),
  kind               text NOT NULL CHECK (kind IN ('event', 'tool_result', 'timer_fired', 'clock', 'random', 'approval', 'state')),
  step               text,
  payload            jsonb NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, seq)
);
CREATE TRIGGER run_journal_append_only BEFORE UPDATE OR DELETE ON run_journal
  FOR EACH ROW EXECUTE FUNCTION bos_reject_change();

CREATE TABLE workflow_timers (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id        text NOT NULL REFERENCES org_units(id),
  run_id             uuid NOT NULL REFERENCES workflow_runs(id),
  name               text NOT NULL,
  fire_at            timestamptz NOT NULL,
  fired_at           timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (run_id, name)
);
CREATE INDEX workflow_timers_due_idx ON workflow_timers (fire_at) WHERE fired_at IS NULL;

CREATE TABLE outbox (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_unit_id        text NOT NULL REFERENCES org_units(id),
  run_id             uuid REFERENCES workflow_runs(id),
  topic              text NOT NULL,
  payload            jsonb NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  published_at       timestamptz
);
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;

-- Down Migration
DROP TABLE outbox, workflow_timers, run_journal, workflow_runs, workflows;
