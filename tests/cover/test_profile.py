"""Portal profiles: declared capabilities, parameters and readings; errors name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from skc.conformance.profile import Capability, load_profile, reference_profile
from skc.model.errors import InputError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "portal.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_profile_declares_capabilities_parameters_and_readings_when_valid(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "land: berlin\n"
        "base_url: http://127.0.0.1:8080\n"
        "capabilities:\n  organisations: true\n  elster: false\n"
        "parameters:\n  account_namespace: qa-\n  rate_limit_per_s: 5\n"
        "readings:\n  password_reset.lockout_attempts: '5'\n",
    )
    profile = load_profile(path)
    assert profile.land == "berlin"
    assert profile.has(Capability.ORGANISATIONS)
    assert not profile.has(Capability.ELSTER)
    assert not profile.has(Capability.CLOCK_CONTROL)  # not listed: absent
    assert profile.parameters == {"account_namespace": "qa-", "rate_limit_per_s": 5}
    assert profile.readings["password_reset.lockout_attempts"] == "5"


def test_reference_profile_declares_every_capability_when_built() -> None:
    profile = reference_profile("hamburg")
    assert all(profile.has(capability) for capability in Capability)
    assert profile.readings["time.limit_boundary"] == "expired-at-limit"


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("land: bayern\n", 1, "valid: sachsen-anhalt, gemeinsam-online"),
        ("land: berlin\ncapabilities:\n  teleport: true\n", 3, "valid capabilities: organisations"),
        ("land: berlin\ncapabilities:\n  eid: maybe\n", 3, "capabilities.eid"),
        ("land: berlin\nbase_url: x\ncolour: red\n", 3, "colour: Extra inputs"),
        ("base_url: x\n", 1, "land: Field required"),
        ("land: berlin\nreadings:\n  time.limit_boundary: sometimes\n", 3, "unknown reading"),
        ("land: [berlin\n", 2, "not valid YAML"),
        ("- just a list\n", 1, "expected a mapping"),
    ],
)
def test_bad_profile_is_rejected_naming_file_line_and_field_when_loaded(
    tmp_path: Path, text: str, line: int, expected: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}:"), message
    assert expected in message


def test_missing_profile_file_is_named_when_loaded(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_profile(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "call_timeout_s: soon",
            "call_timeout_s: expected seconds from 0 to 86400, not 'soon'",
        ),
        ("call_timeout_s: .inf", "call_timeout_s: expected seconds from 0 to 86400, not inf"),
        ("call_timeout_s: .nan", "call_timeout_s: expected seconds from 0 to 86400, not nan"),
        ("call_timeout_s: -1", "call_timeout_s: expected seconds from 0 to 86400, not -1"),
        ("rate_limit_per_s: -1", "rate_limit_per_s: expected calls per second (0: no limit)"),
    ],
)
def test_call_guard_numbers_are_refused_at_their_line_when_not_finite_or_out_of_range(
    tmp_path: Path, line: str, expected: str
) -> None:
    bad = tmp_path / "portal.yaml"
    bad.write_text(f"land: berlin\nparameters:\n  {line}\n")
    with pytest.raises(InputError) as raised:
        load_profile(bad)
    assert str(raised.value).startswith(f"{bad}:3: parameters.{expected}")


@pytest.mark.parametrize("namespace", ["a b", "qa@", "ä-", "qa-@example", "x" * 25, "7"])
def test_account_namespace_that_would_make_invalid_addresses_is_refused_at_load(
    tmp_path: Path, namespace: str
) -> None:
    bad = tmp_path / "portal.yaml"
    bad.write_text(f"land: berlin\nparameters:\n  account_namespace: {namespace!r}\n")
    if namespace == "7":
        bad.write_text("land: berlin\nparameters:\n  account_namespace: 7\n")
    with pytest.raises(InputError, match=r"portal\.yaml:3: parameters\.account_namespace: "):
        load_profile(bad)


@pytest.mark.parametrize("namespace", ["", "qa-", "qa.team+ci", "qa-@mail.example.org"])
def test_account_namespace_of_a_prefix_and_a_domain_loads(tmp_path: Path, namespace: str) -> None:
    good = tmp_path / "portal.yaml"
    good.write_text(f"land: berlin\nparameters:\n  account_namespace: {namespace!r}\n")
    assert load_profile(good).parameters["account_namespace"] == namespace
