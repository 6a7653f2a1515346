-- Up Migration
-- Fraud detection (wf_fraud_detection) and creator payouts (wf_creator_payout).
-- fraud_models holds each org unit's current fraud model (engine/fraud FraudModel as JSON):
-- one row, replaced as it learns, its version counting every change. fraud_outcomes labels
-- scored orders: a chargeback says fraud; a person's release, or a chargeback window that
-- passed quietly ('cleared'), says good. A cleared order that was blocked sets the threshold
-- but never teaches the weights: a blocked fraud could not have charged back.

CREATE TABLE fraud_models (
  org_unit_id     text PRIMARY KEY REFERENCES org_units(id),
  version         integer NOT NULL CHECK (version >= 1),
  model           jsonb NOT NULL,
  updated_at      timestamptz NOT NULL
);

CREATE TABLE fraud_outcomes (
  org_unit_id     text NOT NULL REFERENCES org_units(id),
  order_id        uuid NOT NULL,
  label           text NOT NULL CHECK (label IN ('fraud', 'good')),
  source          text NOT NULL CHECK (source IN ('chargeback', 'release', 'cleared')),
  was_blocked     boolean NOT NULL,
  labelled_at     timestamptz NOT NULL,
  PRIMARY KEY (org_unit_id, order_id),
  FOREIGN KEY (org_unit_id, order_id) REFERENCES orders(org_unit_id, id)
);
CREATE INDEX fraud_outcomes_good_idx ON fraud_outcomes (org_unit_id, labelled_at) WHERE label = 'good';

-- Which model version scored the order, so a score can be explained later.
ALTER TABLE orders ADD COLUMN fraud_model_version integer;
CREATE INDEX orders_scored_idx ON orders (org_unit_id, placed_at) WHERE fraud_score IS NOT NULL;

-- A payout's risk check and the reconciliation it drew on, recorded when it is assessed.
ALTER TABLE payouts
  ADD COLUMN risk_score double precision CHECK (risk_score BETWEEN 0 AND 1),
  ADD COLUMN reconciliation_id uuid,
  ADD COLUMN assessed_at timestamptz;

-- Down Migration
ALTER TABLE payouts DROP COLUMN assessed_at, DROP COLUMN reconciliation_id, DROP COLUMN risk_score;
DROP INDEX orders_scored_idx;
ALTER TABLE orders DROP COLUMN fraud_model_version;
DROP TABLE fraud_outcomes;
DROP TABLE fraud_models;
