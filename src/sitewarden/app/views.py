"""Read views the pages and the API show: the overview, one site, a status page, and what other families store.

Each function runs inside the caller's transaction (`WebContext.read` passes the session), so a page reads one
consistent state of the store.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sitewarden.acceptance import AcceptedFinding, is_accepted, site_worst, utc_today
from sitewarden.app.database import Session
from sitewarden.app.fleet import evaluate
from sitewarden.app.soft_states import DEFAULT_THRESHOLDS, Thresholds, soft_state
from sitewarden.app.uptime import NO_DATA, add_uptimes, check_uptimes, site_uptimes
from sitewarden.catalog.verdicts import open_advisories
from sitewarden.config.kinds import certificate_kinds, domain_kinds
from sitewarden.fleet.query import parse_query
from sitewarden.results import Status, utcnow
from sitewarden.store.acceptances import acceptances
from sitewarden.store.assessments import assessment_rows
from sitewarden.store.check_states import failing_checks
from sitewarden.store.delivery_log import failed_attempts
from sitewarden.store.events import recent_events
from sitewarden.store.history import check_history, site_checks, site_row
from sitewarden.store.inventory import latest_snapshots
from sitewarden.store.maintenance import site_windows
from sitewarden.store.overview import OverviewPage, OverviewQuery, SiteSummary, overview, site_groups
from sitewarden.store.results import add_failure_classes, recent_results
from sitewarden.store.verdicts import page_verdicts
from sitewarden.store.workers import worker_stats
from sitewarden.web.settings import StatusPageSettings

BRANCH_FACTS = ("branch", "support", "branch_latest", "upgrade", "fix_upgrade", "caveat")
FACTS = ("cms", "cms_version", "php_version", "database_kind", "database_version", "web_server")
RECENT = 10
MOST_SITES = 2000


def overview_page(connection: Session, query: OverviewQuery) -> OverviewPage:
    """One page of the overview, each shown site with its CMS, verdicts and uptime."""
    now = utcnow()
    found = overview(connection, query, now, certificate_kinds=certificate_kinds(), domain_kinds=domain_kinds())
    overview_extras(connection, found.sites)
    add_uptimes(connection, found.sites, now)
    return found


def overview_matching(connection: Session, query: OverviewQuery) -> tuple[OverviewPage, dict[str, dict[str, Any]]]:
    """The overview filtered by its search text read as a fleet query, with each site's matched item.

    A search of bare words stays the plain name and URL search; QueryError when the text cannot be parsed.
    """
    parsed = parse_query(query.search) if query.search else None
    if parsed is None or not parsed.structured:
        return overview_page(connection, query), {}
    found = evaluate(connection, parsed)
    page = overview_page(connection, replace(query, search=None, names=frozenset(found.names)))
    return page, {match.site: match.as_dict() for match in found.matches}


def overview_with_groups(
    connection: Session, query: OverviewQuery
) -> tuple[OverviewPage, dict[str, dict[str, Any]], list[str]]:
    """The overview page (its search read as a fleet query), the matched items, and the groups its filter offers."""
    found, matches = overview_matching(connection, query)
    return found, matches, site_groups(connection)


def overview_extras(connection: Session, rows: list[SiteSummary]) -> None:
    """CMS, version, core verdict and worst verdict per shown overview row, and why a site is not ok."""
    found = page_verdicts(connection, [row.name for row in rows]) if rows else {}
    failing = failing_checks(connection, [row.name for row in rows if row.status != "ok"])
    for row in rows:
        row.extra.update(found.get(row.name, {}))
        row.extra["why"] = _worst_first(failing.get(row.name, []))


def _worst_first(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Failing checks, the worst current status first, each with its status label and summary."""
    for check in checks:
        current = check["last_status"] if check["last_status"] is not None else check["hard_status"]
        check["status"] = Status(current).label
        check["rank"] = Status(current).severity_rank
    return sorted(checks, key=lambda check: -check["rank"])


def site_extras(connection: Session, site: str) -> dict[str, Any]:
    """Inventory of one site with each item's verdict, and its open advisories; empty before any inventory."""
    inventory = site_inventory(connection, site)
    return {} if inventory is None else {"inventory": inventory, "advisories": inventory.pop("open_advisories")}


def site_inventory(connection: Session, site: str) -> dict[str, Any] | None:
    """Facts of the newest snapshot, every item (core, components, PHP, database) with its verdict, and advisories."""
    snapshots = sorted(latest_snapshots(connection, site), key=lambda stored: stored.last_seen_at)
    verdicts = assessment_rows(connection, site)
    if not snapshots and not verdicts:
        return None
    today = utc_today()
    accepted = {finding.id: finding for finding in acceptances(connection, site)}
    facts: dict[str, Any] = dict.fromkeys(FACTS)
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for stored in snapshots:
        snapshot = stored.snapshot
        facts.update({name: getattr(snapshot, name) for name in FACTS if getattr(snapshot, name) is not None})
        facts.update(collected_at=stored.collected_at, last_seen_at=stored.last_seen_at, source=snapshot.source)
        for component in snapshot.items():
            items[component.ident] = {
                "kind": component.kind,
                "key": component.key,
                "title": component.title,
                "version": component.version,
                "active": component.active,
            }
    for row in verdicts:
        item = items.setdefault(
            (row["item_kind"], row["item_key"]),
            {
                "kind": row["item_kind"],
                "key": row["item_key"],
                "title": None,
                "version": row["version"],
                "active": None,
            },
        )
        item.update(
            product=row["product"],
            verdict=row["verdict"],
            fixed_version=row["fixed_version"],
            latest=row["latest"],
            summary=row["summary"],
            advisories=[advisory.get("id") for advisory in row["advisories"] or []],
            **branch_facts(row),
            accepted=_accepted(accepted.get(row["accepted_id"]) if is_accepted(row, today) else None, today),
        )
    listed = sorted(items.values(), key=lambda item: (_kind_order(item["kind"]), item["key"]))
    return {
        "facts": facts,
        "items": listed,
        "verdict": site_worst(verdicts),
        "open_advisories": open_advisories(verdicts),
        "acceptances": [finding.as_dict(today) for finding in accepted.values()],
    }


def branch_facts(row: dict[str, Any]) -> dict[str, Any]:
    """Branch, its support state, newest release of the branch, upgrade hint and caveat of a stored verdict."""
    return {name: row.get(name) for name in BRANCH_FACTS}


def _accepted(finding: AcceptedFinding | None, today: date) -> dict[str, Any] | None:
    """Who accepted an item's finding, why and until when: shown beside the verdict."""
    return None if finding is None else finding.as_dict(today)


def _kind_order(kind: str) -> int:
    order = ("core", "php", "database", "extension", "plugin", "module", "theme")
    return order.index(kind) if kind in order else len(order)


def handler_failures(connection: Session) -> dict[str, int]:
    """Failed notification delivery attempts per handler kind."""
    return failed_attempts(connection)


def site_view(
    connection: Session, name: str, span: str, thresholds: Thresholds = DEFAULT_THRESHOLDS
) -> dict[str, Any] | None:
    """Everything the site page shows, read in one transaction; `thresholds` fill in for check rows synced
    before the store kept each check's own."""
    site = site_row(connection, name)
    if site is None or not site["active"]:
        return None
    now = utcnow()
    checks = add_failure_classes(connection, site_checks(connection, site["id"]))
    ids = [check["id"] for check in checks]
    history = check_history(connection, ids, span, now) if ids else {}
    uptimes = check_uptimes(connection, ids, now) if ids else {}
    for check in checks:
        check["history"] = history.get(check["id"], [])
        check["recent"] = recent_results(connection, check["id"], RECENT)
        check["uptime"] = uptimes.get(check["id"], NO_DATA)
        check["current"], check["soft"] = soft_state(check, thresholds.of(check))
    return {
        "site": site,
        "site_uptime": site_uptimes(connection, [site["id"]], now).get(site["id"], NO_DATA),
        "checks": checks,
        "events": recent_events(connection, limit=20, site=name),
        "windows": site_windows(connection, name, now),
        "extras": site_extras(connection, name),
        "now": now,
        "engine": engine_freshness(connection),
    }


STALE_AFTER = 30.0
"""Seconds without a worker report after which the pages say their data may be stale (as /health fails)."""


def engine_freshness(connection: Session) -> dict[str, Any]:
    """When an engine last reported, and whether that is too long ago for the pages to count as live."""
    seen = max((row["updated_at"] for row in worker_stats(connection)), default=None)
    stale = seen is None or (utcnow() - seen).total_seconds() > STALE_AFTER
    return {"seen": seen, "stale": stale, "read_at": utcnow()}


def status_view(connection: Session, page: StatusPageSettings) -> dict[str, Any]:
    """Only public fields: name, status, and what the page's settings switch on."""
    data = overview(
        connection,
        OverviewQuery(group=page.group, sort="name", per_page=MOST_SITES),
        utcnow(),
        certificate_kinds=certificate_kinds(),
    )
    if page.show_uptime:
        add_uptimes(connection, data.sites, utcnow())
    entries = []
    for row in data.sites:
        entry: dict[str, Any] = {"name": row.name, "status": row.status}
        if page.show_urls:
            entry["url"] = row.url
        if page.show_uptime:
            entry["uptime_24h"], entry["uptime_7d"], entry["uptime_30d"] = row.uptime_24h, row.uptime_7d, row.uptime_30d
        if page.show_checks:
            entry["checks"] = [
                {
                    "name": check["name"],
                    "status": check["hard_status"],
                    "summary": check["last_summary"] if page.show_summaries else None,
                }
                for check in site_checks(connection, row.id)
            ]
        entries.append(entry)
    return {"sites": entries, "counts": data.counts}
