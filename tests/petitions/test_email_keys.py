"""The email key: one mailbox, one key, however the address is typed
(petitions/email_keys.py, whose docstring gives the order of the rules)."""

import pytest

from petitions.email_keys import PROVIDERS, UnsupportedAddress, email_key


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("amina@example.org", "amina@example.org"),
        ("  Amina@Example.ORG  ", "amina@example.org"),
        ("AMINA@EXAMPLE.ORG", "amina@example.org"),
        ("amina+petition@example.org", "amina@example.org"),
        ("amina+a+b@example.org", "amina@example.org"),
        ("a.mina@example.org", "a.mina@example.org"),  # dots matter outside the providers' table
        ("a-mina@example.org", "a-mina@example.org"),
        ("amina@example.org.", "amina@example.org"),
        ("+tag@example.org", "+tag@example.org"),
        ("amina@bücher.example", "amina@xn--bcher-kva.example"),
        ("amina@BÜCHER.example", "amina@xn--bcher-kva.example"),
        # Unicode compatibility forms and the full stops IDNA knows
        ("v.ictim@gmail.com。", "victim@gmail.com"),  # ideographic full stop at the end
        ("victim@gmail。com", "victim@gmail.com"),
        ("victim@gmail．com", "victim@gmail.com"),  # fullwidth full stop
        ("victim@gmail｡com", "victim@gmail.com"),  # halfwidth ideographic full stop
        ("ｖｉｃｔｉｍ@ｇｍａｉｌ.ｃｏｍ", "victim@gmail.com"),  # fullwidth letters
        ("ＶＩＣＴＩＭ＠ＧＭＡＩＬ．ＣＯＭ", "victim@gmail.com"),  # fullwidth at sign too
        ("victim＋tag@gmail.com", "victim@gmail.com"),  # fullwidth plus
        # Gmail: dots ignored; googlemail.com is gmail.com
        ("a.mi.na@gmail.com", "amina@gmail.com"),
        ("A.Mina+plea@GMAIL.com", "amina@gmail.com"),
        ("amina@googlemail.com", "amina@gmail.com"),
        ("a.mina@googlemail.com.", "amina@gmail.com"),
        ("a-mina@gmail.com", "a-mina@gmail.com"),  # Gmail does not ignore hyphens
        # Proton: '.', '_' and '-' transparent; four domains, one account
        ("alice.jones@proton.me", "alicejones@proton.me"),
        ("alice_jones@protonmail.com", "alicejones@proton.me"),
        ("Alice-Jones@protonmail.ch", "alicejones@proton.me"),
        ("alicejones+news@pm.me", "alicejones@proton.me"),
        # Yandex: '.' and '-' the same; every Yandex domain one mailbox
        ("ivan.petrov@yandex.ru", "ivan-petrov@yandex.ru"),
        ("ivan-petrov@ya.ru", "ivan-petrov@yandex.ru"),
        ("Ivan.Petrov@yandex.com", "ivan-petrov@yandex.ru"),
        ("ivan-petrov@yandex.kz", "ivan-petrov@yandex.ru"),
        ("ivan.petrov@yandex.by", "ivan-petrov@yandex.ru"),
        ("ivan.petrov+x@yandex.ua", "ivan-petrov@yandex.ru"),
        ("ivan_petrov@yandex.ru", "ivan_petrov@yandex.ru"),  # an underscore is not a Yandex equivalence
        # iCloud: me.com and mac.com are the icloud.com mailbox
        ("tim@me.com", "tim@icloud.com"),
        ("tim@mac.com", "tim@icloud.com"),
        ("Tim@iCloud.com", "tim@icloud.com"),
        ("t.im@icloud.com", "t.im@icloud.com"),
        # mail.ru's domains: separate mailboxes, not merged, dots kept
        ("aigerim@mail.ru", "aigerim@mail.ru"),
        ("aigerim@inbox.ru", "aigerim@inbox.ru"),
        ("aigerim@list.ru", "aigerim@list.ru"),
        ("aigerim@bk.ru", "aigerim@bk.ru"),
        ("aigerim@internet.ru", "aigerim@internet.ru"),
        ("ai.gerim@mail.ru", "ai.gerim@mail.ru"),
    ],
)
def test_the_same_mailbox_always_gives_the_same_key(typed, key):
    assert email_key(typed) == key


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda provider: provider.name)
def test_every_alias_in_the_table_keys_as_the_providers_first_domain_and_cites_a_source(provider):
    keys = {email_key(f"someone@{domain}") for domain in provider.domains}

    assert keys == {f"someone@{provider.domains[0]}"}
    assert provider.sources


@pytest.mark.parametrize(
    "typed",
    ['"victim"@gmail.com', '"v\\ictim"@gmail.com', '"a b"@example.org', "x@[127.0.0.1]", "x@[IPv6:::1]"],
)
def test_quoted_local_parts_and_domain_literals_are_refused(typed):
    with pytest.raises(UnsupportedAddress):
        email_key(typed)


@pytest.mark.parametrize("typed", ["", "no-at-sign", "@example.org", "amina@", "amina@.", "amina@a..b"])
def test_what_is_not_an_address_is_refused(typed):
    with pytest.raises(ValueError):
        email_key(typed)


def test_the_stored_key_is_keyed_so_a_candidate_address_cannot_be_tested_without_the_key(settings):
    import hashlib

    from django.core import checks

    from core import checks as plea_checks
    from petitions.email_keys import email_hash, keyed

    settings.PLEA_EMAIL_KEY = "one key"
    stored = email_hash("Amina.Yusuf+x@googlemail.com")
    assert stored == keyed("aminayusuf@gmail.com") == email_hash("aminayusuf@gmail.com")
    assert "amina" not in stored and "@" not in stored
    assert stored not in {
        hashlib.sha256(b"aminayusuf@gmail.com").hexdigest(),
        hashlib.md5(b"aminayusuf@gmail.com").hexdigest(),
    }
    settings.PLEA_EMAIL_KEY = "another key"
    assert email_hash("aminayusuf@gmail.com") != stored
    assert plea_checks.email_key_set_apart() == []
    settings.PLEA_EMAIL_KEY = ""
    [warning] = plea_checks.email_key_set_apart()
    assert warning.id == "plea.W010"
    assert email_hash("aminayusuf@gmail.com") not in {stored, ""}, "derived from the secret key when unset"
    assert plea_checks.email_key_set_apart in checks.registry.registry.get_checks(include_deployment_checks=True)
