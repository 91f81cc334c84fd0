"""Start-up without cyclic collections: the collector is back on after the block, and a nested block keeps it off."""

from __future__ import annotations

import gc

import pytest

from sitewarden.memory import collections_paused, settle_heap


def test_the_collector_is_off_inside_and_back_on_after_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collections_paused():
        assert not gc.isenabled()
        raise RuntimeError("config broken")
    assert gc.isenabled()


def test_a_nested_block_leaves_the_collector_off_until_the_start_up_settles() -> None:
    try:
        with collections_paused():
            with collections_paused():
                pass
            assert not gc.isenabled()  # still starting up
            settle_heap(collect=False)
            assert gc.isenabled()  # the engine's start switched it back on
        assert gc.isenabled()
    finally:
        gc.unfreeze()
