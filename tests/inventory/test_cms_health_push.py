"""Push mode's params: a strong token (three character groups) and a period, refused with the token's path."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sitewarden.config.loader import parse_config
from sitewarden.errors import ConfigErrors
from sitewarden.inventory.cms_health import CmsHealthParams, push_token_problem


def test_push_tokens_need_sixteen_characters_from_three_groups() -> None:
    assert push_token_problem("push-token-0123456789") is None  # lower, digit, symbol
    assert push_token_problem("PUSHTOKEN0123456789x") is None  # upper, digit, lower
    assert push_token_problem("Sh0rt-token") == "the token must be at least 16 characters long"
    assert "at least three of" in str(push_token_problem("only-lower-and-symbols"))
    assert "at least three of" in str(push_token_problem("ONLYUPPERAND12345"))


def test_push_mode_needs_a_token_and_a_period() -> None:
    with pytest.raises(ValidationError, match="mode push needs a 'token'"):
        CmsHealthParams(kind="cms_health", mode="push", period=300)
    with pytest.raises(ValidationError, match="mode push needs a 'period'"):
        CmsHealthParams(kind="cms_health", mode="push", token="push-token-0123456789")
    with pytest.raises(ValidationError, match="flavour spec .* or ietf"):
        CmsHealthParams(kind="cms_health", mode="push", token="push-token-0123456789", period=300, flavour="typo3")
    params = CmsHealthParams(kind="cms_health", mode="push", token="push-token-0123456789", period="5m")
    assert params.period == 300.0 and params.grace == 600.0


def test_a_weak_push_token_is_a_config_error_at_its_path_without_the_token() -> None:
    text = """sites:
  - {name: a, url: "https://a.example.org/"}
  - name: intranet
    url: http://intranet.example.org/
    checks:
      - {kind: cms_health, mode: push, period: 5m, token: "weakweakweakweakweak"}
"""
    with pytest.raises(ConfigErrors) as caught:
        parse_config(text, "c.yaml")
    message = str(caught.value)
    assert "c.yaml:6: sites[1].checks[0].token: the token must mix at least three of" in message
    assert "weakweakweakweakweak" not in message


def test_push_mode_sends_no_token_so_a_plain_http_site_is_fine() -> None:
    text = """sites:
  - name: intranet
    url: http://intranet.example.org/
    checks:
      - {kind: cms_health, mode: push, period: 5m, token: "push-token-0123456789"}
"""
    config = parse_config(text, "c.yaml")
    assert config.sites[0].checks[0].kind == "cms_health"
