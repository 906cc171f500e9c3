-- Demo workload: a batch of the operations' own latencies into the seed's
-- query_performance_log, as the application in the seed logs them (one INSERT a second
-- rather than one per operation). Minimum server: 13. Privilege: INSERT on
-- query_performance_log. $1: query hashes (text[]); $2: milliseconds (int4[]);
-- $3: rows examined, $4: rows returned (int4[], NULL when unknown); $5: when each ran
-- (timestamptz[]), stored as this session's local time like CURRENT_TIMESTAMP would be.
INSERT INTO query_performance_log
    (query_hash, execution_time_ms, rows_examined, rows_returned, executed_at)
SELECT t.query_hash, t.execution_time_ms, t.rows_examined, t.rows_returned, t.executed_at::timestamp
FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::timestamptz[])
    AS t(query_hash, execution_time_ms, rows_examined, rows_returned, executed_at)
