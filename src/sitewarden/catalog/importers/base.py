"""The importer contract: `fetch` downloads (network only), `parse` turns a stream into records (pure, streaming).

A source may need several downloads (parts): get.typo3.org has majors and releases, the WordPress plugin API one
answer per plugin. Each part keeps its own validators (ETag, Last-Modified), so a part the server reports unchanged
is not downloaded and its stored records stay as they are. `--from PATH` and `file://` URLs come through the same
`fetch`, so every importer reads local files without code of its own.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import formatdate
from pathlib import Path
from typing import IO, Any, ClassVar
from urllib.parse import unquote, urlsplit

import aiohttp

from sitewarden.catalog.records import CatalogRecord
from sitewarden.errors import ImportFailed

MAX_DOWNLOAD = 512 * 1024 * 1024
CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Part:
    """One download of a source: a short name (stored with its records) and where it comes from."""

    name: str
    url: str
    method: str = "GET"
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server said about the last copy, sent back so an unchanged source answers 304."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class Download:
    """A fetched part: a local file to parse, or `path=None` when the source has not changed."""

    part: Part
    path: Path | None
    validators: Validators
    temporary: bool = False
    size: int = 0

    @property
    def unchanged(self) -> bool:
        return self.path is None

    def discard(self) -> None:
        if self.temporary and self.path is not None:
            self.path.unlink(missing_ok=True)


@dataclass(slots=True)
class ImportContext:
    """What an import may ask about: products the fleet uses, the user's settings, and a local folder or file."""

    wanted: dict[str, list[str]] = field(default_factory=dict)
    """Keys the fleet uses, by prefix: `wp-plugin` → slugs, `drupal` → projects, `composer` → package names."""
    urls: dict[str, str] = field(default_factory=dict)
    """URL overrides by source."""
    secrets: dict[str, str] = field(default_factory=dict)
    """API keys by source (never logged, never stored)."""
    local: Path | None = None


class Importer:
    """Base of catalogue importers; subclasses set `source`, `group`, `default_url` and implement `parse`."""

    source: ClassVar[str] = ""
    group: ClassVar[str] = ""
    """`core`, `extensions`, `advisories` or `eol`: what `sitewarden import <group>` runs."""
    default_url: ClassVar[str] = ""
    optional: ClassVar[bool] = False
    """Runs only when configured (an API key, a list of projects)."""

    def url(self, context: ImportContext) -> str:
        return context.urls.get(self.source, self.default_url)

    def parts(self, context: ImportContext) -> list[Part]:
        """The downloads this source needs; one by default."""
        return [Part("all", self.url(context))]

    def wants_file(self, path: Path, context: ImportContext) -> bool:
        """Whether a file of a `--from` folder is one of this source's parts; every data file by default."""
        return True

    def parse(self, stream: IO[bytes], part: Part) -> Iterator[CatalogRecord]:
        """Records of one downloaded part; raise ValueError (or let a parser error out) on broken input."""
        raise NotImplementedError(f"{type(self).__name__}.parse")

    async def fetch(self, http: aiohttp.ClientSession, part: Part, cached: Validators) -> Download:
        """Download a part unless the server says it has not changed since `cached`."""
        if part.url.startswith("file:"):
            return _fetch_file(part, Path(unquote(urlsplit(part.url).path)), cached)
        headers = dict(part.headers)
        if cached.etag:
            headers["If-None-Match"] = cached.etag
        if cached.last_modified:
            headers["If-Modified-Since"] = cached.last_modified
        try:
            async with http.request(part.method, part.url, headers=headers, data=part.body) as response:
                if response.status == 304:
                    return Download(part, None, cached)
                if response.status == 404 and self.accepts_not_found:
                    pass
                elif response.status >= 400:
                    raise ImportFailed(
                        f"{self.source}: {part.url} answered {response.status} {response.reason or ''}".strip()
                    )
                validators = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
                path, size = await _save(response)
        except aiohttp.ClientError as exc:
            raise ImportFailed(f"{self.source}: cannot download {part.url}: {exc}") from exc
        except TimeoutError as exc:
            raise ImportFailed(f"{self.source}: timed out downloading {part.url}") from exc
        return Download(part, path, validators, temporary=True, size=size)

    accepts_not_found: ClassVar[bool] = False
    """The API answers 404 with a body worth parsing (the WordPress plugin API for closed plugins)."""


def local_download(part: Part, path: Path, cached: Validators) -> Download:
    """A part read from `--from PATH`, with validators from the file's size and time so a re-import is a no-op."""
    return _fetch_file(part, path, cached)


def _fetch_file(part: Part, path: Path, cached: Validators) -> Download:
    try:
        stat = path.stat()
        if path.is_dir():  # a folder read as one part: changed when any file in it changed
            stats = [(str(p.relative_to(path)), p.stat()) for p in sorted(path.rglob("*")) if p.is_file()]
            digest = hashlib.sha256(repr([(n, s.st_size, s.st_mtime_ns) for n, s in stats]).encode()).hexdigest()
            newest = max((s.st_mtime for _, s in stats), default=stat.st_mtime)
            validators = Validators(f'"{digest[:32]}"', formatdate(newest, usegmt=True))
            return Download(part, None, cached) if cached.etag == validators.etag else Download(part, path, validators)
    except OSError as exc:
        raise ImportFailed(f"cannot read {path}: {exc.strerror or exc}") from None
    validators = Validators(f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"', formatdate(stat.st_mtime, usegmt=True))
    if cached.etag == validators.etag:
        return Download(part, None, cached)
    return Download(part, path, validators, size=stat.st_size)


async def _save(response: aiohttp.ClientResponse) -> tuple[Path, int]:
    handle, name = tempfile.mkstemp(prefix="sitewarden-catalog-")
    size = 0
    try:
        with os.fdopen(handle, "wb") as out:
            async for chunk in response.content.iter_chunked(CHUNK):
                size += len(chunk)
                if size > MAX_DOWNLOAD:
                    raise ImportFailed(f"download of {response.url} is larger than {MAX_DOWNLOAD // 2**20} MiB")
                out.write(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), size


@contextmanager
def open_payload(path: Path) -> Iterator[IO[bytes]]:
    """The file, transparently gunzipped when it starts with the gzip magic number."""
    with path.open("rb") as handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
        handle.seek(0)
        if not gzipped:
            yield handle
            return
        with gzip.GzipFile(fileobj=handle, mode="rb") as unpacked:
            yield unpacked  # type: ignore[misc]


def text_of(value: Any) -> str:
    return "" if value is None else str(value).strip()


def parse_moment(value: Any) -> datetime | None:
    """A timezone-aware moment from an ISO string, a `2024-01-09 10:31:45 UTC` string or a Unix timestamp."""
    if value in (None, "", False, True):
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        return datetime.fromtimestamp(int(value), UTC)
    text = str(value).strip().replace(" UTC", "+00:00").replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_day(value: Any) -> date | None:
    """A day from `2026-04-30`, an ISO moment, or None for booleans and blanks."""
    if value in (None, "", False, True):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:  # the day as written: 2026-04-30T00:00:00+02:00 is 30 April, whatever UTC says
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
        except ValueError:
            pass
    moment = parse_moment(value)
    return moment.date() if moment else None
