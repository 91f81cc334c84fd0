"""Property-based requests from the OpenAPI document against a live server: no answer may be a server error."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
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
