from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from registry.validators import guard_text_fields

        guard_text_fields(self)
        # Changes to registry, projects and news records invalidate the anonymous page cache.
        from registry.versioned_cache import connect_signals

        connect_signals()
