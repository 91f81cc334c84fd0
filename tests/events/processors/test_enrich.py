"""Enrich: each event of a known site gets its url, groups and contacts; the stored event is left as it was."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sitewarden.events.processors.base import ProcessorContext, SiteDetails
from sitewarden.events.processors.enrich import EnrichParams, EnrichProcessor
from tests.events.processors.items import item

SHOP = SiteDetails("shop", "https://shop.example.org/", ("customers",), ("ops@example.org",))


def test_params_take_only_the_kind() -> None:
    assert EnrichParams.model_validate({"kind": "enrich"}).kind == "enrich"
    with pytest.raises(ValidationError):
        EnrichParams.model_validate({"kind": "enrich", "fields": ["url"]})


def test_events_of_a_known_site_get_its_details() -> None:
    original = item("shop", payload={"status": "error"})
    [enriched] = EnrichProcessor().process(EnrichParams(), [original], ProcessorContext({"shop": SHOP}))
    assert enriched.event.payload == {
        "status": "error",
        "site_details": {"url": "https://shop.example.org/", "groups": ["customers"], "contacts": ["ops@example.org"]},
    }
    assert original.event.payload == {"status": "error"}
    assert enriched.event.message == original.event.message and enriched.notice == original.notice


def test_events_without_a_known_site_pass_unchanged() -> None:
    items = [item("gone"), item(None)]
    out = EnrichProcessor().process(EnrichParams(), items, ProcessorContext({"shop": SHOP}))
    assert [entry.event.payload for entry in out] == [{}, {}]
    assert [entry.event.site for entry in out] == ["gone", None]
