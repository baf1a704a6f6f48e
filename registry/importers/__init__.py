"""Importers that turn documents into records.

`pages` parses pages saved from IOM's websites (plain Python, no Django); `records` holds what every app's import
service shares (the report with each field's old → new value, the refusal naming file and line, the writer). The
writes themselves are each app's `services.py`; the all-or-nothing batch is `config.page_import`. Nothing is
imported here, so the parser can be used and tested without Django settings.
"""
