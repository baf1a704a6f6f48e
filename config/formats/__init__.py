"""Locale formats that differ from Django's defaults for the site's language codes."""
