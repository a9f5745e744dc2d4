"""The rate limit's tables get the name of the app they move to (consultations 0010, client_limits 0001)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("consultations", "0008_audit_actions_merged")]

    operations = [
        migrations.AlterModelTable(name="ratelimitbucket", table="client_limits_ratelimitbucket"),
        migrations.AlterModelTable(name="ratelimithit", table="client_limits_ratelimithit"),
    ]
