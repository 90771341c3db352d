"""Rich notebook display: small wrappers with ``_repr_html_`` for a rule, a verdict, a finding
and a Länder diff.

The model's own classes stay plain; these wrappers only render them. Every string that comes
from data is escaped, German quotes are shown verbatim in „…“, and a finding never shows a
secret (the harness already replaced passwords by placeholders in its step log).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from skc.conformance.catalog_views import diff, format_params
from skc.model.catalog import Rule, load_catalog
from skc.model.lands import LANDS, PORTAL_NAMES, SEED_FILES, LandId, parse_land
from skc.model.validators import Verdict

_VERDICT_COLOURS = {
    "pass": "#2b8a3e",
    "fail": "#c92a2a",
    "inconclusive": "#e67700",
    "error": "#862e9c",
    "not-applicable": "#868e96",
}
_BOX = "font-family: sans-serif; border: 1px solid #ddd; border-radius: 4px; padding: 8px;"


def _quotes(quotes: Sequence[str]) -> str:
    return "".join(
        f'<blockquote lang="de" style="margin: 4px 0 4px 12px; color: #444">„{escape(q)}“'
        "</blockquote>"
        for q in quotes
    )


def _badge(text: str, colour: str) -> str:
    return (
        f'<span style="background: {colour}; color: white; border-radius: 3px; '
        f'padding: 1px 6px">{escape(text)}</span>'
    )


@dataclass(frozen=True)
class RuleCard:
    """One rule with its parameters and quotes in every Land (or the reason it is not stated)."""

    rule: Rule
    lands: tuple[LandId, ...] = LANDS

    @classmethod
    def of(cls, rule_id: str, lands: Sequence[str] | None = None) -> RuleCard:
        """The card of a catalog rule by id (an unknown id raises, listing the valid ones)."""
        chosen = LANDS if lands is None else tuple(parse_land(x) for x in lands)
        return cls(load_catalog().rule(rule_id), chosen)

    def __repr__(self) -> str:
        return f"RuleCard({self.rule.id!r})"

    def _repr_html_(self) -> str:
        rule = self.rule
        rows = []
        for land in self.lands:
            if rule.stated(land):
                cell = f"<b>{escape(format_params(rule, land))}</b>" + _quotes(
                    rule.lands[land].quotes
                )
                source = escape(SEED_FILES[land])
            else:
                reason = rule.not_stated.get(land, "not stated in this Land's help text")
                cell = f'<i style="color: #888">not stated</i>: {escape(reason)}'
                source = ""
            rows.append(
                f"<tr><td>{escape(PORTAL_NAMES[land])}<br><code>{land}</code></td>"
                f"<td>{cell}</td><td><small>{source}</small></td></tr>"
            )
        return (
            f'<div style="{_BOX}"><h4 style="margin: 0"><code>{escape(rule.id)}</code> '
            f"({escape(rule.family)})</h4><p>{escape(rule.title)}</p>"
            f"<table><tr><th>Land</th><th>what the help text says</th><th>seed</th></tr>"
            f"{''.join(rows)}</table></div>"
        )


@dataclass(frozen=True)
class VerdictCard:
    """A validator verdict: valid or not, each violated rule with its German message."""

    verdict: Verdict

    def __repr__(self) -> str:
        state = "valid" if self.verdict.valid else "invalid"
        return f"VerdictCard({self.verdict.land}, {self.verdict.field}, {state})"

    def _repr_html_(self) -> str:
        v = self.verdict
        badge = _badge("valid", "#2b8a3e") if v.valid else _badge("invalid", "#c92a2a")
        items = "".join(
            f"<li><code>{escape(x.rule)}</code>: <span lang='de'>{escape(x.message_de)}</span>"
            f" <small>({escape(x.message_en)})</small></li>"
            for x in v.violations
        )
        depends = (
            f"<p><small>another reading would change this: {escape(', '.join(v.depends_on))}"
            "</small></p>"
            if v.depends_on
            else ""
        )
        return (
            f'<div style="{_BOX}">{badge} <b>{escape(v.field)}</b> in <code>{v.land}</code>'
            f"<ul>{items}</ul><p><small>{len(v.rules_checked)} rules checked</small></p>"
            f"{depends}</div>"
        )


@dataclass(frozen=True)
class FindingCard:
    """One result of a conformance run: verdict, rule, quote, expected vs observed, replay.

    Built from a result record (a mapping, as ``read_records`` returns); unknown keys are
    ignored, missing ones shown empty, so records of newer runs still display.
    """

    record: Mapping[str, Any]

    def __repr__(self) -> str:
        r = self.record
        return f"FindingCard({r.get('land')}, {r.get('rule')}, {r.get('verdict')})"

    def _repr_html_(self) -> str:
        r = self.record
        verdict = str(r.get("verdict", ""))
        badge = _badge(verdict or "?", _VERDICT_COLOURS.get(verdict, "#495057"))
        steps = r.get("example") or []
        if isinstance(steps, str):
            steps = [steps]
        log = escape("\n".join(str(s) for s in steps))
        details = ""
        if r.get("expected") or r.get("observed"):
            details = (
                f"<p>expected <b>{escape(str(r.get('expected', '')))}</b>, observed "
                f"<b>{escape(str(r.get('observed', '')))}</b></p>"
            )
        reason = f"<p>{escape(str(r['reason']))}</p>" if r.get("reason") else ""
        replay = f"<p><code>{escape(str(r['replay']))}</code></p>" if r.get("replay") else ""
        quotes = r.get("quotes") or []
        return (
            f'<div style="{_BOX}">{badge} <code>{escape(str(r.get("rule", "")))}</code> in '
            f"<code>{escape(str(r.get('land', '')))}</code> "
            f"<small>({escape(str(r.get('check', '')))})</small>"
            f"{_quotes([str(q) for q in quotes])}{details}{reason}"
            f"{f'<pre>{log}</pre>' if log else ''}{replay}</div>"
        )


@dataclass(frozen=True)
class DiffCard:
    """Every rule whose presence or parameters differ between two Länder, side by side."""

    left: LandId
    right: LandId

    @classmethod
    def of(cls, left: str, right: str) -> DiffCard:
        """The diff of two Land ids (an unknown id raises, listing the valid ones)."""
        return cls(parse_land(left), parse_land(right))

    def __repr__(self) -> str:
        return f"DiffCard({self.left!r}, {self.right!r})"

    def __len__(self) -> int:
        return len(diff(load_catalog(), self.left, self.right))

    def _repr_html_(self) -> str:
        rows = []
        for d in diff(load_catalog(), self.left, self.right):
            rows.append(
                f"<tr><td><code>{escape(d.rule.id)}</code><br><small>{escape(d.rule.title)}"
                f"</small></td><td><b>{escape(d.left)}</b>{_quotes(d.left_quotes)}</td>"
                f"<td><b>{escape(d.right)}</b>{_quotes(d.right_quotes)}</td></tr>"
            )
        return (
            f'<div style="{_BOX}"><h4 style="margin: 0">{escape(self.left)} vs '
            f"{escape(self.right)}: {len(rows)} rules differ</h4><table><tr><th>rule</th>"
            f"<th>{escape(self.left)}</th><th>{escape(self.right)}</th></tr>"
            f"{''.join(rows)}</table></div>"
        )


__all__ = ["DiffCard", "FindingCard", "RuleCard", "VerdictCard"]
