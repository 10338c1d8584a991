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
