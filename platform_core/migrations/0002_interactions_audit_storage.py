"""Storage the ORM cannot describe: the month-partitioned interaction table, and the audit and
adverse-event tables' append-only guards (triggers refuse UPDATE/DELETE/TRUNCATE for every role,
bulk statements included)."""

from datetime import date

from django.db import migrations

PG_INTERACTIONS = """
CREATE TABLE platform_core_interactionevent (
    id bigserial NOT NULL,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    actor_id bigint NOT NULL,
    verb varchar(48) NOT NULL,
    object_type varchar(48) NOT NULL,
    object_id varchar(64) NOT NULL,
    sponsor_id bigint NULL,
    campaign_id bigint NULL,
    value double precision NULL,
    context jsonb NOT NULL,
    client_event_id varchar(64) NOT NULL,
    source varchar(8) NOT NULL,
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE UNIQUE INDEX interaction_idempotency ON platform_core_interactionevent (actor_id, client_event_id, occurred_at);
CREATE INDEX interaction_sponsor_time ON platform_core_interactionevent (sponsor_id, occurred_at);
CREATE INDEX interaction_object ON platform_core_interactionevent (object_type, object_id);
CREATE TABLE platform_core_interactionevent_default PARTITION OF platform_core_interactionevent DEFAULT;
"""

PG_AUDIT = """
CREATE TABLE platform_core_auditentry (
    id bigserial PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    actor_id bigint NULL,
    actor_repr varchar(200) NOT NULL,
    on_behalf_of_id bigint NULL,
    action varchar(80) NOT NULL,
    object_type varchar(80) NOT NULL,
    object_id varchar(64) NOT NULL,
    object_repr varchar(200) NOT NULL,
    sponsor_id bigint NULL,
    before jsonb NULL,
    after jsonb NULL,
    reason text NOT NULL,
    request_id varchar(64) NOT NULL,
    prev_hash varchar(64) NOT NULL,
    entry_hash varchar(64) NOT NULL UNIQUE
);
CREATE INDEX audit_object ON platform_core_auditentry (object_type, object_id);
CREATE INDEX audit_sponsor_time ON platform_core_auditentry (sponsor_id, occurred_at);
CREATE FUNCTION xinglin_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON platform_core_auditentry
    FOR EACH ROW EXECUTE FUNCTION xinglin_refuse_change();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON platform_core_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION xinglin_refuse_change();
REVOKE UPDATE, DELETE, TRUNCATE ON platform_core_auditentry FROM PUBLIC;
REVOKE UPDATE, DELETE, TRUNCATE ON platform_core_auditentry FROM CURRENT_USER;
CREATE TRIGGER ae_no_delete BEFORE DELETE ON platform_core_adverseeventreport
    FOR EACH ROW EXECUTE FUNCTION xinglin_refuse_change();
"""

SQLITE_AUDIT = [
    """CREATE TABLE platform_core_auditentry (
        id integer PRIMARY KEY AUTOINCREMENT,
        occurred_at datetime NOT NULL,
        actor_id bigint NULL,
        actor_repr varchar(200) NOT NULL,
        on_behalf_of_id bigint NULL,
        action varchar(80) NOT NULL,
        object_type varchar(80) NOT NULL,
        object_id varchar(64) NOT NULL,
        object_repr varchar(200) NOT NULL,
        sponsor_id bigint NULL,
        before text NULL CHECK (before IS NULL OR json_valid(before)),
        after text NULL CHECK (after IS NULL OR json_valid(after)),
        reason text NOT NULL,
        request_id varchar(64) NOT NULL,
        prev_hash varchar(64) NOT NULL,
        entry_hash varchar(64) NOT NULL UNIQUE
    )""",
    "CREATE INDEX audit_object ON platform_core_auditentry (object_type, object_id)",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON platform_core_auditentry
        BEGIN SELECT RAISE(ABORT, 'table platform_core_auditentry is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON platform_core_auditentry
        BEGIN SELECT RAISE(ABORT, 'table platform_core_auditentry is append-only: DELETE refused'); END""",
    """CREATE TRIGGER ae_no_delete BEFORE DELETE ON platform_core_adverseeventreport
        BEGIN SELECT RAISE(ABORT, 'table platform_core_adverseeventreport is append-only: DELETE refused'); END""",
]


def _month(day: date, offset: int) -> date:
    index = day.year * 12 + day.month - 1 + offset
    return date(index // 12, index % 12 + 1, 1)


def create_storage(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(PG_INTERACTIONS)
            today = date.today()
            # Partitions for the demo's 90 days back and three months ahead; beat keeps adding.
            for offset in range(-4, 4):
                start, end = _month(today, offset), _month(today, offset + 1)
                cursor.execute(
                    f"CREATE TABLE platform_core_interactionevent_{start:%Y%m} PARTITION OF "
                    f"platform_core_interactionevent FOR VALUES FROM ('{start}') TO ('{end}')"
                )
            cursor.execute(PG_AUDIT)
            # Where the database administrator installed deploy/postgres/append_only.sql, hand the
            # audit table to a role the application is not a member of (SELECT/INSERT only).
            cursor.execute("SELECT to_regprocedure('xinglin_admin.seal_append_only_tables()') IS NOT NULL")
            if cursor.fetchone()[0]:
                cursor.execute("SELECT xinglin_admin.seal_append_only_tables()")
    else:
        schema_editor.create_model(apps.get_model("platform_core", "InteractionEvent"))
        with connection.cursor() as cursor:
            for statement in SQLITE_AUDIT:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("platform_core", "0001_initial")]

    operations = [migrations.RunPython(create_storage, migrations.RunPython.noop)]
