from django.core.management.base import BaseCommand, CommandError

from backups import archive


class Command(BaseCommand):
    help = (
        "Restore a backup (a directory written by `backup`) into this site's database and file stores, which "
        "must be empty; checks every part's SHA-256 first and every table's row count after."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        try:
            manifest = archive.restore(directory)
        except archive.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {sum(manifest['rows'].values())} rows, "
            f"{manifest['files']} files, each table's count as backed up. Run `manage.py daily_clean_up` now: "
            "it deletes again what retention deleted since the backup."
        )
