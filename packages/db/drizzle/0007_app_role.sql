-- The app's own role. Migrations run as the database owner; the app connects as a login role that is a
-- member of bullpen_app (README, "Database roles"), which may change every table it works with but
-- may only INSERT into and SELECT from the audit log. Not owning audit_log, it cannot disable its
-- triggers (ALTER TABLE … DISABLE TRIGGER) or drop them, and not being a superuser it cannot set
-- session_replication_role = replica. Roles are cluster-wide: created once, shared by every database.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bullpen_app') THEN
    CREATE ROLE bullpen_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  -- Another database's migration created it at the same moment.
  NULL;
END
$$;
--> statement-breakpoint
DO $$
BEGIN
  EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO bullpen_app', current_database());
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO bullpen_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO bullpen_app;
--> statement-breakpoint
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO bullpen_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_log FROM bullpen_app;
--> statement-breakpoint
REVOKE ALL ON audit_log FROM PUBLIC;
--> statement-breakpoint
-- Tables later migrations create (as this same owner) get the same grants; audit-like tables must
-- revoke as above.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO bullpen_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO bullpen_app;
