from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from skc.conformance.adapters.browser.portal_map import Pattern, rules_of
from skc.conformance.cli import app
from skc.conformance.map_command import collect, suggest

SPACES = "Das Passwort darf keine Leerzeichen [ ] enthalten."


def _inconclusive(messages: list[str], model: str, check: str = "fields/x") -> dict[str, object]:
    quoted = json.dumps(messages, ensure_ascii=False)
    reason = (
        f"register_citizen: the portal showed messages no pattern of the portal map matches: "
        f"{quoted}; add a pattern for each (skc map suggest) (the model: {model})"
    )
    return {"type": "result", "verdict": "inconclusive", "check": check, "reason": reason}


RECORDS: list[dict[str, object]] = [
    _inconclusive([SPACES], "rejected (password.no_spaces)"),
    _inconclusive([SPACES], "rejected (password.no_spaces)", "fields/y"),
    _inconclusive(["Mindestens 8 Zeichen."], "rejected (password.min_length)"),
    _inconclusive(["Mindestens 12 Zeichen."], "rejected (password.min_length)"),
    _inconclusive(["Unklar A.", "Unklar B."], "rejected (a.rule, b.rule)"),
    {"type": "result", "verdict": "pass", "check": "fields/z", "reason": ""},
]


def test_suggested_patterns_match_their_messages_and_name_the_models_rule_when_unambiguous() -> (
    None
):
    seen = collect(RECORDS)
    assert seen[SPACES].count == 2
    proposed = yaml.safe_load(suggest(seen))
    patterns = tuple(Pattern(**entry) for entry in proposed)
    assert rules_of([SPACES], patterns).rules == ("password.no_spaces",)
    assert rules_of(["Mindestens 10 Zeichen."], patterns).rules == ("password.min_length",)
    assert rules_of(["Unklar A."], patterns).rules == ("TODO",)
    assert rules_of(["Das Passwort darf keine Leerzeichen  enthalten."], patterns).unknown
    assert "the model refused for a.rule, b.rule" in suggest(seen)


def test_map_suggest_prints_yaml_to_paste_and_exits_2_without_a_run(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["map", "suggest", "--run", str(tmp_path)])
    assert missing.exit_code == 2
    assert "results.jsonl: no such file" in missing.output
    lines = "\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS)
    (tmp_path / "results.jsonl").write_text(lines + "\n", encoding="utf-8")
    result = runner.invoke(app, ["map", "suggest", "--run", str(tmp_path)])
    assert result.exit_code == 0
    assert {e["rule"] for e in yaml.safe_load(result.output)} == {
        "password.no_spaces", "password.min_length", "TODO",
    }  # fmt: skip
