import json
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.roles import CASE_EDITORS_GROUP, ORGANISERS_GROUP
from petitions import counting, transparency
from petitions.models import Petition

# Cases first: the demo petition names the people it fights for.
DEMO_FIXTURES = ["cases", "petitions", "demo_organiser", "demo_signatures"]
DEMO_USERNAME = "demo-organiser"
DEMO_STAFF_USERNAME = "demo-staff"
DEMO_ACCOUNTS = {
    DEMO_USERNAME: "owns the demo petition and curates cases",
    DEMO_STAFF_USERNAME: "site staff: invites people, approves cases, sees everything",
}
# Demo passwords live beside the database, never in the repository, so no two
# installations share a login and reruns keep the same ones.
PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-organiser"


class Command(BaseCommand):
    help = "Load the demo petitions and cases (idempotent) and print the demo accounts' logins."

    def handle(self, *args, **options):
        fixtures_dir = Path(settings.BASE_DIR) / "fixtures"
        names = [name for name in DEMO_FIXTURES if (fixtures_dir / f"{name}.json").exists()]
        passwords = self.demo_passwords()
        with transaction.atomic():
            for group in (ORGANISERS_GROUP, CASE_EDITORS_GROUP):  # the fixtures name them
                Group.objects.get_or_create(name=group)
            call_command("loaddata", *[fixtures_dir / f"{name}.json" for name in names], verbosity=0)
            # Fixtures store a count of zero; signatures made while trying the
            # demo must still be counted after a reload.
            counting.repair(petition_ids=[mismatch.petition_id for mismatch in counting.find_mismatches()])
            # Likewise paper batches recorded while trying the demo.
            counting.repair_paper(petition_ids=[m.petition_id for m in counting.find_paper_mismatches()])
            # And the petitions' logs, which fixtures do not carry.
            for petition_id in Petition.objects.order_by("pk").values_list("pk", flat=True):
                transparency.reconcile(petition_id=petition_id)
            for username, password in passwords.items():
                user = get_user_model().objects.get(username=username)
                if not user.check_password(password):
                    user.set_password(password)
                    user.save(update_fields=["password"])
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({', '.join(names)})."))
        for username, password in passwords.items():
            self.stdout.write(f"Demo login: username {username}  password {password}  ({DEMO_ACCOUNTS[username]})")
        self.stdout.write("Log in at /en/accounts/login/ to moderate, export, post updates and run the demo petition.")

    def demo_passwords(self) -> dict[str, str]:
        try:
            stored = json.loads(PASSWORD_FILE.read_text())
        except (FileNotFoundError, ValueError):
            stored = {}
        if not isinstance(stored, dict):
            stored = {}
        passwords = {name: stored.get(name) or secrets.token_urlsafe(12) for name in DEMO_ACCOUNTS}
        if passwords != stored:
            PASSWORD_FILE.write_text(json.dumps(passwords, indent=2) + "\n")
            PASSWORD_FILE.chmod(0o600)
        return passwords
