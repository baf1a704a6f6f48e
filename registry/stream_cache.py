"""Keeping a streamed response for the cache while it streams: the one capture the page cache and the export
cache share.

The body is passed on to the client unchanged while a gzip copy is gathered; the copy is stored only once the
stream is complete (a client that hangs up early leaves nothing behind) and only if the body stayed under
MAX_CAPTURED_BYTES, so a worker never holds more than the compressed copy of that much. The copy is in the gzip
format itself, so it can be sent as it is to a client that accepts gzip.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator

from django.http import HttpRequest

# Exports of the whole dataset are tens of megabytes of CSV; compressed they take a tenth of that.
MAX_CAPTURED_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 65_536
# wbits for zlib that mean the gzip container (RFC 1952) rather than zlib's own.
GZIP_WBITS = 31


def capture(pieces: Iterator[bytes], store: Callable[[bytes], None], *, encoded: bool = False) -> Iterator[bytes]:
    """Yield `pieces` as they come; at the end, hand `store` the whole body gzip-compressed, if it is complete and
    small enough. `encoded`: the pieces are gzip already (compressed on their way out), kept as they are."""
    # Compressed once per data version and sent many times: the default level's smaller file pays.
    compressor = None if encoded else zlib.compressobj(6, zlib.DEFLATED, GZIP_WBITS)
    kept: list[bytes] | None = []
    size = 0
    for piece in pieces:
        yield piece
        size += len(piece)
        if kept is not None:
            if size <= MAX_CAPTURED_BYTES:
                kept.append(compressor.compress(piece) if compressor else piece)
            else:
                kept = None  # too large to keep: stop holding the copy
    if kept is not None:
        if compressor:
            kept.append(compressor.flush())
        store(b"".join(kept))


def inflate(compressed: bytes) -> Iterator[bytes]:
    """A captured body, decompressed as it is sent: a worker never holds the whole document at once."""
    inflater = zlib.decompressobj(GZIP_WBITS)
    for start in range(0, len(compressed), CHUNK_BYTES):
        if piece := inflater.decompress(compressed[start : start + CHUNK_BYTES]):
            yield piece
    if rest := inflater.flush():
        yield rest


# "gzip" in Accept-Encoding, unless refused with q=0.
_ACCEPTS_GZIP = re.compile(r"\bgzip\b(?!\s*;\s*q=0(?:\.0*)?\s*(?:,|$))")


def accepts_gzip(request: HttpRequest) -> bool:
    """Whether the client takes a gzip-encoded body (RFC 9110 12.5.3)."""
    return bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
