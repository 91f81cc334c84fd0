"""Start-up without cyclic collections: the collector is back on after the block, and a nested block keeps it off;
fleet-sized lists and dicts released a slice at a time lose every item."""

from __future__ import annotations

import gc
import weakref

import pytest

from sitewarden.memory import RELEASE_SLICE, collections_paused, release, settle_heap


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


class Item:
    pass


def test_release_empties_a_list_and_frees_its_items() -> None:
    items = [Item() for _ in range(2 * RELEASE_SLICE + 7)]
    watched = weakref.ref(items[RELEASE_SLICE])
    release(items)
    assert items == []
    assert watched() is None


def test_release_empties_a_dict_and_frees_its_values() -> None:
    items = {f"k{number}": Item() for number in range(RELEASE_SLICE + 3)}
    watched = weakref.ref(items["k5"])
    release(items)
    assert items == {}
    assert watched() is None
