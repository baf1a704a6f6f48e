"""Importers that turn documents into registry records.

`pages` parses saved pages of the IOM Mexico website (plain Python, no Django); `load` maps what it finds onto the
models. Nothing is imported here, so the parser can be used and tested without Django settings.
"""
