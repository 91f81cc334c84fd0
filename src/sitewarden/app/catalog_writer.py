"""Run imports: fetch each part, parse it into the store in one transaction, and report what changed.

A part whose download is broken, truncated or suspiciously small is refused with `ImportFailed`: its transaction
rolls back, the previous catalogue stays in force, and the failure is stored as a `system` event.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import ParseError

import aiohttp
import ijson

from sitewarden import __version__
from sitewarden.catalog.importers.base import (
    Download,
    ImportContext,
    Importer,
    Part,
    Validators,
    local_download,
    open_payload,
)
from sitewarden.catalog.merge import merged_records
from sitewarden.catalog.records import CatalogRecord
from sitewarden.errors import ImportFailed
from sitewarden.events.model import Event, EventType, Severity
from sitewarden.store.catalog import PartChanges, apply_part, fetch_state, record_unchanged
from sitewarden.store.database import Database
from sitewarden.store.events import insert_events

logger = logging.getLogger(__name__)
SHRINK_LIMIT = 0.5
"""An import that would keep less than this share of a part's rows is refused as partial."""
SHRINK_MINIMUM = 20
BROKEN = (
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    EOFError,
    OSError,
    ParseError,
    ijson.JSONError,
    zipfile.BadZipFile,
)
Progress = Callable[[str, int], None]
DATA_SUFFIXES = {".json", ".yaml", ".yml", ".xml", ".gz", ".zip"}
SKIPPED = {"composer.json", "composer.lock", "package.json"}


@dataclass(slots=True)
class PartOutcome:
    """One part of one source after an import: `changed`, `unchanged` or `failed`, with counts or the reason."""

    source: str
    part: str
    status: str
    changes: PartChanges = field(default_factory=PartChanges)
    error: str | None = None


@dataclass(slots=True)
class ImportSummary:
    """Everything one `sitewarden import` did."""

    outcomes: list[PartOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[PartOutcome]:
        return [outcome for outcome in self.outcomes if outcome.status == "failed"]

    @property
    def products(self) -> set[str]:
        return {product for outcome in self.outcomes for product in outcome.changes.products}

    def totals(self) -> dict[str, int]:
        keys = ("added", "changed", "removed")
        return {key: sum(getattr(outcome.changes, key) for outcome in self.outcomes) for key in keys}


async def run_imports(
    database: Database,
    importers: Sequence[Importer],
    context: ImportContext,
    *,
    progress: Progress | None = None,
    force: bool = False,
    timeout: float = 300.0,
) -> ImportSummary:
    """Import every part of every importer; a failure is recorded and the next part goes on."""
    summary = ImportSummary()
    client_timeout = aiohttp.ClientTimeout(total=timeout, sock_connect=30)
    headers = {"User-Agent": f"sitewarden/{__version__} catalogue import"}
    async with aiohttp.ClientSession(timeout=client_timeout, headers=headers, trust_env=True) as http:
        for importer in importers:
            for part in _parts(importer, context):
                outcome = await _import_part(database, http, importer, part, context, progress, force)
                summary.outcomes.append(outcome)
    return summary


def _parts(importer: Importer, context: ImportContext) -> list[Part]:
    """The network parts, or with `--from` the local files that stand for them."""
    if context.local is None:
        return importer.parts(context)
    local = context.local
    network = importer.parts(context)
    single = len(network) == 1 and network[0].name == "all"
    if local.is_file():
        return [Part("all", local.resolve().as_uri())]
    folder = local / importer.source
    if folder.is_dir():
        files = [path for path in _files(folder) if importer.wants_file(path, context)]
        if single and len(files) == 1:
            return [Part("all", files[0].resolve().as_uri())]
        if single and files:  # a checkout (FriendsOfPHP, an OSV export): one part, one transaction
            return [Part("all", folder.resolve().as_uri())]
        return [Part(name, path.resolve().as_uri()) for name, path in _part_names(folder, files)]
    matches = sorted(local.glob(f"{importer.source}.*"))
    return [Part("all", matches[0].resolve().as_uri())] if matches else []


def _files(folder: Path) -> list[Path]:
    """The data files of a `--from` source folder, also in subfolders (a FriendsOfPHP or OSV checkout).

    Hidden files, repository files (`composer.json`, scripts) and Markdown other than endoflife.date product pages
    (in `eol/`) are left out.
    """
    found = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).parts
        if not path.is_file() or any(part.startswith(".") for part in relative) or path.name in SKIPPED:
            continue
        if path.suffix in DATA_SUFFIXES or (path.suffix == ".md" and folder.name == "eol"):
            found.append(path)
    return found


def _part_names(folder: Path, files: list[Path]) -> list[tuple[str, Path]]:
    """Part names: the file name up to its first dot, or the relative path when that would not be unique."""
    short = [path.name.split(".", 1)[0] for path in files]
    names = []
    for name, path in zip(short, files, strict=True):
        if short.count(name) > 1 or path.parent != folder:
            name = path.relative_to(folder).as_posix()
        names.append((name, path))
    return names


async def _import_part(
    database: Database,
    http: aiohttp.ClientSession,
    importer: Importer,
    part: Part,
    context: ImportContext,
    progress: Progress | None,
    force: bool,
) -> PartOutcome:
    source = importer.source
    with database.transaction() as connection:
        state = fetch_state(connection, source, part.name)
    cached = Validators(state["etag"], state["last_modified"]) if state and not force else Validators()
    download: Download | None = None
    try:
        if part.url.startswith("file:") and context.local is not None:
            download = local_download(part, Path(_file_path(part.url)), cached)
        else:
            download = await importer.fetch(http, part, cached)
        if download.unchanged:
            with database.transaction() as connection:
                record_unchanged(connection, source, part.name)
            return PartOutcome(source, part.name, "unchanged")
        changes = _apply(database, importer, download, progress, force)
        logger.info("catalogue imported source=%s part=%s records=%d", source, part.name, changes.total)
        return PartOutcome(source, part.name, "changed", changes)
    except ImportFailed as failure:
        _record_failure(database, source, part, str(failure))
        return PartOutcome(source, part.name, "failed", error=str(failure))
    finally:
        if download is not None:
            download.discard()


def _apply(
    database: Database, importer: Importer, download: Download, progress: Progress | None, force: bool
) -> PartChanges:
    source, part = importer.source, download.part
    assert download.path is not None
    label = source if part.name == "all" else f"{source}/{part.name}"
    try:
        with database.transaction() as connection:
            records = merged_records(_counted(_parsed(importer, download.path, part), label, progress))
            validators = (download.validators.etag, download.validators.last_modified)
            changes = apply_part(connection, source, part.name, part.url, validators, records)
            if not force and changes.previous >= SHRINK_MINIMUM and changes.total < changes.previous * SHRINK_LIMIT:
                raise ImportFailed(
                    f"{label}: the download has {changes.total} records where {changes.previous} were stored; "
                    "refusing it as partial (the previous catalogue stays in force)",
                    hint="pass --force if the source really shrank",
                )
            return changes
    except ImportFailed:
        raise
    except BROKEN as exc:
        raise ImportFailed(
            f"{label}: the download is broken or truncated ({_reason(exc)}); the previous catalogue stays in force"
        ) from exc


def _parsed(importer: Importer, path: Path, part: Part) -> Iterator[CatalogRecord]:
    """Records of a downloaded file, or of every data file of a `--from` folder read as one part."""
    if not path.is_dir():
        with open_payload(path) as stream:
            yield from importer.parse(stream, part)
        return
    for file in _files(path):
        with open_payload(file) as stream:
            yield from importer.parse(stream, Part(file.relative_to(path).as_posix(), file.as_uri()))


def _counted(records: Iterator[CatalogRecord], label: str, progress: Progress | None) -> Iterator[CatalogRecord]:
    count = 0
    for record in records:
        count += 1
        if progress is not None and count % 200 == 0:
            progress(label, count)
        yield record
    if count == 0:
        raise ImportFailed(f"{label}: the download holds no records; the previous catalogue stays in force")
    if progress is not None:
        progress(label, count)


def _record_failure(database: Database, source: str, part: Part, message: str) -> None:
    logger.warning("catalogue import failed source=%s part=%s: %s", source, part.name, message)
    event = Event(
        type=EventType.SYSTEM,
        severity=Severity.WARNING,
        channel=f"system.catalog.{source}",
        message=message,
        payload={"source": source, "part": part.name},
    )
    try:
        with database.transaction() as connection:
            insert_events(connection, [event])
    except Exception:  # the failure is already logged; a second failure must not hide the first
        logger.exception("cannot store the catalogue failure event")


def _file_path(url: str) -> str:
    from urllib.parse import unquote, urlsplit

    return unquote(urlsplit(url).path)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
