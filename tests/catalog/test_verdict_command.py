"""`sitewarden import all --from` the recorded real data, then `sitewarden verdict`: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sitewarden.cli import app

REAL = Path(__file__).parent.parent / "data" / "catalog" / "real"
CONFIG = """
sites:
  - {name: shop, url: "https://shop.example.org/", checks: [{name: web, kind: http}]}
store: {url: 'STORE'}
"""


def test_import_then_verdict_judges_any_version(sqlite_url: str, tmp_path: Path) -> None:
    path = tmp_path / "sitewarden.yaml"
    path.write_text(CONFIG.replace("STORE", sqlite_url))
    runner = CliRunner()
    imported = runner.invoke(app, ["import", "all", "--from", str(REAL), "-c", str(path)])
    assert imported.exit_code == 0, imported.output
    answer = runner.invoke(app, ["verdict", "typo3", "14.3.3", "--json", "-c", str(path)])
    assert answer.exit_code == 2, answer.output
    data = json.loads(answer.output)
    assert (data["verdict"], data["branch"], data["support"], data["fixed_version"]) == (
        "insecure",
        "14",
        "supported",
        "14.3.5",
    )
    assert [(a["id"], a["aliases"]) for a in data["advisories"]] == [("TYPO3-CORE-SA-2026-020", ["CVE-2026-15305"])]
    text = runner.invoke(app, ["verdict", "drupal", "7.103", "-c", str(path)])
    assert text.exit_code == 1 and "eol" in text.output
    latest = runner.invoke(app, ["verdict", "typo3", "14.3.6", "-c", str(path)])
    assert latest.exit_code == 0 and "up_to_date" in latest.output
    unknown = runner.invoke(app, ["verdict", "ter:in_house", "1.0.0", "-c", str(path)])
    assert unknown.exit_code == 3
    dated = runner.invoke(app, ["verdict", "typo3", "13.4.33", "--date", "2026-08-10", "--json", "-c", str(path)])
    assert dated.exit_code == 0, dated.output
    data = json.loads(dated.output)
    assert (data["verdict"], data["branch_latest"], data["as_of"]) == ("up_to_date", "13.4.33", "2026-08-10")
    wrong = runner.invoke(app, ["verdict", "typo3", "13.4.33", "--date", "10.08.2026", "-c", str(path)])
    assert wrong.exit_code != 0 and "not a date" in str(wrong.exception)
