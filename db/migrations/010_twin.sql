-- Up Migration
-- The twin keeps what it simulated from (the shop as read, the model parameters, the
-- scenario, seed and sampling), so a stored simulation can be re-run bit for bit.
ALTER TABLE simulations ADD COLUMN inputs jsonb;
ALTER TABLE simulations ADD COLUMN compute_ms double precision;
CREATE INDEX predictions_simulation_idx ON predictions (simulation_id) WHERE simulation_id IS NOT NULL;

-- Down Migration
DROP INDEX predictions_simulation_idx;
ALTER TABLE simulations DROP COLUMN compute_ms;
ALTER TABLE simulations DROP COLUMN inputs;
