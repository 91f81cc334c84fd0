"""The http and json probes against a hostile server: each misbehaviour gets its status and failure class.

Every run goes through the engine's runner, so the asserted duration is the one a stored result would report, and
the deadline is held whatever the server does. The traps: the keyword sits in the raw bytes of every broken
response below, so a parser that searched the bytes instead of a complete body would call them ok.
"""

from __future__ import annotations

import json
import socket
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from sitewarden.engine.runner import TIMEOUT_GRACE, run_probe
from sitewarden.probes.base import ProbeContext
from sitewarden.probes.http import HttpParams, HttpProbe
from sitewarden.probes.json_probe import JsonParams, JsonProbe
from sitewarden.results import FailureClass, Result, Status
from sitewarden.transport.http import HttpClient
from sitewarden.transport.resolver import StaticResolver
from tests.fixtures import hostile as hostile_module
from tests.fixtures.hostile import HostileServer

DEADLINE = 1.0


async def check(server: HostileServer, path: str, timeout: float = DEADLINE, **params: Any) -> Result:
    """Run an http check of `path` through the runner; assert the reported duration stayed within the deadline."""
    ctx = ProbeContext(http=HttpClient(), timeout=timeout)
    model = HttpParams.model_validate({"kind": "http", "url": server.url(path), **params})
    result = await run_probe(HttpProbe(), model, ctx, None, f"hostile{path}")
    assert result.duration_ms < (timeout + TIMEOUT_GRACE) * 1000
    return result


async def json_check(server: HostileServer, path: str) -> Result:
    ctx = ProbeContext(http=HttpClient(), timeout=DEADLINE)
    model = JsonParams.model_validate({"kind": "json", "url": server.url(path), "rules": {"ok": ["status: ^pass$"]}})
    result = await run_probe(JsonProbe(), model, ctx, None, f"hostile{path}")
    assert result.duration_ms < (DEADLINE + TIMEOUT_GRACE) * 1000
    return result


def assert_failed(result: Result, failure: FailureClass, summary: str | None = None) -> None:
    assert (result.status, result.failure) == (Status.ERROR, failure), result.summary
    assert result.as_dict()["class"] == failure.value
    if summary is not None:
        assert result.summary == summary


async def test_a_well_framed_response_is_ok(hostile: HostileServer) -> None:
    result = await check(hostile, "/ok", keyword="Add to cart")
    assert (result.status, result.failure) == (Status.OK, None)


async def test_a_close_delimited_body_is_complete_at_the_close(hostile: HostileServer) -> None:
    assert (await check(hostile, "/close-delimited", keyword="Add to cart")).status is Status.OK


async def test_a_dripped_body_without_content_rule_times_out_while_reading_the_body(hostile: HostileServer) -> None:
    result = await check(hostile, "/drip-body")
    assert_failed(result, FailureClass.TIMEOUT, "timed out while reading the body after 1 s")
    assert result.details["phase"] == "body"


async def test_headers_that_never_end_time_out_while_reading_the_headers(hostile: HostileServer) -> None:
    result = await check(hostile, "/drip-headers", keyword="Add to cart")
    assert_failed(result, FailureClass.TIMEOUT, "timed out while reading the headers after 1 s")


async def test_a_declared_10_gib_body_is_too_large_without_content_rule(hostile: HostileServer) -> None:
    assert_failed(await check(hostile, "/ten-gib"), FailureClass.BODY_TOO_LARGE)


async def test_an_endless_chunked_body_is_too_large_without_content_rule(hostile: HostileServer) -> None:
    result = await check(hostile, "/endless-chunked", max_body="1MiB")
    assert_failed(result, FailureClass.BODY_TOO_LARGE, "body larger than the 1 MiB cap")


async def test_a_gzip_bomb_is_too_large_after_decompression(hostile: HostileServer) -> None:
    result = await check(hostile, "/gzip-bomb", timeout=5.0)
    assert_failed(result, FailureClass.BODY_TOO_LARGE, "body larger than the 1 MiB cap after decompression")


async def test_memory_stays_flat_while_a_10_gib_body_streams(hostile: HostileServer) -> None:
    hostile_module.SENT[0] = 0
    tracemalloc.start()
    try:
        result = await check(hostile, "/ten-gib", max_body="16GiB")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_failed(result, FailureClass.TIMEOUT, "timed out while reading the body after 1 s")
    assert hostile_module.SENT[0] > 16 * 1024**2  # the body really streamed: many times the memory bound below
    assert peak < 4 * 1024**2


@pytest.mark.parametrize("rule", [{}, {"keyword": "Add to cart"}])
async def test_a_body_cut_short_is_truncated_even_with_the_keyword_in_it(
    hostile: HostileServer, rule: dict[str, str]
) -> None:
    result = await check(hostile, "/truncated", **rule)
    assert_failed(result, FailureClass.INVALID_RESPONSE, "truncated: 13 of 100000 bytes")


async def test_a_chunked_body_without_its_last_chunk_is_truncated(hostile: HostileServer) -> None:
    result = await check(hostile, "/chunked-without-last", keyword="Add to cart")
    assert_failed(result, FailureClass.INVALID_RESPONSE)
    assert result.summary.startswith("truncated: chunked body ended without its last chunk")


async def test_endless_100_continue_times_out(hostile: HostileServer) -> None:
    result = await check(hostile, "/endless-continue", expect_status="100-599")
    assert_failed(result, FailureClass.TIMEOUT)
    assert result.summary == "timed out waiting for the final response (only interim 1xx responses came) after 1 s"


async def test_103_early_hints_are_skipped_and_the_final_200_judged(hostile: HostileServer) -> None:
    result = await check(hostile, "/early-hints", keyword="Add to cart")
    assert (result.status, result.metric("status_code")) == (Status.OK, 200)
    assert result.details["interim_responses"] == 1


async def test_101_without_an_upgrade_request_is_invalid(hostile: HostileServer) -> None:
    result = await check(hostile, "/switching-unasked", expect_status="100-599")
    assert_failed(result, FailureClass.INVALID_RESPONSE)


@pytest.mark.parametrize("path", ["/head-405", "/head-501"])
async def test_head_refused_falls_back_to_get_once(hostile: HostileServer, path: str) -> None:
    result = await check(hostile, path, method="HEAD")
    assert result.status is Status.OK
    assert result.details["head_fallback"] is True and "GET used" in result.summary


def test_a_keyword_on_a_head_check_is_a_config_error() -> None:
    from tests.probes.conftest import config_errors

    errors = config_errors(
        """
        - name: home
          kind: http
          url: http://127.0.0.1/
          method: HEAD
          keyword: Add to cart
        """
    )
    assert "checks[0]" in errors and "HEAD request has none" in errors


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/json-nan", "NaN is not JSON (RFC 8259)"),
        ("/json-infinity", "Infinity is not JSON (RFC 8259)"),
        ("/json-duplicate", "duplicate key 'status'"),
        ("/json-trailing", "trailing data after the JSON value"),
    ],
)
async def test_json_that_is_not_strict_rfc_8259_is_a_content_error(hostile: HostileServer, path: str, why: str) -> None:
    result = await json_check(hostile, path)
    assert_failed(result, FailureClass.CONTENT)
    assert result.summary.startswith(f"body is not JSON: {why}")


async def test_strict_json_is_judged_by_its_rules(hostile: HostileServer) -> None:
    assert (await json_check(hostile, "/json-ok")).status is Status.OK


@pytest.mark.parametrize("path", ["/close-at-once", "/reset-at-once"])
async def test_a_connection_ended_before_any_byte_is_a_connection_failure(hostile: HostileServer, path: str) -> None:
    assert_failed(await check(hostile, path), FailureClass.CONNECTION)


@pytest.mark.parametrize("path", ["/beyond-length", "/beyond-length-split"])
async def test_bytes_beyond_content_length_are_ignored_whatever_the_reads(hostile: HostileServer, path: str) -> None:
    assert (await check(hostile, path)).status is Status.OK
    result = await check(hostile, path, keyword="Add to cart")
    assert_failed(result, FailureClass.CONTENT, "keyword 'Add to cart' not found")


async def test_a_second_response_after_the_first_is_never_judged(hostile: HostileServer) -> None:
    result = await check(hostile, "/second-response", keyword="Add to cart")
    assert_failed(result, FailureClass.HTTP_STATUS, "status 503, expected 200-299")


@pytest.mark.parametrize("path", ["/garbage", "/both-lengths", "/gzip-cut", "/reset-in-body"])
async def test_mis_framed_responses_are_invalid_even_with_the_keyword(hostile: HostileServer, path: str) -> None:
    assert_failed(await check(hostile, path, keyword="Add to cart"), FailureClass.INVALID_RESPONSE)


def _blackhole(port: int) -> list[socket.socket]:
    """A listener on 127.0.0.3:port whose backlog is full, so further connects hang (a dead address)."""
    listener = socket.socket()
    listener.bind(("127.0.0.3", port))
    listener.listen(0)
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.3", port))
        fillers.append(filler)
    return [listener, *fillers]


async def _resolved_check(server: HostileServer, addresses: list[str], **params: Any) -> Result:
    ctx = ProbeContext(http=HttpClient(resolver=StaticResolver({"shop.test": addresses})), timeout=3.0)
    model = HttpParams.model_validate({"kind": "http", "url": f"http://shop.test:{server.port}/ok", **params})
    result = await run_probe(HttpProbe(), model, ctx, None, "shop/web")
    assert result.duration_ms < (3.0 + TIMEOUT_GRACE) * 1000
    return result


async def test_a_refused_address_first_falls_back_to_the_next(hostile: HostileServer) -> None:
    result = await _resolved_check(hostile, ["127.0.0.2", "127.0.0.1"])
    assert result.status is Status.OK
    assert result.details["address"] == f"127.0.0.1:{hostile.port}"


async def test_a_dead_address_first_is_overtaken_after_250_ms(hostile: HostileServer) -> None:
    sockets = _blackhole(hostile.port)
    try:
        result = await _resolved_check(hostile, ["127.0.0.3", "127.0.0.1"], connect_timeout="2s")
    finally:
        for sock in sockets:
            sock.close()
    assert result.status is Status.OK
    assert result.details["address"] == f"127.0.0.1:{hostile.port}"
    assert result.duration_ms < 2000  # the second address started long before the first one's connect timeout


async def test_every_failed_address_is_named(hostile: HostileServer) -> None:
    sockets = _blackhole(hostile.port)
    try:
        result = await _resolved_check(hostile, ["127.0.0.3", "127.0.0.2"], connect_timeout="0.3s")
    finally:
        for sock in sockets:
            sock.close()
    assert_failed(result, FailureClass.CONNECTION)
    named = {attempt["address"]: attempt["error"] for attempt in result.details["attempts"]}
    assert named == {
        f"127.0.0.3:{hostile.port}": "timed out after 0.3 s",
        f"127.0.0.2:{hostile.port}": "connection refused",
    }


async def test_run_once_and_status_json_classify_a_hostile_fleet(hostile: HostileServer, tmp_path: Path) -> None:
    from tests.test_cli import sitewarden

    expected = {
        "truncated": ("error", "invalid_response", "truncated: 13 of 100000 bytes"),
        "drip": ("error", "timeout", "timed out while reading the body after 1 s"),
        "no-last-chunk": ("error", "invalid_response", None),
        "silent": ("error", "connection", "connection closed by the server before any response"),
        "head": ("ok", None, None),
        "nan": ("error", "content", "body is not JSON: NaN is not JSON (RFC 8259)"),
    }
    config = tmp_path / "sitewarden.yaml"
    config.write_text(
        f"""
defaults: {{timeout: 1s, failure_threshold: 1}}
store: {{url: "sqlite:///{tmp_path / "sw.db"}"}}
sites:
  - name: hostile
    url: {hostile.url("/")}
    checks:
      - {{name: truncated, kind: http, url: /truncated, keyword: "Add to cart"}}
      - {{name: drip, kind: http, url: /drip-body}}
      - {{name: no-last-chunk, kind: http, url: /chunked-without-last, keyword: "Add to cart"}}
      - {{name: silent, kind: http, url: /close-at-once}}
      - {{name: head, kind: http, url: /head-405, method: HEAD}}
      - {{name: nan, kind: json, url: /json-nan, rules: {{ok: ["status: ^pass$"]}}}}
"""
    )
    code, _, err = await sitewarden("run", "--once", "-c", str(config))
    assert code == 2, err
    code, out, _ = await sitewarden("status", "--json", "-c", str(config))
    found = {row["check"]: (row["status"], row["class"], row["summary"]) for row in json.loads(out)}
    assert found.keys() == expected.keys()
    for name, (status, failure, summary) in expected.items():
        assert found[name][:2] == (status, failure), found[name]
        assert summary is None or found[name][2] == summary


async def test_a_single_refused_address_is_named(hostile: HostileServer) -> None:
    result = await _resolved_check(hostile, ["127.0.0.2"])
    assert_failed(result, FailureClass.CONNECTION, f"connection refused by shop.test:{hostile.port}")
    assert result.details["attempts"] == [{"address": f"127.0.0.2:{hostile.port}", "error": "connection refused"}]
