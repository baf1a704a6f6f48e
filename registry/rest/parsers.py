"""Request bodies the API accepts: JSON whose every string (and every key) is text a database can hold at all.
A NUL byte or an unpaired surrogate reaches PostgreSQL as an error even inside a related key that is only looked
up, so they are refused when the body is read. Other control characters are refused field by field, naming the
field, by the model-level validator every text field carries (registry.validators), as in the admin and imports."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

# NUL, unpaired surrogates and the two non-characters XML forbids: what no lookup or column can take.
UNSTORABLE = re.compile("[\x00\ud800-\udfff\ufffe\uffff]")


def unstorable_at(value: Any, path: str = "") -> str | None:
    """The path (`items[0].description`) of the first string in `value` holding an unstorable character."""
    if isinstance(value, str):
        return (path or "(body)") if UNSTORABLE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and UNSTORABLE.search(key):
                return where
            found = unstorable_at(item, where)
            if found:
                return found
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = unstorable_at(item, f"{path}[{index}]")
            if found:
                return found
    return None


def refuse_unstorable(data: Any) -> Any:
    where = unstorable_at(data)
    if where is not None:
        raise ParseError(
            _("%(path)s: control characters (such as NUL) and unpaired surrogates cannot be stored; remove them.")
            % {"path": where}
        )
    return data


class StrictJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        return refuse_unstorable(super().parse(stream, media_type, parser_context))


class StrictFormParser(FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        refuse_unstorable(dict(data.lists()))
        return data


class StrictMultiPartParser(MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        refuse_unstorable(dict(parsed.data.lists()))
        return parsed
