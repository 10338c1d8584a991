"""One signature per person: the key under which an email address is unique;
and the masked form of an address that moderators see."""

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def email_key(email: str) -> str:
    """Normalise an address so the same mailbox always gives the same key.

    Letter case and surrounding spaces never matter; a `+tag` is dropped for
    every domain (mail providers deliver tagged addresses to the same box);
    Gmail also ignores dots in the local part and treats googlemail.com as
    gmail.com.
    """
    local, at, domain = email.strip().lower().rpartition("@")
    if not at or not local or not domain:
        raise ValueError("not an email address")
    domain = domain.rstrip(".")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # the form's validator has already accepted it; keep it as typed
    local = local.split("+", 1)[0] or local
    if domain in GMAIL_DOMAINS:
        domain = "gmail.com"
        local = local.replace(".", "")
    return f"{local}@{domain}"


MASK = "\u2022\u2022\u2022"  # •••


def masked_email(email: str) -> str:
    """`amina@gmail.com` → `a•••@gmail.com`: enough for a moderator to spot a
    pattern (a throwaway domain, the same initial), not enough to contact or
    identify the signer. Full addresses are for owners, audited."""
    local, at, domain = email.strip().rpartition("@")
    if not at:
        return MASK if email else ""
    return f"{local[:1]}{MASK}@{domain}"
