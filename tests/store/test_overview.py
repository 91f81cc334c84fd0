"""The overview and site-page read models: worst status per site, filters, paging, sparkline and history."""

from __future__ import annotations

import pytest

from sitewarden.config.kinds import certificate_kinds
from sitewarden.results import utcnow
from sitewarden.store.database import Database
from sitewarden.store.history import check_history, result_rows
from sitewarden.store.maintenance import add_window, in_maintenance, site_windows
from sitewarden.store.overview import OverviewQuery, overview, site_groups
from tests.fixtures.web import seed_fleet

CERTIFICATE_KINDS = certificate_kinds()


def names(database: Database, **query: object) -> list[str]:
    with database.transaction() as connection:
        page = overview(connection, OverviewQuery(**query), utcnow(), certificate_kinds=CERTIFICATE_KINDS)  # type: ignore[arg-type]
    return [row.name for row in page.sites]


def test_sites_come_worst_first_with_counts_per_status(database: Database) -> None:
    seed_fleet(database, ["a-shop", "down-1", "z-blog", "down_2"], {"a-shop": ["gold", "50%"]}, {"a-shop": 30.0})
    with database.transaction() as connection:
        page = overview(connection, OverviewQuery(), utcnow(), certificate_kinds=CERTIFICATE_KINDS)
        groups = site_groups(connection)
    assert [row.name for row in page.sites] == ["down-1", "down_2", "a-shop", "z-blog"]
    assert page.counts == {"error": 2, "warning": 0, "unknown": 0, "ok": 2, "pending": 0}
    shop = page.sites[2]
    assert shop.uptime_24h is None and shop.certificate_days == 30.0  # uptime: tests/app/test_uptime.py
    assert page.sites[0].certificate_days is None  # an http check's metrics say nothing about certificates
    assert len(shop.sparkline) == 24 and shop.sparkline[-2:] == [pytest.approx(41.0), None]
    assert groups == ["50%", "gold"]


def test_filters_search_and_pages_are_applied_in_sql(database: Database) -> None:
    seed_fleet(database, ["a-shop", "down-1", "z-blog", "down_2"], {"a-shop": ["gold", "50%"]})
    assert names(database, status="ok") == ["a-shop", "z-blog"]
    assert names(database, group="50%") == ["a-shop"] and names(database, group="5") == []
    assert names(database, search="DOWN_") == ["down_2"]
    assert names(database, sort="name", per_page=2, page=2) == ["down_2", "z-blog"]
    with database.transaction() as connection:
        page = overview(
            connection, OverviewQuery(status="error", per_page=1), utcnow(), certificate_kinds=CERTIFICATE_KINDS
        )
    assert page.total == 2 and page.pages == 2


def test_history_buckets_count_statuses_per_range(database: Database) -> None:
    ids = seed_fleet(database, ["down-1"])
    check_id = ids["down-1/web"]
    now = utcnow()
    with database.transaction() as connection:
        day = check_history(connection, [check_id], "24h", now)[check_id]
        month = check_history(connection, [check_id], "30d", now)[check_id]
        newest = result_rows(connection, check_id, limit=5)
        older = result_rows(connection, check_id, before_id=newest[-1].id, limit=100)
    assert len(day) == 24 and sum(bucket.error for bucket in day) >= 23
    assert len(month) == 30 and sum(bucket.count for bucket in month) == 24
    assert {bucket.status for bucket in month} <= {"error", "none"}
    assert len(newest) == 5 and len(older) == 19


def test_maintenance_windows_cover_their_time_only(database: Database) -> None:
    from datetime import timedelta

    now = utcnow()
    with database.transaction() as connection:
        add_window(connection, "shop", now - timedelta(minutes=5), now + timedelta(hours=1), "upgrade", "alice", now)
        with pytest.raises(ValueError, match="must end after it starts"):
            add_window(connection, "shop", now, now, "", None, now)
        assert in_maintenance(connection, "shop", now)
        assert not in_maintenance(connection, "shop", now + timedelta(hours=2))
        assert not in_maintenance(connection, "blog", now)
        assert [window.reason for window in site_windows(connection, "shop", now)] == ["upgrade"]
