-- Monitoring schema 1/7: uuid_generate_v4(), used by the seed's DDL for primary keys.
-- Minimum server: 13 (contrib). Privilege: CREATE on the database (uuid-ossp is trusted).
CREATE EXTENSION IF NOT EXISTS "uuid-ossp"
