"""No two holding bookings of one team member overlap, enforced by PostgreSQL.

An exclusion constraint over the team member and the booking's time range (btree_gist lets `=`
on the team member share the GiST index with `&&` on the range). Only bookings that hold their
time count: a cancelled one frees it at once. SQLite (the single-process demo) has no exclusion
constraints; there the application's own check is all there is.
"""

from django.db import migrations

# booking.models.HOLDING when this was written; a later change to it needs a migration of its own.
HOLDING_SQL = "'booked', 'confirmed', 'arrived', 'no_show'"


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        "ALTER TABLE booking_booking ADD CONSTRAINT no_double_booking EXCLUDE USING gist "
        "(team_member_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        f"WHERE (status IN ({HOLDING_SQL}))"
    )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE booking_booking DROP CONSTRAINT no_double_booking")


class Migration(migrations.Migration):
    dependencies = [("booking", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
