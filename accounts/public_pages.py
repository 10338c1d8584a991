"""Which pages are public: the only pages a session that has not finished
signing in may open (accounts.two_factor.SecondFactorGate) and the only
responses a browser or a proxy may keep (accounts.sessions). Everything
else, including any page added later, is private by default.

By URL namespace and name, not by import: this app imports no higher one.
A page belongs here only if it shows the same thing to every visitor and
needs no account.
"""

from django.urls import ResolverMatch

# Petitions, case stories and the open data (the JSON API) are read by anyone.
PUBLIC_NAMESPACES = frozenset({"petitions", "cases", "api"})
PUBLIC_VIEWS = frozenset(
    {
        "open_data",
        "api_schema",
        "sitemap",
        "health",
        "public_photo",
        "set_language",
        # Each petition's transparency log, read by verifiers and mirrors.
        "log_checkpoint",
        "log_tile",
        "log_cosign",
    }
)


def is_public(match: ResolverMatch | None) -> bool:
    if match is None:
        return False
    return bool(PUBLIC_NAMESPACES & set(match.namespaces)) or match.view_name in PUBLIC_VIEWS
