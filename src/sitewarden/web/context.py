"""What every request handler of the web app shares: the store, the settings, templates and the session codec."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import Request

from sitewarden.app.database import Database
from sitewarden.app.soft_states import DEFAULT_THRESHOLDS, Thresholds
from sitewarden.store.users import User
from sitewarden.web.auth.addresses import Network, client_address
from sitewarden.web.auth.sessions import SessionCodec
from sitewarden.web.settings import WebSettings

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

    from sitewarden.catalog.settings import CatalogSettings
    from sitewarden.events.settings import MaintenanceWindow

T = TypeVar("T")
DEMO_USER = User(id=0, name="demo", role="admin", created_at=datetime(2000, 1, 1, tzinfo=UTC))


@dataclass
class WebContext:
    """Shared by all requests; the app keeps no other state, so several web processes can serve one store."""

    database: Database
    settings: WebSettings
    codec: SessionCodec
    templates: Jinja2Templates
    demo: bool = False
    public_paths: list[str] = field(default_factory=list)
    catalog: CatalogSettings | None = None
    """The `catalog:` settings (ELTS policy, extension key mappings) that `GET /api/v1/verdict` judges with."""
    sla_targets: dict[str, float | None] = field(default_factory=dict)
    """The `sla:` target of each configured group, for `GET /api/v1/reports/sla`."""
    sla_maintenance: tuple[MaintenanceWindow, ...] = ()
    """The config's `maintenance:` windows, left out of SLA figures like stored windows."""
    trusted_proxies: tuple[Network, ...] = ()
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    """The config's default thresholds, for check rows stored without their own (each check's are read with its
    state): the site page shows "(soft, 1 of 3)" as `status` does."""

    async def read(self, work: Callable[..., T], *args: Any) -> T:
        """Run `work(connection, *args)` in one transaction, in a worker thread so the loop stays free."""
        return await asyncio.to_thread(self._run, work, args)

    def _run(self, work: Callable[..., T], args: tuple[Any, ...]) -> T:
        with self.database.transaction() as connection:
            return work(connection, *args)


def web(request: Request) -> WebContext:
    context: WebContext = request.app.state.web
    return context


def principal(request: Request) -> User | None:
    """The signed-in user (or the demo user), or None."""
    user: User | None = request.scope.get("state", {}).get("principal")
    return user


def address_of(request: Request) -> str:
    """Where a request comes from (X-Forwarded-For believed from `web.trusted_proxies` only)."""
    return client_address(request, web(request).trusted_proxies)


def session_of(request: Request) -> dict[str, Any]:
    session: dict[str, Any] = request.scope.get("state", {}).get("session") or {}
    return session
