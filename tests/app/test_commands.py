"""Engine commands by check id, as the dashboard and the API queue them."""

from __future__ import annotations

import pytest

from sitewarden.app.commands import command_check
from sitewarden.errors import NotFound
from sitewarden.results import utcnow
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import Database


def test_a_command_is_queued_for_the_check_and_names_its_site(database: Database) -> None:
    with database.transaction() as connection:
        ids = sync_config(
            connection,
            [SiteRow("shop", "https://shop.example.org/", [], [])],
            [CheckRow("shop/web", "shop", "web", "http", {}, 60.0), CheckRow("dns", None, "dns", "dns", {}, 60.0)],
            utcnow(),
        )
        first, site = command_check(connection, ids["shop/web"], "pause", "ada")
        second, alone = command_check(connection, ids["dns"], "run_now", "ada")
    assert site == "shop" and alone is None and second > first


def test_an_unknown_check_is_not_found(database: Database) -> None:
    with database.transaction() as connection, pytest.raises(NotFound, match="no check with id 999"):
        command_check(connection, 999, "pause", "ada")
