"""/metrics in the Prometheus text format and /health in the CMS Health Check format, both from the store."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sitewarden import __version__
from sitewarden.acceptance import ACCEPTED_AS
from sitewarden.app.database import Session
from sitewarden.app.views import handler_failures
from sitewarden.config.kinds import certificate_kinds, domain_kinds
from sitewarden.results import utcnow
from sitewarden.store.check_states import check_names, check_state_rows, count_by_kind_and_status
from sitewarden.store.overview import latest_certificates
from sitewarden.store.results import last_failure_classes
from sitewarden.store.verdicts import branch_tally, verdict_tally
from sitewarden.store.workers import round_trip_ms, worker_stats
from sitewarden.verdict import SUPPORT_STATES, UPGRADES, VERDICTS, Upgrade, worst_verdict
from sitewarden.web.context import web

STALE_WORKER = 30.0
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


STATUS_LABELS = {0: "ok", 1: "warning", 2: "error", 3: "unknown"}


def metric_families(connection: Session, per_check: bool = False) -> list[Metric]:
    """Every figure /metrics shows, read in one transaction: per-check series only when asked for.

    By default the checks are counted by kind and status (a GROUP BY, milliseconds at 100,000 checks); the
    per-check series (`/metrics?checks=all`) cost a row and three samples per check.
    """
    families = _per_check_families(connection) if per_check else _aggregated_families(connection)
    return [*families, *verdict_families(connection), *_engine_families(connection)]


def _aggregated_families(connection: Session) -> list[Metric]:
    counted = GaugeMetricFamily(
        "sitewarden_checks", "Active checks by kind and confirmed status.", labels=["kind", "status"]
    )
    paused = GaugeMetricFamily("sitewarden_checks_paused", "Active checks that are paused.")
    paused_total = 0
    for kind, hard_status, number, paused_number in count_by_kind_and_status(connection):
        label = STATUS_LABELS.get(hard_status, "pending") if hard_status is not None else "pending"
        counted.add_metric([kind, label], number)
        paused_total += paused_number
    paused.add_metric([], paused_total)
    return [counted, paused, *_expiry_families(connection, None)]


def _per_check_families(connection: Session) -> list[Metric]:
    status = GaugeMetricFamily(
        "sitewarden_check_status",
        "Confirmed status: 0 ok, 1 warning, 2 error, 3 unknown.",
        labels=["site", "check", "kind"],
    )
    failure = GaugeMetricFamily(
        "sitewarden_check_failure",
        "1 for a check whose last result was not ok, labelled with its failure class.",
        labels=["site", "check", "kind", "class"],
    )
    duration = GaugeMetricFamily(
        "sitewarden_check_last_duration_seconds", "Duration of the last run.", labels=["site", "check", "kind"]
    )
    paused = GaugeMetricFamily("sitewarden_check_paused", "1 while a check is paused.", labels=["site", "check"])
    rows = check_state_rows(connection)
    classes = last_failure_classes(connection, [row["id"] for row in rows])
    for row in rows:
        site, name, kind = row["site"] or "", row["name"], row["kind"]
        if row["hard_status"] is not None:
            status.add_metric([site, name, kind], row["hard_status"])
        if row["id"] in classes:
            failure.add_metric([site, name, kind, classes[row["id"]]], 1)
        if row["last_duration_ms"] is not None:
            duration.add_metric([site, name, kind], row["last_duration_ms"] / 1000)
        paused.add_metric([site, name], 1 if row["paused"] else 0)
    names = {row["id"]: (row["site"] or "", row["name"]) for row in rows}
    return [
        status,
        failure,
        duration,
        paused,
        *_expiry_families(connection, names),
    ]


def _expiry_families(connection: Session, names: dict[int, tuple[str, str]] | None) -> list[Metric]:
    """Days left per certificate and per domain registration (such checks are few enough to list one by one)."""
    wanted = (
        ("sitewarden_certificate_days_left", "Days until the certificate expires.", certificate_kinds()),
        ("sitewarden_domain_days_left", "Days until the domain registration expires.", domain_kinds()),
    )
    families: list[Metric] = []
    for metric, description, kinds in wanted:
        family = GaugeMetricFamily(metric, description, labels=["site", "check"])
        found = latest_certificates(connection, kinds)
        known = names if names is not None else check_names(connection, [check_id for check_id, _, _ in found])
        for check_id, _, days in found:
            if check_id in known:
                family.add_metric(list(known[check_id]), days)
        families.append(family)
    return families


def verdict_families(connection: Session) -> list[Metric]:
    """Sites by worst verdict, items by verdict and accepted findings, on the one verdict scale."""
    per_site = GaugeMetricFamily(
        "sitewarden_site_verdict", "1 for the worst verdict of a site's items (accepted findings excluded).",
        labels=["site", "verdict"],
    )  # fmt: skip
    sites_by = GaugeMetricFamily("sitewarden_sites_by_verdict", "Sites by their worst verdict.", labels=["verdict"])
    items_by = GaugeMetricFamily(
        "sitewarden_items_by_verdict", "Judged items by verdict, accepted findings excluded.", labels=["verdict"]
    )
    accepted = GaugeMetricFamily(
        "sitewarden_accepted_findings", "Items whose finding an admin accepted, by verdict.", labels=["verdict"]
    )
    items = dict.fromkeys(VERDICTS, 0)
    taken = dict.fromkeys(VERDICTS, 0)
    by_site: dict[str, list[str]] = {}
    for site, verdict, is_accepted, number in verdict_tally(connection):
        (taken if is_accepted else items)[verdict] = (taken if is_accepted else items).get(verdict, 0) + number
        by_site.setdefault(site, []).append(ACCEPTED_AS if is_accepted else verdict)
    worst_of = {site: worst_verdict(verdicts) or "unknown" for site, verdicts in sorted(by_site.items())}
    for site, verdict in worst_of.items():
        per_site.add_metric([site, verdict], 1)
    for verdict in VERDICTS:
        sites_by.add_metric([verdict], sum(1 for found in worst_of.values() if found == verdict))
        items_by.add_metric([verdict], items.get(verdict, 0))
        accepted.add_metric([verdict], taken.get(verdict, 0))
    return [per_site, sites_by, items_by, accepted, *branch_families(connection)]


def branch_families(connection: Session) -> list[Metric]:
    """Judged items by their branch's support state, and by the upgrade hint (a newer minor or major branch)."""
    support = GaugeMetricFamily(
        "sitewarden_items_by_support", "Judged items by the support state of their branch.", labels=["support"]
    )
    upgrade = GaugeMetricFamily(
        "sitewarden_items_by_upgrade", "Judged items by the newest branch above theirs: none, minor, major.",
        labels=["upgrade"],
    )  # fmt: skip
    by_support = dict.fromkeys([*SUPPORT_STATES, "unknown"], 0)
    by_upgrade = dict.fromkeys(UPGRADES, 0)
    for state, hint, number in branch_tally(connection):
        by_support[state or "unknown"] = by_support.get(state or "unknown", 0) + number
        by_upgrade[hint or Upgrade.NONE.value] = by_upgrade.get(hint or Upgrade.NONE.value, 0) + number
    for name, number in by_support.items():
        support.add_metric([name], number)
    for name, number in by_upgrade.items():
        upgrade.add_metric([name], number)
    return [support, upgrade]


def _engine_families(connection: Session) -> list[Metric]:
    now = utcnow()
    lag = GaugeMetricFamily("sitewarden_engine_lag_seconds", "How late the last check started.", labels=["worker"])
    seen = GaugeMetricFamily(
        "sitewarden_engine_report_age_seconds", "Time since the engine last reported.", labels=["worker"]
    )
    queue = GaugeMetricFamily("sitewarden_engine_queue_size", "Items waiting per queue.", labels=["worker", "queue"])
    running = GaugeMetricFamily("sitewarden_engine_running_checks", "Checks running now.", labels=["worker", "pool"])
    runs = CounterMetricFamily("sitewarden_engine_runs", "Check runs since the engine started.", labels=["worker"])
    failed = CounterMetricFamily(
        "sitewarden_engine_failed_batches", "Result batches the store refused.", labels=["worker"]
    )
    lag_histogram = HistogramMetricFamily(
        "sitewarden_engine_start_lag_seconds",
        "Check start minus due time, the wait for a pool slot included.",
        labels=["worker"],
    )
    offered = GaugeMetricFamily(
        "sitewarden_engine_offered_checks_per_second", "Runs per second the schedule asks for.", labels=["worker"]
    )
    started = GaugeMetricFamily(
        "sitewarden_engine_started_checks_per_second", "Runs started per second, last minute.", labels=["worker"]
    )
    overloaded = GaugeMetricFamily(
        "sitewarden_engine_overloaded", "1 while checks start over a second late.", labels=["worker"]
    )
    for stats in worker_stats(connection):
        worker = str(stats["name"])
        histogram = stats.get("lag_histogram")
        if isinstance(histogram, dict) and histogram.get("le"):
            bounds = [*(str(float(bound)) for bound in histogram["le"]), "+Inf"]
            lag_histogram.add_metric(
                [worker],
                list(zip(bounds, (float(n) for n in histogram["buckets"]), strict=False)),
                float(histogram["sum"]),
            )
        offered.add_metric([worker], float(stats.get("offered_per_second", 0.0)))
        started.add_metric([worker], float(stats.get("started_per_second", 0.0)))
        overloaded.add_metric([worker], 1.0 if stats.get("overloaded") else 0.0)
        seen.add_metric([worker], (now - stats["updated_at"]).total_seconds())
        lag.add_metric([worker], float(stats.get("lag_seconds", 0.0)))
        queue.add_metric([worker, "write"], float(stats.get("write_queue", 0)))
        runs.add_metric([worker], float(stats.get("runs", 0)))
        failed.add_metric([worker], float(stats.get("failed_batches", 0)))
        for pool, number in dict(stats.get("pools") or {}).items():
            running.add_metric([worker, str(pool)], float(number))
    handlers = CounterMetricFamily("sitewarden_handler_failures", "Failed notification deliveries.", labels=["handler"])
    for handler, number in handler_failures(connection).items():
        handlers.add_metric([handler], float(number))
    return [lag, lag_histogram, offered, started, overloaded, seen, queue, running, runs, failed, handlers]


class _Snapshot(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        yield from self.families


async def metrics(request: Request) -> Response:
    per_check = request.query_params.get("checks") == "all"
    families = await web(request).read(lambda connection: metric_families(connection, per_check))
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(families))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE)


def health_document(connection: Session, pending: list[str]) -> dict[str, Any]:
    """sitewarden's own health: the store answers and is migrated, and an engine reported recently."""
    now = utcnow()
    stamp = now.isoformat()
    latency = round_trip_ms(connection)
    checks_doc: dict[str, list[dict[str, Any]]] = {
        "sitewarden:database": [
            {
                "componentId": "database",
                "componentType": "datastore",
                "status": "pass",
                "time": stamp,
                "observedValue": round(latency, 2),
                "observedUnit": "ms",
            }
        ],
        "sitewarden:migrations": [
            {
                "componentId": "database",
                "componentType": "datastore",
                "status": "warn" if pending else "pass",
                "time": stamp,
                "observedValue": len(pending),
                "output": f"pending migrations: {', '.join(pending)}" if pending else "",
            }
        ],
    }
    engines = []
    for stats in worker_stats(connection):
        age = (now - stats["updated_at"]).total_seconds()
        engines.append(
            {
                "componentId": str(stats["name"]),
                "componentType": "system",
                "status": "pass" if age <= STALE_WORKER else "fail",
                "time": stamp,
                "observedValue": round(age, 1),
                "observedUnit": "s",
                "output": "" if age <= STALE_WORKER else f"no report for {timedelta(seconds=int(age))}",
            }
        )
    if not engines:
        engines.append(
            {
                "componentId": "engine",
                "componentType": "system",
                "status": "warn",
                "time": stamp,
                "output": "no engine has reported to this store",
            }
        )
    checks_doc["sitewarden:engine"] = engines
    statuses = {item["status"] for items in checks_doc.values() for item in items}
    overall = "fail" if "fail" in statuses else "warn" if "warn" in statuses else "pass"
    return {
        "status": overall,
        "version": __version__,
        "serviceId": "sitewarden",
        "description": "Health of the sitewarden service",
        "time": stamp,
        "checks": checks_doc,
    }


async def health(request: Request) -> Response:
    context = web(request)
    try:
        pending = await asyncio.to_thread(context.database.pending_migrations)
        document = await context.read(health_document, pending)
    except Exception as exc:  # the store itself is down: that is the health answer, not an error page
        document = {
            "status": "fail",
            "version": __version__,
            "serviceId": "sitewarden",
            "description": "Health of the sitewarden service",
            "time": utcnow().isoformat(),
            "checks": {
                "sitewarden:database": [
                    {
                        "componentId": "database",
                        "componentType": "datastore",
                        "status": "fail",
                        "output": str(exc)[:200],
                    }
                ]
            },
        }
    status_code = 503 if document["status"] == "fail" else 200
    return JSONResponse(document, status_code=status_code, media_type="application/health+json")


routes = [Route("/metrics", metrics, name="metrics"), Route("/health", health, name="health")]
