import time

from django.core.management.base import BaseCommand

from consultations.sweep import resend_overdue


class Command(BaseCommand):
    help = "Queue again the staff notices and patient confirmations that are overdue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=float, default=0, help="Keep running, sweeping every this many seconds (0: sweep once)."
        )

    def handle(self, *args, every, **options):
        while True:
            count = resend_overdue()
            if count or options["verbosity"] > 1:
                self.stdout.write(f"Queued mail again for {count} consultation request(s).")
            if not every:
                return
            time.sleep(every)
