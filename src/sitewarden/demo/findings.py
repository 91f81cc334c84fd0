"""The demo's accepted finding: the TYPO3 site's insecure `news` extension, accepted for a month with a reason."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from sitewarden.app.database import Database
from sitewarden.app.findings import AcceptRequest, accept, listed
from sitewarden.errors import NotFound
from sitewarden.results import utcnow

SITE = "typo3"
PRODUCT = "ter:news"
REASON = "news is only used on an archive page behind a login; the update is planned with the next release"


def accept_demo_finding(database: Database) -> bool:
    """Accept the finding once the site is judged; True when it is accepted (now or before)."""
    now = utcnow()
    with database.transaction() as connection:
        if any(finding.product == PRODUCT for finding in listed(connection, SITE, everything=True, today=now.date())):
            return True
        try:
            accept(connection, AcceptRequest(SITE, PRODUCT, REASON, now.date() + timedelta(days=30)), "demo", now)
        except NotFound:
            return False  # not judged yet
    return True


async def accept_when_judged(database: Database, stop: asyncio.Event, every: float = 1.0) -> None:
    """Wait for the TYPO3 site's first judgement, then accept its finding (the demo's example)."""
    while not stop.is_set():
        if await asyncio.to_thread(accept_demo_finding, database):
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
