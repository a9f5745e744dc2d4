import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from consultations.groups import FRONT_DESK

USERNAME = "demo-staff"


class Command(BaseCommand):
    help = "SQLite demo only: (re)create a Front desk account with a fresh random password and print it."

    def handle(self, *args, **options):
        if not settings.DEBUG or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError("demo_staff only runs for the SQLite demo (DJANGO_DEBUG on). Use createsuperuser.")
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=USERNAME)
        # The role the demo is mostly shown to try: the front desk's day, not a superuser's every menu.
        # A demo database from before keeps the account, so superuser is taken away explicitly.
        user.is_staff, user.is_superuser = True, False
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=FRONT_DESK)])
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Admin: {settings.CLINIC_SITE_URL}/admin/  user: {USERNAME}  password: {password}"
                "  (role: Front desk)\n"
                "  (demo only: a new password is made each time `make run` starts)\n"
            )
        )
