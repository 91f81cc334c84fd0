"""timon configs that are odd or hostile in shape: every oddity is reported, nothing crashes or blows up."""

from __future__ import annotations

from sitewarden.config.importers.timon import TimonFormat


def translate(text: str) -> tuple[list[dict[str, object]], list[str]]:
    out = TimonFormat().translate(text, "timon.yaml")
    return [definition for _, definition in out.rows], [item.line() for item in out.unsupported]


def test_an_alias_bomb_where_scalars_belong_is_read_as_nothing() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x]\n" + "".join(
        f"{name}: &{name} [{', '.join([f'*{previous}'] * 8)}]\n"
        for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
    )  # 8**9 leaves if anything turned it into text
    text = bomb + (
        "hosts:\n"
        "  web: {hostname: *i}\n"
        "  shop: {hostname: shop.example.org, probes: [*i, {probe: *i}, {probe: isup, schedule: *i}]}\n"
        "probes: {isup: {cls: *i}}\n"
    )
    rows, unsupported = translate(text)
    assert rows == [{"name": "shop", "url": "https://shop.example.org/", "checks": []}]
    assert "timon.yaml:11: hosts.web: neither addr, hostname nor fullurl; skipped" in unsupported
    assert "timon.yaml:12: hosts.shop.probes.: the probe is not defined under 'probes'; skipped" in unsupported
    assert "timon.yaml:12: hosts.shop.probes.isup: probe class ? runs code on the timon host; no equivalent" in (
        unsupported
    )


def test_odd_shapes_are_reported_not_fatal() -> None:
    text = (
        "type: timon config\n"
        "hosts:\n"
        "  a: {hostname: a.example.org, probes: [isup, 42, {probe: ghost}], colour: blue}\n"
        "  b: {}\n"
        "probes:\n"
        "  isup: {cls: timon.probes.HttpIsUpProbe, schedule: [not, a, name], notifiers: [{x: 1}]}\n"
        "notifiers:\n"
        "  my-hook: {cls: x.PostRequestNotifier, url: 'https://hooks.example.org/t'}\n"
        "defaults: {probes: isup}\n"
    )
    out = TimonFormat().translate(text, "timon.yaml")
    rows = dict(out.rows)
    assert [definition["name"] for definition in rows.values()] == ["a"]
    lines = [item.line() for item in out.unsupported]
    assert "timon.yaml:3: hosts.a.colour: no sitewarden equivalent" in lines
    assert "timon.yaml:4: hosts.b: neither addr, hostname nor fullurl; skipped" in lines
    assert any("hosts.a.probes.ghost: the probe is not defined" in line for line in lines)
    assert any("hosts.a.probes.42: the probe is not defined" in line for line in lines)
    assert out.targets[0]["handlers"] == [{"kind": "webhook", "url": "${TIMON_MY_HOOK_URL}"}]
