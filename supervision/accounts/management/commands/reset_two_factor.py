from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from supervision.accounts import two_factor


class Command(BaseCommand):
    help = ("An administrator's reset of a user's second factor (a lost phone): the authenticator and the "
            "recovery codes are removed; the user enrols again at the next login.")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        removed = two_factor.reset(user)
        self.stdout.write(f"{username}: {removed} device(s) removed; enrolment is asked at the next login.")
