from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """The project package, installed for its template tags and shared templates."""

    name = "config"
    verbose_name = "Plea"

    def ready(self) -> None:
        from config import checks  # noqa: F401  (registers the system checks)
