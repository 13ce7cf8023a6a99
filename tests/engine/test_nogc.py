"""The GC pause around bulk work: off inside, back as it was afterwards, even on errors."""

from __future__ import annotations

import gc

import pytest

from netviz.engine.nogc import gc_paused


@pytest.fixture
def gc_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_it_turns_the_collector_off_inside_and_back_on_after(gc_on):
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause still holds
    assert gc.isenabled()


def test_it_turns_the_collector_back_on_after_an_error(gc_on):
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_it_leaves_a_disabled_collector_disabled(gc_on):
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()
