"""The ledger, the transfer-of-value records and the refused earns are append-only in the database
itself: row triggers refuse UPDATE and DELETE for every role, bulk statements included (the same
guard as platform_core's audit table, migration platform_core 0002).

TRUNCATE is left to the table owner so that Django's test flush still works; the application
never truncates, and deploy/postgres can seal the tables like the audit table (docs/points-mall.md).
"""

from django.db import migrations

TABLES = ("points_mall_ledgerentry", "points_mall_transferofvalue", "points_mall_earnrefusal")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION xinglin_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def create_guards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_regprocedure('xinglin_refuse_change()') IS NOT NULL")
            if not cursor.fetchone()[0]:
                cursor.execute(PG_FUNCTION)
            for table in TABLES:
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION xinglin_refuse_change()"
                )
        elif connection.vendor == "sqlite":
            for table in TABLES:
                for operation in ("UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only: {operation} refused'); END"
                    )


def drop_guards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            else:
                for operation in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")


class Migration(migrations.Migration):
    dependencies = [("points_mall", "0001_initial")]

    operations = [migrations.RunPython(create_guards, drop_guards)]
