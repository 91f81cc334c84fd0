"""timon's YAML config (hosts, probes, schedules, notifiers, users) as sites, checks, intervals and targets.

A host becomes a site; each probe it runs becomes a check of the kind that does the same job; the probe's
schedule gives `interval` and its `failinterval` the `retry_interval`; notifiers become suggested targets and the
mail addresses of their users the sites' contacts. Probes running local scripts or custom classes are reported.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from sitewarden.config.importers.base import ForeignFormat, Translation, site_name, unique_name
from sitewarden.config.importers.yaml_lines import YamlDocument, load_yaml

_HTTP = {"HttpIsUpProbe": "http", "HttpProbe": "http"}
_JSON = {"HttpJsonProbe", "HttpJsonIntervalProbe", "HttpJsonProbeWithTimeout", "HttpJsonIntervalProbeWithTimeout"}
_KNOWN_HOST_KEYS = {"addr", "hostname", "probes", "other_data", "proto", "port", "urlpath", "fullurl", "mon_url"}
_KNOWN_PROBE_KEYS = {"cls", "schedule", "notifiers", "verify_ssl", "url", "urlpath", "probe", "ca_rex", "timeout"}


def _text(value: Any) -> str:
    """A scalar of the foreign file as text; a list or mapping where a scalar belongs (an alias bomb) is nothing."""
    if isinstance(value, str):
        return value[:2000]
    return str(value) if isinstance(value, int | float) and value is not None else ""


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _seconds(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else None


class TimonFormat(ForeignFormat):
    """timon's `timon.yaml`: `hosts`, `probes`, `schedules`, `notifiers`, `users`, `defaults`, `default_params`."""

    format = "timon"

    def detect(self, text: str) -> bool:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            return "timon config" in text[:2000]
        if not isinstance(data, dict):
            return False
        marked = _text(data.get("type")).startswith("timon")
        return marked or (isinstance(data.get("hosts"), dict) and ("schedules" in data or "probes" in data))

    def translate(self, text: str, name: str) -> Translation:
        doc = load_yaml(text, name)
        if not isinstance(doc.data, dict) or not isinstance(doc.data.get("hosts"), dict):
            raise doc.error((), "a timon config needs a 'hosts' mapping")
        return _Translator(doc).run()


class _Translator:
    def __init__(self, doc: YamlDocument) -> None:
        self.doc, self.data, self.out = doc, doc.data, Translation()
        self.probes: dict[str, Any] = self._mapping("probes")
        self.schedules: dict[str, Any] = self._mapping("schedules")
        self.notifiers: dict[str, Any] = self._mapping("notifiers")
        self.users: dict[str, Any] = self._mapping("users")
        defaults: dict[str, Any] = self._mapping("defaults")
        params: dict[str, Any] = self._mapping("default_params")
        self.default_probes = _listed(defaults.get("probes"))
        self.default_notifiers = _listed(defaults.get("notifiers"))
        hosts, probes = params.get("hosts"), params.get("probes")
        self.host_defaults: dict[str, Any] = hosts if isinstance(hosts, dict) else {}
        probe_defaults: dict[str, Any] = probes if isinstance(probes, dict) else {}
        self.default_schedule = probe_defaults.get("schedule")

    def _mapping(self, key: str) -> dict[str, Any]:
        value = self.data.get(key)
        return value if isinstance(value, dict) else {}

    def at(self, *path: str | int) -> str:
        return self.doc.where(path)

    def run(self) -> Translation:
        for key in ("webif", "resources", "service", "plugins"):
            if key in self.data:
                self.out.skip(self.at(key), key, "timon's own web interface and runtime settings; not imported")
        for user, entry in self.users.items():
            for field in entry if isinstance(entry, dict) else {}:
                if field != "mail":
                    self.out.skip(self.at("users", user, field), f"users.{user}.{field}", "only e-mail is used")
        self._targets()
        taken: set[str] = set()
        for host, entry in self.data["hosts"].items():
            definition = self._host(str(host), entry if isinstance(entry, dict) else {}, taken)
            if definition is not None:
                self.out.rows.append((self.at("hosts", host), definition))
        return self.out

    def _targets(self) -> None:
        for name, entry in self.notifiers.items():
            entry = entry if isinstance(entry, dict) else {}
            cls = _text(entry.get("cls")).rsplit(".", 1)[-1]
            mails = self._mails(entry.get("users") or [])
            target: dict[str, Any] = {"name": site_name(str(name), "notifier"), "match": {"min_severity": "warning"}}
            if "url" in entry:
                variable = "TIMON_" + re.sub(r"[^A-Z0-9]", "_", str(name).upper()) + "_URL"
                target["handlers"] = [{"kind": "webhook", "url": "${" + variable + "}"}]
                self.out.skip(
                    self.at("notifiers", name, "url"),
                    f"notifiers.{name}.url",
                    "may hold a token: the suggested target reads it from an environment variable",
                )
            elif mails or "mail" in cls.lower():
                target["handlers"] = [{"kind": "email", "to": mails or ["ops@example.org"]}]
            else:
                self.out.skip(
                    self.at("notifiers", name),
                    f"notifiers.{name}",
                    f"notifier class {cls or '?'} has no sitewarden handler; not imported",
                )
                continue
            if "cert" in entry:
                self.out.skip(
                    self.at("notifiers", name, "cert"),
                    f"notifiers.{name}.cert",
                    "a CA file on the host; set the webhook's verify_tls in the config file",
                )
            self.out.targets.append(target)

    def _mails(self, users: Any) -> list[str]:
        found = []
        for user in users if isinstance(users, list) else []:
            entry = self.users.get(user) if isinstance(user, str) else None
            if isinstance(entry, dict) and isinstance(entry.get("mail"), str):
                found.append(entry["mail"])
        return found

    def _host(self, host: str, entry: dict[str, Any], taken: set[str]) -> dict[str, Any] | None:
        merged = {**self.host_defaults, **{key: value for key, value in entry.items() if value is not None}}
        for key in entry:
            if key not in _KNOWN_HOST_KEYS:
                self.out.skip(self.at("hosts", host, key), f"hosts.{host}.{key}", "no sitewarden equivalent")
        hostname = _text(merged.get("hostname")) or _text(merged.get("addr"))
        if not hostname and not merged.get("fullurl"):
            self.out.skip(self.at("hosts", host), f"hosts.{host}", "neither addr, hostname nor fullurl; skipped")
            return None
        proto, port = _text(merged.get("proto")) or "https", _text(merged.get("port"))
        default_port = {"https": "443", "http": "80"}.get(proto)
        netloc = f"{hostname}:{port}" if port and port != default_port else hostname
        url = _text(merged.get("fullurl")) or f"{proto}://{netloc}/"
        definition: dict[str, Any] = {"name": unique_name(site_name(host, "host"), taken), "url": url}
        other = entry.get("other_data")
        if isinstance(other, dict):
            definition["groups"] = [site_name(f"{key}-{value}", "group") for key, value in other.items()]
        probes = entry.get("probes")
        if probes is None:
            probes = [{"probe": probe} for probe in self.default_probes]
        elif isinstance(probes, dict):
            probes = [{"probe": probe, **(value or {})} for probe, value in probes.items()]
        checks: list[dict[str, Any]] = []
        contacts: list[str] = []
        for index, item in enumerate(probes if isinstance(probes, list) else []):
            item = item if isinstance(item, dict) else {"probe": _text(item)}
            check = self._check(host, index, item, merged, contacts)
            if check is not None:
                check["name"] = unique_name(check["name"], {c["name"] for c in checks})
                checks.append(check)
        definition["checks"] = checks
        if contacts:
            definition["contacts"] = list(dict.fromkeys(contacts))
        return definition

    def _check(
        self, host: str, index: int, item: dict[str, Any], merged: dict[str, Any], contacts: list[str]
    ) -> dict[str, Any] | None:
        probe = _text(item.get("probe"))
        where = (
            self.at("hosts", host, "probes", index)
            if isinstance(self.data["hosts"][host].get("probes"), list)
            else self.at("hosts", host)
        )
        spec = {**(self.probes.get(probe) or {}), **item}
        cls = _text(spec.get("cls")).rsplit(".", 1)[-1]
        label = f"hosts.{host}.probes.{probe}"
        if probe not in self.probes:
            self.out.skip(where, label, "the probe is not defined under 'probes'; skipped")
            return None
        check: dict[str, Any]
        if cls in _HTTP:
            check = {"kind": "http", "name": site_name(probe, "web"), "expect_status": "200"}
            path = spec.get("urlpath", merged.get("urlpath"))
            if spec.get("url"):
                check["url"] = _text(spec["url"])
            elif path:
                check["url"] = _text(path).lstrip("/")
        elif cls in _JSON:
            check = {"kind": "json", "name": site_name(probe, "json")}
            if spec.get("url"):
                check["url"] = _text(spec["url"])
            for rule in ("ok_rule", "warning_rule", "error_rule"):
                if rule in spec:
                    self.out.skip(where, f"{label}.{rule}", "timon's rule syntax is not translated; add json rules")
        elif cls == "SSLCertProbe":
            check = {"kind": "tls", "name": site_name(probe, "tls")}
        elif cls == "SSLClientCAProbe":
            check = {"kind": "tls_client_ca", "name": site_name(probe, "client-ca")}
            if spec.get("ca_rex"):
                check["expect"] = [_text(spec["ca_rex"])]
        else:
            self.out.skip(where, label, f"probe class {cls or '?'} runs code on the timon host; no equivalent")
            return None
        for key in spec:
            if key not in _KNOWN_PROBE_KEYS | {"ok_rule", "warning_rule", "error_rule"}:
                self.out.skip(where, f"{label}.{key}", "no sitewarden equivalent")
        if spec.get("verify_ssl") is False:
            check["http"] = {"verify_tls": False}
        if _seconds(spec.get("timeout")):
            check["timeout"] = _seconds(spec.get("timeout"))
        self._schedule(where, label, spec.get("schedule") or self.default_schedule, check)
        notifiers = spec.get("notifiers") or self.default_notifiers
        for notifier in notifiers if isinstance(notifiers, list) else []:
            entry = self.notifiers.get(notifier) if isinstance(notifier, str) else None
            contacts += self._mails((entry or {}).get("users") or []) if isinstance(entry, dict) else []
        return check

    def _schedule(self, where: str, label: str, name: Any, check: dict[str, Any]) -> None:
        if name is None:
            return
        schedule = self.schedules.get(name) if isinstance(name, str) else None
        if not isinstance(schedule, dict):
            self.out.skip(where, f"{label}.schedule", f"schedule {_text(name)[:40]!r} is not defined; default used")
            return
        if _seconds(schedule.get("interval")):
            check["interval"] = _seconds(schedule.get("interval"))
        if _seconds(schedule.get("failinterval")):
            check["retry_interval"] = _seconds(schedule.get("failinterval"))
