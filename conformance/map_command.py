"""``skc map``: help writing a portal map from what a browser run saw.

``skc map suggest --run DIR`` reads ``DIR/results.jsonl`` and proposes a pattern for every
message the portal showed that no pattern of the map matched (each such check is
``inconclusive`` with the messages quoted and what the model did): an escaped literal regex,
one per message, or one with ``\\d+`` where messages differ only in numbers, grouped by the rule
the model refused the same step for when that was unambiguous (one message, one rule), else
``rule: TODO`` with the candidates in a comment. The output is YAML to paste under
``patterns:``. ``skc map traces --run DIR`` prints the command that opens each finding's
Playwright trace. Exit codes: 0, or 2 for a directory without ``results.jsonl``.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Final

import typer
import yaml

map_app = typer.Typer(
    name="map", help="Portal maps for the browser adapter: suggest patterns, open traces.",
    no_args_is_help=True,
)  # fmt: skip
RunOption = Annotated[Path, typer.Option("--run", help="The output directory of a browser run.")]
TODO: Final = "TODO"
_UNKNOWN: Final = "no pattern of the portal map matches: "
_MODEL: Final = re.compile(r"\(the model: (accepted|rejected \((.*?)\))\)")
_DIGITS: Final = re.compile(r"\d+")


@dataclass
class Seen:
    """A message no pattern matched: how often, and the model's rules on those steps."""

    count: int = 0
    rules: set[str] = field(default_factory=set)  # unambiguous: one message, one model rule
    candidates: set[str] = field(default_factory=set)  # the model's rules when ambiguous


def collect(records: Iterable[Mapping[str, Any]]) -> dict[str, Seen]:
    """The unmatched messages of a run's ``result`` records (each once per step it ended)."""
    seen: dict[str, Seen] = defaultdict(Seen)
    for record in records:
        if record.get("type") != "result" or record.get("verdict") != "inconclusive":
            continue
        reason = str(record.get("reason", ""))
        start = reason.find(_UNKNOWN)
        if start < 0:
            continue
        quoted, _ = json.JSONDecoder().raw_decode(reason, start + len(_UNKNOWN))
        messages = [str(m) for m in quoted]
        model = _MODEL.search(reason)
        rules = [r.strip() for r in (model.group(2) or "").split(",") if r.strip()] if model else []
        for message in messages:
            entry = seen[message]
            entry.count += 1
            if len(messages) == 1 and len(rules) == 1:
                entry.rules.add(rules[0])
            else:
                entry.candidates.update(rules)
    return dict(seen)


def _pattern(messages: list[str]) -> str:
    from skc.conformance.adapters.browser.portal_map import escape, literal_pattern

    if len(messages) == 1:
        return literal_pattern(messages[0])
    pieces = _DIGITS.split(messages[0])
    return "^" + r"\d+".join(escape(piece) for piece in pieces) + "$"


def suggest(seen: Mapping[str, Seen]) -> str:
    """YAML patterns for the messages, grouped by rule (``TODO`` where the rule is unclear)."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for message, entry in sorted(seen.items()):
        rule = next(iter(entry.rules)) if len(entry.rules) == 1 else TODO
        groups[(rule, _DIGITS.sub("0", message))].append(message)
    lines = ["# Paste under `patterns:` in the portal map; check each rule, replace each TODO."]
    for (rule, _), messages in sorted(groups.items(), key=lambda item: item[0]):
        entries = [seen[m] for m in messages]
        times = sum(e.count for e in entries)
        hint = sorted(set().union(*(e.rules | e.candidates for e in entries)))
        note = f"seen {times}x" + (f"; the model refused for {', '.join(hint)}" if hint else "")
        item = yaml.safe_dump(
            [{"match": _pattern(messages), "rule": rule}], allow_unicode=True, width=1000
        ).strip()
        lines.append(f"# {note}\n{item}")
    return "\n".join(lines) + "\n"


def _records(run: Path) -> list[dict[str, Any]]:
    from skc.conformance.reports import RESULTS_FILE, read_records

    path = run / RESULTS_FILE
    if not path.is_file():
        typer.echo(f"error: {path}: no such file; give the --out directory of a run", err=True)
        raise typer.Exit(2)
    return [dict(record) for record in read_records(path)]


@map_app.command("suggest")
def suggest_command(run: RunOption) -> None:
    """Propose patterns for the messages no pattern of the portal map matched."""
    seen = collect(_records(run))
    if not seen:
        typer.echo("# every message the portal showed matched a pattern of the map")
        return
    typer.echo(suggest(seen), nl=False)


@map_app.command("traces")
def traces_command(run: RunOption) -> None:
    """Print the command that opens each finding's Playwright trace (in the trace viewer)."""
    for record in _records(run):
        for path in record.get("evidence") or ():
            if str(path).endswith(".zip"):
                trace = run / str(path)
                typer.echo(f"# {record.get('land')} {record.get('check')}")
                typer.echo(f"playwright show-trace --port 0 {trace}")


__all__ = ["Seen", "collect", "map_app", "suggest"]
