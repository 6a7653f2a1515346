-- Up Migration
-- Decision policies: at most one candidate in shadow per decision type, and decisions
-- found by the experiment they were logged for.
CREATE UNIQUE INDEX experiments_one_shadow_idx ON experiments (org_unit_id, decision_type) WHERE status = 'shadow';
CREATE INDEX decisions_experiment_idx ON decisions (experiment_id) WHERE experiment_id IS NOT NULL;

-- Down Migration
DROP INDEX decisions_experiment_idx;
DROP INDEX experiments_one_shadow_idx;
