"""The OpenAPI 3.1 document of /api/v1, written as data beside the routes it describes."""

from __future__ import annotations

from typing import Any

from sitewarden import __version__
from sitewarden.acceptance import ACCEPTABLE
from sitewarden.app.bulk import ACTIONS as BULK_ACTIONS
from sitewarden.names import NAME_PATTERN
from sitewarden.verdict import SUPPORT_STATES, UPGRADES
from sitewarden.verdict import VERDICTS as _VERDICT_NAMES

VERDICTS = list(_VERDICT_NAMES)

STATUSES = ["ok", "warning", "error", "unknown"]
SITE_STATUSES = [*STATUSES, "pending"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


NAME = {"type": "string", "pattern": NAME_PATTERN, "maxLength": 200}
SITE = _path("name", NAME)
CHECK_NAME = _path("check", NAME)
CHECK_ID = _path("id", {"type": "integer", "minimum": 1, "maximum": 10**18 - 1})
LIMIT = _query("limit", {"type": "integer", "minimum": 1, "maximum": 500}, "Items per page.")
OFFSET = _query("offset", {"type": "integer", "minimum": 0, "maximum": 10**9}, "Items to skip.")
ROW_ID = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}
BEFORE = _query("before_id", ROW_ID, "Only items with a smaller id (next page).")
TIME = {"type": "string", "format": "date-time"}
ERRORS = {"400": "Bad request", "401": "No or unknown token", "404": "Not found", "422": "Invalid definition"}


def _json(schema: dict[str, Any], description: str = "Success") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _op(summary: str, ok: dict[str, dict[str, Any]], *, params: list[Any] = (), body: str | None = None,  # type: ignore[assignment]
        admin: bool = False) -> dict[str, Any]:  # fmt: skip
    responses: dict[str, Any] = dict(ok)
    for code, text in ERRORS.items():
        responses[code] = _json(_ref("Error"), text)
    if admin:
        responses["403"] = _json(_ref("Error"), "The token's user is not an admin")
        responses["409"] = _json(_ref("Error"), "Conflict, or a config-file site (read-only here)")
    op: dict[str, Any] = {"summary": summary, "parameters": list(params), "responses": responses}
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
    return op


def _page(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "total", "limit", "offset"],
        "properties": {"items": {"type": "array", "items": _ref(item)}, "total": {"type": "integer"},
                       "limit": {"type": "integer"}, "offset": {"type": "integer"}},
    }  # fmt: skip


def _stream(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "limit"],
        "properties": {"items": {"type": "array", "items": _ref(item)}, "limit": {"type": "integer"},
                       "next_before_id": _nullable("integer")},
    }  # fmt: skip


BRANCH_FIELDS: dict[str, Any] = {
    "branch": _nullable("string"), "support": {"enum": [*SUPPORT_STATES, None]},
    "branch_latest": _nullable("string"), "upgrade": {"enum": [*UPGRADES, None]},
    "fix_upgrade": _nullable("boolean"), "caveat": _nullable("string"),
}  # fmt: skip
"""Branch, its support state, newest release of the branch, upgrade hint and caveat of a stored verdict."""

SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error", "status"],
              "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}},
    "SiteSummary": {
        "type": "object", "required": ["name", "url", "status"],
        "properties": {
            "name": {"type": "string"}, "url": {"type": "string"},
            "groups": {"type": "array", "items": {"type": "string"}},
            "source": {"type": "string"}, "status": {"enum": SITE_STATUSES}, "checks": {"type": "integer"},
            "paused_checks": {"type": "integer"}, "response_ms": _nullable("number"),
            "last_result_at": _nullable("string"), "uptime_24h": _nullable("number"),
            "uptime_7d": _nullable("number"), "uptime_30d": _nullable("number"),
            "certificate_days": _nullable("number"),
            "cms": _nullable("string"), "cms_version": _nullable("string"), "verdict": {"enum": [*VERDICTS, None]},
            "match": {"type": "object", "description": "The item a fleet query named, as this site runs it",
                      "properties": {"item": _nullable("string"), "version": _nullable("string"),
                                     "verdict": {"enum": [*VERDICTS, None], "description": "As judged, also when "
                                                 "accepted (a `verdict:` filter counts accepted as up_to_date)"},
                                     "accepted": _nullable("boolean"),
                                     "accepted_until": _nullable("string", description="Last accepted day")}},
        },
    },
    "Site": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string"}, "pending": {"type": "boolean"}, "url": {"type": ["string", "null"]},
        "source": {"type": "string"}, "checks": {"type": "array", "items": _ref("Check")},
        "definition": {"type": "object"}}},
    "Acknowledgement": {
        "type": "object", "additionalProperties": False,
        "description": "Optional: mark the outage as planned work (left out of SLA figures, listed with the reason).",
        "properties": {"planned": {"type": "boolean"}, "reason": {"type": "string", "maxLength": 500}},
    },
    "SiteDefinition": {
        "type": "object", "required": ["name", "url"],
        "description": "A site as in the `sites:` list of sitewarden.yaml; secrets only as ${ENV} or file: references.",
        "properties": {"name": NAME, "url": {"type": "string", "format": "uri"},
                       "groups": {"type": "array", "items": {"type": "string"}},
                       "contacts": {"type": "array", "items": {"type": "string"}},
                       "checks": {"type": "array", "items": _ref("CheckDefinition")}},
    },
    "CheckDefinition": {"type": "object", "required": ["kind"], "description": "A check as in sitewarden.yaml.",
                        "properties": {"kind": {"type": "string"}, "name": NAME}},
    "State": {"type": "object", "required": ["status", "paused"], "properties": {
        "status": {"enum": SITE_STATUSES}, "since": _nullable("string"), "soft_status": _nullable("string"),
        "attempts": {"type": "integer"}, "last_status": _nullable("string"), "last_summary": _nullable("string"),
        "class": _nullable("string"),
        "last_result_at": _nullable("string"), "last_duration_ms": _nullable("number"), "paused": {"type": "boolean"}}},
    "StateRow": {"allOf": [_ref("State"), {"type": "object", "required": ["check_id", "key"], "properties": {
        "check_id": {"type": "integer"}, "key": {"type": "string"}}}]},
    "Check": {"type": "object", "required": ["id", "key", "name", "kind", "state"], "properties": {
        "id": {"type": "integer"}, "key": {"type": "string"}, "site": _nullable("string"), "name": {"type": "string"},
        "kind": {"type": "string"}, "interval": _nullable("number"), "source": _nullable("string"),
        "params": {"type": "object"}, "state": _ref("State")}},
    "Result": {"type": "object", "required": ["id", "check_id", "status", "summary", "started_at"], "properties": {
        "id": {"type": "integer"}, "check_id": {"type": "integer"}, "status": {"enum": STATUSES},
        "summary": {"type": "string"}, "started_at": {"type": "string"}, "duration_ms": {"type": "number"},
        "metrics": {"type": "array", "items": {"type": "object"}}, "details": {"type": "object"}}},
    "Bucket": {"type": "object", "properties": {"start": {"type": "string"}, "count": {"type": "integer"},
               "status": {"type": "string"}, "mean_ms": _nullable("number"), "max_ms": _nullable("number")}},
    "AuditEntry": {"type": "object", "required": ["id", "at", "actor", "address", "action", "target"],
                   "properties": {"id": {"type": "integer"}, "at": TIME, "actor": {"type": "string"},
                                  "address": {"type": "string"}, "action": {"type": "string"},
                                  "target": {"type": "string"}, "detail": {"type": "object"}}},
    "Event": {"type": "object", "required": ["id", "type", "severity", "channel", "message"], "properties": {
        "id": {"type": "integer"}, "type": {"type": "string"}, "severity": {"type": "string"},
        "channel": {"type": "string"}, "message": {"type": "string"}, "site": _nullable("string"),
        "check": _nullable("string"), "created_at": {"type": "string"}, "payload": {"type": "object"}}},
    "Heartbeat": {"type": "object", "required": ["check_id", "key", "status"], "properties": {
        "check_id": {"type": "integer"}, "key": {"type": "string"}, "site": _nullable("string"),
        "name": {"type": "string"}, "status": {"type": "string"}, "last_summary": _nullable("string"),
        "class": _nullable("string"),
        "last_result_at": _nullable("string"), "paused": {"type": "boolean"}}},
    "MaintenanceWindow": {"type": "object", "required": ["id", "site", "starts_at", "ends_at"], "properties": {
        "id": {"type": "integer"}, "site": {"type": "string"}, "starts_at": {"type": "string"},
        "ends_at": {"type": "string"}, "reason": {"type": "string"}, "created_by": _nullable("string")}},
    "MaintenanceRequest": {"type": "object", "properties": {
        "duration": {"type": "string", "description": "How long, e.g. 30m or 2h (default 1h)."},
        "starts_at": {"type": "string", "format": "date-time", "description": "When it starts (default now)."},
        "reason": {"type": "string", "maxLength": 500}}},
    "BulkRequest": {"type": "object", "required": ["action"], "additionalProperties": False, "properties": {
        "action": {"enum": list(BULK_ACTIONS)},
        "query": {"type": "string", "minLength": 1, "maxLength": 2000, "description": "A fleet query (or `sites`)."},
        "sites": {"type": "array", "items": {"type": "string"}, "description": "Site names (or `query`)."},
        "reason": {"type": "string", "maxLength": 500, "description": "maintenance: why."},
        "until": {"type": "string", "maxLength": 100, "description": "maintenance: end, 2h or an ISO date-time."},
        "group": {"type": "string", "maxLength": 100, "description": "add_group / remove_group: the group."},
        "message": {"type": "string", "maxLength": 2000, "description": "notify: the text for the contacts."},
        "dry_run": {"type": "boolean", "description": "Say what would change; change nothing."}}},
    "BulkOutcome": {"type": "object", "required": ["action", "applied", "sites", "changes", "items"], "properties": {
        "action": {"type": "string"}, "query": _nullable("string"), "applied": {"type": "boolean"},
        "sites": {"type": "integer"}, "changed_sites": {"type": "integer"}, "changes": {"type": "integer"},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "site": {"type": "string"}, "changes": {"type": "array", "items": {"type": "string"}}}}}}},
    "Command": {"type": "object", "required": ["command_id", "action", "check_id"], "properties": {
        "command_id": {"type": "integer"}, "action": {"type": "string"}, "check_id": {"type": "integer"}}},
    "InventoryItem": {"type": "object", "required": ["kind", "key"], "properties": {
        "kind": {"type": "string"}, "key": {"type": "string"}, "title": _nullable("string"),
        "version": _nullable("string"), "active": _nullable("boolean"), "product": {"type": "string"},
        "verdict": {"enum": VERDICTS}, "fixed_version": _nullable("string"), "latest": _nullable("string"),
        "summary": {"type": "string"}, "advisories": {"type": "array", "items": {"type": ["string", "null"]}},
        **BRANCH_FIELDS, "accepted": {"oneOf": [_ref("AcceptedFinding"), {"type": "null"}]}}},
    "Inventory": {"type": "object", "required": ["site", "facts", "items", "verdict", "advisories"], "properties": {
        "site": {"type": "string"}, "facts": _nullable("object"), "verdict": {"enum": [*VERDICTS, None]},
        "items": {"type": "array", "items": _ref("InventoryItem")},
        "advisories": {"type": "array", "items": _ref("Advisory")},
        "acceptances": {"type": "array", "items": _ref("AcceptedFinding")}}},
    "Verdict": {"type": "object", "required": ["site", "kind", "key", "verdict"], "properties": {
        "site": {"type": "string"}, "kind": {"type": "string"}, "key": {"type": "string"},
        "product": {"type": "string"}, "version": _nullable("string"), "verdict": {"enum": VERDICTS},
        "summary": {"type": "string"}, "fixed_version": _nullable("string"), "latest": _nullable("string"),
        "advisories": {"type": "array", "items": {"type": ["string", "null"]}}, "assessed_at": {"type": "string"},
        "changed_at": {"type": "string"}, **BRANCH_FIELDS, "accepted": {"type": "boolean",
                                                      "description": "An admin accepted this finding for now."}}},
    "Judgement": {"type": "object", "required": ["product", "version", "verdict", "upgrade"], "properties": {
        "product": {"type": "string"}, "version": {"type": "string"}, "verdict": {"enum": VERDICTS},
        "branch": _nullable("string"), "support": {"enum": [*SUPPORT_STATES, None]},
        "advisories": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "aliases": {"type": "array", "items": {"type": "string"}},
            "title": {"type": "string"}, "severity": _nullable("string"), "link": _nullable("string")}}},
        "fixed_version": _nullable("string"), "fix_is_upgrade": {"type": "boolean"},
        "branch_latest": _nullable("string"), "latest": _nullable("string"), "upgrade": {"enum": list(UPGRADES)},
        "caveat": _nullable("string"), "summary": {"type": "string"},
        "as_of": {**_nullable("string"), "description": "The day judged on (support, releases, advisories)."}}},
    "Advisory": {"type": "object", "required": ["id", "site", "item"], "properties": {
        "id": _nullable("string"), "title": _nullable("string"), "severity": _nullable("string"),
        "aliases": {"type": "array", "items": {"type": "string"}}, "link": _nullable("string"),
        "site": {"type": "string"}, "item": {"type": "string"}, "version": _nullable("string"),
        "fixed_version": _nullable("string")}},
    "Extension": {"type": "object", "required": ["kind", "key", "site_count", "worst"], "properties": {
        "kind": {"type": "string"}, "key": {"type": "string"}, "product": {"type": "string"},
        "site_count": {"type": "integer"}, "worst": {"enum": VERDICTS},
        "versions": {"type": "object", "additionalProperties": {"type": "integer"},
                     "description": "Versions in use, each with its number of sites."},
        "verdicts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "sites": {"type": "array", "description": "The first sites running it.", "items": {"type": "object"}}}},
    "AcceptedFinding": {"type": "object", "required": ["id", "site", "product", "reason", "until", "state"],
                        "properties": {
        "id": {"type": "integer"}, "site": {"type": "string"}, "product": {"type": "string"},
        "advisory": _nullable("string"), "verdict": {"enum": [*ACCEPTABLE, None]}, "reason": {"type": "string"},
        "until": {"type": "string", "format": "date", "description": "The last day it holds (UTC)."},
        "state": {"enum": ["accepted", "revoked", "expired"]}, "accepted_by": {"type": "string"},
        "accepted_at": {"type": "string"}, "revoked_by": _nullable("string"), "revoked_at": _nullable("string")}},
    "AcceptRequest": {
        "type": "object", "required": ["site", "product", "reason", "until"], "additionalProperties": False,
        "description": "Accept a judged item's finding: one advisory, one verdict, or (neither) its current verdict.",
        "properties": {"site": {"type": "string", "maxLength": 200},
                       "product": {"type": "string", "maxLength": 300,
                                   "description": "Catalogue product (ter:news) or item key (news)."},
                       "reason": {"type": "string", "maxLength": 500}, "until": {"type": "string", "format": "date"},
                       "advisory": _nullable("string", maxLength=200), "verdict": {"enum": [*ACCEPTABLE, None]}}},
    "Me": {"type": "object", "required": ["name", "role"],
           "properties": {"name": {"type": "string"}, "role": {"enum": ["viewer", "admin"]}}},
}  # fmt: skip

STATUS_FILTER = _query("status", {"enum": STATUSES}, "Only this confirmed status.")
RANGE_FILTERS = [
    _query("since", TIME, "Results at or after this time."),
    _query("until", TIME, "Results before this time."),
    STATUS_FILTER,
    LIMIT,
    BEFORE,
]
SITE_LIST = {"allOf": [_page("SiteSummary"), {"type": "object", "properties": {"counts": {"type": "object"}}}]}
NO_CONTENT = {"204": {"description": "Deleted"}}


def _paths() -> dict[str, Any]:
    sites_filters = [
        _query("status", {"enum": SITE_STATUSES}, "Only sites whose worst status is this."),
        _query("group", {"type": "string", "maxLength": 200}, "Only sites in this group."),
        _query(
            "q",
            {"type": "string", "maxLength": 500},
            "Text in the name or URL, or a fleet query (docs/fleet.md): `product:georgringer/news version:<11.4.3`; "
            "each site then carries `match` (item, version, verdict, accepted, accepted_until). A bad query answers "
            "400 with its column.",
        ),
        _query("cms", {"enum": ["typo3", "wordpress", "drupal", "joomla"]}, "Only sites running this CMS."),
        _query("verdict", {"enum": VERDICTS}, "Only sites whose worst verdict is this."),
        _query("sort", {"enum": ["status", "name", "response"]}, "Order: worst first (default), name, slowest."),
        LIMIT,
        _query("offset", {"type": "integer", "minimum": 0, "maximum": 10**6, "multipleOf": 1}, "A multiple of limit."),
    ]
    actions = {
        f"/checks/{{id}}/{name}": {"post": _op(f"Ask the engine to {name} the check", {"202": _json(_ref("Command"))},
                                               params=[CHECK_ID], admin=True)}
        for name in ("run", "pause", "resume", "acknowledge")
    }  # fmt: skip
    actions["/checks/{id}/acknowledge"]["post"]["requestBody"] = {
        "required": False, "content": {"application/json": {"schema": _ref("Acknowledgement")}},
    }  # fmt: skip
    return {
        "/sites": {
            "get": _op("Sites with their worst status, filtered and paged", {"200": _json(SITE_LIST)},
                       params=sites_filters),
            "post": _op("Create a store-defined site", {"201": _json({"type": "object"})}, body="SiteDefinition",
                        admin=True),
        },
        "/sites/{name}": {
            "get": _op("One site with its checks", {"200": _json(_ref("Site"))}, params=[SITE]),
            "put": _op("Create or replace a store-defined site", {"200": _json({"type": "object"}),
                       "201": _json({"type": "object"})}, params=[SITE], body="SiteDefinition", admin=True),
            "delete": _op("Delete a store-defined site", NO_CONTENT, params=[SITE], admin=True),
        },
        "/sites/{name}/checks": {
            "post": _op("Add a check to a store-defined site", {"201": _json({"type": "object"})}, params=[SITE],
                        body="CheckDefinition", admin=True),
        },
        "/sites/{name}/checks/{check}": {
            "put": _op("Replace a check of a store-defined site", {"200": _json({"type": "object"})},
                       params=[SITE, CHECK_NAME], body="CheckDefinition", admin=True),
            "delete": _op("Delete a check of a store-defined site", NO_CONTENT, params=[SITE, CHECK_NAME], admin=True),
        },
        "/sites/{name}/maintenance": {
            "get": _op("Current and future maintenance windows", {"200": _json({"type": "object", "properties": {
                "items": {"type": "array", "items": _ref("MaintenanceWindow")}}})}, params=[SITE]),
            "post": _op("Start a maintenance window now", {"201": _json(_ref("MaintenanceWindow"))}, params=[SITE],
                        body="MaintenanceRequest", admin=True),
        },
        "/maintenance/{id}": {"delete": _op("End and delete a maintenance window", NO_CONTENT, params=[CHECK_ID],
                                            admin=True)},
        "/checks": {"get": _op("Checks with their states", {"200": _json(_page("Check"))}, params=[
            _query("site", {"type": "string", "maxLength": 200}, "Only checks of this site."),
            _query("kind", {"type": "string", "maxLength": 50}, "Only checks of this kind."),
            STATUS_FILTER, LIMIT, OFFSET])},
        "/checks/{id}": {"get": _op("One check with its state", {"200": _json(_ref("Check"))}, params=[CHECK_ID])},
        "/checks/{id}/results": {"get": _op("Raw results of a check, newest first", {"200": _json(_stream("Result"))},
                                            params=[CHECK_ID, *RANGE_FILTERS])},
        "/checks/{id}/history": {"get": _op("Hourly, six-hourly or daily buckets from the rollups", {"200": _json(
            {"type": "object", "properties": {"range": {"type": "string"}, "buckets": {"type": "array",
             "items": _ref("Bucket")}}})}, params=[CHECK_ID, _query("range", {"enum": ["24h", "7d", "30d"]},
                                                                     "Span of the chart.")])},
        **actions,
        "/states": {"get": _op("States of every check", {"200": _json(_page("StateRow"))}, params=[
            _query("site", {"type": "string", "maxLength": 200}, "Only checks of this site."),
            STATUS_FILTER, LIMIT, OFFSET])},
        "/results": {"get": _op("Raw results of every check, newest first", {"200": _json(_stream("Result"))},
                                params=[_query("check_id", ROW_ID, "Only this check."),
                                        *RANGE_FILTERS])},
        "/events": {"get": _op("The event stream, newest first", {"200": _json(_stream("Event"))}, params=[
            _query("site", {"type": "string", "maxLength": 200}, "Only events of this site."),
            _query("type", {"enum": ["availability", "security", "update", "certificate", "system", "audit"]},
                   "Only this type."),
            _query("severity", {"enum": ["debug", "info", "notice", "warning", "error", "critical", "alert",
                                         "emergency"]}, "At least this severity."),
            LIMIT, BEFORE])},
        "/heartbeats": {"get": _op("Heartbeat checks with their last ping", {"200": _json({"type": "object",
                                   "properties": {"items": {"type": "array", "items": _ref("Heartbeat")}}})})},
        "/bulk": {"post": _op("One action on many sites, in one audited transaction (or a dry run)",
                              {"200": _json(_ref("BulkOutcome"))}, body="BulkRequest", admin=True)},
        "/me": {"get": _op("The user the token belongs to", {"200": _json(_ref("Me"))})},
        "/audit": {"get": _op("The audit log of admin actions, newest first", {"200": _json(_stream("AuditEntry"))},
                              params=[LIMIT, BEFORE], admin=True)},
        "/sites/{name}/inventory": {"get": _op("A site's inventory with each item's verdict, and open advisories",
                                               {"200": _json(_ref("Inventory"))}, params=[SITE])},
        "/verdict": {"get": _op("Judge any product version against the catalogue, as a monitored site's item",
                                {"200": _json(_ref("Judgement"))}, params=[
            _query("product", {"type": "string"}, "typo3, drupal, wordpress, php, ter:KEY, composer:VENDOR/NAME ..."),
            _query("version", {"type": "string"}, "The version to judge."),
            _query("date", {"type": "string", "format": "date"},
                   "Judge as of this day: its branch support, only releases and advisories published by then.")])},
        "/verdicts": {"get": _op("Stored verdicts, worst first", {"200": _json(_page("Verdict"))}, params=[
            _query("site", {"type": "string", "maxLength": 200}, "Only items of this site."),
            _query("verdict", {"enum": VERDICTS}, "Only this verdict."),
            _query("kind", {"enum": ["core", "php", "database", "extension", "plugin", "theme", "module"]},
                   "Only items of this kind."), LIMIT, OFFSET])},
        "/advisories": {"get": _op("Open advisories: one per advisory and insecure site item, most severe first",
                                   {"200": _json(_page("Advisory"))}, params=[
            _query("site", {"type": "string", "maxLength": 200}, "Only this site."), LIMIT, OFFSET])},
        "/findings": {
            "get": _op("Accepted findings in force (all of them with all=true), newest first",
                       {"200": _json(_page("AcceptedFinding"))}, params=[
                _query("site", {"type": "string", "maxLength": 200}, "Only this site."),
                _query("all", {"enum": ["true", "false"]}, "Also revoked and expired ones."), LIMIT, OFFSET]),
            "post": _op("Accept a finding until a day, with a reason (audited)",
                        {"201": _json(_ref("AcceptedFinding"))}, body="AcceptRequest", admin=True),
        },
        "/findings/{id}/revoke": {"post": _op("End an acceptance now", {"200": _json(_ref("AcceptedFinding"))},
                                              params=[CHECK_ID], admin=True)},
        "/extensions": {"get": _op("Extensions and plugins across the fleet, worst and most used first",
                                   {"200": _json(_page("Extension"))}, params=[
            _query("only", {"enum": ["insecure", "outdated"]}, "Only those insecure (or outdated) somewhere."),
            _query("q", {"type": "string", "maxLength": 200}, "Text in the key."),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": 200}, "Items per page."),
            _query("offset", {"type": "integer", "minimum": 0, "maximum": 10**6}, "A multiple of limit.")])},
        "/reports/sla": {"get": _op("SLA report of a period: availability, outages, MTTR, targets per site and group",
                                    {"200": _json({"type": "object", "properties": {
                                        "period": {"type": "object"}, "groups": {"type": "array"},
                                        "sites": {"type": "array"}}})}, params=[
            _query("group", {"type": "string", "maxLength": 200}, "Only the sites of this group."),
            _query("site", {"type": "string", "maxLength": 200}, "Only this site."),
            _query("month", {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}, "Calendar month (default: last)."),
            _query("from", {"type": "string"}, "Start date or ISO time, UTC."),
            _query("to", {"type": "string"}, "End date or ISO time, UTC, exclusive."),
            _query("format", {"enum": ["json", "csv", "pdf"]}, "Response format (default json).")])},
    }  # fmt: skip


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "sitewarden API", "version": __version__,
                 "description": "Sites, checks, states, results, events, inventories, verdicts, advisories. "
                                "Send Authorization: Bearer <token>."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }  # fmt: skip
