import pytest

from petitions.email_keys import email_key


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("amina@example.org", "amina@example.org"),
        ("  Amina@Example.ORG  ", "amina@example.org"),
        ("AMINA@EXAMPLE.ORG", "amina@example.org"),
        ("amina+petition@example.org", "amina@example.org"),
        ("amina+a+b@example.org", "amina@example.org"),
        ("a.mina@example.org", "a.mina@example.org"),  # dots matter outside Gmail
        ("a.mi.na@gmail.com", "amina@gmail.com"),
        ("A.Mina+plea@GMAIL.com", "amina@gmail.com"),
        ("amina@googlemail.com", "amina@gmail.com"),
        ("amina@example.org.", "amina@example.org"),
        ("+tag@example.org", "+tag@example.org"),
        ("amina@bücher.example", "amina@xn--bcher-kva.example"),
    ],
)
def test_the_same_mailbox_always_gives_the_same_key(typed, key):
    assert email_key(typed) == key


@pytest.mark.parametrize("typed", ["", "no-at-sign", "@example.org", "amina@"])
def test_what_is_not_an_address_is_refused(typed):
    with pytest.raises(ValueError):
        email_key(typed)
