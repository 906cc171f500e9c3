-- Monitoring schema 4/7: per-table statistics history, the seed's DDL exactly.
-- Minimum server: 13. Privilege: CREATE on the schema.
CREATE TABLE IF NOT EXISTS database_statistics_snapshot (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    table_name VARCHAR(100) NOT NULL,
    table_size_bytes BIGINT,
    row_count BIGINT,
    cache_hit_ratio DECIMAL(5,2),
    snapshot_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP
)
