"""What every page parser returns or raises: the page kinds, errors and warnings with their line numbers.

Messages are English msgids with named parameters, marked with `gettext_noop` (a local no-op, so the parser needs
no Django); the Django side translates them into the staff member's language with `translate()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalogue (xgettext finds the name); translated where it is shown."""
    return message


class PageKind(StrEnum):
    PROJECT = "project"
    NEWS = "news"
    OVERVIEW = "overview"


class ParseError(ValueError):
    """The page cannot be imported as it stands; `line` is where the problem is (1-based)."""

    def __init__(self, msgid: str, line: int, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        self.line = line
        self.message = msgid % params if params else msgid
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ParseWarning:
    line: int
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.msgid % self.params if self.params else self.msgid

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class UnknownLabel:
    """A labelled value on a project page whose label the parser does not know: kept and reported, never dropped."""

    line: int
    label: str
    value: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.label}: {self.value}"
