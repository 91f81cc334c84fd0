"""Store-defined sites laid over the config file's: one Config for the engine, whatever the sites came from."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

from sitewarden.config.kinds import check_kinds
from sitewarden.config.loader import _data_path, expand_references, format_path
from sitewarden.config.models import Config, SiteConfig
from sitewarden.errors import ConfigError
from sitewarden.secrets import ENV_REFERENCE, redact, reference_values, register_secrets
from sitewarden.trust import POLICY_KEY, SitePolicy

logger = logging.getLogger(__name__)


def validate_site_definition(definition: dict[str, Any], policy: SitePolicy, label: str = "site") -> SiteConfig:
    """A store definition as a SiteConfig; raises ConfigError naming the first problem (no secret values shown).

    The config file is the trust boundary: kinds not `allowed_from_api` (programs, ssh), `${ENV}` and `file:`
    references and host paths are refused here unless the config's `web.api_sites` policy allows them.
    """
    if not policy.env_references:
        found = _env_reference(definition, ())
        if found is not None:
            message = "${ENV} references can only be used in the config file (web.api_sites.env_references)"
            raise ConfigError(message, file=label, path=format_path(found))
    errors: list[ConfigError] = []
    data = expand_references(definition, label, errors)
    if errors:
        raise errors[0]
    try:
        site = SiteConfig.model_validate(data, context={POLICY_KEY: policy})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        path = format_path(_data_path(tuple(first["loc"]), data))
        raise ConfigError(str(first["msg"]).removeprefix("Value error, "), file=label, path=path) from None
    kinds = check_kinds()
    for index, check in enumerate(site.checks):
        if not kinds[check.kind].allowed_from_api and check.kind not in policy.extra_kinds:
            message = f"a check of kind '{check.kind}' can only be defined in the config file"
            raise ConfigError(message, file=label, path=format_path(("checks", index, "kind")))
    return site


def _env_reference(value: Any, path: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    """The path of the first string holding a `${ENV}` reference, if any."""
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return path if isinstance(value, str) and ENV_REFERENCE.search(value.replace("$${", "")) else None
    for key, item in items:
        found = _env_reference(item, (*path, key))
        if found is not None:
            return found
    return None


def with_store_sites(config: Config, definitions: list[dict[str, Any]]) -> Config:
    """The config plus every valid store-defined site whose name the config file does not use, secrets registered."""
    names = {site.name for site in config.sites}
    extra: list[SiteConfig] = []
    for definition in definitions:
        name = str(definition.get("name", ""))
        if name in names:
            logger.warning("store-defined site ignored: the config file defines it site=%s", name)
            continue
        try:
            site = validate_site_definition(definition, config.web.api_sites.policy(), f"stored site {name}")
        except ConfigError as exc:
            reason = redact(str(exc), reference_values(definition))
            logger.error("store-defined site skipped site=%s error=%s", name, reason)
            continue
        register_secrets(site)
        extra.append(site)
        names.add(name)
    if not extra:
        return config
    return config.model_copy(update={"sites": [*config.sites, *extra]})


def with_group_edits(config: Config, edits: list[tuple[str, str, bool]]) -> Config:
    """The config with groups added or removed by bulk actions laid over each site's own groups."""
    if not edits:
        return config
    by_site: dict[str, list[tuple[str, bool]]] = {}
    for name, group, added in edits:
        by_site.setdefault(name, []).append((group, added))
    changed: list[SiteConfig] = []
    for site in config.sites:
        wanted = by_site.get(site.name)
        if not wanted:
            changed.append(site)
            continue
        groups = list(site.groups)
        for group, added in wanted:
            if added and group not in groups:
                groups.append(group)
            elif not added and group in groups:
                groups.remove(group)
        changed.append(site.model_copy(update={"groups": groups}) if groups != list(site.groups) else site)
    return config.model_copy(update={"sites": changed})
