"""`notify`: a one-off message per site through the event routing, to a target that matches notices."""

from __future__ import annotations

import json

from sitewarden.app.bulk import Actor, BulkRequest, bulk
from sitewarden.events.notifier import Notifier
from sitewarden.store.checks import SiteRow, sync_config
from sitewarden.store.database import open_database
from tests.events.fleet import T0, Clock, config_from
from tests.fixtures.receivers import HookReceiver


async def test_notify_reaches_a_target_matching_notices_with_the_sites_contacts(
    sqlite_url: str, hook_receiver: HookReceiver
) -> None:
    config = config_from(
        f"""
        targets:
          - name: owners
            match: {{channels: ["site.*.notice"]}}
            processors: [{{kind: enrich}}]
            handlers: [{{kind: webhook, url: "{hook_receiver.url}", backoff: 0s}}]
          - name: outages
            match: {{types: [availability]}}
            handlers: [{{kind: webhook, url: "{hook_receiver.url}/outages", backoff: 0s}}]
        """,
        sqlite_url,
        sites=3,
    )
    database = open_database(sqlite_url)
    rows = [SiteRow(site.name, site.url, list(site.groups), list(site.contacts)) for site in config.sites]
    with database.transaction() as connection:
        sync_config(connection, rows, [], T0)
        request = BulkRequest("notify", sites=("site001", "site002"), message="News update tonight at 22:00.")
        bulk(connection, request, Actor("alice"), T0, dry_run=False)
    await Notifier(config, database, clock=Clock()).step()
    database.close()
    bodies = [json.loads(request["body"]) for request in hook_receiver.requests]
    assert [request["path"] for request in hook_receiver.requests] == ["/hook", "/hook"]
    events = sorted((event for body in bodies for event in body["events"]), key=lambda event: event["site"])
    assert [(event["site"], event["channel"], event["message"]) for event in events] == [
        ("site001", "site.site001.notice", "News update tonight at 22:00."),
        ("site002", "site.site002.notice", "News update tonight at 22:00."),
    ]
    assert events[0]["payload"]["contacts"] == ["owner1@example.org"]
    assert events[0]["payload"]["site_details"]["contacts"] == ["owner1@example.org"]
