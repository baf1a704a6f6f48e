"""Keeping a streamed response for the cache while it streams: the one capture the page cache and the export
cache share.

The body is passed on to the client unchanged while a compressed copy is gathered; the copy is stored only once the
stream is complete (a client that hangs up early leaves nothing behind) and only if the body stayed under
MAX_CAPTURED_BYTES, so a worker never holds more than the compressed copy of that much.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

# Exports of the whole dataset are tens of megabytes of CSV; compressed at level 1 they take a tenth of that.
MAX_CAPTURED_BYTES = 64 * 1024 * 1024
CHUNK_BYTES = 65_536


def capture(pieces: Iterator[bytes], store: Callable[[bytes], None]) -> Iterator[bytes]:
    """Yield `pieces` as they come; at the end, hand `store` the whole body compressed (zlib), if it is complete
    and small enough."""
    compressor = zlib.compressobj(1)
    compressed: list[bytes] | None = []
    size = 0
    for piece in pieces:
        yield piece
        size += len(piece)
        if compressed is not None:
            if size <= MAX_CAPTURED_BYTES:
                compressed.append(compressor.compress(piece))
            else:
                compressed = None  # too large to keep: stop holding the copy
    if compressed is not None:
        compressed.append(compressor.flush())
        store(b"".join(compressed))


def inflate(compressed: bytes) -> Iterator[bytes]:
    """A captured body, decompressed as it is sent: a worker never holds the whole document at once."""
    inflater = zlib.decompressobj()
    for start in range(0, len(compressed), CHUNK_BYTES):
        if piece := inflater.decompress(compressed[start : start + CHUNK_BYTES]):
            yield piece
    if rest := inflater.flush():
        yield rest
