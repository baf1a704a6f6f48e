"""Where the tests find the standards' own files (IATI schema, HSDS schemas), kept outside the repository in a
`shared/` folder beside it, or beside the folder that holds several checkouts of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings


def shared_path(*parts: str) -> Path | None:
    base = Path(settings.BASE_DIR).resolve()
    for parent in (base.parent, base.parent.parent):
        candidate = parent.joinpath("shared", *parts)
        if candidate.exists():
            return candidate
    return None


def require_shared(*parts: str) -> Path:
    """The path, or skip the test, naming what is missing."""
    path = shared_path(*parts)
    if path is None:
        pytest.skip(f"{'/'.join(parts)} is not in a shared/ folder beside the repository (it is kept outside it).")
    return path
