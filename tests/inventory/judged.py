"""A TYPO3 site on loopback, judged against a small catalogue by the real CLI: for the inventory and status tests."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from sitewarden.demo.cms_sites import typo3_client_app
from tests.fixtures.servers import Serve

SAMPLES = Path(__file__).parent.parent / "data" / "catalog"
SECRET = "JudgedSiteSecret0123456789abcdef"


async def sitewarden(config: Path, *args: str) -> tuple[int, str, str]:
    """Run the installed CLI in a subprocess, as a user or cron would."""
    env = {**os.environ, "T3_SECRET": SECRET, "NO_COLOR": "1"}
    env.pop("SITEWARDEN_CONFIG", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sitewarden",
        "-c",
        str(config),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, stdout.decode(), stderr.decode()


def catalogue(folder: Path) -> Path:
    """get.typo3.org and TER samples laid out for `--from`: TYPO3 12.4.10 and news 11.3.0 are insecure there."""
    (folder / "typo3").mkdir(parents=True)
    for name in ("major", "release"):
        (folder / "typo3" / f"{name}.json").write_bytes((SAMPLES / f"typo3-{name}.json").read_bytes())
    (folder / "ter.xml").write_bytes((SAMPLES / "ter-extensions.xml").read_bytes())
    return folder


async def judged_site(serve: Serve, tmp_path: Path) -> Path:
    """Import the catalogue, then run the site's inventory once: the recorder stores the snapshot and verdicts."""
    url = await serve(typo3_client_app(SECRET, core="12.4.10"))
    config = tmp_path / "sitewarden.yaml"
    config.write_text(
        f"""store: {{url: "sqlite:///{tmp_path / "store.db"}"}}
sites:
  - name: t3
    url: "{url}"
    secret: "${{T3_SECRET}}"
    checks: [{{kind: typo3_client, name: inventory}}]
""",
        encoding="utf-8",
    )
    code, out, err = await sitewarden(config, "import", "all", "--from", str(catalogue(tmp_path / "catalog")))
    assert code == 0, out + err
    code, out, err = await sitewarden(config, "run", "--once")
    assert code == 0, out + err
    return config
