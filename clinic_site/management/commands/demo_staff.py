import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "demo-staff"


class Command(BaseCommand):
    help = "SQLite demo only: (re)create a staff superuser with a fresh random password and print it."

    def handle(self, *args, **options):
        if not settings.DEBUG or settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError("demo_staff only runs for the SQLite demo (DJANGO_DEBUG on). Use createsuperuser.")
        password = secrets.token_urlsafe(12)
        user, _ = get_user_model().objects.get_or_create(username=USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Admin: {settings.CLINIC_SITE_URL}/admin/  user: {USERNAME}  password: {password}\n"
                "  (demo only: a new password is made each time `make run` starts)\n"
            )
        )
