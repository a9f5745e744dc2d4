"""The practice's tables and the page cache's get the names of the apps they move to (clinic_site 0009).

Renaming keeps every row and every foreign key (PostgreSQL and SQLite follow a renamed table).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("clinic_site", "0007_closed_days")]

    operations = [
        migrations.AlterModelTable(name="practice", table="practice_practice"),
        migrations.AlterModelTable(name="closedday", table="practice_closedday"),
        migrations.AlterModelTable(name="publicimage", table="practice_publicimage"),
        migrations.AlterModelTable(name="teammember", table="practice_teammember"),
        migrations.AlterModelTable(name="pagegeneration", table="page_cache_pagegeneration"),
    ]
