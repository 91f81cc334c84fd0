"""Probe test fixtures: a ProbeContext on loopback, and config loading that returns the error text."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

import pytest

from sitewarden.config.loader import parse_config
from sitewarden.errors import ConfigErrors
from sitewarden.probes.base import ProbeContext, SiteInfo
from sitewarden.transport.http import HttpClient
from sitewarden.transport.resolver import StaticResolver

MakeContext = Callable[..., ProbeContext]


@pytest.fixture
def probe_context() -> MakeContext:
    """`probe_context(site_url=None, timeout=5, **fields)`: names resolve through a static map, never the system."""

    def make(site_url: str | None = None, timeout: float = 5.0, **fields: Any) -> ProbeContext:
        resolver = StaticResolver({"localhost": "127.0.0.1", "ip6-localhost": "::1"})
        site = SiteInfo(name="site", url=site_url) if site_url else None
        return ProbeContext(http=HttpClient(resolver=resolver), site=site, timeout=timeout, **fields)

    return make


def config_errors(check_yaml: str) -> str:
    """Load a config with one check outside any site; return every error as the loader prints it."""
    text = "checks:\n" + textwrap.indent(textwrap.dedent(check_yaml).strip(), "  ")
    try:
        parse_config(text, "sitewarden.yaml")
    except ConfigErrors as errors:
        return str(errors)
    return ""


def load_check(check_yaml: str) -> Any:
    """The validated check model of a one-check config."""
    text = "checks:\n" + textwrap.indent(textwrap.dedent(check_yaml).strip(), "  ")
    return parse_config(text, "sitewarden.yaml").checks[0]
