"""Downloads of a revision's connectivity: rendered by streaming the first time one is asked for,
and kept gzip-compressed (an Export row) for every later request.

The first request streams write_connections' output as it is written (from a thread, since
write_connections pushes into a file object) and compresses it on the way; the compressed bytes
are what a gzip-accepting client receives and what is stored once the text is complete.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import zlib
from collections.abc import Iterator

from django.db import IntegrityError, transaction

from netviz.engine import Evaluator
from netviz.formats import write_connections
from netviz.web import edges
from netviz.web.models import Export, Revision

# Compression level of the cache: level 1 is several times faster than 6 on the 100 MB+ JSON of a
# big cluster and still shrinks its repetitive lines ~10×.
LEVEL = 1
CHUNK = 256 * 1024  # bytes of text handed on at a time
_DONE = object()


class _Cancelled(Exception):
    """The client went away: stop rendering."""


class _Writer:
    """A text file whose writes are gathered into chunks and put on a bounded queue."""

    def __init__(self, out: queue.Queue, stop: threading.Event) -> None:
        self.out, self.stop = out, stop
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> int:
        self.parts.append(text)
        self.size += len(text)
        if self.size >= CHUNK:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if self.parts:
            self._put("".join(self.parts).encode("utf-8"))
            self.parts, self.size = [], 0

    def _put(self, item: object) -> None:
        while True:
            if self.stop.is_set():
                raise _Cancelled
            try:
                self.out.put(item, timeout=0.5)
                return
            except queue.Full:
                continue


def _produce(ev: Evaluator, fmt: str, out: queue.Queue, stop: threading.Event) -> None:
    """Render in the thread; no database here (the request's transaction is not this thread's)."""
    writer = _Writer(out, stop)
    try:
        write_connections(ev.analysis(), ev.cluster.problems, fmt, writer)
        writer.flush()
        writer._put(_DONE)
    except _Cancelled:
        pass
    except BaseException as exc:  # handed to the response's iterator, which raises it
        with contextlib.suppress(_Cancelled):
            writer._put(exc)


def _text_chunks(revision: Revision, fmt: str) -> Iterator[bytes]:
    """The rendered text as UTF-8 chunks, while it is written."""
    ev = edges.evaluator(revision)
    out: queue.Queue = queue.Queue(maxsize=8)
    stop = threading.Event()
    thread = threading.Thread(target=_produce, args=(ev, fmt, out, stop), daemon=True)
    thread.start()
    try:
        while True:
            item = out.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


def _save(revision: Revision, fmt: str, blob: bytes, size: int) -> None:
    try:
        with transaction.atomic():
            Export.objects.create(revision=revision, format=fmt, gzip=blob, size=size)
    except IntegrityError:
        pass  # another request stored it first; both are the same bytes


def render(revision: Revision, fmt: str, compressed: bool) -> Iterator[bytes]:
    """The export as it is rendered: gzip bytes when `compressed`, else the text's UTF-8 bytes.
    Stored as gzip once complete (not when the client leaves half-way)."""
    gz = zlib.compressobj(LEVEL, zlib.DEFLATED, 31)  # wbits 31: a gzip member
    kept: list[bytes] = []
    size = 0
    for chunk in _text_chunks(revision, fmt):
        size += len(chunk)
        packed = gz.compress(chunk)
        if packed:
            kept.append(packed)
        yield packed if compressed else chunk
    tail = gz.flush()
    kept.append(tail)
    if compressed:
        yield tail
    _save(revision, fmt, b"".join(kept), size)


def stored(revision: Revision, fmt: str) -> Export | None:
    return Export.objects.filter(revision=revision, format=fmt).first()


def decompressed(blob: bytes) -> Iterator[bytes]:
    """A stored export's text bytes, a chunk at a time."""
    inflate = zlib.decompressobj(31)
    for at in range(0, len(blob), CHUNK):
        out = inflate.decompress(blob[at : at + CHUNK])
        if out:
            yield out
    tail = inflate.flush()
    if tail:
        yield tail
