-- pg_stat_statements' own state: entries evicted (dealloc) and the last full reset, so
-- rates can tell an eviction or a reset from a real drop (Queries, fast tier).
-- Minimum: pg_stat_statements 1.9 (PostgreSQL 14). Privilege: none.
SELECT
    i.dealloc,
    i.stats_reset
FROM pg_stat_statements_info() i
