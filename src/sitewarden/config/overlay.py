"""Store-defined sites laid over the config file's: one Config for the engine, whatever the sites came from."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError

from sitewarden.config.kinds import check_kinds
from sitewarden.config.loader import expand_references, format_path
from sitewarden.config.models import Config, SiteConfig
from sitewarden.errors import ConfigError
from sitewarden.secrets import redact, reference_values, register_secrets

logger = logging.getLogger(__name__)


def validate_site_definition(definition: dict[str, Any], label: str = "site") -> SiteConfig:
    """A store definition as a SiteConfig; raises ConfigError naming the first problem (no secret values shown).

    The config file is the trust boundary: kinds not `allowed_from_api` (programs, ssh) are refused here.
    """
    errors: list[ConfigError] = []
    data = expand_references(definition, label, errors)
    if errors:
        raise errors[0]
    try:
        site = SiteConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        path = format_path(tuple(part for part in first["loc"] if isinstance(part, str | int)))
        raise ConfigError(str(first["msg"]), file=label, path=path) from None
    kinds = check_kinds()
    for index, check in enumerate(site.checks):
        if not kinds[check.kind].allowed_from_api:
            message = f"a check of kind '{check.kind}' can only be defined in the config file"
            raise ConfigError(message, file=label, path=format_path(("checks", index, "kind")))
    return site


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
            site = validate_site_definition(definition, f"stored site {name}")
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
