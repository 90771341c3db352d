"""The adapter contract: operations declared once, adapters found by name, the function adapter,
the injected model, and planning under a profile's readings."""

from __future__ import annotations

import inspect
import sys
import typing
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import pytest

from skc.conformance.adapters import (
    HOOKS,
    OPERATIONS,
    FunctionAdapter,
    InProcessAdapter,
    InProcessConnection,
    Value,
    registry,
    resolve_target,
)
from skc.conformance.adapters.inprocess import TRANSLATIONS
from skc.conformance.adapters.operations import load_operations
from skc.conformance.faults import parse_fault
from skc.conformance.profile import PortalProfile, reference_profile
from skc.conformance.suites.base import CheckContext
from skc.conformance.suites.plan import plan
from skc.conformance.suites.scenarios import load_scenario, scenario_check
from skc.conformance.verdicts import Verdict
from skc.model.ambiguity import Readings
from skc.model.errors import CatalogError, InputError, UnknownNameError
from skc.model.sim.outcome import Outcome
from skc.model.sim.portal import ReferencePortal

SESSION_TIMEOUT = Path("scenarios/session-timeout.yaml")


def _portal_methods() -> dict[str, tuple[str, ...]]:
    return {
        name: tuple(p for p in inspect.signature(fn).parameters if p != "self")
        for name, fn in inspect.getmembers(ReferencePortal, inspect.isfunction)
        if not name.startswith("_")
    }


def _delegating(
    rewrite: typing.Callable[[str, Outcome], Outcome] | None = None,
    land: str = "berlin",
    drop_mail: str | None = None,
) -> FunctionAdapter:
    """A function adapter in front of a fresh reference portal per connection (one that
    never sends the mails of kind ``drop_mail``)."""

    def fresh() -> typing.Callable[[str, Mapping[str, Value]], Outcome]:
        portal = InProcessAdapter(land).connect()  # type: ignore[arg-type]

        def handler(operation: str, arguments: Mapping[str, Value]) -> Outcome:
            if operation == "advance_clock":
                portal.advance_clock(timedelta(seconds=int(str(arguments["seconds"]))))
                return Outcome(accepted=True)
            if operation == "captured_token":
                kind = str(arguments["kind"])
                token = (
                    None
                    if kind == drop_mail
                    else portal.captured_token(str(arguments["address"]), kind)
                )
                return Outcome(accepted=token is not None, value=token)
            outcome = portal.call(operation, arguments)
            return rewrite(operation, outcome) if rewrite else outcome

        return handler

    return FunctionAdapter(fresh(), land=land, on_connect=fresh)  # type: ignore[arg-type]


def test_reference_portal_implements_exactly_the_declared_operations_when_compared() -> None:
    methods = _portal_methods()
    assert set(OPERATIONS) == set(methods)
    for name, op in OPERATIONS.items():
        declared = tuple(p.name for p in op.params)
        if name in TRANSLATIONS:
            sample = {p.name: "erika-mustermann" if p.kind == "card" else "x" for p in op.params}
            declared = tuple(TRANSLATIONS[name](sample))
        assert declared == methods[name], name


def test_declared_defaults_match_the_reference_portal_when_optional() -> None:
    for name, op in OPERATIONS.items():
        if name in TRANSLATIONS:
            continue
        signature = inspect.signature(getattr(ReferencePortal, name))
        for param in op.params:
            has_default = signature.parameters[param.name].default is not inspect.Parameter.empty
            assert param.required is not has_default, f"{name}.{param.name}"


def test_hooks_are_served_by_connection_methods_when_declared() -> None:
    assert set(HOOKS) == {"advance_clock", "captured_token"}
    assert {op.capability for op in HOOKS.values()} == {"clock_control", "mail_capture"}
    assert hasattr(InProcessConnection, "advance_clock")
    assert hasattr(InProcessConnection, "captured_token")


def test_back_office_operations_are_marked_when_declared() -> None:
    back_office = {name for name, op in OPERATIONS.items() if op.authority}
    assert back_office == {
        "offer_service", "deliver_message", "start_vorgang", "approve_service",
        "confirm_at_office", "report_payment",
    }  # fmt: skip


def test_operation_without_a_capability_is_a_load_error_when_declared(tmp_path: Path) -> None:
    path = tmp_path / "operations.yaml"
    path.write_text(
        "- name: ping\n  kind: action\n  role: user\n  doc: Any request.\n"
        "  params:\n    session: {type: str}\n  returns: {value: none, compare: none}\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match=r"operations.yaml:1: capability: Field required"):
        load_operations(path)


def test_unknown_capability_is_a_load_error_naming_the_line_when_declared(tmp_path: Path) -> None:
    path = tmp_path / "operations.yaml"
    path.write_text(
        "- name: ping\n  kind: action\n  role: user\n  capability: telepathy\n  doc: Any.\n"
        "  returns: {value: none, compare: none}\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match=r"operations.yaml:1: .*telepathy.*core, organisations"):
        load_operations(path)


def test_action_whose_value_would_be_compared_is_a_load_error_when_declared(
    tmp_path: Path,
) -> None:
    path = tmp_path / "operations.yaml"
    path.write_text(
        "- name: login\n  kind: action\n  role: user\n  capability: core\n  doc: Log in.\n"
        "  returns: {value: session, compare: presence}\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match=r"only a query's value is compared"):
        load_operations(path)


def test_ids_compare_by_presence_when_the_portal_uses_other_ids() -> None:
    def other_ids(operation: str, outcome: Outcome) -> Outcome:
        if operation == "account_id_of" and outcome.value is not None:
            return Outcome(accepted=True, value=f"vendor-{outcome.value}")
        return outcome

    result = scenario_check(load_scenario(Path("scenarios/account-deletion.yaml"))).run(
        CheckContext(_delegating(other_ids), seed=1)
    )
    assert result.verdict is Verdict.PASS, result


def test_notice_mail_is_read_as_an_empty_token_and_a_missing_one_fails_its_rule() -> None:
    # "5. Sie erhalten eine Informationsmail an Ihre alte E-Mail-Adresse": a notice, no link
    scenario = load_scenario(Path("scenarios/email-change.yaml"))
    connection = InProcessAdapter("hamburg").connect()
    assert connection.captured_token("nobody@example.org", "email_change_info") is None
    sent = scenario_check(scenario).run(CheckContext(_delegating(land="hamburg"), seed=1))
    dropped = scenario_check(scenario).run(
        CheckContext(_delegating(land="hamburg", drop_mail="email_change_info"), seed=1)
    )
    assert sent.verdict is Verdict.PASS, sent
    assert dropped.verdict is Verdict.FAIL
    assert dropped.rule == "email_change.info_mail_to_old_address"
    assert "email_change_info mail" in dropped.expected


def test_collections_compare_by_size_when_the_portal_lists_one_too_many() -> None:
    def extra(operation: str, outcome: Outcome) -> Outcome:
        if operation == "list_vorgaenge" and outcome.accepted:
            return Outcome(accepted=True, value=(*tuple(outcome.value or ()), "ghost"))  # type: ignore[arg-type]
        return outcome

    scenario = load_scenario(Path("scenarios/mailbox-trash.yaml"))
    result = scenario_check(scenario).run(CheckContext(_delegating(extra, "hamburg"), seed=1))
    assert result.verdict is Verdict.FAIL
    assert "accepted: " in result.expected


def test_rejection_naming_no_rule_gives_a_warning_when_the_portal_is_silent() -> None:
    def silent(operation: str, outcome: Outcome) -> Outcome:
        return outcome if outcome.accepted else Outcome(accepted=False)

    result = scenario_check(load_scenario(SESSION_TIMEOUT)).run(
        CheckContext(_delegating(silent), seed=1)
    )
    assert result.verdict is Verdict.PASS
    assert any("rejected without naming a rule" in w and "ping" in w for w in result.warnings)


def test_result_has_no_warning_when_the_portal_names_its_rules() -> None:
    result = scenario_check(load_scenario(SESSION_TIMEOUT)).run(
        CheckContext(InProcessAdapter("berlin"), seed=1)
    )
    assert result.verdict is Verdict.PASS
    assert result.warnings == ()


def test_inprocess_target_resolves_with_its_fault_when_named() -> None:
    fault = parse_fault("berlin-timeout-20-minutes")
    adapter = resolve_target("inprocess", land="berlin", profile=None, fault=fault)
    assert isinstance(adapter, InProcessAdapter)
    assert adapter.fault == fault
    assert adapter.profile.land == "berlin"


def test_module_factory_target_is_imported_and_called_when_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "vendorpkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "adapter.py").write_text(
        "from skc.conformance.adapters import FunctionAdapter\n"
        "from skc.model.sim.outcome import Outcome\n"
        "CALLS = []\n"
        "def make(*, land, profile):\n"
        "    CALLS.append((land, profile.land))\n"
        "    return FunctionAdapter(lambda op, args: Outcome(accepted=True), land=land,\n"
        "                           profile=profile)\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    adapter = resolve_target("vendorpkg.adapter:make", land="hamburg", profile=None)
    assert isinstance(adapter, FunctionAdapter)
    assert sys.modules["vendorpkg.adapter"].CALLS == [("hamburg", "hamburg")]


def test_module_factory_target_names_the_problem_when_the_module_is_missing() -> None:
    with pytest.raises(
        InputError, match=r"cannot import module 'no_such_vendor_pkg.adapter' \(No module"
    ):
        resolve_target("no_such_vendor_pkg.adapter:make", land="berlin", profile=None)


def test_module_factory_target_lists_names_when_the_factory_is_missing() -> None:
    with pytest.raises(UnknownNameError, match=r"unknown factory .* 'nope'; valid: .*resolve"):
        resolve_target("skc.conformance.adapters.registry:nope", land="berlin", profile=None)


def test_entry_point_target_is_loaded_when_a_package_registers_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made: list[str] = []

    class FakeEntryPoint:
        name = "vendor"

        def load(self) -> typing.Callable[..., FunctionAdapter]:
            def make(*, land: str, profile: PortalProfile) -> FunctionAdapter:
                made.append(land)
                return FunctionAdapter(lambda op, args: Outcome(True), land=land)  # type: ignore[arg-type]

            return make

    monkeypatch.setattr(
        registry,
        "entry_points",
        lambda group: [FakeEntryPoint()] if group == "skc.adapters" else [],
    )
    adapter = resolve_target("vendor", land="niedersachsen", profile=None)
    assert made == ["niedersachsen"]
    assert adapter.profile.land == "niedersachsen"
    assert "vendor" in registry.valid_targets()


def test_unknown_target_lists_the_valid_ones_when_named() -> None:
    with pytest.raises(UnknownNameError, match=r"unknown target 'browsr'; valid: inprocess, .*"):
        resolve_target("browsr", land="berlin", profile=None)


def test_fault_is_refused_when_the_target_is_not_inprocess() -> None:
    with pytest.raises(InputError, match=r"in-process reference portal"):
        resolve_target(
            "skc.conformance.adapters:InProcessAdapter", land="berlin", profile=None,
            fault=parse_fault("berlin-timeout-20-minutes"),
        )  # fmt: skip


def test_profile_of_another_land_is_refused_when_resolving() -> None:
    with pytest.raises(InputError, match=r"profile is for hamburg, not berlin"):
        resolve_target("inprocess", land="berlin", profile=reference_profile("hamburg"))


def test_function_adapter_runs_a_scenario_when_given_a_handler() -> None:
    result = scenario_check(load_scenario(SESSION_TIMEOUT)).run(CheckContext(_delegating(), seed=1))
    assert result.verdict is Verdict.PASS


def test_function_adapter_gives_a_finding_when_the_handler_misbehaves() -> None:
    def never_times_out(operation: str, outcome: Outcome) -> Outcome:
        return Outcome(accepted=True) if operation == "ping" else outcome

    result = scenario_check(load_scenario(SESSION_TIMEOUT)).run(
        CheckContext(_delegating(never_times_out), seed=1)
    )
    assert result.verdict is Verdict.FAIL
    assert result.rule == "session.idle_timeout"


def test_injected_model_is_the_one_compared_against_when_given() -> None:
    fault = parse_fault("berlin-timeout-20-minutes")

    def faulty_model(profile: PortalProfile) -> InProcessAdapter:
        return InProcessAdapter(profile.land, profile, fault)

    ctx = CheckContext(InProcessAdapter("berlin"), seed=1, model=faulty_model)
    result = scenario_check(load_scenario(SESSION_TIMEOUT)).run(ctx)
    assert result.verdict is Verdict.FAIL
    assert result.rule == "session.idle_timeout"


def test_alternative_reading_is_used_in_planning_when_the_profile_chooses_advisory() -> None:
    advisory = Readings({"password.sachsen_anhalt_criteria_count": "advisory"})
    default_ids = {c.id for c in plan("sachsen-anhalt", ("fields",))}
    advisory_checks = plan("sachsen-anhalt", ("fields",), readings=advisory)
    assert "fields/password/password.character_classes" in default_ids
    assert "fields/password/password.character_classes" not in {c.id for c in advisory_checks}
    profile = reference_profile("sachsen-anhalt").model_copy(update={"readings": advisory})
    password_valid = next(c for c in advisory_checks if c.id == "fields/password/valid")
    ctx = CheckContext(InProcessAdapter("sachsen-anhalt", profile), seed=1)
    assert password_valid.run(ctx).verdict is Verdict.PASS


def test_check_planned_under_other_readings_is_not_applicable_when_run_under_advisory() -> None:
    advisory = Readings({"password.sachsen_anhalt_criteria_count": "advisory"})
    check = next(
        c for c in plan("sachsen-anhalt", ("fields",))
        if c.id == "fields/password/password.character_classes"
    )  # fmt: skip
    profile = reference_profile("sachsen-anhalt").model_copy(update={"readings": advisory})
    result = check.run(CheckContext(InProcessAdapter("sachsen-anhalt", profile), seed=1))
    assert result.verdict is Verdict.NOT_APPLICABLE
    assert "readings" in result.reason


def test_unknown_suite_lists_the_valid_ones_when_planned() -> None:
    with pytest.raises(UnknownNameError, match=r"unknown suite 'field'; valid: fields"):
        plan("berlin", ("field",))


def test_module_factory_target_is_found_in_the_working_directory_when_not_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cwd_vendor_adapter.py").write_text(
        "from skc.conformance.adapters import InProcessAdapter\n"
        "def make(*, land, profile):\n"
        "    return InProcessAdapter(land, profile)\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])
    adapter = resolve_target("cwd_vendor_adapter:make", land="berlin", profile=None)
    assert isinstance(adapter, InProcessAdapter)


def test_arguments_schema_accepts_what_scenarios_send_when_derived() -> None:
    import jsonschema  # type: ignore[import-untyped]

    from skc.conformance.adapters.operations import arguments_schema
    from skc.conformance.steps import resolve
    from skc.conformance.suites.scenarios import load_scenarios

    checked = 0
    for scenario in load_scenarios():
        saved: dict[str, object] = {}
        for step in scenario.steps:
            if step.save:
                saved[step.save] = "a saved id"
            if step.do not in OPERATIONS:
                continue
            schema = arguments_schema(OPERATIONS[step.do])
            jsonschema.Draft202012Validator.check_schema(schema)
            jsonschema.validate(resolve(step.args, saved), schema)
            checked += 1
    assert checked > 300
    with pytest.raises(jsonschema.ValidationError, match="pseudonym"):
        jsonschema.validate({"pseudonym": "x"}, arguments_schema(OPERATIONS["login_with_eid"]))


def test_query_value_of_the_wrong_shape_is_an_adapter_error_when_answered() -> None:
    def text_count(operation: str, outcome: Outcome) -> Outcome:
        if operation == "unread_count" and outcome.accepted:
            return Outcome(accepted=True, value=str(outcome.value))
        return outcome

    scenario = load_scenario(Path("scenarios/mailbox-unread.yaml"))
    result = scenario_check(scenario).run(CheckContext(_delegating(text_count, "hamburg"), 1))
    assert result.verdict is Verdict.ERROR
    assert "unread_count answered str, but its value is declared as 'count'" in result.reason
