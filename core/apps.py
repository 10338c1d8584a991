from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Small shared pieces that are not settings; installed for the `plea`
    template tags and the system checks."""

    name = "core"
    verbose_name = "Plea"

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the system checks)
