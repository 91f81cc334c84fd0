"""The one registry builder every plug-in family uses."""

from __future__ import annotations

import pytest

from sitewarden.registry import build_registry


class _First:
    kind = "same"


class _Second:
    kind = "same"


class _Source:
    source = "feed"


def test_classes_are_keyed_by_their_attribute() -> None:
    assert build_registry((_First,), "probe") == {"same": _First}
    assert build_registry((_Source,), "catalogue importer", key="source") == {"feed": _Source}


def test_a_duplicate_key_is_refused_naming_the_family_and_both_classes() -> None:
    with pytest.raises(RuntimeError, match=r"probe kind 'same' registered twice .*_First.*_Second"):
        build_registry((_First, _Second), "probe")
