"""Snapshot differences: one change per changed item, none for an equal snapshot."""

from __future__ import annotations

from sitewarden.inventory.diff import diff_snapshots
from sitewarden.inventory.model import Component, InventorySnapshot


def snapshot(core: str = "12.4.10", php: str = "8.2.15", **extensions: tuple[str, bool]) -> InventorySnapshot:
    return InventorySnapshot(
        cms="typo3",
        cms_version=core,
        cms_version_precision="exact",
        php_version=php,
        database_kind="mariadb",
        database_version="10.11.6",
        components=[
            Component(kind="extension", key=key, version=version, active=active)
            for key, (version, active) in extensions.items()
        ],
    )


def test_equal_snapshots_have_no_changes() -> None:
    assert diff_snapshots(snapshot(news=("11.3.0", True)), snapshot(news=("11.3.0", True))) == []


def test_each_changed_item_is_one_change() -> None:
    old = snapshot("12.4.10", "8.2.15", news=("11.3.0", True), gallery=("1.0.2", False), seo=("9.0.0", True))
    new = snapshot("12.4.11", "8.3.2", news=("11.4.0", True), seo=("9.0.0", False), powermail=("12.1.4", True))
    described = [change.describe() for change in diff_snapshots(old, new)]
    assert described == [
        "TYPO3 core TYPO3 12.4.10 → TYPO3 12.4.11",
        "PHP 8.2.15 → 8.3.2",
        "extension gallery removed (was 1.0.2)",
        "extension news 11.3.0 → 11.4.0",
        "extension powermail added (12.1.4)",
        "extension seo deactivated",
    ]


def test_a_version_that_is_no_longer_known_is_a_change() -> None:
    old = InventorySnapshot(cms="drupal", cms_version="10", cms_version_precision="major")
    new = InventorySnapshot(cms="drupal")
    (change,) = diff_snapshots(old, new)
    assert (change.item, change.old, change.new) == ("core", "Drupal 10", "Drupal")
