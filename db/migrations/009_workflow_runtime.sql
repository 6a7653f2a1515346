-- Up Migration
-- The runtime claims every run whose wake_at has passed, waiting runs (timers) included.
DROP INDEX workflow_runs_runnable_idx;
CREATE INDEX workflow_runs_due_idx ON workflow_runs (wake_at) WHERE wake_at IS NOT NULL;
-- Runs waiting on a person are found by what they wait on when it is settled.
CREATE INDEX workflow_runs_waiting_idx ON workflow_runs (waiting_for) WHERE status = 'waiting' AND wake_at IS NULL;

-- Down Migration
DROP INDEX workflow_runs_waiting_idx;
DROP INDEX workflow_runs_due_idx;
CREATE INDEX workflow_runs_runnable_idx ON workflow_runs (wake_at) WHERE status IN ('pending', 'running');
