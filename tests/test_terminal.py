"""Text from a target is printed as plain text by every CLI command: no markup, no terminal control sequences."""

from __future__ import annotations

import json
from pathlib import Path

from sitewarden.terminal import strip_controls
from tests.fixtures.servers import FakeSite
from tests.test_cli import sitewarden

TOKEN = "Hostile-token-0123456789"
HOSTILE = "[/] [blink]evil[/blink] [bold red]x\x1b]0;owned\x07\x1b[2J\x1b[31mred\x9b1m\u202etxt\x07"


def hostile_document() -> dict[str, object]:
    """A CMS Health Check answer whose texts carry Rich markup and terminal control sequences."""
    entry = {"componentType": "system", "status": "fail", "output": HOSTILE, "observedValue": HOSTILE}
    version = {"componentType": "system", "status": "info", "observedValue": "6.4.3"}
    return {
        "status": "fail",
        "description": HOSTILE,
        "checks": {"WordPress:Version": [version], f"Evil{HOSTILE}": [entry]},
    }


def test_control_sequences_are_stripped_and_markup_kept_as_text() -> None:
    assert strip_controls(HOSTILE) == "[/] [blink]evil[/blink] [bold red]xredtxt"
    assert strip_controls("tab\tand\nnewline stay") == "tab\tand\nnewline stay"


async def test_every_command_that_prints_target_text_prints_it_plain(tmp_path: Path, fake_site: FakeSite) -> None:
    fake_site.set("/health-checks", body=json.dumps(hostile_document()), content_type="application/health+json")
    config = tmp_path / "sitewarden.yaml"
    config.write_text(
        f"""
defaults: {{timeout: 3s, failure_threshold: 1}}
store: {{url: "sqlite:///{tmp_path / "sw.db"}"}}
sites:
  - name: shop
    url: {fake_site.url}
    checks:
      - {{name: health, kind: cms_health, token: {TOKEN}, allow_http: true}}
"""
    )
    commands = [
        ("run", "--once"),
        ("status",),
        ("check", "health"),
        ("inventory",),
        ("inventory", "shop"),
        ("report", "admin"),
    ]
    for command in commands:
        code, out, err = await sitewarden(*command, "-c", str(config))
        assert code in (0, 1, 2), (command, code, out, err)
        assert "internal error" not in err, (command, err)
        for control in ("\x1b", "\x07", "\x9b", "\u202e"):
            assert control not in out + err, (command, repr(control))
        if command[0] in ("run", "status", "check"):
            assert "[/] [blink]evil[/blink]" in out, (command, out)
