-- Up Migration
-- A run's row is rewritten at every step (snapshot, journal length). Room left on each page
-- lets the new version stay on it, updated in place without touching the indexes (HOT).
ALTER TABLE workflow_runs SET (fillfactor = 80);

-- Down Migration
ALTER TABLE workflow_runs RESET (fillfactor);
