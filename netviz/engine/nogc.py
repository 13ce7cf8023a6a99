"""A pause of the cyclic garbage collector around bulk work that builds many acyclic objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Millions of small objects and no cycles among them: the cyclic GC would only rescan them
    (the reader pauses it the same way). Nested pauses leave it off until the outermost ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
