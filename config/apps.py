from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The site package as an app, so it can hold the commands that combine several apps (e.g. import_pages)."""

    name = "config"
    label = "site"
    verbose_name = _("Site")
