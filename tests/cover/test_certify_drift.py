from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from skc.conformance.cli import app
from skc.conformance.drift import drift, sentence_hash
from skc.model.lands import SEED_FILES
from skc.model.sources import seed_text

HAMBURG = seed_text(SEED_FILES["hamburg"])
TIMEOUT = "falls Sie 20 Minuten lang keine Aktion ausführen"
runner = CliRunner()


def test_drift_finds_nothing_when_the_text_is_unchanged() -> None:
    found = drift("hamburg", HAMBURG)
    assert (found.changes, found.appeared) == ([], [])
    assert found.unchanged_rules > 100


def test_drift_names_the_rule_when_one_number_changed(tmp_path: Path) -> None:
    assert HAMBURG.count(TIMEOUT) == 2  # the login and the session sections say it
    new = tmp_path / "hamburg-2027.txt"
    new.write_text(HAMBURG.replace(TIMEOUT, TIMEOUT.replace("20", "30")), encoding="utf-8")
    result = runner.invoke(app, ["drift", str(new), "--land", "hamburg", "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert report["rules"] == ["session.idle_timeout"]
    (change,) = report["changes"]
    assert change["kind"] == "changed"
    assert "20 Minuten" in change["old"]
    assert "30 Minuten" in change["new"]
    assert report["appeared"] == []


def test_drift_reports_gone_and_new_sentences_when_a_paragraph_is_replaced() -> None:
    new_rule = "Das Passwort muss alle 90 Tage geändert werden."
    lines = [new_rule if TIMEOUT in line else line for line in HAMBURG.splitlines()]
    found = drift("hamburg", "\n".join(lines))
    assert "session.idle_timeout" in found.rules
    assert {c.kind for c in found.changes if c.rule == "session.idle_timeout"} == {"disappeared"}
    assert found.normative_appeared() == [new_rule]
    assert found.appeared == [new_rule]


def test_drift_exits_two_naming_the_lands_when_the_land_is_unknown(tmp_path: Path) -> None:
    new = tmp_path / "text.txt"
    new.write_text("Hallo.", encoding="utf-8")
    result = runner.invoke(app, ["drift", str(new), "--land", "bayern"])
    assert result.exit_code == 2
    assert "hamburg" in result.output


def test_sentence_hash_ignores_line_breaks_when_the_words_are_the_same() -> None:
    assert sentence_hash("Nach 20\n Minuten") == sentence_hash("Nach 20 Minuten")
    assert sentence_hash("Nach 20 Minuten") != sentence_hash("Nach 30 Minuten")
