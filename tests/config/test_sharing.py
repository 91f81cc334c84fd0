"""Checks written the same way share one validated model; a definition that fails still names its own path."""

from __future__ import annotations

import pytest

from sitewarden.config.loader import parse_config
from sitewarden.config.plan import plan_checks
from sitewarden.errors import ConfigErrors

FLEET = """
sites:
  - name: shop
    url: https://shop.example/
    checks:
      - {name: web, kind: http, url: /cart, keyword: Add to cart}
      - {name: api, kind: http, url: /api, expect_status: [200, 204]}
  - name: blog
    url: https://blog.example/
    checks:
      - {name: web, kind: http, url: /cart, keyword: Add to cart}
      - {name: api, kind: http, url: /api, expect_status: [200, 205]}
"""


def test_equal_check_definitions_share_one_model_and_plan_per_site() -> None:
    config = parse_config(FLEET)
    shop, blog = config.sites
    assert shop.checks[0] is blog.checks[0]
    assert shop.checks[1] is not blog.checks[1]  # one status differs
    assert blog.checks[1].expect_status == [(200, 200), (205, 205)]
    specs = {spec.key: spec for spec in plan_checks(config)}
    assert specs["shop/web"].params is specs["blog/web"].params
    assert specs["shop/web"].site == "shop" and specs["blog/web"].site == "blog"


def test_scalars_of_other_types_are_not_shared() -> None:
    text = FLEET.replace("keyword: Add to cart}", "keyword: Add to cart, max_redirects: 3}", 1).replace(
        "keyword: Add to cart}", "keyword: Add to cart, max_redirects: 3.0}", 1
    )
    config = parse_config(text)
    assert config.sites[0].checks[0] is not config.sites[1].checks[0]


@pytest.mark.parametrize("copies", [1, 3])
def test_a_shared_definition_that_fails_is_reported_at_each_place(copies: int) -> None:
    site = """
  - name: s{n}
    url: https://s{n}.example/
    checks:
      - {{name: web, kind: http, interval: soon}}"""
    text = "sites:" + "".join(site.format(n=n) for n in range(copies)) + "\n"
    with pytest.raises(ConfigErrors) as caught:
        parse_config(text, "fleet.yaml")
    lines = str(caught.value).splitlines()
    assert len(lines) == copies
    for n, line in enumerate(lines):
        assert line.startswith(f"fleet.yaml:{5 + 4 * n}: sites[{n}].checks[0].interval: 'soon' is not a duration")
