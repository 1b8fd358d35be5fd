"""Published cases and comments are never deleted, whoever asks (bulk statements and the admin
included): they may hold an adverse event, so moderators hide them instead. Drafts may be discarded
by their authors (the service refuses that too when a draft holds a suspected adverse event)."""

from django.db import migrations

TABLES = ("circles_casepost", "circles_casecomment")


def create_guards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                # xinglin_refuse_change() comes from platform_core's migration 0002.
                cursor.execute(
                    f"CREATE TRIGGER {table}_published_no_delete BEFORE DELETE ON {table} "
                    f"FOR EACH ROW WHEN (OLD.status = 'published') EXECUTE FUNCTION xinglin_refuse_change()"
                )
            else:
                cursor.execute(
                    f"CREATE TRIGGER {table}_published_no_delete BEFORE DELETE ON {table} "
                    f"WHEN OLD.status = 'published' "
                    f"BEGIN SELECT RAISE(ABORT, 'published content of {table} is never deleted: hide it'); END"
                )


def drop_guards(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_published_no_delete ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_published_no_delete")


class Migration(migrations.Migration):
    dependencies = [("circles", "0001_initial"), ("platform_core", "0002_interactions_audit_storage")]

    operations = [migrations.RunPython(create_guards, drop_guards)]
