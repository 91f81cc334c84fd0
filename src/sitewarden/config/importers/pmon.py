"""pmon's INI config (`[urls]` list, `[remote]` ssh process and log scans) as sites with http and ssh checks.

URLs on one host share a site; each URL is an `http` check expecting 200, as pmon counts anything else an
APPLICATION_ERROR. `url.N.process` becomes an ssh process check (the marker matched literally), and
`url.N.log.dir` + `log.files` + `log.pattern` an ssh log check (grep -i becomes a case-insensitive regex).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sitewarden.config.importers.base import ForeignFormat, Translation, site_name, unique_name
from sitewarden.errors import InputFileError

_SECTION = re.compile(r"^\[([^\]]+)\]\s*$")
_URL_KEY = re.compile(r"^url\.(\w+)$")
_REMOTE_KEY = re.compile(r"^url\.(\w+)\.(user|pwd|process|scan_cmd|type|log\.dir|log\.files|log\.pattern)$")
_PMON_KEYS = {
    "id": "names the pmon instance; not needed",
    "data.file": "pmon's result file; sitewarden stores results itself",
    "latest.file": "pmon's result file; sitewarden stores results itself",
    "log.file": "logging is set up by sitewarden's own options",
    "log.level": "logging is set up by sitewarden's own options",
    "http.port": "pmon's status page; use `sitewarden serve`",
    "http.bind": "pmon's status page; use `sitewarden serve`",
    "http.public": "pmon's status page; use `sitewarden serve`",
    "zmq.port": "pmon's ZeroMQ responder has no equivalent",
    "slack.hook": "may hold a token: add a webhook or apprise target in the config file",
}


@dataclass
class _Ini:
    """Sections → key → (value, line), read by hand so every key keeps its line."""

    sections: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)


def _read_ini(text: str, name: str) -> _Ini:
    ini = _Ini()
    current: dict[str, tuple[str, int]] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        section = _SECTION.match(line)
        if section:
            title = section.group(1).strip().lower()
            current = ini.sections.setdefault(title, {})
            ini.lines.setdefault(title, number)
            continue
        if "=" not in line and ":" not in line:
            raise InputFileError(f"{name}:{number}: expected 'key = value' or '[section]'")
        if current is None:
            raise InputFileError(f"{name}:{number}: a key before the first [section]")
        cut = min(index for index in (line.find("="), line.find(":")) if index >= 0)
        current[line[:cut].strip().lower()] = (line[cut + 1 :].strip(), number)
    return ini


class PmonFormat(ForeignFormat):
    """pmon's `pmon.ini`: `[pmon]`, `[urls]` (`url.N = URL`), `[remote]` (`url.N.user`, …) and `[email]`."""

    format = "pmon"

    def detect(self, text: str) -> bool:
        head = text[:20000].lower()
        return "[urls]" in head and re.search(r"^\s*url\.\w+\s*[=:]", head, re.MULTILINE) is not None

    def translate(self, text: str, name: str) -> Translation:
        ini = _read_ini(text, name)
        if "urls" not in ini.sections:
            raise InputFileError(f"{name}: a pmon config needs a [urls] section")
        out = Translation()
        for key, (_, line) in ini.sections.get("pmon", {}).items():
            if key != "timeout":
                out.skip(f"{name}:{line}", f"pmon.{key}", _PMON_KEYS.get(key, "no sitewarden equivalent"))
        timeout = ini.sections.get("pmon", {}).get("timeout", ("", 0))[0]
        self._email(ini, name, out)
        remote = self._remote(ini, name, out)
        sites: dict[str, tuple[str, dict[str, Any]]] = {}
        taken: set[str] = set()
        for key, (value, line) in ini.sections["urls"].items():
            match = _URL_KEY.match(key)
            if not match:
                out.skip(f"{name}:{line}", f"urls.{key}", "not of the form url.N; skipped")
                continue
            number = match.group(1)
            self._url(name, line, number, value, timeout, remote.get(number, {}), sites, taken, out)
        listed = {match.group(1) for match in map(_URL_KEY.match, ini.sections["urls"]) if match}
        for number, keys in remote.items():
            if number not in listed:
                line = min(line for _, line in keys.values())
                out.skip(f"{name}:{line}", f"remote.url.{number}", f"no url.{number} in [urls]; skipped")
        out.rows = list(sites.values())
        return out

    def _email(self, ini: _Ini, name: str, out: Translation) -> None:
        email = ini.sections.get("email", {})
        for key, (_, line) in email.items():
            if key == "to":
                continue
            reason = "smtp settings belong in the config file's smtp section"
            hidden = " (the password is not shown)" if key == "pwd" else ""
            out.skip(f"{name}:{line}", f"email.{key}", reason + hidden)
        if "to" in email:
            to = [part.strip() for part in email["to"][0].split(",") if part.strip()]
            out.targets.append(
                {"name": "pmon-mail", "match": {"min_severity": "warning"}, "handlers": [{"kind": "email", "to": to}]}
            )

    def _remote(self, ini: _Ini, name: str, out: Translation) -> dict[str, dict[str, tuple[str, int]]]:
        remote: dict[str, dict[str, tuple[str, int]]] = {}
        for key, (value, line) in ini.sections.get("remote", {}).items():
            match = _REMOTE_KEY.match(key)
            if not match:
                out.skip(f"{name}:{line}", f"remote.{key}", "unknown remote key; skipped")
                continue
            remote.setdefault(match.group(1), {})[match.group(2)] = (value, line)
        return remote

    def _url(
        self, name: str, line: int, number: str, value: str, timeout: str,
        remote: dict[str, tuple[str, int]], sites: dict[str, tuple[str, dict[str, Any]]], taken: set[str],
        out: Translation,
    ) -> None:  # fmt: skip
        parts = urlsplit(value)
        host = parts.hostname or ""
        if not host:
            out.skip(f"{name}:{line}", f"urls.url.{number}", "not a URL with a host; skipped")
            return
        web = parts.scheme in ("http", "https")
        base = f"{parts.scheme}://{parts.netloc}/" if web else f"https://{host}/"
        if base not in sites:
            sites[base] = (
                f"{name}:{line}",
                {"name": unique_name(site_name(host, "host"), taken), "url": base, "checks": []},
            )
        definition = sites[base][1]
        checks: list[dict[str, Any]] = definition["checks"]
        if web:
            check: dict[str, Any] = {"kind": "http", "name": f"url-{number}", "expect_status": "200"}
            if parts.path.strip("/") or parts.query:
                check["url"] = value
            if timeout.replace(".", "", 1).isdigit() and float(timeout) > 0:
                check["timeout"] = float(timeout)
            checks.append(check)
        else:
            out.skip(
                f"{name}:{line}",
                f"urls.url.{number}",
                f"scheme {parts.scheme!r} is not fetched over HTTP; only its ssh checks are imported",
            )
        self._ssh(name, number, host, remote, checks, out)

    def _ssh(
        self, name: str, number: str, host: str, remote: dict[str, tuple[str, int]], checks: list[dict[str, Any]],
        out: Translation,
    ) -> None:  # fmt: skip
        if not remote:
            return
        kind, kind_line = remote.get("type", ("", min(line for _, line in remote.values())))
        if kind.lower() != "ssh":
            out.skip(
                f"{name}:{kind_line}",
                f"remote.url.{number}.type",
                f"connection type {kind[:20]!r} is not supported (only ssh); skipped",
            )
            return
        login: dict[str, Any] = {"kind": "ssh", "host": host, "user": remote.get("user", ("", 0))[0]}
        if remote.get("pwd", ("", 0))[0]:
            login["password"] = remote["pwd"][0]
        process = remote.get("process", ("", 0))[0]
        if process:
            checks.append({**login, "name": f"process-{number}", "process": re.escape(process)})
        if "scan_cmd" in remote:
            reason = "sitewarden lists processes itself" if process else "a bare remote command is config-file only"
            out.skip(f"{name}:{remote['scan_cmd'][1]}", f"remote.url.{number}.scan_cmd", f"{reason}; not imported")
        logs = [remote.get(key, ("", 0))[0] for key in ("log.dir", "log.files", "log.pattern")]
        if all(logs):
            path = logs[0].rstrip("/") + "/" + logs[1]
            checks.append({**login, "name": f"log-{number}", "log": path, "pattern": "(?i)" + logs[2]})
        elif any(logs):
            line = min(remote[key][1] for key in ("log.dir", "log.files", "log.pattern") if key in remote)
            out.skip(f"{name}:{line}", f"remote.url.{number}.log", "needs log.dir, log.files and log.pattern")
