from django.db import migrations

# The admin offers no way to change the audit trail; on PostgreSQL the database refuses too.
# Only the user column may change, to NULL, when a user account is deleted (the username stays).
FORBID = """
CREATE FUNCTION consultations_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.user_id IS NULL
        AND (NEW.id, NEW.at, NEW.username, NEW.action, NEW.references)
            IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.username, OLD.action, OLD.references) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the consultation audit trail is append-only' USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER consultations_audit_append_only
    BEFORE UPDATE OR DELETE ON consultations_auditentry
    FOR EACH ROW EXECUTE FUNCTION consultations_audit_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS consultations_audit_append_only ON consultations_auditentry;
DROP FUNCTION IF EXISTS consultations_audit_append_only();
"""


def forbid_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORBID)


def allow_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [migrations.RunPython(forbid_changes, allow_changes)]
