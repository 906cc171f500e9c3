-- What the demo load left behind: its tables in the current schema, users and learning
-- sessions (the loader's summary line). Minimum server: 13. Privilege: SELECT on users
-- and learning_sessions.
SELECT
    (SELECT count(*) FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r') AS tables,
    (SELECT count(*) FROM users)                                                AS users,
    (SELECT count(*) FROM learning_sessions)                                    AS sessions
