from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from skc.analysis import (
    ambiguities_frame,
    land_matrix,
    param_table,
    password_frame,
    password_length_edges,
    rules_frame,
)
from skc.conformance.cli import app
from skc.model.ambiguity import load_register
from skc.model.lands import LANDS


@pytest.fixture(scope="module")
def rules_json() -> list[dict[str, Any]]:
    result = CliRunner().invoke(app, ["rules", "--json"])
    assert result.exit_code == 0
    data: list[dict[str, Any]] = json.loads(result.stdout)
    return data


def _value(text: object) -> object:
    """The frame keeps list parameters as JSON text; turn them back for comparison."""
    if isinstance(text, str) and text.startswith("["):
        return json.loads(text)
    return None if text is None or (isinstance(text, float) and pd.isna(text)) else text


def test_rules_frame_agrees_with_skc_rules_json_when_every_rule_is_listed(
    rules_json: list[dict[str, Any]],
) -> None:
    frame = rules_frame()
    assert list(dict.fromkeys(frame["rule"])) == [rule["id"] for rule in rules_json]
    for rule in rules_json:
        rows = frame[frame["rule"] == rule["id"]]
        assert set(rows["family"]) == {rule["family"]}
        for land, stated in rule["lands"].items():
            mine = rows[rows["land"] == land]
            assert set(mine["status"]) == {"stated"}
            assert set(mine["seed"]) == {stated["seed"]}
            assert set(mine["quotes"]) == {" | ".join(stated["quotes"])}
            params = {
                name: _value(value)
                for name, value in zip(mine["param"], mine["value"], strict=True)
                if isinstance(name, str)
            }
            assert params == stated["params"]
        for land, reason in rule["not_stated"].items():
            mine = rows[rows["land"] == land]
            assert list(mine["status"]) == ["not stated"]
            assert list(mine["note"]) == [reason]


def test_land_matrix_marks_the_idle_timeout_as_differing_when_berlin_allows_25_minutes() -> None:
    matrix = land_matrix()
    row = matrix.loc["session.idle_timeout"]
    assert row["berlin"] == "minutes=25"
    assert row["hamburg"] == "minutes=20"
    assert bool(row["differs"]) is True


def test_land_matrix_differs_exactly_when_the_cells_disagree_for_every_rule() -> None:
    matrix = land_matrix()
    cells = matrix[list(LANDS)]
    disagree = cells.nunique(axis=1) > 1
    assert (matrix["differs"] == disagree).all()
    assert disagree.any()
    assert (~disagree).any()


def test_land_matrix_keeps_berlins_link_lifetime_not_stated_when_a_reading_picks_24_hours() -> None:
    from skc.model.ambiguity import Readings

    default = land_matrix(lands=["berlin"]).loc["registration.activation_link_lifetime", "berlin"]
    chosen = land_matrix(
        lands=["berlin"], readings=Readings({"registration.berlin_link_lifetime": "24h"})
    ).loc["registration.activation_link_lifetime", "berlin"]
    assert default == "not stated"
    assert chosen == "not stated"  # a reading never makes an unstated rule stated


def test_ambiguities_frame_has_one_default_reading_per_entry_when_loaded() -> None:
    frame = ambiguities_frame()
    assert set(frame["ambiguity"]) == set(load_register())
    defaults = frame[frame["default"]].groupby("ambiguity").size()
    assert (defaults == 1).all()
    assert len(defaults) == len(load_register())


def test_param_table_is_missing_when_a_land_does_not_state_the_payment_window() -> None:
    table = param_table("payment.window", "minutes")
    assert table["berlin"] == 120
    assert table["hamburg"] == 20
    assert table["niedersachsen"] is None


def test_password_frame_refuses_21_characters_only_in_berlin_when_checked_in_every_land() -> None:
    password = "Aa1" * 7
    frame = password_frame([password]).set_index("land")
    assert frame.loc["berlin", "valid"] == False  # noqa: E712 - numpy bool
    assert "password.max_length" in str(frame.loc["berlin", "rules"])
    others = frame.drop(index="berlin")
    assert others["valid"].all()


def test_password_length_edges_refuse_one_past_each_limit_when_probed() -> None:
    edges = password_length_edges(["berlin"]).set_index("rule")
    assert edges.loc["password.min_length", "len -1"] == False  # noqa: E712
    assert edges.loc["password.min_length", "len +0"] == True  # noqa: E712
    assert edges.loc["password.max_length", "limit"] == 20
    assert edges.loc["password.max_length", "len +1"] == False  # noqa: E712
