"""Uptime over 24 h, 7 d and 30 d from the hourly rollups, per check and per site; soft states in words."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sitewarden.app.soft_states import Thresholds, default_thresholds, soft_state
from sitewarden.app.uptime import add_uptimes, check_uptimes, site_uptimes
from sitewarden.app.views import overview_page
from sitewarden.results import Result, Status, utcnow
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import Database
from sitewarden.store.overview import OverviewQuery
from sitewarden.store.rollups import add_to_rollups
from tests.events.fleet import config_from


def _results(status: Status, hours_ago: int, count: int) -> list[Result]:
    moment = utcnow() - timedelta(hours=hours_ago)
    return [Result(status, "", [], {}, moment, 10.0) for _ in range(count)]


def test_uptime_per_check_and_site_counts_each_span_from_the_rollups(database: Database) -> None:
    now = utcnow()
    sites = [SiteRow("shop", "http://127.0.0.1:9/", [], []), SiteRow("blog", "http://127.0.0.1:9/b", [], [])]
    rows = [
        CheckRow("shop/web", "shop", "web", "http", {"kind": "http"}, 60.0),
        CheckRow("shop/api", "shop", "api", "http", {"kind": "http"}, 60.0),
        CheckRow("blog/web", "blog", "web", "http", {"kind": "http"}, 60.0),
    ]
    with database.transaction() as connection:
        ids = sync_config(connection, sites, rows, now)
        web, api = ids["shop/web"], ids["shop/api"]
        batch = [(web, result) for result in _results(Status.ERROR, 24 * 10, 10)]  # 10 days ago: 30 d only
        batch += [(web, result) for result in _results(Status.ERROR, 24 * 3, 10)]  # 3 days ago: 7 d and 30 d
        batch += [(web, result) for result in _results(Status.OK, 2, 20)]  # this day
        batch += [(web, result) for result in _results(Status.ERROR, 24 * 40, 50)]  # before 30 d: not counted
        batch += [(api, result) for result in _results(Status.WARNING, 1, 20)]  # a warning is up
        add_to_rollups(connection, batch)
        checks = check_uptimes(connection, [web, api, ids["blog/web"]], now)
        site_ids = {row.name: row.id for row in overview_page(connection, OverviewQuery(sort="name")).sites}
        by_site = site_uptimes(connection, list(site_ids.values()), now)
        page = overview_page(connection, OverviewQuery(sort="name"))
    assert (checks[web].day, checks[web].week, checks[web].month) == (1.0, pytest.approx(20 / 30), 0.5)
    assert (checks[api].day, checks[api].week, checks[api].month) == (1.0, 1.0, 1.0)
    assert ids["blog/web"] not in checks  # never ran: no figure rather than 0 %
    shop = by_site[site_ids["shop"]]
    assert (shop.day, shop.week, shop.month) == (1.0, pytest.approx(40 / 50), pytest.approx(40 / 60))
    assert [label for label, _ in shop.figures()] == ["24 h", "7 d", "30 d"]
    blog, shop_row = page.sites
    assert (blog.uptime_24h, blog.uptime_7d, blog.uptime_30d) == (None, None, None)
    assert (shop_row.uptime_24h, shop_row.uptime_7d) == (1.0, pytest.approx(0.8))
    assert shop_row.uptime_30d == pytest.approx(40 / 60)


def test_add_uptimes_reads_the_rollups_of_the_whole_page_in_one_grouped_query(database: Database) -> None:
    from sqlalchemy import event

    now = utcnow()
    names = [f"site{index:02d}" for index in range(30)]
    with database.transaction() as connection:
        ids = sync_config(
            connection,
            [SiteRow(name, "http://127.0.0.1:9/", [], []) for name in names],
            [CheckRow(f"{name}/web", name, "web", "http", {"kind": "http"}, 60.0) for name in names],
            now,
        )
        ok = _results(Status.OK, 1, 2)
        add_to_rollups(connection, [(ids[f"{name}/web"], result) for name in names for result in ok])
        page = overview_page(connection, OverviewQuery(per_page=25))
        statements: list[str] = []
        event.listen(connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
        add_uptimes(connection, page.sites, now)
    reads = [statement for statement in statements if "rollups" in statement]
    assert len(reads) == 1 and "GROUP BY" in reads[0].upper()  # one grouped read for the page, not one per row
    assert [row.uptime_24h for row in page.sites] == [1.0] * 25


def test_a_soft_state_reads_as_status_does_with_the_thresholds_stored_by_the_sync(sqlite_url: str) -> None:
    from sitewarden.engine.planning import Planner
    from sitewarden.store.database import open_database
    from sitewarden.store.states import state_rows

    text = """
        defaults: {failure_threshold: 3}
        sites:
          - name: shop
            url: http://127.0.0.1:9/
            checks: [{kind: http, name: web}, {kind: http, name: api, failure_threshold: %d}]
        """
    database = open_database(sqlite_url)
    try:
        Planner(config_from(text % 5, sqlite_url), database).sync(set(), utcnow())
        with database.transaction() as connection:
            rows = {row["key"]: row for row in state_rows(connection)}
        stored = [(rows[key]["failure_threshold"], rows[key]["success_threshold"]) for key in ("shop/web", "shop/api")]
        assert stored == [(3, 1), (5, 1)]
        thresholds = default_thresholds(config_from(text % 5, sqlite_url))
        first_failure = {"hard_status": 0, "last_status": 2, "attempts": 1}
        assert soft_state(first_failure, thresholds.of(rows["shop/web"])) == ("error", "soft, 1 of 3")
        assert soft_state(first_failure, thresholds.of(rows["shop/api"])) == ("error", "soft, 1 of 5")
        Planner(config_from(text % 7, sqlite_url), database).sync(set(), utcnow())  # the digest covers thresholds
        with database.transaction() as connection:
            rows = {row["key"]: row for row in state_rows(connection)}
        assert rows["shop/api"]["failure_threshold"] == 7
    finally:
        database.close()
    # a row synced before the store kept thresholds reads the config's defaults
    old_row = {"failure_threshold": None, "success_threshold": None}
    assert Thresholds((4, 2)).of(old_row) == (4, 2) and Thresholds().of(old_row) == (3, 1)
    assert soft_state({"hard_status": 2, "last_status": 2, "attempts": 3}, Thresholds().default) == ("error", "")
    assert soft_state({"hard_status": None, "last_status": None, "attempts": 0}, (3, 1)) == ("pending", "")
