"""t3monitoring's client table (`tx_t3monitoring_domain_model_client`) as sites with a `typo3_client` check.

Shared by the CSV and the SQL reader: both hand over records of column → value, with the line each starts on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sitewarden.config.importers.base import Translation, site_name, unique_name

TABLE = "tx_t3monitoring_domain_model_client"

COLUMNS = [
    "uid", "pid", "title", "domain", "basic_auth_username", "basic_auth_password", "host_header",
    "force_ip_resolve", "ignore_cert_errors", "secret", "email", "php_version", "mysql_version", "disk_free_space",
    "disk_total_space", "insecure_core", "outdated_core", "insecure_extensions", "outdated_extensions",
    "error_message", "error_count", "extra_info", "extra_warning", "extra_danger", "last_successful_import",
    "extensions", "core", "sla", "tag", "tstamp", "crdate", "cruser_id", "deleted", "hidden",
]  # fmt: skip
"""The table's columns in the order of t3monitoring's ext_tables.sql (for an INSERT without a column list)."""

MAPPED = frozenset(
    {"uid", "title", "domain", "basic_auth_username", "basic_auth_password", "host_header", "force_ip_resolve"}
    | {"ignore_cert_errors", "secret", "email", "sla", "tag", "deleted", "hidden"}
)
STATE = frozenset(
    {"php_version", "mysql_version", "disk_free_space", "disk_total_space", "insecure_core", "outdated_core"}
    | {"insecure_extensions", "outdated_extensions", "error_message", "error_count", "extra_info"}
    | {"extra_warning", "extra_danger", "last_successful_import", "extensions", "core"}
)
BOOKKEEPING = frozenset({"pid", "tstamp", "crdate", "cruser_id", "sorting", "exclude_from_sla_report"})


def _flag(value: str | None) -> bool:
    return (value or "").strip() not in ("", "0")


def _uids(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip() and part.strip() != "0"]


SLA_TABLE = "tx_t3monitoring_domain_model_sla"
TAG_TABLE = "tx_t3monitoring_domain_model_tag"


def translate_clients(
    records: Iterable[tuple[str, dict[str, str | None]]],
    columns: list[str],
    titles: dict[str, dict[str, str]] | None = None,
) -> Translation:
    """Each client record (FILE:LINE, column → value) as a site; every column is either mapped or reported.

    `titles` holds the SLA and tag titles by uid when the export has them (`sla` and `tag` → uid → title): groups
    are then named after them (`sla-gold`) instead of the uid (`sla-3`).
    """
    out = Translation()
    names = titles or {}
    records = list(records)
    first = records[0][0] if records else ""
    for column in columns:
        if column in STATE:
            out.skip(first, column, "state t3monitoring collected; sitewarden's typo3_client check collects its own")
        elif column not in MAPPED and column not in BOOKKEEPING:
            out.skip(first, column, "column has no sitewarden equivalent; not imported")
    taken: set[str] = set()
    for where, record in records:
        definition = _client(where, record, out, taken, names)
        if definition is not None:
            out.rows.append((where, definition))
    return out


def _group(kind: str, uid: str, names: dict[str, dict[str, str]]) -> str:
    title = names.get(kind, {}).get(uid)
    return f"{kind}-{site_name(title, uid)}" if title else f"{kind}-{uid}"


def _client(
    where: str, record: dict[str, str | None], out: Translation, taken: set[str], names: dict[str, dict[str, str]]
) -> dict[str, Any] | None:
    uid = (record.get("uid") or "").strip()
    title = (record.get("title") or "").strip()
    label = f"{where} (uid {uid or '?'}, {title or 'untitled'})"
    if _flag(record.get("deleted")):
        out.skip(label, "deleted", "the client is deleted in t3monitoring; not imported")
        return None
    domain = (record.get("domain") or "").strip()
    url = domain if "://" in domain else (f"https://{domain}" if domain else "")
    if url and not url.endswith("/") and url.count("/") == 2:
        url += "/"
    name = unique_name(site_name(title or domain, f"client-{uid or len(taken) + 1}"), taken)
    definition: dict[str, Any] = {"name": name, "url": url}
    groups = [_group("sla", sla, names) for sla in _uids(record.get("sla"))]
    if groups:
        sla = _uids(record.get("sla"))[0]
        out.skip(label, "sla", f"SLA record {sla} became group {groups[0]}; set groups.{groups[0]}.sla to its target")
    groups += [_group("tag", tag, names) for tag in _uids(record.get("tag"))]
    if groups:
        definition["groups"] = groups
    contacts = [part.strip() for part in (record.get("email") or "").replace(";", ",").split(",") if part.strip()]
    if contacts:
        definition["contacts"] = contacts
    http: dict[str, Any] = {}
    user, password = (record.get("basic_auth_username") or "").strip(), record.get("basic_auth_password") or ""
    if user:
        http["basic_auth"] = {"user": user, "password": password}
    elif password:
        out.skip(label, "basic_auth_password", "a password without a user name; not imported")
    if (record.get("host_header") or "").strip():
        http["host_header"] = (record.get("host_header") or "").strip()
    if _flag(record.get("ignore_cert_errors")):
        http["verify_tls"] = False
    family = (record.get("force_ip_resolve") or "").strip().lower()
    if family in ("v4", "v6"):
        http["ip_family"] = int(family[1])
    elif family:
        out.skip(label, "force_ip_resolve", f"value {family[:10]!r} is neither v4 nor v6; not imported")
    if http:
        definition["http"] = http
    secret = (record.get("secret") or "").strip()
    checks: list[dict[str, Any]] = [{"kind": "http", "name": "web"}]
    if secret:
        definition["secret"] = secret
        checks.append({"kind": "typo3_client", "name": "inventory"})
    else:
        out.skip(label, "secret", "empty: no typo3_client check (the client protocol needs the secret)")
    if _flag(record.get("hidden")):
        out.skip(label, "hidden", "the client is hidden in t3monitoring; imported with its checks disabled")
        for check in checks:
            check["enabled"] = False
    definition["checks"] = checks
    return definition
