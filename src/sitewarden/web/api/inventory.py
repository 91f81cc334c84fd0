"""/api/v1 inventory views: a site's inventory with verdicts, verdicts and open advisories, fleet extensions."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sitewarden.acceptance import is_accepted
from sitewarden.app.database import Session
from sitewarden.app.verdict import item_for, judge_in, parse_day
from sitewarden.app.views import branch_facts, site_inventory
from sitewarden.catalog.verdicts import open_advisories
from sitewarden.errors import SitewardenError
from sitewarden.store.history import site_row
from sitewarden.store.verdicts import (
    EXTENSION_FILTERS,
    ExtensionQuery,
    fleet_extensions,
    insecure_rows,
    verdict_rows,
)
from sitewarden.verdict import VERDICT_RANKS
from sitewarden.web.api.common import ApiError, choice, integer, iso, page, text
from sitewarden.web.context import web

ITEM_KINDS = ("core", "php", "database", "extension", "plugin", "theme", "module")


def _known_site(connection: Session, name: str) -> None:
    row = site_row(connection, name)
    if row is None or not row["active"]:
        raise ApiError(404, f"no site named '{name}'")


async def get_inventory(request: Request) -> Response:
    name = request.path_params["name"]

    def work(connection: Session) -> dict[str, Any] | None:
        _known_site(connection, name)
        return site_inventory(connection, name)

    found = await web(request).read(work)
    if found is None:
        return JSONResponse(
            {"site": name, "facts": None, "items": [], "verdict": None, "advisories": [], "acceptances": []}
        )
    facts = dict(found["facts"])
    for moment in ("collected_at", "last_seen_at"):
        facts[moment] = iso(facts.get(moment))
    return JSONResponse(
        {
            "site": name,
            "facts": facts,
            "items": found["items"],
            "verdict": found["verdict"],
            "advisories": [_advisory(line) for line in found["open_advisories"]],
            "acceptances": found["acceptances"],
        }
    )


async def list_verdicts(request: Request) -> Response:
    limit = integer(request, "limit", 100, 1, 500)
    offset = integer(request, "offset", 0, 0)
    site = text(request, "site")
    verdict = choice(request, "verdict", list(VERDICT_RANKS))
    kind = choice(request, "kind", ITEM_KINDS)
    rows, total = await web(request).read(
        lambda connection: verdict_rows(connection, site=site, verdict=verdict, kind=kind, limit=limit, offset=offset)
    )
    return JSONResponse(page([_verdict(row) for row in rows], total, limit, offset))


async def list_advisories(request: Request) -> Response:
    limit = integer(request, "limit", 100, 1, 500)
    offset = integer(request, "offset", 0, 0)
    site = text(request, "site")
    rows = await web(request).read(insecure_rows, site)
    lines = open_advisories(rows)
    return JSONResponse(page([_advisory(line) for line in lines[offset : offset + limit]], len(lines), limit, offset))


async def list_extensions(request: Request) -> Response:
    limit = integer(request, "limit", 50, 1, 200)
    offset = integer(request, "offset", 0, 0)
    if offset % limit:
        raise ApiError(400, "offset must be a multiple of limit")
    query = ExtensionQuery(
        only=choice(request, "only", list(EXTENSION_FILTERS)),
        search=text(request, "q"),
        page=offset // limit + 1,
        per_page=limit,
    )
    found = await web(request).read(fleet_extensions, query)
    return JSONResponse(page(found.items, found.total, limit, offset))


def _verdict(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "site": row["site"],
        "kind": row["item_kind"],
        "key": row["item_key"],
        "product": row["product"],
        "version": row["version"],
        "verdict": row["verdict"],
        "summary": row["summary"],
        "fixed_version": row["fixed_version"],
        "latest": row["latest"],
        "advisories": [advisory.get("id") for advisory in row["advisories"] or []],
        "assessed_at": iso(row["assessed_at"]),
        "changed_at": iso(row["changed_at"]),
        **branch_facts(row),
        "accepted": is_accepted(row),
    }


def _advisory(line: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": line.get("id"),
        "title": line.get("title"),
        "severity": line.get("severity"),
        "aliases": list(line.get("aliases") or []),
        "link": line.get("link"),
        "site": line["site"],
        "item": line["item"],
        "version": line.get("version"),
        "fixed_version": line.get("fixed_version"),
    }


async def get_verdict(request: Request) -> Response:
    """Judge `?product=…&version=…` against the catalogue, as `sitewarden verdict` and a monitored site are."""
    product, version = text(request, "product"), text(request, "version", 100)
    if not product or not version:
        raise ApiError(400, "product and version are required, e.g. ?product=typo3&version=12.4.10")
    try:
        item_for(product, version)
        day = parse_day(text(request, "date", 40))
    except SitewardenError as error:
        raise ApiError(400, str(error)) from None
    judged = await web(request).read(judge_in, product, version, web(request).catalog, day)
    return JSONResponse(judged.as_dict())


routes = [
    Route("/verdict", get_verdict, methods=["GET"]),
    Route("/sites/{name}/inventory", get_inventory, methods=["GET"]),
    Route("/verdicts", list_verdicts, methods=["GET"]),
    Route("/advisories", list_advisories, methods=["GET"]),
    Route("/extensions", list_extensions, methods=["GET"]),
]
