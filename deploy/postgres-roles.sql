-- The two database roles of 3VFejzo, with least privileges (docs/deploy.md, "Database").
--
--   owner  owns the schema and every table; only release.sh connects as it, to migrate.
--   app    the site and the workers: reads and writes rows, nothing else. It cannot
--          ALTER, DROP or TRUNCATE a table, nor disable or drop the access record's
--          triggers, because it owns nothing.
--
-- Create the roles and the database first (as postgres), then run this file in it:
--   createuser --pwprompt fejzo_owner && createuser --pwprompt fejzo_app
--   createdb --owner fejzo_owner fejzo
--   psql -d fejzo -v ON_ERROR_STOP=1 -v owner_role=fejzo_owner -v app_role=fejzo_app \
--        -f deploy/postgres-roles.sql
-- Safe to run again at any time (every statement is idempotent).

ALTER DATABASE :"DBNAME" OWNER TO :"owner_role";
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"DBNAME" TO :"app_role";

-- Only the owner creates objects; the app role may use the schema, not add to it.
ALTER SCHEMA public OWNER TO :"owner_role";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app_role";

-- The tables and sequences that exist now...
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app_role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app_role";

-- ...and those the owner's later migrations create.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner_role" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app_role";
