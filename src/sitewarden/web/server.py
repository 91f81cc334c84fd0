"""Running the web app under uvicorn: alone (`sitewarden serve`) or as a task beside the engine (the demo)."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket

import uvicorn
from starlette.applications import Starlette

from sitewarden.app.daemon import run_async
from sitewarden.app.database import Database, open_store
from sitewarden.app.sla_reports import targets as sla_targets
from sitewarden.app.soft_states import default_thresholds
from sitewarden.config.models import Config
from sitewarden.errors import AuthError, SitewardenError
from sitewarden.store.users import count_users
from sitewarden.web.app import create_app

logger = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def refuse_open_bind(database: Database, host: str) -> None:
    """Without a user, anyone who reaches the port could use the dashboard: only loopback is allowed then."""
    if is_loopback(host):
        return
    with database.transaction() as connection:
        users = count_users(connection)
    if users == 0:
        raise AuthError(
            f"refusing to listen on {host} while no user exists",
            hint="create one with `sitewarden user add NAME --admin`, or listen on 127.0.0.1",
        )


def ensure_port_free(host: str, port: int) -> None:
    """Say plainly that the address is taken, before uvicorn would log it and exit the process."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            message = f"cannot listen on {host}:{port}: {reason}"
            raise SitewardenError(message, hint="choose another with --port") from None


def make_server(app: Starlette, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        ws="none",
        server_header=False,
        proxy_headers=False,
        loop="asyncio",
    )
    return uvicorn.Server(config)


def serve(config: Config, host: str | None = None, port: int | None = None) -> None:
    """`sitewarden serve`: the dashboard until SIGINT/SIGTERM."""
    host = host or config.web.host
    port = port or config.web.port
    # The dashboard reads sites and checks from the store: the monitoring plan (100,000 check models on a large
    # fleet) is let go once the file is validated and its secrets registered, and the heap handed back.
    thresholds = default_thresholds(config)  # each check's own are stored with it by the engine's sync
    config = config.model_copy(update={"sites": [], "checks": []})
    from sitewarden.memory import settle_heap

    settle_heap()
    database = open_store(config.store.url)
    try:
        refuse_open_bind(database, host)
        ensure_port_free(host, port)
        web_app = create_app(
            database,
            config.web,
            catalog=config.catalog,
            sla_targets=sla_targets(config),
            sla_maintenance=config.maintenance,
            thresholds=thresholds,
        )
        server = make_server(web_app, host, port)
        logger.info("dashboard listening url=http://%s:%d/", host, port)
        run_async(server.serve)
    finally:
        database.close()


async def serve_beside(database: Database, config: Config, port: int, stop: asyncio.Event, *, demo: bool) -> None:
    """The dashboard on 127.0.0.1 in the running loop until `stop` is set (the demo runs it beside the engine)."""
    web_app = create_app(
        database,
        config.web,
        demo=demo,
        catalog=config.catalog,
        sla_targets=sla_targets(config),
        sla_maintenance=config.maintenance,
        thresholds=default_thresholds(config),
    )
    server = make_server(web_app, "127.0.0.1", port)
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]  # the caller owns signals
    task = asyncio.create_task(server.serve(), name="dashboard")
    await stop.wait()
    server.should_exit = True
    await task
