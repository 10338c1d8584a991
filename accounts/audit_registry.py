"""Which audit actions exist and what each is called on the history pages.

The audit log belongs to this app, but most of what it records happens in
apps above it (petitions, cases), which this app may not import. So each app
registers its own actions, with their translatable labels, in its
`audit_actions` module (imported by its AppConfig.ready()), and the stored
column holds the action's code with no database `choices`: a new audited
action needs no migration here. Wagtail's log-action registry works the same
way."""

from collections.abc import Iterator

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise


class DuplicateAuditAction(ImproperlyConfigured):
    """Two registrations of one code: one of them would be shown the other's label."""


class UnknownAuditAction(ValueError):
    """An entry written with a code nobody registered (a typo, or a module not loaded)."""


class AuditActionRegistry:
    def __init__(self) -> None:
        self._labels: dict[str, str | Promise] = {}

    def register(self, code: str, label: str | Promise) -> str:
        """Add an action; returns its code, for the registering module's constant."""
        if code in self._labels:
            raise DuplicateAuditAction(f"The audit action {code!r} is registered twice.")
        if not code or len(code) > ACTION_MAX_LENGTH:
            raise ImproperlyConfigured(f"An audit action's code has 1 to {ACTION_MAX_LENGTH} characters: {code!r}.")
        self._labels[code] = label
        return code

    def __contains__(self, code: object) -> bool:
        return code in self._labels

    def __iter__(self) -> Iterator[tuple[str, str | Promise]]:
        return iter(self._labels.items())

    def label(self, code: str) -> str:
        """The action's label in the active language; an unknown stored code
        (an action since retired) is shown as it is, never hidden."""
        label = self._labels.get(code)
        return code if label is None else str(label)


# The length of AuditEntry.action.
ACTION_MAX_LENGTH = 40

audit_actions = AuditActionRegistry()
register = audit_actions.register
