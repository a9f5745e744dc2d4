from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from staff import second_factor


class Command(BaseCommand):
    help = (
        "Remove a staff member's authenticator app and recovery codes (a lost or replaced phone). "
        "At their next sign-in, after the password, they set up a new app."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(**{get_user_model().USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        removed = second_factor.reset(user)
        self.stdout.write(
            f"Removed {removed} device(s) of {username}. They will set up an authenticator app at their next sign-in."
        )
