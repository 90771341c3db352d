from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from skc.conformance.adapters import FunctionAdapter, InProcessAdapter, Value
from skc.conformance.adapters.browser import driver
from skc.conformance.adapters.browser.portal_map import (
    REFERENCE_MAP,
    Pattern,
    literal_pattern,
    load_portal_map,
    rejection,
    rules_of,
)
from skc.conformance.adapters.browser.reference import render_reference_map
from skc.conformance.adapters.registry import resolve_target
from skc.conformance.profile import load_profile, reference_profile
from skc.conformance.suites.base import CheckContext
from skc.conformance.suites.fields import field_checks
from skc.conformance.verdicts import Verdict
from skc.model.ambiguity import default_readings
from skc.model.catalog import load_catalog
from skc.model.errors import InputError, UnobservedError
from skc.model.sim.outcome import SIM_REASONS, Outcome
from skc.service.web.messages import message

MAP = """\
pages: "{base_url}/portals/{portal}/web/"
session_cookie: skc_session
success: {shown: ".erfolg", value: "#ergebnis"}
messages: {field: "[id='fehler-{param}']", form: ".fehler-formular p"}
operations:
  login:
    page: anmelden
    form: "#form-login"
    submit: "#absenden"
    fields: {email: "#f-email", password: "#f-password"}
patterns:
  - {match: "^Das Passwort ist zu kurz\\\\.$", rule: password.min_length}
"""
SHORT = "Das Passwort ist zu kurz."
SPACES = "Das Passwort darf keine Leerzeichen enthalten."
PATTERNS = (Pattern(match=literal_pattern(SHORT), rule="password.min_length"),)
# "Fehler <rule>" for every rule but password.no_spaces, whose message is SPACES
OTHERS = tuple(
    Pattern(match=literal_pattern(f"Fehler {rule}"), rule=rule)
    for rule in (*load_catalog().ids, *SIM_REASONS)
    if rule != "password.no_spaces"
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_map_loads_with_pages_fields_and_patterns_when_valid(tmp_path: Path) -> None:
    loaded = load_portal_map(_write(tmp_path, MAP))
    assert loaded.operations["login"].fields["password"] == "#f-password"
    page = loaded.operations["login"]
    assert loaded.url("http://h:1/", "p7", page) == "http://h:1/portals/p7/web/anmelden"
    assert rules_of([f"  {SHORT}\n"], loaded.patterns).rules == ("password.min_length",)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("session_cookie:", "cookie:"),
            r"map.yaml:2: cookie: .*valid keys: pages, session_cookie",
        ),
        (
            ("  login:\n", "  log_in:\n"),
            r"map.yaml:7: operations.log_in: unknown operation 'log_in'",
        ),
        (
            ("#f-email", '#f-email", mail: "#x'),
            r"map.yaml:7: operations.login: mail is no parameter of login \(valid: cookies",
        ),
        (('"^Das', '"^(Das'), r"map.yaml:12: patterns.0.match: .*not a regular expression"),
        (('value: "#ergebnis"', "wert: 1"), r"map.yaml:3: success.wert: .*valid keys: shown"),
        (('    submit: "#absenden"\n', ""), r"a form needs its submit control"),
    ],
)
def test_map_error_names_line_and_valid_keys_when_malformed(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    with pytest.raises(InputError, match=expected):
        load_portal_map(_write(tmp_path, MAP.replace(*change)))


def test_map_that_is_no_mapping_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"map.yaml:1: expected a mapping"):
        load_portal_map(_write(tmp_path, "- pages\n"))


def test_unknown_message_is_quoted_and_never_a_verdict_when_no_pattern_matches() -> None:
    with pytest.raises(UnobservedError, match=f'showed messages .*: \\["{SPACES}"\\]'):
        rejection("register_citizen", [SHORT, SPACES], PATTERNS)
    refused = rejection("register_citizen", [SHORT, " "], PATTERNS)
    assert refused == Outcome(False, rules=("password.min_length",), detail=SHORT)
    assert rejection("register_citizen", ["  "], PATTERNS) is None


def test_literal_pattern_matches_only_its_message_when_it_holds_regex_characters() -> None:
    text = "Erlaubt sind (a-z) + [0-9]. Nicht: *?"
    pattern = Pattern(match=literal_pattern(text), rule="r")
    assert rules_of([text], (pattern,)).rules == ("r",)
    assert rules_of(["Erlaubt sind a-z"], (pattern,)).unknown == ("Erlaubt sind a-z",)


def _german_portal(messages: Mapping[str, str], patterns: tuple[Pattern, ...]) -> FunctionAdapter:
    """The reference portal behind pages that show German messages, read through patterns."""
    reference = InProcessAdapter("hamburg")

    def connect() -> object:
        connection = reference.connect()

        def handler(operation: str, arguments: Mapping[str, Value]) -> Outcome:
            outcome = connection.call(operation, arguments)
            if outcome.accepted:
                return outcome
            shown = [messages.get(rule, f"Fehler {rule}") for rule in outcome.rules]
            return rejection(operation, shown, patterns) or outcome

        return handler

    return FunctionAdapter(connect(), land="hamburg", on_connect=connect)  # type: ignore[arg-type]


def test_field_check_is_inconclusive_with_the_message_quoted_when_the_map_lacks_its_pattern() -> (
    None
):
    check = next(c for c in field_checks("hamburg") if c.id == "fields/password/password.no_spaces")
    portal = _german_portal({"password.no_spaces": SPACES}, OTHERS)
    result = check.run(CheckContext(portal, 1, "live"))
    assert result.verdict is Verdict.INCONCLUSIVE
    assert f'["{SPACES}"]' in result.reason
    assert "(the model: rejected (password.no_spaces))" in result.reason
    known = (*OTHERS, Pattern(match=literal_pattern(SPACES), rule="password.no_spaces"))
    portal = _german_portal({"password.no_spaces": SPACES}, known)
    assert check.run(CheckContext(portal, 1, "live")).verdict is Verdict.PASS


def test_reference_map_is_in_sync_with_the_web_pages_and_their_messages() -> None:
    rendered = render_reference_map()
    assert REFERENCE_MAP.read_text(encoding="utf-8") == rendered, (
        "run: python -m skc.conformance.adapters.browser.reference"
    )
    reference = load_portal_map(REFERENCE_MAP)
    assert reference.operations["register_citizen"].page == "registrieren"
    shown = message("password.min_length", "berlin", default_readings())
    assert rules_of([shown], reference.patterns).rules == ("password.min_length",)


def test_browser_target_needs_a_base_url_and_an_existing_map_when_resolved(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="browser target needs the portal's base_url"):
        resolve_target("browser", land="hamburg", profile=reference_profile("hamburg"))
    profile = tmp_path / "profile.yaml"
    profile.write_text(
        "land: hamburg\nbase_url: http://127.0.0.1:9\nparameters:\n  portal_map: gone.yaml\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"profile.yaml:3: portal_map: no file .*gone.yaml"):
        resolve_target("browser", land="hamburg", profile=load_profile(profile))


def test_missing_chromium_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver, "CHROMIUM_PATHS", ("/nonexistent/chromium",))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="apt-get install chromium"):
        driver.chromium_path()
