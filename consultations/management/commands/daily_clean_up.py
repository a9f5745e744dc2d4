import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from consultations import housekeeping

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Delete what the clinic no longer keeps: expired consultation requests (the retention periods), "
        "old rate-limit counts and task results, and photo files left behind. With --every, keep running."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            help="Keep running, cleaning up every this many seconds (`make worker` uses a day); 0: once.",
        )

    def handle(self, *args, every, **options):
        while True:
            close_old_connections()
            try:
                deleted = housekeeping.run_daily()
            except DatabaseError:
                if not every:
                    raise
                # A database restart must not end the loop: the next round tries again.
                logger.exception("Daily clean-up failed")
            else:
                # A count only: nothing about the requests themselves reaches the log.
                logger.info("Daily clean-up: %d expired consultation request(s) deleted", deleted)
                if options["verbosity"] > 1 or deleted:
                    self.stdout.write(f"Deleted {deleted} expired consultation request(s).")
            if not every:
                return
            time.sleep(every)
