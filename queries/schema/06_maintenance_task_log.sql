-- Monitoring schema 6/7: pgpulse's table for the seed's scheduled maintenance tasks
-- (cleanup, statistics, reindex, vacuum, integrity, archive), one row per run.
-- Minimum server: 13. Privilege: CREATE on the schema.
CREATE TABLE IF NOT EXISTS maintenance_task_log (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    task_name VARCHAR(100) NOT NULL,
    status VARCHAR(16) NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    started_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    finished_at TIMESTAMP,
    rows_processed BIGINT,
    detail TEXT
)
