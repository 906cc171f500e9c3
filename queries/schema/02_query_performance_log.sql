-- Monitoring schema 2/7: the application's per-query latency log, the seed's DDL exactly.
-- Minimum server: 13. Privilege: CREATE on the schema.
CREATE TABLE IF NOT EXISTS query_performance_log (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    query_hash VARCHAR(64) NOT NULL,
    execution_time_ms INTEGER NOT NULL,
    rows_examined INTEGER,
    rows_returned INTEGER,
    executed_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
)
