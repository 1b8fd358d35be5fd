-- Run by a superuser in every database the application migrates (and in template1, so that
-- test databases created from it have it too). It lets migration 0002 hand the audit table
-- to a role the application is not a member of: the application keeps SELECT and INSERT only,
-- so it can neither change entries nor lift the protection (ALTER TABLE, DISABLE TRIGGER, GRANT).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'xinglin_records') THEN
        CREATE ROLE xinglin_records NOLOGIN;
    END IF;
END
$$;
CREATE SCHEMA IF NOT EXISTS xinglin_admin;
REVOKE ALL ON SCHEMA xinglin_admin FROM PUBLIC;
GRANT USAGE ON SCHEMA xinglin_admin TO PUBLIC;
CREATE OR REPLACE FUNCTION xinglin_admin.seal_append_only_tables() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    app_role text := session_user;
BEGIN
    ALTER TABLE public.platform_core_auditentry OWNER TO xinglin_records;
    ALTER FUNCTION public.xinglin_refuse_change() OWNER TO xinglin_records;
    EXECUTE format('REVOKE ALL ON public.platform_core_auditentry FROM %I', app_role);
    EXECUTE format('GRANT SELECT, INSERT ON public.platform_core_auditentry TO %I', app_role);
    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE public.platform_core_auditentry_id_seq TO %I', app_role);
END
$$;
-- Sealing only ever takes rights away, so anyone may call it.
GRANT EXECUTE ON FUNCTION xinglin_admin.seal_append_only_tables() TO PUBLIC;
