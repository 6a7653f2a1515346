-- Up Migration
-- The evaluator's regression detectors: one per outcome series (org unit, subject, metric),
-- holding its state as engine/evaluator/regression.ts serialises it, and an alarm raised
-- but not yet handed to governance (cleared once the incident is open). The observations
-- themselves go to `outcomes`; a caller's idempotency key makes a retried observation count once.

CREATE TABLE evaluator_series (
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  subject_type    text NOT NULL CHECK (subject_type IN ('workflow', 'decision_type')),
  subject_id      text NOT NULL CHECK (length(subject_id) BETWEEN 1 AND 200),
  metric          text NOT NULL CHECK (metric ~ '^[a-z][a-z0-9_.]{0,62}$'),
  detector        jsonb NOT NULL,
  observations    bigint NOT NULL DEFAULT 0 CHECK (observations >= 0),
  alarms          integer NOT NULL DEFAULT 0 CHECK (alarms >= 0),
  pending_alarm   jsonb,
  last_alarm_at   timestamptz,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  PRIMARY KEY (org_unit_id, subject_type, subject_id, metric)
);

ALTER TABLE outcomes ADD COLUMN idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 300);
CREATE UNIQUE INDEX outcomes_idempotency_key_idx ON outcomes (org_unit_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Down Migration
DROP INDEX outcomes_idempotency_key_idx;
ALTER TABLE outcomes DROP COLUMN idempotency_key;
DROP TABLE evaluator_series;
