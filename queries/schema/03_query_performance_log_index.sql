-- Monitoring schema 3/7: lets the percentile window (executed_at >= now() - window) use an
-- index range scan instead of reading the whole log on every poll.
-- Minimum server: 13. Privilege: owner of query_performance_log.
CREATE INDEX IF NOT EXISTS query_performance_log_executed_at_idx
    ON query_performance_log (executed_at)
