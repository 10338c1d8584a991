import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from petitions import counting

# Cases first: the demo petition names the people it fights for.
DEMO_FIXTURES = ["cases", "petitions", "demo_organiser", "demo_signatures"]
DEMO_USERNAME = "demo-organiser"
# The demo password lives beside the database, never in the repository, so
# no two installations share a login and reruns keep the same one.
PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-organiser"


class Command(BaseCommand):
    help = "Load the demo petitions and cases (idempotent) and print the demo organiser's login."

    def handle(self, *args, **options):
        fixtures_dir = Path(settings.BASE_DIR) / "fixtures"
        names = [name for name in self.fixture_names() if (fixtures_dir / f"{name}.json").exists()]
        with transaction.atomic():
            call_command("loaddata", *[fixtures_dir / f"{name}.json" for name in names], verbosity=0)
            # Fixtures store a count of zero; signatures made while trying the
            # demo must still be counted after a reload.
            counting.repair(petition_ids=[mismatch.petition_id for mismatch in counting.find_mismatches()])
            password = self.demo_password()
            user = get_user_model().objects.get(username=DEMO_USERNAME)
            user.set_password(password)
            user.save(update_fields=["password"])
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({', '.join(names)})."))
        self.stdout.write(f"Demo organiser login: username {DEMO_USERNAME}  password {password}")
        self.stdout.write("Log in at /en/accounts/login/ to moderate, export, post updates and run the demo petition.")

    def fixture_names(self) -> list[str]:
        return DEMO_FIXTURES

    def demo_password(self) -> str:
        if PASSWORD_FILE.exists():
            password = PASSWORD_FILE.read_text().strip()
            if password:
                return password
        password = secrets.token_urlsafe(12)
        PASSWORD_FILE.write_text(password + "\n")
        PASSWORD_FILE.chmod(0o600)
        return password
