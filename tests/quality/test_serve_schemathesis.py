"""Schemathesis against skc serve from the served OpenAPI document: for every operation, data
drawn from its schema gets no server error, and every answer matches the document (status,
content type, body)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from skc.service import ServeOptions, build_app
from skc.service.openapi import document
from skc.service.testing import serving

pytestmark = pytest.mark.slow
TOKEN = "schemathesis-token"
CHECKS = [
    not_a_server_error, status_code_conformance, content_type_conformance,
    response_schema_conformance,
]  # fmt: skip
SCHEMA = schemathesis.openapi.from_dict(document())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    options = ServeOptions(land="hamburg", db=None, test_hooks=True, test_token=TOKEN)
    with serving(build_app(options)) as url:
        yield url


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_served_operation_answers_no_server_error_and_matches_the_document(
    operation: schemathesis.APIOperation[Any, Any, Any, Any], base_url: str
) -> None:
    @settings(
        max_examples=8, deadline=None, derandomize=True, database=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(case=operation.as_strategy(), real_portal=st.booleans())
    def check(case: schemathesis.Case[Any], real_portal: bool) -> None:
        if real_portal and "portal" in (case.path_parameters or {}):
            case.path_parameters["portal"] = "default"  # not only 404s: the real instance too
        case.call_and_validate(
            base_url=base_url, headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS,
            timeout=30,
        )  # fmt: skip

    check()
