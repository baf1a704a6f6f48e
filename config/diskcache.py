"""The shipped cache backend: python-diskcache's Django cache, kept open between requests.

Django closes every cache when a request finishes; for diskcache that closes its SQLite connections, and the next
request reopens them and sets their pragmas again: more work than the lookups themselves (0.8 of a 1.9 ms cache
hit, bench/RESULTS.md). The connections are per thread and safe to keep, as a database connection is kept with
CONN_MAX_AGE. Selected when there is no CACHE_URL and DEBUG is off (config/settings.py).
"""

from __future__ import annotations

from typing import Any

from diskcache import DjangoCache


class DiskCache(DjangoCache):
    def close(self, **kwargs: Any) -> None:
        """Kept open: called by Django after every request (see the module's docstring)."""
