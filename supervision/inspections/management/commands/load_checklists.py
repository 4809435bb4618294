"""Publish checklist templates (new versions only where a file changed)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from supervision.inspections import checklists
from supervision.inspections.models import ChecklistTemplate


class Command(BaseCommand):
    help = "Publish checklist templates from fixtures/checklists/*.json (or the files given) as new versions."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="JSON files; default: every fixtures/checklists/*.json")
        parser.add_argument("--user", help="the administrator publishing (username)")

    def handle(self, *args, files, user, **options):
        publisher = None
        if user:
            publisher = get_user_model().objects.filter(username=user).first()
            if publisher is None:
                raise CommandError(f"No user {user!r}.")
        for path in files or checklists.fixture_files():
            try:
                template, created = checklists.publish(ChecklistTemplate, checklists.load_file(path), publisher)
            except ValidationError as e:
                raise CommandError(f"{path}: {'; '.join(e.messages)}") from e
            state = "published" if created else "unchanged"
            self.stdout.write(f"{template.code} v{template.version}: {state}")
