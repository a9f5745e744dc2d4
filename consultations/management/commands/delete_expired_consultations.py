from django.conf import settings
from django.core.management.base import BaseCommand

from consultations import housekeeping
from consultations.retention import expired_requests


class Command(BaseCommand):
    help = (
        "Delete completed, closed and spam consultation requests older than CLINIC_RETENTION_DAYS, and open ones "
        "unchanged for CLINIC_OPEN_RETENTION_DAYS. The worker's sweep loop runs this daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            count = expired_requests().count()
            self.stdout.write(f"{count} consultation request(s) would be deleted.")
            return
        # Also forgets rate-limit counts past their window and old task results.
        count = housekeeping.run_daily()
        self.stdout.write(
            f"Deleted {count} consultation request(s): finished and older than {settings.CLINIC_RETENTION_DAYS} days, "
            f"or left open and unchanged for {settings.CLINIC_OPEN_RETENTION_DAYS} days."
        )
