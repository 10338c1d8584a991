"""Uploads in S3-compatible object storage: the environment reaches
django-storages as meant, without a network (nothing is fetched until a file
is read or written)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SHOW = """
import json
from django.core.files.storage import storages
out = {}
for alias in ("private", "photos"):
    storage = storages[alias]
    out[alias] = {
        "class": type(storage).__module__ + "." + type(storage).__name__,
        "bucket": getattr(storage, "bucket_name", None),
        "location": getattr(storage, "location", None),
        "endpoint": getattr(storage, "endpoint_url", None),
        "region": getattr(storage, "region_name", None),
        "acl": getattr(storage, "default_acl", None),
        "overwrite": getattr(storage, "file_overwrite", None),
        "access_key": getattr(storage, "access_key", None),
    }
print(json.dumps(out))
"""


def storages_with(**env) -> dict:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PLEA_S3"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW],
        cwd=ROOT,
        env={**environment, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_bucket_uploads_stay_on_local_disk():
    found = storages_with()

    assert found["private"]["class"] == "petitions.uploads.PrivateFileStorage"
    assert found["photos"]["class"] == "django.core.files.storage.filesystem.FileSystemStorage"


def test_a_bucket_puts_both_kinds_of_upload_in_it_privately_and_apart():
    pytest.importorskip("storages.backends.s3")
    found = storages_with(
        PLEA_S3_BUCKET="plea-uploads",
        PLEA_S3_ENDPOINT_URL="https://s3.eu-central-1.example.net",
        PLEA_S3_REGION="eu-central-1",
        PLEA_S3_ACCESS_KEY_ID="AKIAEXAMPLE",
        PLEA_S3_SECRET_ACCESS_KEY="secret-example",
    )

    for alias, location in (("private", "private"), ("photos", "public")):
        storage = found[alias]
        assert storage["class"] == "storages.backends.s3.S3Storage"
        assert storage["bucket"] == "plea-uploads" and storage["location"] == location
        assert storage["endpoint"] == "https://s3.eu-central-1.example.net" and storage["region"] == "eu-central-1"
        assert storage["acl"] == "private" and storage["overwrite"] is False
        assert storage["access_key"] == "AKIAEXAMPLE"
