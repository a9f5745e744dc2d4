from django.core.management.base import BaseCommand
from django.urls import reverse

from staff import second_factor


class Command(BaseCommand):
    help = "Explain what happens at a new staff member's first sign-in (run by `make superuser`)."

    def handle(self, *args, **options):
        if second_factor.required():
            self.stdout.write(
                f"\nNext: sign in at {reverse('admin:login')} with this account. After the password you will be\n"
                "asked to set up an authenticator app (scan the QR code or type the key, then confirm a code),\n"
                "and you will be shown recovery codes once: keep them somewhere safe.\n"
            )
        else:
            self.stdout.write(
                f"\nDemo (DJANGO_DEBUG on): sign in at {reverse('admin:login')} with the password alone; the\n"
                "authenticator app step is skipped here and always required in production.\n"
            )
