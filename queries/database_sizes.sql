-- The size of every database (per-database table, slow tier, only when due: it walks
-- every file of every database, which costs real time on servers with many relations).
-- Minimum server: 13. Privilege: pg_database_size needs CONNECT on the database or
-- pg_read_all_stats; a database the role may not size reads NULL instead of failing the
-- whole read. Databases that accept no connections (template0) are sized too when allowed.
SELECT
    d.oid                                                            AS datid,
    CASE WHEN has_database_privilege(d.oid, 'CONNECT')
           OR pg_has_role('pg_read_all_stats', 'USAGE')
         THEN pg_database_size(d.oid) END                            AS size_bytes
FROM pg_catalog.pg_database d
ORDER BY d.oid
