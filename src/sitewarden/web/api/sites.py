"""/api/v1/sites: list, read, create, replace and delete sites, and the checks inside a store-defined site.

Sites from the config file are read-only here; store-defined ones are saved as definitions (secrets only as
references) and the engine is asked to reload.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sitewarden.app.database import Session
from sitewarden.app.site_definitions import delete_definition, edit_definition, save_definition
from sitewarden.app.views import overview_matching
from sitewarden.config.overlay import validate_site_definition
from sitewarden.errors import ConfigError, Conflict, NotFound
from sitewarden.fleet.query import QueryError
from sitewarden.secrets import redact, reference_values, register_secrets
from sitewarden.store.history import site_checks, site_row
from sitewarden.store.overview import SORTS, STATUS_RANKS, OverviewQuery
from sitewarden.store.results import add_failure_classes
from sitewarden.store.sites import site_definition
from sitewarden.store.verdicts import CMS_NAMES
from sitewarden.trust import SitePolicy
from sitewarden.verdict import VERDICT_RANKS
from sitewarden.web.api import shapes
from sitewarden.web.api.common import ApiError, admin, choice, integer, json_object, page, text
from sitewarden.web.audit import audit
from sitewarden.web.context import web


async def list_sites(request: Request) -> Response:
    limit = integer(request, "limit", 50, 1, 500)
    offset = integer(request, "offset", 0, 0)
    query = OverviewQuery(
        status=choice(request, "status", list(STATUS_RANKS)),
        group=text(request, "group"),
        search=text(request, "q", 500),
        cms=choice(request, "cms", CMS_NAMES),
        verdict=choice(request, "verdict", list(VERDICT_RANKS)),
        sort=choice(request, "sort", SORTS) or "status",
        page=offset // limit + 1,
        per_page=limit,
    )
    if offset % limit:
        raise ApiError(400, "offset must be a multiple of limit")
    try:
        data, matches = await web(request).read(overview_matching, query)
    except QueryError as error:
        raise ApiError(400, str(error)) from error
    listed = [{**shapes.site_summary(row), **_matched(matches.get(row.name))} for row in data.sites]
    return JSONResponse({**page(listed, data.total, limit, offset), "counts": data.counts})


def _matched(match: dict[str, Any] | None) -> dict[str, Any]:
    """The item a fleet query matched on this site, when the query named one."""
    if match is None:
        return {}
    keys = ("item", "version", "verdict", "accepted", "accepted_until")
    return {"match": {key: match[key] for key in keys}}


def read_site(connection: Session, name: str, policy: SitePolicy) -> dict[str, Any] | None:
    row = site_row(connection, name)
    definition = site_definition(connection, name)
    if (row is None or not row["active"]) and definition is None:
        return None
    out: dict[str, Any] = {"name": name, "pending": row is None or not row["active"]}
    if row is not None and row["active"]:
        out.update(url=row["url"], groups=row["groups"], contacts=row["contacts"], source=row["source"])
        items = add_failure_classes(connection, site_checks(connection, row["id"]))
        out["checks"] = [shapes.check(item, name) for item in items]
    if definition is not None:
        out["definition"] = _shown(definition, policy)
        out.setdefault("source", "api")
        out.setdefault("url", definition.get("url"))
    return out


async def get_site(request: Request) -> Response:
    found = await web(request).read(read_site, request.path_params["name"], _policy(request))
    if found is None:
        raise ApiError(404, f"no site named '{request.path_params['name']}'")
    return JSONResponse(found)


async def create_site(request: Request) -> Response:
    user = admin(request)
    definition = _valid(await json_object(request), _policy(request))
    new = await _write(request, save_definition, definition, user.name, None)
    if not new:
        raise ApiError(409, f"a site named '{definition['name']}' already exists; use PUT to replace it")
    await audit(request, "site.create", definition["name"])
    return JSONResponse(_shown(definition, _policy(request)), status_code=201)


async def replace_site(request: Request) -> Response:
    user = admin(request)
    name = request.path_params["name"]
    body = await json_object(request)
    body.setdefault("name", name)
    if body["name"] != name:
        raise ApiError(400, "the name in the body differs from the name in the path")
    definition = _valid(body, _policy(request))
    new = await _write(request, save_definition, definition, user.name, name)
    await audit(request, "site.create" if new else "site.replace", name)
    return JSONResponse(_shown(definition, _policy(request)), status_code=201 if new else 200)


async def delete_site(request: Request) -> Response:
    user = admin(request)
    name = request.path_params["name"]
    if not await _write(request, delete_definition, name, user.name):
        raise ApiError(404, f"no store-defined site named '{name}'")
    await audit(request, "site.delete", name)
    return Response(status_code=204)


async def add_check(request: Request) -> Response:
    user = admin(request)
    name = request.path_params["name"]
    body = await json_object(request)

    def change(definition: dict[str, Any]) -> None:
        checks = definition.setdefault("checks", [])
        wanted = body.get("name") or body.get("kind")
        if any((item.get("name") or item.get("kind")) == wanted for item in checks):
            raise ApiError(409, f"site '{name}' already has a check named '{wanted}'")
        checks.append(body)

    definition = await _edit(request, name, change, user.name)
    await audit(request, "check.create", f"{name}/{body.get('name') or body.get('kind')}")
    return JSONResponse(_shown(definition, _policy(request)), status_code=201)


async def replace_check(request: Request) -> Response:
    user = admin(request)
    name, check = request.path_params["name"], request.path_params["check"]
    body = await json_object(request)
    body.setdefault("name", check)

    def change(definition: dict[str, Any]) -> None:
        checks = definition.get("checks") or []
        for index, item in enumerate(checks):
            if (item.get("name") or item.get("kind")) == check:
                checks[index] = body
                return
        raise ApiError(404, f"site '{name}' has no check named '{check}'")

    definition = await _edit(request, name, change, user.name)
    await audit(request, "check.replace", f"{name}/{check}")
    return JSONResponse(_shown(definition, _policy(request)))


async def delete_check(request: Request) -> Response:
    user = admin(request)
    name, check = request.path_params["name"], request.path_params["check"]

    def change(definition: dict[str, Any]) -> None:
        checks = definition.get("checks") or []
        kept = [item for item in checks if (item.get("name") or item.get("kind")) != check]
        if len(kept) == len(checks):
            raise ApiError(404, f"site '{name}' has no check named '{check}'")
        definition["checks"] = kept

    await _edit(request, name, change, user.name)
    await audit(request, "check.delete", f"{name}/{check}")
    return Response(status_code=204)


async def _edit(request: Request, name: str, change: Any, user: str) -> dict[str, Any]:
    policy = _policy(request)

    def edit(definition: dict[str, Any]) -> dict[str, Any]:
        change(definition)
        return _valid(definition, policy)

    result: dict[str, Any] = await _write(request, edit_definition, name, edit, user)
    return result


async def _write(request: Request, work: Any, *args: Any) -> Any:
    """Run a site-definition use case in one transaction; its refusals become API errors."""
    try:
        return await web(request).read(work, *args)
    except Conflict as exc:
        raise ApiError(409, exc.message) from None
    except NotFound as exc:
        raise ApiError(404, exc.message) from None


def _policy(request: Request) -> SitePolicy:
    return web(request).settings.api_sites.policy()


def _valid(definition: dict[str, Any], policy: SitePolicy) -> dict[str, Any]:
    """Refuse what the config loader would refuse, and what the config's `web.api_sites` does not allow."""
    if not isinstance(definition.get("name"), str):
        raise ApiError(422, "name: a site needs a name")
    try:
        model = validate_site_definition(definition, policy, "site")
    except ConfigError as exc:
        reason = f"{exc.path}: {exc.message}" if exc.path else exc.message
        raise ApiError(422, redact(reason, reference_values(definition))) from None
    register_secrets(model)
    return definition


def _shown(definition: dict[str, Any], policy: SitePolicy) -> dict[str, Any]:
    """A definition as the API shows it: literal secrets masked, never returned."""
    try:
        return shapes.redacted(validate_site_definition(definition, policy))
    except ConfigError:  # a reference that cannot be resolved here: show the definition without its values
        return {"name": definition.get("name"), "url": definition.get("url"), "unresolved": True}


routes = [
    Route("/sites", list_sites, methods=["GET"]),
    Route("/sites", create_site, methods=["POST"]),
    Route("/sites/{name}", get_site, methods=["GET"]),
    Route("/sites/{name}", replace_site, methods=["PUT"]),
    Route("/sites/{name}", delete_site, methods=["DELETE"]),
    Route("/sites/{name}/checks", add_check, methods=["POST"]),
    Route("/sites/{name}/checks/{check}", replace_check, methods=["PUT"]),
    Route("/sites/{name}/checks/{check}", delete_check, methods=["DELETE"]),
]
