"""Unique addresses per example: the profile's mail domain replaces the scenarios' domain."""

from __future__ import annotations

import pytest

from skc.conformance.adapters.identities import Identities


@pytest.mark.parametrize(
    ("readable", "expected"),
    [
        ("anna@example.org", "qa-anna.t1@sink.test"),
        ("anna@EXAMPLE.org", "qa-anna.t1@sink.test"),
        ("anna@example.org ", "qa-anna.t1@sink.test "),
        ("anna@ example.org", "qa-anna.t1@ sink.test"),
        ("anna@other.test", "qa-anna.t1@other.test"),
    ],
)
def test_profile_domain_replaces_scenario_domain_when_spaces_surround_it(
    readable: str, expected: str
) -> None:
    assert Identities("t1", "qa-", "sink.test").address(readable) == expected


def test_same_address_in_another_case_maps_to_the_first_unique_address_when_repeated() -> None:
    identities = Identities("t1")
    first = identities.address("Anna@example.org")
    identities.address("anna@EXAMPLE.ORG")
    assert identities.addresses == {"anna@example.org": first}
