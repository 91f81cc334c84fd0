"""`sitewarden sites import FILE`: add store-defined sites from CSV, YAML or another tool's file, with a report.

Each row becomes a definition in the `sites:` item shape, validated as a SiteConfig under the config's
`web.api_sites` policy: by default no program or ssh checks, no `${ENV_VAR}` or `file:/path` references and no host
paths. Literal secrets are stored as given and never shown.
CSV columns: name, url, groups, contacts (`;`-separated), secret, token, flavour, checks (kinds, `;`-separated).
Files of timon, pmon and t3monitoring are recognised by their content (see `config/importers/`); what they hold
without a sitewarden equivalent is listed in the report, never dropped silently.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sitewarden.config.importers import FORMATS
from sitewarden.config.importers.base import MAX_FILE_BYTES, Translation, Unsupported
from sitewarden.config.kinds import check_kinds
from sitewarden.config.models import Config
from sitewarden.config.overlay import validate_site_definition
from sitewarden.errors import ConfigError, InputFileError
from sitewarden.secrets import redact, reference_values, register_secrets
from sitewarden.trust import SitePolicy

NATIVE = "sitewarden"
FORMAT_NAMES = (NATIVE, *FORMATS)
SITE_COLUMNS = ("name", "url", "groups", "contacts", "secret")


def csv_columns() -> tuple[str, ...]:
    """The site's columns, the columns check kinds copy into their params (`token`, `flavour`), then `checks`."""
    extra = [column for cls in check_kinds().values() for column in cls.import_columns]
    return (*SITE_COLUMNS, *dict.fromkeys(column for column in extra if column not in SITE_COLUMNS), "checks")


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), site by site."""

    dry_run: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    format: str = NATIVE
    unsupported: list[Unsupported] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would add" if self.dry_run else "added"
        out = [f"{verb}: {name}" for name in self.added]
        out += [f"{'would change' if self.dry_run else 'changed'}: {name}" for name in self.changed]
        out += [f"unchanged: {name}" for name in self.unchanged]
        out += [f"refused: {where}: {reason}" for where, reason in self.refused]
        out += [f"unsupported: {item.line()}" for item in self.unsupported]
        if self.targets:
            out.append("targets to add to the config file (sites import does not change it):")
            dumped = yaml.safe_dump({"targets": self.targets}, sort_keys=False, default_flow_style=None)
            out += ["  " + line for line in dumped.splitlines()]
        total = f"{len(self.added)} added, {len(self.changed)} changed, {len(self.unchanged)} unchanged"
        total += f", {len(self.refused)} refused" + (
            f", {len(self.unsupported)} unsupported" if self.unsupported else ""
        )
        out.append(total + (" (dry run: nothing written)" if self.dry_run else ""))
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "refused": [{"where": where, "reason": reason} for where, reason in self.refused],
            "format": self.format,
            "unsupported": [{"where": u.where, "field": u.field, "reason": u.reason} for u in self.unsupported],
            "targets": self.targets,
        }


def read_rows(path: Path) -> list[tuple[str, Any]]:
    """(FILE:LINE, raw definition) for every site in a .csv, .yaml or .yml file."""
    return _native_rows(_read_text(path), path)


def read_file(path: Path, file_format: str | None = None) -> tuple[str, Translation]:
    """The format (given, or recognised by content) and what the file holds, in sitewarden's `sites:` shape."""
    if file_format is not None and file_format not in FORMAT_NAMES:
        raise InputFileError(f"unknown import format {file_format!r}", hint="formats: " + ", ".join(FORMAT_NAMES))
    text = _read_text(path)
    if file_format is None:
        file_format = next((name for name, cls in FORMATS.items() if cls().detect(text)), NATIVE)
    if file_format == NATIVE:
        return NATIVE, Translation(rows=_native_rows(text, path))
    return file_format, FORMATS[file_format]().translate(text, str(path))


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputFileError(f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; split it")
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path} is not UTF-8 text (byte {exc.start})") from None


def _native_rows(text: str, path: Path) -> list[tuple[str, Any]]:
    if path.suffix.lower() == ".csv":
        return _csv_rows(text, str(path))
    if path.suffix.lower() in (".yaml", ".yml"):
        return _yaml_rows(text, str(path))
    raise InputFileError(
        f"cannot import {path}: not a timon, pmon or t3monitoring file, nor a .csv, .yaml or .yml file of sites",
        hint="name the format with --format " + "|".join(FORMAT_NAMES),
    )


def drop_reserved_checks(translation: Translation, policy: SitePolicy) -> None:
    """Leave out checks the site policy keeps to the config file (ssh, command), each one reported."""
    kinds = check_kinds()
    for where, definition in translation.rows:
        kept = []
        for check in definition.get("checks", []):
            cls = kinds.get(str(check.get("kind")))
            if cls is not None and not cls.allowed_from_api and cls.kind not in policy.extra_kinds:
                reason = f"{cls.kind} checks are defined in the config file unless web.api_sites.extra_kinds lists it"
                translation.skip(f"{where} ({definition.get('name')})", f"checks.{check.get('name')}", reason)
            else:
                kept.append(check)
        definition["checks"] = kept


def _csv_rows(text: str, name: str) -> list[tuple[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    columns = csv_columns()
    unknown = [column for column in reader.fieldnames or [] if column.strip() not in columns]
    if unknown:
        raise InputFileError(f"{name}:1: unknown column(s) {', '.join(unknown)}", hint="columns: " + ", ".join(columns))
    rows = []
    for row in reader:
        cells = {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
        rows.append((f"{name}:{reader.line_num}", csv_definition(cells)))
    return rows


def csv_definition(cells: dict[str, str]) -> dict[str, Any]:
    """A CSV row as a site definition; default checks: http, typo3_client with a secret, cms_health with a token."""

    def listed(value: str) -> list[str]:
        return [part.strip() for part in value.replace("|", ";").split(";") if part.strip()]

    definition: dict[str, Any] = {"name": cells.get("name", ""), "url": cells.get("url", "")}
    for key in ("groups", "contacts"):
        if cells.get(key):
            definition[key] = listed(cells[key])
    if cells.get("secret"):
        definition["secret"] = cells["secret"]
    kinds = listed(cells.get("checks", ""))
    if not kinds:
        kinds = ["http"] + (["typo3_client"] if cells.get("secret") else [])
        kinds += ["cms_health"] if cells.get("token") else ([] if cells.get("secret") else ["fingerprint"])
    registered = check_kinds()
    checks: list[dict[str, Any]] = []
    for kind in kinds:
        cls = registered.get(kind)
        check: dict[str, Any] = {"kind": kind, "name": (cls.import_name if cls else None) or kind}
        for column in cls.import_columns if cls else ():
            if cells.get(column):
                check[column] = cells[column]
        checks.append(check)
    definition["checks"] = checks
    return definition


def _yaml_rows(text: str, name: str) -> list[tuple[str, Any]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        raise InputFileError(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None
    if isinstance(data, dict) and isinstance(node, yaml.MappingNode):
        items = data.get("sites")
        node = next((value for key, value in node.value if key.value == "sites"), None)
    else:
        items = data
    if not isinstance(items, list) or not isinstance(node, yaml.SequenceNode):
        raise InputFileError(f"{name}: expected a list of sites, or a mapping with a 'sites' list")
    return [(f"{name}:{item.start_mark.line + 1}", value) for item, value in zip(node.value, items, strict=True)]


def plan_import(
    config: Config, rows: list[tuple[str, Any]], stored: dict[str, dict[str, Any]]
) -> tuple[ImportReport, list[dict[str, Any]]]:
    """Decide each row's fate without writing: the report and the definitions to save."""
    report = ImportReport(dry_run=True)
    configured = {site.name for site in config.sites}
    seen: set[str] = set()
    to_save: list[dict[str, Any]] = []
    for where, definition in rows:
        if not isinstance(definition, dict):
            report.refused.append((where, "a site must be a mapping"))
            continue
        name = str(definition.get("name") or "")
        label = f"{where} ({name})" if name else where
        try:
            site = validate_site_definition(definition, config.web.api_sites.policy(), where)
        except ConfigError as exc:
            reason = f"{exc.path}: {exc.message}" if exc.path else exc.message
            report.refused.append((label, redact(reason, reference_values(definition))))
            continue
        register_secrets(site)
        if name in configured:
            report.refused.append((label, "the config file defines this site; edit it there"))
            continue
        if name in seen:
            report.refused.append((label, "the file names this site twice"))
            continue
        seen.add(name)
        if name not in stored:
            report.added.append(name)
        elif stored[name] != definition:
            report.changed.append(name)
        else:
            report.unchanged.append(name)
            continue
        to_save.append(definition)
    return report, to_save
