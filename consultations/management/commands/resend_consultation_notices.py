import logging
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from consultations import waitlist
from consultations.mail_retries import resend_overdue

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Queue again the staff notices and patient confirmations that are due, and close the earlier times "
        "offered that are gone (consultations.waitlist.close_gone). With --every, keep running. "
        "(The daily clean-up is a command of its own: daily_clean_up.)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=float, default=0, help="Keep running, sweeping every this many seconds (0: sweep once)."
        )

    def handle(self, *args, every, **options):
        while True:
            close_old_connections()
            try:
                count = resend_overdue()
                waitlist.close_gone()
            except DatabaseError:
                if not every:
                    raise
                # A database restart must not end the loop: the next sweep tries again.
                logger.exception("Sweep for overdue consultation notices failed")
                count = 0
            if count or options["verbosity"] > 1:
                self.stdout.write(f"Queued mail again for {count} delivery(ies).")
            if not every:
                return
            time.sleep(every)
