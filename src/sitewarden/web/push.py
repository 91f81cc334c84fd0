"""`POST /push/<site>/<check>`: a site behind a firewall pushes its CMS Health Check or IETF health document.

No login: the check's own token, sent as `Authorization: Bearer`, is compared in constant time with the hash the
engine stored from the config. The body is capped (413), pushes are rate limited per token (429 with
Retry-After), refused ones per client address (so guessing tokens or check names costs time, not database
reads), and a document that is not JSON or breaks the schema gets a 400 with the reason (and the check a
`warning`). The token never reaches a log or an answer.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sitewarden.app.pushes import accept_push, push_token
from sitewarden.results import utcnow
from sitewarden.web.context import address_of, web

logger = logging.getLogger(__name__)
MAX_PUSH = 256 * 1024
"""The largest document taken (bytes); health documents are a few KiB."""
BURST = 10
"""Pushes a token may send at once before the rate applies."""
REFILL_SECONDS = 6.0
"""One more push allowed per this many seconds (10 a minute, sustained)."""
FAILURE_BURST = 20
"""Refused pushes (no token, wrong token, unknown check) a client address may send before it is slowed down."""
FAILURE_REFILL_SECONDS = 3.0
"""One more refused push allowed per this many seconds and address: guessing costs time, not database reads."""


@dataclass
class PushLimiter:
    """A token bucket per check (each check has its own token), kept in the web process's memory."""

    burst: int = BURST
    refill: float = REFILL_SECONDS
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, key: str, now: float | None = None) -> float:
        """0 when a push may go ahead (and count it); else the seconds until the next one may."""
        now = time.monotonic() if now is None else now
        tokens, since = self.buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - since) / self.refill)
        if tokens < 1.0:
            self.buckets[key] = (tokens, now)
            return (1.0 - tokens) * self.refill
        self.buckets[key] = (tokens - 1.0, now)
        if len(self.buckets) > 100_000:  # a bound on memory whatever is pushed at us
            self.buckets.clear()
        return 0.0

    def waiting(self, key: str, now: float | None = None) -> float:
        """The seconds until `key` may go ahead again, without counting anything (0 when it may now)."""
        now = time.monotonic() if now is None else now
        tokens, since = self.buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - since) / self.refill)
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) * self.refill


def push_routes() -> list[BaseRoute]:
    return [Route("/push/{site}/{check}", receive_push, methods=["POST"], name="push")]


async def receive_push(request: Request) -> Response:
    site, check = request.path_params["site"], request.path_params["check"]
    key = f"{site}/{check}"[:400]
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_PUSH:
        return _answer(413, f"the document is larger than {MAX_PUSH // 1024} KiB")
    address = address_of(request)  # X-Forwarded-For only from `web.trusted_proxies`
    failures = _limiter(request, "push_failures", FAILURE_BURST, FAILURE_REFILL_SECONDS)
    backoff = failures.waiting(address)
    if backoff > 0:
        return _answer(429, "too many refused pushes from this address; retry later", retry=math.ceil(backoff))
    scheme, _, offered = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not offered.strip():
        failures.take(address)
        return _answer(401, "send the check's token as Authorization: Bearer <token>", bearer=True)
    context = web(request)
    found = await context.read(push_token, key, offered.strip())
    if found is None:
        failures.take(address)
        return _answer(404, f"no check '{key}' takes pushes (a cms_health check with mode: push)")
    matched, flavour = found
    if not matched:
        failures.take(address)
        logger.warning("push refused: wrong token check=%s", key)
        return _answer(403, "the token is not this check's")
    wait = _limiter(request, "push_limiter", BURST, REFILL_SECONDS).take(key)
    if wait > 0:
        return _answer(429, "too many pushes for this check; retry later", retry=math.ceil(wait))
    body = await _body(request)
    if body is None:
        return _answer(413, f"the document is larger than {MAX_PUSH // 1024} KiB")
    media_type = request.headers.get("content-type", "application/json").split(";")[0].strip()
    problem = await context.read(accept_push, key, body, media_type, flavour, utcnow())
    if problem is not None:
        logger.info("push refused check=%s reason=%s", key, problem)
        return _answer(400, problem)
    logger.info("push received check=%s bytes=%d", key, len(body))
    return JSONResponse({"accepted": True, "check": key}, status_code=202)


async def _body(request: Request) -> bytes | None:
    """The body, or None as soon as it grows past MAX_PUSH (the rest is not read)."""
    kept = bytearray()
    async for chunk in request.stream():
        kept += chunk
        if len(kept) > MAX_PUSH:
            return None
    return bytes(kept)


def _limiter(request: Request, name: str, burst: int, refill: float) -> PushLimiter:
    """The app's limiter of that name (one for accepted pushes per check, one for refusals per address)."""
    limiter: PushLimiter | None = getattr(request.app.state, name, None)
    if limiter is None:
        limiter = PushLimiter(burst, refill)
        setattr(request.app.state, name, limiter)
    return limiter


def _answer(status: int, message: str, *, bearer: bool = False, retry: int | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if bearer else {}
    if retry is not None:
        headers["Retry-After"] = str(retry)
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)
