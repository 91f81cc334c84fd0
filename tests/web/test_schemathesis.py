"""Property-based requests from the OpenAPI document against a live server: no answer may be a server error."""

from __future__ import annotations

import itertools
import logging

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import status_code_conformance

from sitewarden.web.api.openapi import openapi_document
from tests.fixtures.web import LiveWeb

EXAMPLES = 6


def test_generated_requests_never_cause_a_server_error(live_web: LiveWeb) -> None:
    schema = schemathesis.openapi.from_dict(openapi_document())
    headers = {"Authorization": f"Bearer {live_web.admin_token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=live_web.url + "/api/v1",
                headers=headers,
                checks=[not_a_server_error, status_code_conformance],
            )

        run()


def test_requests_that_break_the_schema_never_cause_a_server_error(
    live_web: LiveWeb, caplog: pytest.LogCaptureFixture
) -> None:
    """Negative generation: out-of-range or wrongly typed parameters and bodies get a 4xx, never a 500 or traceback."""
    schema = schemathesis.openapi.from_dict(openapi_document())
    headers = {"Authorization": f"Bearer {live_web.admin_token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    with caplog.at_level(logging.ERROR):
        for operation in operations:

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
            def run(case: schemathesis.Case) -> None:
                case.call_and_validate(base_url=live_web.url + "/api/v1", headers=headers, checks=[not_a_server_error])

            run()
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


BOUNDARY_NUMBERS = ["0", "-1", "1", str(2**31), str(2**53 + 1), str(2**63 - 1), str(2**63), "9" * 20, "1e3", "\u0661"]


def test_boundary_and_oversized_integers_in_every_parameter_are_never_a_server_error(
    live_web: LiveWeb, caplog: pytest.LogCaptureFixture
) -> None:
    """Every integer path and query parameter of the API, fed 64-bit boundaries, huge numbers and non-ASCII digits."""
    headers = {"Authorization": f"Bearer {live_web.admin_token}"}
    sent = 0
    with caplog.at_level(logging.ERROR):
        for path, operations in openapi_document()["paths"].items():
            for method, operation in operations.items():
                parameters = operation.get("parameters", [])
                numbers = [p for p in parameters if p.get("schema", {}).get("type") == "integer"]
                for parameter, value in itertools.product(numbers, BOUNDARY_NUMBERS):
                    url = live_web.url + "/api/v1" + path.replace("{name}", "shop").replace("{check}", "web")
                    query = {}
                    if parameter["in"] == "path":
                        url = url.replace("{" + parameter["name"] + "}", value)
                    else:
                        url = url.replace("{id}", "1")
                        query[parameter["name"]] = value
                    answer = requests.request(method.upper(), url, params=query, headers=headers, json={}, timeout=10)
                    assert answer.status_code < 500, (method, url, query, answer.text)
                    sent += 1
    assert sent > 100
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []
