"""The anonymous page cache's data version: one number in the shared cache that every cached page is keyed by.

Any save, delete or many-to-many change of a registry, projects or news record bumps the version, so every page
cached before the change is simply never looked up again (and expires by its TTL). Bulk writes that send no
signals (`QuerySet.update`, `bulk_create`) are covered by commands calling `bump_data_version()` themselves, and in
the worst case by the short TTL (`ANON_CACHE_SECONDS`).

With several worker processes the cache must be shared: the production default is a file cache every worker on
the machine reads (`CACHE_DIR`), or Redis (`CACHE_URL=redis://...`) for several machines. Local memory (the
development default) is per process.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import QueryDict
from django.utils.functional import cached_property

VERSION_KEY = "anon-cache:data-version"
WATCHED_APPS = frozenset({"registry", "projects", "news"})
# Results kept under the data version are never stale; the timeout only bounds the memory they hold.
VERSIONED_SECONDS = 600

T = TypeVar("T")


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Start from the clock, not from 1: if the key is evicted, a restart at 1 could meet pages cached
        # under an old version with the same number.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    # A cache that keeps nothing (DummyCache) still needs a number; nothing is ever served under it.
    return int(version) if version is not None else 0


def shared_cache_usable() -> bool:
    """Whether results may be kept under the data version, which every committed write bumps.

    Inside a transaction this connection may hold writes the version does not reflect yet, so nothing is cached
    or served from the cache there (tests run in one, too). Nor is anything kept by a cache that keeps nothing.
    """
    return not connection.in_atomic_block and not isinstance(caches["default"], DummyCache)


def remember(key: str | None, compute: Callable[[], T], timeout: int = VERSIONED_SECONDS) -> T:
    """`compute()`, kept in the cache stamped with the data version it was computed at and reused until any
    record changes. The version and the value come back in one cache round trip. `key=None` computes."""
    if key is None or not shared_cache_usable():
        return compute()
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        version = data_version()
    stamped = found.get(key)
    if stamped is not None and stamped[0] == version:
        return stamped[1]
    value = compute()
    cache.set(key, (version, value), timeout)
    return value


def query_key(prefix: str, path: str, params: QueryDict, *, ignore: Iterable[str] = ()) -> str:
    """A short cache key for `path` with these query parameters (every value of each), whatever their order."""
    ignored = set(ignore)
    pairs = sorted((name, value) for name, values in params.lists() if name not in ignored for value in values)
    digest = hashlib.blake2b(f"{path}?{urlencode(pairs)}".encode(), digest_size=16).hexdigest()
    return f"{prefix}:{digest}"


#: Pages past this are not served: people narrow with the filters long before; deeper readers are crawlers, and
#: every page deeper costs more. (HTML lists show this page with a note past it; the API answers 400.)
DEEPEST_PAGE = 50


class VersionedCountPaginator(Paginator):
    """Counting every matching row is the dearest query of a list page on a large table, and the same filter
    gives the same count until the data changes: keep it under the data version (`count_key=None`: count).

    `max_pages` bounds the pages served (`num_pages` says no more; `count` still counts every row). Past the
    first page, the page's rows are read by their keys (`page_rows`)."""

    def __init__(self, *args: Any, count_key: str | None = None, max_pages: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.max_pages = max_pages

    @cached_property
    def count(self) -> int:
        return remember(self.count_key, lambda: Paginator.count.func(self))

    @cached_property
    def num_pages(self) -> int:
        pages = Paginator.num_pages.func(self)
        return pages if self.max_pages is None else min(pages, self.max_pages)

    @property
    def has_pages_beyond(self) -> bool:
        """Whether rows lie past the last page served."""
        return self.num_pages * self.per_page < self.count

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(page_rows(self.object_list, bottom, top), number, self)


def page_rows(object_list: Any, bottom: int, top: int) -> Any:
    """Rows `bottom` to `top` of a list. Past the first page of a queryset, as `pk IN (the page's keys)`: the
    skipped rows are walked in the index that serves the order, reading only their keys (an index-only scan on
    PostgreSQL), and only the page's own rows are read in full and joined; an OFFSET over the whole rows reads
    and joins every skipped row too. Not where the rows are grouped or made DISTINCT (their keys alone would not
    keep the order)."""
    if bottom == 0 or not isinstance(object_list, QuerySet):
        return object_list[bottom:top]
    query = object_list.query
    grouped = query.group_by is not None or any(
        getattr(annotation, "contains_aggregate", False) for annotation in query.annotations.values()
    )
    if query.distinct or grouped or query.combinator or query.is_sliced:
        return object_list[bottom:top]
    return object_list.filter(pk__in=object_list.values("pk")[bottom:top])


def bump_data_version() -> None:
    # A new number from the clock, not an increment: the file and database caches increment by reading and writing
    # back, so of three concurrent bumps one could write back a number already used, under which pages missing
    # the last change were cached. A clock reading is never used twice.
    cache.set(VERSION_KEY, max(time.time_ns(), int(cache.get(VERSION_KEY) or 0) + 1), timeout=None)


def schedule_bump() -> None:
    """Bump now, or once the current transaction commits.

    Bumping before the commit would let a request that reads the old rows in between cache them under the new
    version; bumping after it can at worst throw away a page that was already fresh.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        bump_data_version()
        return
    # One bump per transaction, however many rows it writes (loaddata, imports). A savepoint rollback drops
    # its callbacks from this list, so a bump is never lost.
    for entry in getattr(connection, "run_on_commit", []):
        if isinstance(entry[1], _BumpOnCommit) and entry[1].pending:
            return
    transaction.on_commit(_BumpOnCommit())


class _BumpOnCommit:
    """An on-commit bump that knows whether it has run yet."""

    def __init__(self) -> None:
        self.pending = True

    def __call__(self) -> None:
        self.pending = False
        bump_data_version()


def _is_watched(sender: Any) -> bool:
    meta = getattr(sender, "_meta", None)
    return meta is not None and meta.app_label in WATCHED_APPS


def _on_change(sender: Any, **kwargs: Any) -> None:
    if _is_watched(sender):
        schedule_bump()


def _on_m2m_change(sender: Any, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"} and _is_watched(sender):
        schedule_bump()


def connect_signals() -> None:
    post_save.connect(_on_change, dispatch_uid="anon-cache-post-save")
    post_delete.connect(_on_change, dispatch_uid="anon-cache-post-delete")
    m2m_changed.connect(_on_m2m_change, dispatch_uid="anon-cache-m2m-changed")
