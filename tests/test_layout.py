"""The apps import each other in one direction (scripts/check_imports.py)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "check_imports.py"
_spec = importlib.util.spec_from_file_location("check_imports", SCRIPT)
check_imports = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_imports)


def plant(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_tree_imports_in_one_direction():
    assert check_imports.violations(Path(settings.BASE_DIR)) == []


def test_a_planted_cycle_is_caught_and_fails_the_check(tmp_path):
    root = plant(
        tmp_path,
        {
            "accounts/models.py": "from petitions.models import Petition\n",
            "cases/publication.py": "def publish():\n    from petitions import signing\n",
            "petitions/views.py": "import organisers.access\nfrom cases.models import Case\n",
            "core/markdown.py": "from accounts import roles\n",
            "config/views.py": "from organisers import views\n",
            "config/urls.py": "from organisers import urls\n",
            # Not checked: migrations, and relative imports within an app.
            "cases/migrations/0001_initial.py": "from petitions.models import Petition\n",
            "organisers/forms.py": "from . import views\nfrom petitions.models import Petition\n",
        },
    )

    found = check_imports.violations(root)

    assert found == [
        "accounts/models.py:1: accounts imports petitions.models (accounts may import core)",
        "cases/publication.py:2: cases imports petitions (cases may import accounts, core)",
        "config/views.py:1: imports organisers (only config/urls.py may import organisers)",
        "core/markdown.py:1: core imports accounts (core may import none of our apps)",
        "petitions/views.py:1: petitions imports organisers.access (petitions may import accounts, cases, core)",
    ]
    run = subprocess.run([sys.executable, SCRIPT, root], capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "accounts/models.py:1: accounts imports petitions.models" in run.stderr


def test_a_tree_that_keeps_the_layout_passes(tmp_path):
    root = plant(tmp_path, {"petitions/views.py": "from cases.models import Case\nfrom core import markdown\n"})
    run = subprocess.run([sys.executable, SCRIPT, root], capture_output=True, text=True, check=False)
    assert (run.returncode, run.stderr) == (0, "")


HIGHER_MODELS = """from django.conf import settings
from django.db import models

from cases.models import Case


class Petition(models.Model):
    cases = models.ManyToManyField("cases.Case", related_name="petitions")
    people = models.ManyToManyField(Case, related_name="+")


class Organiser(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="petition_roles")
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="roles")


class Delivery(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE)
"""


def test_the_schema_reaching_up_the_layers_is_caught_and_fails_the_check(tmp_path):
    root = plant(
        tmp_path,
        {
            "petitions/models.py": HIGHER_MODELS,
            "accounts/models.py": (
                '"""Docstrings may name petitions.Petition."""\n'
                "from django.db import models\n\n\n"
                "class AuditEntry(models.Model):\n"
                '    petition = models.ForeignKey("petitions.Petition", on_delete=models.PROTECT)\n'
            ),
            "accounts/roles.py": "def is_organiser(user):\n    return user.petition_roles.exists()\n",
            "accounts/audit.py": (
                "def owned(user):\n    return user.groups.filter(petition_roles__role='owner')\n"
                "def mine(apps):\n    return apps.get_model('petitions', 'Petition')\n"
            ),
            "cases/views.py": "def detail(case):\n    return case.petitions.all(), case.delivery_set.all()\n",
            "cases/signals.py": "SENDER = 'petitions.Signature'\nORDER = ['-petitions__count']\n",
            "accounts/migrations/0002_link.py": (
                "from django.db import migrations, models\n\n\n"
                "class Migration(migrations.Migration):\n"
                "    dependencies = [('accounts', '0001_initial'), ('petitions', '0003_merge')]\n"
                "    operations = [migrations.AddField('invitation', 'petition', "
                "models.ForeignKey(to='petitions.petition', on_delete=models.CASCADE))]\n"
            ),
            # The migrations that moved tables from organisers keep theirs.
            "accounts/migrations/0001_initial.py": "dependencies = [('petitions', '0002_organiser_moderation')]\n",
            # A higher app may use its own and lower apps' names.
            "organisers/views.py": "def page(user, case):\n    return user.petition_roles, case.petitions\n",
        },
    )

    found = check_imports.violations(root)

    assert sorted(found) == [
        "accounts/audit.py:2: accounts uses petition_roles, the reverse relation of petitions.Organiser.user, "
        "a higher layer",
        "accounts/audit.py:4: accounts looks up a model of petitions, a higher layer",
        "accounts/migrations/0002_link.py:5: a migration of accounts depends on petitions.0003_merge, a higher layer",
        "accounts/migrations/0002_link.py:6: accounts names 'petitions.petition' of a higher layer",
        "accounts/models.py:6: accounts names 'petitions.Petition' of a higher layer",
        "accounts/roles.py:2: accounts uses petition_roles, the reverse relation of petitions.Organiser.user, "
        "a higher layer",
        "cases/signals.py:1: cases names 'petitions.Signature' of a higher layer",
        "cases/signals.py:2: cases uses petitions, the reverse relation of petitions.Petition.cases, a higher layer",
        "cases/views.py:2: cases uses delivery_set, the reverse relation of petitions.Delivery.case, a higher layer",
        "cases/views.py:2: cases uses petitions, the reverse relation of petitions.Petition.cases, a higher layer",
    ]
    run = subprocess.run([sys.executable, SCRIPT, root], capture_output=True, text=True, check=False)
    assert run.returncode == 1
    assert "accounts/roles.py:2: accounts uses petition_roles" in run.stderr


def test_the_site_importing_or_naming_the_benchmarks_fails_the_check(tmp_path):
    root = plant(
        tmp_path,
        {
            "config/urls.py": "from bench import floor\n",
            "config/settings.py": "ROOT_URLCONF = 'bench.urls'\n",
            "core/checks.py": "def check():\n    import bench.hello\n",
        },
    )

    assert sorted(check_imports.violations(root)) == [
        "config/settings.py:1: config names 'bench.urls' of a higher layer",
        "config/urls.py:1: config imports bench (no app imports the benchmarks)",
        "core/checks.py:2: core imports bench.hello (no app imports the benchmarks)",
    ]
