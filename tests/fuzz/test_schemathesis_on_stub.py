"""Schemathesis over every method the stub simulates: no 5xx, no 1001, ever."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from harness.contracts import validate
from harness.formcodec import decode_form
from harness.fuzz.forms import encode_form_body
from harness.fuzz.hooks import hooks_installed
from harness.spec import registry
from harness.stub import Stub
from harness.stub.routes import ROUTES

EXAMPLES_PER_METHOD = 40


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[tuple[Any, Stub]]:
    stub = Stub()
    # the methods the stub simulates, not every generated one
    schema = schemathesis.openapi.from_dict(copy.deepcopy(registry().document_for(ROUTES)))
    schema.app = stub.wsgi_app
    with hooks_installed():  # Aria's form encoding, for this module's runs only
        yield schema, stub
    stub.service.close()


@pytest.mark.parametrize("method", sorted(ROUTES))
def test_generated_requests_never_get_a_5xx_or_1001(fuzzed: tuple[Any, Stub], method: str) -> None:
    schema, stub = fuzzed
    operation = schema.find_operation_by_id(method)
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    # What the test claims is checked on every call; these counts only prove the run happened
    # (both encodings included). Random cases rarely get past coercion for the wide methods
    # (create_order_m: a few in 40), so the rules themselves are tested in tests/stub/domain.
    seen: dict[str, int] = {"calls": 0, "form": 0}

    @settings(
        max_examples=EXAMPLES_PER_METHOD,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # a failure is reported as found, unshrunk
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, real_credentials=st.booleans())
    def run(case: Any, real_credentials: bool) -> None:
        if real_credentials and isinstance(case.body, dict):
            # Half the cases get through authentication, so the domain is exercised too.
            case.body.update(stub.credentials)
        response = case.call()
        seen["calls"] += 1
        assert response.status_code < 500, response.text
        assert response.status_code == 200
        assert response.headers["content-type"] == ["application/json"]
        answer = json.loads(response.content)
        assert answer["error_code"] != 1001, (case.body, answer)
        if case.media_type == "application/x-www-form-urlencoded":
            seen["form"] += 1
        if isinstance(case.body, dict) and case.body.get("rest_call") == method:
            violations = validate(method, answer)
            assert violations == [], (case.body, answer, violations)
        else:
            assert answer["error_code"] in registry()[method].allowed_codes

    run()
    assert seen["calls"] >= EXAMPLES_PER_METHOD // 2
    assert seen["form"] > 0  # both encodings were exercised


def test_form_serializer_round_trips_arrays_of_objects_through_aria_decoding() -> None:
    body = {
        "rest_call": "create_order_m",
        "order_line_items_list": [
            {"client_sku": "A", "units": 1},
            {"client_sku": "B|C", "units": 2},
        ],
    }
    encoded = encode_form_body(body)
    assert encoded is not None
    fields = registry()["create_order_m"].array_fields
    decoded = decode_form(encoded.decode(), array_fields=fields)
    assert decoded["order_line_items_list"] == [
        {"client_sku": "A", "units": "1"},
        {"client_sku": "B|C", "units": "2"},
    ]


def test_form_serializer_is_the_one_schemathesis_uses() -> None:
    from schemathesis.transport.wsgi import WSGI_TRANSPORT

    with hooks_installed():
        _, serializer = WSGI_TRANSPORT.get_first_matching_media_type(
            "application/x-www-form-urlencoded"
        ) or (None, None)
        assert serializer is not None
        sent = serializer(None, {"client_sku": "x", "order_line_items_list": [{"units": 1}]})
    assert sent == {"data": b"client_sku=x&units=1"}
