"""Domain registration expiry beside certificate expiry: the overview, /metrics, the admin report, the SLA data."""

from __future__ import annotations

from datetime import UTC, datetime

from sitewarden.app.reports import admin_report
from sitewarden.app.sla_formats import report_json
from sitewarden.app.sla_reports import build
from sitewarden.app.views import overview_page
from sitewarden.config.loader import parse_config
from sitewarden.results import Metric, Result, Status
from sitewarden.states import CheckState
from sitewarden.store.checks import CheckRow, SiteRow, sync_config
from sitewarden.store.database import Database
from sitewarden.store.overview import OverviewQuery
from sitewarden.store.results import insert_results
from sitewarden.store.states import save_states
from sitewarden.web.routes.system import metric_families

RUN = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
CONFIG = """
sites:
  - name: shop
    url: https://www.shop.example.com/
    checks:
      - {kind: domain, name: domain}
"""


def _stored_domain_check(database: Database) -> None:
    with database.transaction() as connection:
        ids = sync_config(
            connection,
            [SiteRow("shop", "https://www.shop.example.com/", ["acme"], [])],
            [CheckRow("shop.domain", "shop", "domain", "domain", {}, 43200.0)],
            RUN,
        )
        metric = Metric("days_left", 10.0, "d", warn=30, crit=7)
        result = Result(Status.WARNING, "example.com expires in 10 days (2026-12-09)", [metric], started_at=RUN)
        insert_results(connection, [(ids["shop.domain"], result)])
        state = CheckState(Status.WARNING, RUN, Status.WARNING, last_status=Status.WARNING, last_result_at=RUN)
        state.last_summary = result.summary
        save_states(connection, {ids["shop.domain"]: state}, RUN)


def test_domain_days_reach_overview_metrics_reports_and_sla(sqlite_database: Database) -> None:
    _stored_domain_check(sqlite_database)
    with sqlite_database.transaction() as connection:
        page = overview_page(connection, OverviewQuery())
        families = {family.name: family for family in metric_families(connection)}
        sla = report_json(build(connection, {}, (datetime(2026, 11, 1, tzinfo=UTC), RUN), group=None, site=None))
    [site] = page.sites
    assert (site.domain_days, site.certificate_days) == (10.0, None)
    [sample] = families["sitewarden_domain_days_left"].samples
    assert (sample.labels, sample.value) == ({"site": "shop", "check": "domain"}, 10.0)
    assert sla["sites"][0]["expiries"][0] | {"kind": "domain", "days_left": 10.0} == sla["sites"][0]["expiries"][0]
    assert sla["sites"][0]["checks"] == []  # an expiry check is not downtime
    message = admin_report(parse_config(CONFIG, "sitewarden.yaml"), sqlite_database, send=False)
    assert "domain registration (domain) expires in 10 days" in message.text
