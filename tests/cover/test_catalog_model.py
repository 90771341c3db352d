from __future__ import annotations

import string
from pathlib import Path

import pytest

from skc.model.ambiguity import load_register
from skc.model.catalog import _load_file, load_catalog
from skc.model.checks import FIELD_CHECKS
from skc.model.errors import CatalogError, InputError, NotStatedError
from skc.model.readings_file import load_readings_file


def test_every_field_rule_has_a_check_when_catalog_loads() -> None:
    field_rules = {r.id for r in load_catalog() if r.field}
    assert field_rules == set(FIELD_CHECKS)


def test_every_linked_ambiguity_exists_when_catalog_loads() -> None:
    register = load_register()
    for rule in load_catalog():
        for aid in rule.ambiguities:
            assert aid in register, f"{rule.id} links unknown ambiguity {aid}"


def test_every_rule_the_register_names_exists_and_links_back_when_loaded() -> None:
    catalog = load_catalog()
    for ambiguity in load_register().values():
        for rule_id in ambiguity.rules:
            rule = catalog.rule(rule_id)
            assert ambiguity.id in rule.ambiguities, f"{rule_id} does not link {ambiguity.id}"


def test_every_message_placeholder_is_a_parameter_when_rule_is_stated() -> None:
    for rule in load_catalog():
        for template in (rule.message_de or "", rule.message_en or ""):
            names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
            for land, statement in rule.lands.items():
                assert names <= set(statement.params) | {"chars_list"}, (rule.id, land)


def test_not_stated_rule_raises_when_its_value_is_asked_for() -> None:
    with pytest.raises(NotStatedError, match="gemeinsam-online"):
        load_catalog().param("gemeinsam-online", "postbox.length", "min")


def test_malformed_rule_file_names_file_and_field_when_loaded() -> None:
    text = (
        "family: fields\nrules:\n  - id: Bad Id\n    family: fields\n    title: x\n    lands: {}\n"
    )
    with pytest.raises(CatalogError, match=r"broken\.yaml: rules\.0\.id"):
        _load_file("broken.yaml", text)


def test_rule_file_with_unknown_land_is_rejected_when_loaded() -> None:
    text = (
        "family: fields\nrules:\n  - id: a.b\n    family: fields\n    title: x\n"
        "    lands: {bremen: {quotes: [x]}}\n"
    )
    with pytest.raises(CatalogError, match="bremen"):
        _load_file("x.yaml", text)


def test_readings_file_names_line_when_reading_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text("land: berlin\nreadings:\n  house_number.charset: anything\n", "utf-8")
    with pytest.raises(InputError, match=r"profile\.yaml:3: .*examples-shape"):
        load_readings_file(path)


def test_readings_file_names_line_when_yaml_is_broken(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text("readings:\n  a: [\n", "utf-8")
    with pytest.raises(InputError, match=r"profile\.yaml:\d+: not valid YAML"):
        load_readings_file(path)


def test_readings_file_overrides_defaults_when_valid(tmp_path: Path) -> None:
    path = tmp_path / "profile.yaml"
    path.write_text('readings:\n  password_reset.lockout_attempts: "5"\n', "utf-8")
    readings = load_readings_file(path)
    assert readings.param("password_reset.lockout_attempts", "attempts") == 5
    assert readings.overrides() == {"password_reset.lockout_attempts": "5"}
