from django.core.management.base import BaseCommand

from medical_pages.content_loader import load_all


class Command(BaseCommand):
    help = "Load the medical pages (conditions, treatments, guides) that ship with the code. Safe to run again."

    def handle(self, *args, **options):
        for kind, outcome in load_all().items():
            summary = ", ".join(f"{count} {what}" for what, count in sorted(outcome.items())) or "no files"
            self.stdout.write(f"{kind}: {summary}")
