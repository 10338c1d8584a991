"""Sealing values at rest, and rotating the keys that seal them."""

import pytest
from cryptography.fernet import Fernet
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from core import checks as plea_checks
from core import encryption

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_a_sealed_value_reads_back_and_hides_the_plain_text():
    with override_settings(PLEA_ENCRYPTION_KEYS=[OLD]):
        token = encryption.seal("+92 300 0000000 Gilgit")

        assert token.startswith(encryption.TOKEN_PREFIX)
        assert "Gilgit" not in token and "300" not in token
        assert encryption.seal("same") != encryption.seal("same")  # nothing to compare rows by
        assert encryption.unseal(token) == "+92 300 0000000 Gilgit"


def test_rotation_old_key_still_opens_until_values_are_resealed():
    with override_settings(PLEA_ENCRYPTION_KEYS=[OLD]):
        token = encryption.seal("Almaty")
    with override_settings(PLEA_ENCRYPTION_KEYS=[NEW, OLD]):
        assert encryption.unseal(token) == "Almaty"
        resealed = encryption.reseal(token)
    with override_settings(PLEA_ENCRYPTION_KEYS=[NEW]):
        assert encryption.unseal(resealed) == "Almaty"
        with pytest.raises(encryption.DecryptionFailed, match="rotate_encryption_keys"):
            encryption.unseal(token)


def test_without_keys_a_key_is_derived_from_the_secret_key():
    with override_settings(PLEA_ENCRYPTION_KEYS=[], SECRET_KEY="one" * 20):
        token = encryption.seal("x")
        assert encryption.unseal(token) == "x"
    with override_settings(PLEA_ENCRYPTION_KEYS=[], SECRET_KEY="two" * 20), pytest.raises(encryption.DecryptionFailed):
        encryption.unseal(token)


def test_a_malformed_key_is_a_configuration_error_that_says_how_to_make_one():
    with (
        override_settings(PLEA_ENCRYPTION_KEYS=["not-a-key"]),
        pytest.raises(ImproperlyConfigured, match=r"Fernet\.generate_key"),
    ):
        encryption.seal("x")


def test_deploy_check_asks_for_keys_apart_from_the_secret_key():
    with override_settings(PLEA_ENCRYPTION_KEYS=[]):
        [warning] = plea_checks.encryption_keys_set_apart()
        assert warning.id == "plea.W003"
    with override_settings(PLEA_ENCRYPTION_KEYS=[NEW]):
        assert plea_checks.encryption_keys_set_apart() == []
    assert plea_checks.encryption_keys_set_apart in checks.registry.registry.get_checks(include_deployment_checks=True)
