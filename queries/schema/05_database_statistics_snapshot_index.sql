-- Monitoring schema 5/7: history charts read one table's snapshots over a time range.
-- Minimum server: 13. Privilege: owner of database_statistics_snapshot.
CREATE INDEX IF NOT EXISTS database_statistics_snapshot_table_date_idx
    ON database_statistics_snapshot (table_name, snapshot_date)
