"""eID over HTTP with the card on the harness side: skc serve gets the eID result, never the
PIN, and the card's retry counters live in the harness's eID client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from skc.conformance.adapters.http import HttpAdapter
from skc.conformance.steps import SECRETS
from skc.fixtures.eid_accounts import register_activated_eid_citizen
from skc.service import ServeOptions, build_app
from skc.service.testing import serving

PIN = SECRETS["pin"].value
WRONG_PIN = SECRETS["wrong_pin"].value
ERIKA = "erika-mustermann"
TOKEN = "eid-step-token"


class _Recording(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.bodies: list[bytes] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(request.read())
        return super().handle_request(request)


@pytest.fixture
def berlin_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("SKC_TEST_TOKEN", TOKEN)
    options = ServeOptions(land="berlin", db=None, test_hooks=True, test_token=TOKEN)
    with serving(build_app(options)) as url:
        yield url


def test_card_and_counters_stay_with_the_harness_when_the_eid_login_runs_over_http(
    berlin_url: str,
) -> None:
    transport = _Recording()
    connection = HttpAdapter(berlin_url, land="berlin", transport=transport).connect()
    register_activated_eid_citizen(connection)
    wrong = connection.call("login_with_eid", {"card": ERIKA, "pin": WRONG_PIN})
    right = connection.call("login_with_eid", {"card": ERIKA, "pin": PIN})
    connection.close()
    assert wrong.rules == ("eid.pin_required",)
    assert "2 tries left" in wrong.detail
    assert right.accepted
    assert connection.eid.card(ERIKA).pin_retries == 3
    sent = b"".join(transport.bodies)
    assert b'"failure":"wrong_pin"' in sent
    assert PIN.encode() not in sent
    assert WRONG_PIN.encode() not in sent
