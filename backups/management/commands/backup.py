import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from backups import archive


class Command(BaseCommand):
    help = "Write a backup of the database and every stored file into a new owner-only directory."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            default=os.environ.get("CLINIC_BACKUP_DIR", "var/backups"),
            help="Where backups go (CLINIC_BACKUP_DIR); each gets a directory named by its time.",
        )

    def handle(self, *args, to, **options):
        directory = f"{to.rstrip('/')}/{timezone.now():%Y-%m-%dT%H%M%SZ}"
        try:
            manifest = archive.write(directory)
        except archive.BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"Backup written to {directory}: {rows} rows, {manifest['files']} files.")
