"""The anonymous page cache's data version: one number in the shared cache that every cached page is keyed by.

Any save, delete or many-to-many change of a registry, projects or news record bumps the version, so every page
cached before the change is simply never looked up again (and expires by its TTL). Bulk writes that send no
signals (`QuerySet.update`, `bulk_create`) are covered by commands calling `bump_data_version()` themselves, and in
the worst case by the short TTL (`ANON_CACHE_SECONDS`).

With several worker processes the cache must be shared (`CACHE_URL=redis://...`): with the default per-process
local-memory cache, a change made through one worker reaches the others' cached pages only when those expire.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "anon-cache:data-version"
WATCHED_APPS = frozenset({"registry", "projects", "news"})


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # Start from the clock, not from 1: if the key is evicted, a restart at 1 could meet pages cached
        # under an old version with the same number.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    # A cache that keeps nothing (DummyCache) still needs a number; nothing is ever served under it.
    return int(version) if version is not None else 0


def bump_data_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key is missing (never set, or evicted)
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)


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
