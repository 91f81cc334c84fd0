"""Every probe module is registered under its own name, documents itself, and has an example that loads.

A probe's helper modules sit beside it and are listed in SUPPORT, each with the reason it is not a kind.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sitewarden.probes as probes_package
from sitewarden.config.kinds import certificate_kinds, check_kinds, push_kinds
from sitewarden.config.loader import load_config
from sitewarden.config.models import NAME_PATTERN, CheckSchedule
from sitewarden.probes import PROBES
from sitewarden.probes.base import Probe

PROBES_DIR = Path(probes_package.__file__).parent
EXAMPLES = Path(__file__).parent.parent.parent / "examples" / "probes"
SUPPORT = {
    "__init__": "the registry",
    "base": "the probe contract",
    "nagios_output": "Nagios plugin output, read by the command probe",
    "json_rules": "the rules the json probe judges a document by",
    "ssh_logtail": "following log files, for the ssh probe",
    "tls_certificates": "X.509 facts the tls probe reports",
}
MODULES = sorted(path.stem for path in PROBES_DIR.glob("*.py") if path.stem not in SUPPORT)


def _kind(module: str) -> str:
    return module.removesuffix("_probe")


def test_support_modules_exist_and_register_no_kind() -> None:
    for module in SUPPORT:
        assert (PROBES_DIR / f"{module}.py").exists(), f"{module} is listed as support but does not exist"
        assert _kind(module) not in PROBES


def test_every_module_is_registered_under_its_name() -> None:
    assert sorted(_kind(module) for module in MODULES) == sorted(PROBES)
    for module in MODULES:
        cls = PROBES[_kind(module)]
        assert cls.__module__ == f"sitewarden.probes.{module}"
        assert cls.kind == _kind(module)
        assert cls.params.model_fields["kind"].default == cls.kind
        assert cls.pool in ("network", "subprocess", "ssh")


@pytest.mark.parametrize("kind", sorted(PROBES))
def test_params_are_documented_and_do_not_shadow_schedule_fields(kind: str) -> None:
    params = PROBES[kind].params
    assert params.__doc__ and params.__doc__.strip()
    assert params.model_config.get("extra") == "forbid"
    shadowed = set(params.model_fields) & set(CheckSchedule.model_fields)
    assert not shadowed, f"{kind} params reuse check fields {shadowed}"
    for name, field in params.model_fields.items():
        assert name == "kind" or field.description, f"{kind}.{name} has no description"


@pytest.mark.parametrize("module", MODULES)
def test_every_kind_has_an_example_that_loads(module: str) -> None:
    example = EXAMPLES / f"{_kind(module)}.yaml"
    assert example.exists(), f"missing {example}"
    config = load_config(example)
    kinds = {check.kind for site in config.sites for check in site.checks} | {check.kind for check in config.checks}
    assert _kind(module) in kinds


@pytest.mark.parametrize("kind", sorted(check_kinds()))
def test_capabilities_are_declared_on_the_class(kind: str) -> None:
    cls = check_kinds()[kind]
    assert cls.pool in ("network", "subprocess", "ssh")
    for flag in ("accepts_pushes", "yields_certificate", "allowed_from_api", "site_relative_url"):
        assert isinstance(getattr(cls, flag), bool), f"{kind}.{flag} is not a bool"
    overrides_push_window = cls.push_window.__func__ is not Probe.push_window.__func__  # type: ignore[attr-defined]
    assert cls.accepts_pushes == overrides_push_window, f"{kind}: accepts_pushes and push_window disagree"
    assert cls.site_relative_url == ("url" in cls.params.model_fields), f"{kind}: site_relative_url and `url` disagree"
    assert cls.import_name is None or re.match(NAME_PATTERN, cls.import_name)
    unknown = set(cls.import_columns) - set(cls.params.model_fields)
    assert not unknown, f"{kind} imports columns its params lack: {unknown}"


def test_kinds_that_run_programs_or_reach_hosts_by_ssh_stay_in_the_config_file() -> None:
    refused = {kind for kind, cls in check_kinds().items() if not cls.allowed_from_api}
    assert refused == {kind for kind, cls in check_kinds().items() if cls.pool in ("subprocess", "ssh")}
    assert {"command", "ssh"} <= refused


def test_certificate_and_push_kinds_are_answered_by_the_registry() -> None:
    assert certificate_kinds() == ("tls", "tls_client_ca")
    assert push_kinds() == ("heartbeat",)
