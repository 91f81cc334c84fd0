"""What a site defined outside the config file (API, dashboard, `sites import`) may use.

The config file is the trust boundary: its author may run programs, read files and environment variables on the
monitoring host. A store-defined site is validated with a `SitePolicy` in the pydantic context, and the marked
fields refuse what the policy does not allow: `HostPath` fields (CA bundles, key files, working directories) and
`file:` secret references. `${ENV}` references and check kinds are refused by the caller before validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, ValidationInfo

POLICY_KEY = "site_policy"
"""The key of the pydantic validation context that carries the SitePolicy."""


@dataclass(frozen=True, slots=True)
class SitePolicy:
    """What a store-defined site may use; the defaults allow only what cannot reach the host itself."""

    extra_kinds: frozenset[str] = frozenset()
    env_references: bool = False
    file_references: bool = False
    host_paths: bool = False


def policy_of(info: ValidationInfo | None) -> SitePolicy | None:
    """The policy a validation runs under, or None for the config file (which may use everything)."""
    context = info.context if info is not None else None
    if isinstance(context, dict):
        found = context.get(POLICY_KEY)
        return found if isinstance(found, SitePolicy) else None
    return None


def _host_path(value: Path | None, info: ValidationInfo) -> Path | None:
    policy = policy_of(info)
    if value is not None and policy is not None and not policy.host_paths:
        raise ValueError("a path on the monitoring host can only be given in the config file (web.api_sites)")
    return value


HostPath = Annotated[Path, AfterValidator(_host_path)]
"""A file or directory on the monitoring host: allowed in the config file, refused in store-defined sites."""


def refuse_file_reference(value: Any, info: ValidationInfo | None) -> None:
    """Raise when a `file:` secret reference comes from a definition whose policy does not allow it."""
    policy = policy_of(info)
    if policy is not None and not policy.file_references and isinstance(value, str) and value.startswith("file:"):
        raise ValueError("file: references can only be used in the config file (web.api_sites.file_references)")
