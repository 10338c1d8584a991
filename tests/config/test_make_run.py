"""`make run` serves where it is asked to, and the links Plea builds follow."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def served(*arguments: str, env: dict[str, str] | None = None) -> str:
    """The runserver line `make run` would execute (dry run: nothing starts)."""
    environment = {"PATH": "/usr/bin:/bin", **(env or {})}
    output = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return next(line for line in output.splitlines() if "runserver" in line)


@pytest.mark.parametrize(
    ("address", "site_url"),
    [
        ("127.0.0.1:8401", "http://127.0.0.1:8401"),
        ("8402", "http://127.0.0.1:8402"),
        ("0.0.0.0:8000", "http://127.0.0.1:8000"),
        ("localhost:9000", "http://localhost:9000"),
    ],
)
def test_links_follow_the_address_served(address, site_url):
    line = served(f"RUNSERVER_ADDR={address}")
    assert f"SITE_URL={site_url} " in line
    assert line.endswith(f"runserver {address}")


def test_the_default_is_the_address_the_readme_gives():
    assert "SITE_URL=http://127.0.0.1:8000 " in served()


def test_a_site_url_from_the_environment_wins():
    line = served("RUNSERVER_ADDR=127.0.0.1:8401", env={"SITE_URL": "http://localhost:8401"})
    assert "SITE_URL=http://localhost:8401 " in line
