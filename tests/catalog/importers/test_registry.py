"""The importer registry matches the folder: one registered class per module, source = module name."""

from __future__ import annotations

from pathlib import Path

import sitewarden.catalog.importers as package
from sitewarden.catalog.importers import GROUPS, IMPORTERS


def test_every_importer_module_is_registered_under_its_module_name() -> None:
    folder = Path(package.__file__).parent
    modules = {path.stem for path in folder.glob("*.py") if path.stem not in ("__init__", "base")}
    assert modules == set(IMPORTERS)
    for source, cls in IMPORTERS.items():
        assert cls.source == source
        assert cls.__module__ == f"sitewarden.catalog.importers.{source}"
        assert cls.group in GROUPS
        assert cls.default_url.startswith("https://")


def test_every_source_has_a_recorded_sample() -> None:
    samples = Path(__file__).parent.parent.parent / "data" / "catalog"
    readme = (samples / "README.md").read_text()
    names = {
        "typo3": "typo3-",
        "ter": "ter-",
        "wordpress": "wordpress-stable",
        "wordpress_plugins": "wordpress-plugin",
        "drupal": "drupal-",
        "eol": "eol-",
        "osv": "osv/",
        "extension_keys": "extension-keys",
        "packagist": "packagist-",
        "wordfence": "wordfence",
        "rdap": "rdap-dns",
    }
    assert set(names) == set(IMPORTERS)
    for prefix in names.values():
        assert prefix in readme
