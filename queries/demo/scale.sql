-- Demo load parameters: how many users and learning sessions queries/demo/02_data.sql
-- generates, as session-level custom settings it reads with current_setting().
-- Minimum server: 13. Privilege: none.
-- $1: users (bigint), $2: sessions (bigint); bound, never spliced into the SQL text.
SELECT set_config('pgpulse_demo.users', $1::bigint::text, false),
       set_config('pgpulse_demo.sessions', $2::bigint::text, false)
