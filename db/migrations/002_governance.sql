-- Up Migration
-- Governance: versioned policies, verdicts, approvals, incidents, kill switch, and the
-- hash-chained audit log with its checkpoints.

CREATE TABLE policies (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  name            text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,99}$'),
  version         integer NOT NULL CHECK (version > 0),
  source          text NOT NULL CHECK (length(source) BETWEEN 1 AND 100000),
  source_sha256   text NOT NULL CHECK (source_sha256 ~ '^[0-9a-f]{64}$'),
  status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'shadow', 'active', 'retired')),
  builtin         boolean NOT NULL DEFAULT false,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  activated_at    timestamptz,
  UNIQUE (org_unit_id, name, version)
);
-- At most one enforced and one shadow version of a policy at a time.
CREATE UNIQUE INDEX policies_one_active_idx ON policies (org_unit_id, name) WHERE status = 'active';
CREATE UNIQUE INDEX policies_one_shadow_idx ON policies (org_unit_id, name) WHERE status = 'shadow';

CREATE TABLE verdicts (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  action_hash     text NOT NULL CHECK (action_hash ~ '^[0-9a-f]{64}$'),
  tool            text NOT NULL,
  actor           text NOT NULL,
  outcome         text NOT NULL CHECK (outcome IN ('allow', 'require_approval', 'deny')),
  fail_closed     boolean NOT NULL DEFAULT false,
  reasons         jsonb NOT NULL DEFAULT '[]',
  policy_versions jsonb NOT NULL DEFAULT '[]',
  shadow          jsonb NOT NULL DEFAULT '[]',
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verdicts_org_time_idx ON verdicts (org_unit_id, created_at DESC);

CREATE TABLE approvals (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  action_id       uuid REFERENCES actions(id),
  action          jsonb NOT NULL,
  action_hash     text NOT NULL CHECK (action_hash ~ '^[0-9a-f]{64}$'),
  verdict_id      uuid REFERENCES verdicts(id),
  workflow_run_id uuid,
  requested_by    text NOT NULL,
  required_role   text NOT NULL DEFAULT 'operator' CHECK (required_role IN ('founder', 'operator')),
  summary         text NOT NULL DEFAULT '',
  forecast        jsonb,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'void')),
  decided_by      text,
  decision_reason text,
  decided_at      timestamptz,
  expires_at      timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((status IN ('approved', 'rejected')) = (decided_by IS NOT NULL))
);
CREATE INDEX approvals_org_status_idx ON approvals (org_unit_id, status, expires_at);

CREATE TABLE incidents (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  severity        text NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  source          text NOT NULL CHECK (source IN ('policy', 'kill_switch', 'workflow', 'evaluator', 'decision', 'system')),
  title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  description     text NOT NULL DEFAULT '',
  status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
  resolution      text,
  links           jsonb NOT NULL DEFAULT '[]',
  opened_at       timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  acknowledged_by text,
  resolved_at     timestamptz,
  resolved_by     text,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_org_status_idx ON incidents (org_unit_id, status, opened_at DESC);

-- One row per engagement; the switch is engaged for a scope while a row has no release.
CREATE TABLE kill_switch_events (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  scope           text NOT NULL CHECK (scope IN ('global', 'payouts', 'pricing', 'creators', 'ads', 'content')),
  reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  engaged_by      text NOT NULL,
  engaged_at      timestamptz NOT NULL DEFAULT now(),
  incident_id     uuid REFERENCES incidents(id),
  released_by     text,
  release_reason  text,
  released_at     timestamptz
);
CREATE UNIQUE INDEX kill_switch_one_engaged_idx ON kill_switch_events (org_unit_id, scope) WHERE released_at IS NULL;

-- Audit: hash = sha256(prev_hash || canonical_json(entry)); entry is stored as the exact
-- canonical text that was hashed, so anyone can recompute the chain byte for byte.
CREATE TABLE audit_log (
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  seq             bigint NOT NULL CHECK (seq > 0),
  kind            text NOT NULL,
  actor           text NOT NULL,
  entry           text NOT NULL,
  -- 64 lowercase hex digits, checked as length plus a class: the bounded repeat
  -- '{64}' costs PostgreSQL's regex engine ~8 µs a value, a third of a batched append.
  prev_hash       text NOT NULL CHECK (length(prev_hash) = 64 AND prev_hash ~ '^[0-9a-f]+$'),
  hash            text NOT NULL CHECK (length(hash) = 64 AND hash ~ '^[0-9a-f]+$'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_unit_id, seq)
);
CREATE INDEX audit_log_kind_idx ON audit_log (org_unit_id, kind, seq);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION bos_reject_change();
-- TRUNCATE skips row triggers: refuse it too.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION bos_reject_change();

-- The chain head per org unit: its single writer locks this row.
CREATE TABLE audit_heads (
  org_unit_id     text PRIMARY KEY REFERENCES org_units(id),
  seq             bigint NOT NULL DEFAULT 0,
  hash            text NOT NULL CHECK (length(hash) = 64 AND hash ~ '^[0-9a-f]+$')
);

CREATE TABLE audit_checkpoints (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  seq             bigint NOT NULL,
  head_hash       text NOT NULL CHECK (head_hash ~ '^[0-9a-f]{64}$'),
  entry_count     bigint NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE audit_checkpoints, audit_heads, audit_log, kill_switch_events, incidents, approvals, verdicts, policies;
