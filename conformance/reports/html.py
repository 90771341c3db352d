"""One self-contained HTML page for a run, for people: open it from disk, mail it, archive it.

Built for the first ten seconds. From the top:

* the verdict in words (conformant / not conformant / incomplete) and why;
* a summary that links every finding, grouped by Land and rule, and counts the rest;
* filters (Land, verdict, family, suite) and a sortable table, by a small inline script; the
  page needs no script to be read, and loads nothing: no fonts, images or requests;
* the findings (unexpected failures, errors, unexpected passes) in full: the help-text quote
  once per rule, then per check the kind of disagreement, expected vs observed, the minimal
  example and the replay;
* expected failures and unobserved rules (inconclusive, not applicable) in compact tables with
  their reasons, styled apart from failures; no empty rows;
* the certification and coverage per Land, warnings, every result (with a Land column) and the
  run details.

A run without a summary line (killed) says so at the top.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from skc.conformance.mismatch import KIND_TEXT, Kind
from skc.conformance.reports.html_assets import CSS, SCRIPT
from skc.conformance.reports.html_parts import (
    KINDS,
    LABELS,
    all_results,
    anchor,
    badge,
    certification,
    coverage,
    data,
    e,
    evidence,
    expected_failures,
    family,
    kind,
    lines,
    run_details,
    suite,
    title,
    unobserved,
    warnings,
)
from skc.conformance.reports.stream import (
    RecordCollector,
    RunRecords,
    split_records,
    write_atomically,
)

if TYPE_CHECKING:
    from pathlib import Path

_FINDINGS = ("fail", "error")
_STATUS_CSS = {"conformant": "conformant", "not conformant": "not-conformant"}


def _status(run: RunRecords) -> str:
    """The run's conclusion in words, first thing on the page."""
    summary = run.summary or {}
    status = str(summary.get("status") or "incomplete")
    reason = str(summary.get("status_reason") or "the run did not write its summary")
    css = _STATUS_CSS.get(status, "incomplete")
    return (
        f'<p id="verdict" class="status {css}" role="status"><strong>'
        f"{e(status.capitalize())}</strong>: {e(reason)}</p>"
    )


def _lede(run: RunRecords) -> str:
    """One line: what ran against what."""
    header = run.header or {}
    summary = run.summary or {}
    parts = [
        f"target {header.get('target', 'unknown')}",
        "Länder " + ", ".join(str(land) for land in header.get("lands") or []),
        f"seed {header.get('seed', '?')}",
        f"fault {header.get('fault') or 'none'}",
        f"profile {header.get('profile') or 'reference'}",
    ]
    if run.summary is not None:
        parts.append(f"{summary.get('checks_run', '?')} checks in {summary.get('duration_s')} s")
    return f'<p class="lede">{e(" · ".join(parts))}</p>'


def _notices(run: RunRecords) -> str:
    parts = []
    if run.header is None:
        parts.append('<p class="warning">The results file has no run header.</p>')
    if run.summary is None:
        parts.append(
            '<p class="warning"><strong>The run did not finish</strong> (no summary line): '
            f"this page shows the {len(run.results)} results written before it stopped, "
            "and there is no certification summary.</p>"
        )
    return "\n".join(parts)


def _lands(run: RunRecords) -> list[str]:
    """Länder in the header's order, then any other a result names."""
    order = [str(land) for land in (run.header or {}).get("lands") or []]
    seen = [str(r.get("land")) for r in (*run.results, *run.unexpected_passes)]
    return [*order, *sorted(set(seen) - set(order))]


def _by_land_and_rule(
    results: Sequence[Mapping[str, Any]], lands: Sequence[str]
) -> dict[str, dict[str, list[Mapping[str, Any]]]]:
    grouped: dict[str, dict[str, list[Mapping[str, Any]]]] = {land: {} for land in lands}
    for result in results:
        land = grouped.setdefault(str(result.get("land")), {})
        land.setdefault(str(result.get("rule")), []).append(result)
    return {land: rules for land, rules in grouped.items() if rules}


def _summary(run: RunRecords, findings: dict[str, dict[str, list[Mapping[str, Any]]]]) -> str:
    """The table of contents: every finding linked, the rest counted."""
    counts = Counter(kind(r) for r in run.results)
    total = sum(len(results) for rules in findings.values() for results in rules.values())
    items = []
    if total:
        per_land = []
        for land, rules in findings.items():
            links = ", ".join(
                f'<a href="#{anchor("f", land, rule)}"><code>{e(rule)}</code></a> '
                f"({_tally(results)})"
                for rule, results in rules.items()
            )
            per_land.append(f"<li><strong>{e(land)}</strong>: {links}</li>")
        items.append(
            f'<li><a href="#findings">Findings: {total}</a><ul>{"".join(per_land)}</ul></li>'
        )
    else:
        items.append("<li>No findings: no check failed or erred.</li>")
    if run.unexpected_passes:
        items.append(
            f'<li><a href="#unexpected-passes">Unexpected passes: '
            f"{len(run.unexpected_passes)}</a> (expected failures that no longer fail)</li>"
        )
    if counts["expected-failure"]:
        items.append(
            f'<li><a href="#expected-failures">Expected failures: '
            f"{counts['expected-failure']}</a></li>"
        )
    if unseen := counts["inconclusive"] + counts["not-applicable"]:
        items.append(
            f'<li><a href="#unobserved">Not observed: {unseen}</a> ({counts["inconclusive"]} '
            f"inconclusive, {counts['not-applicable']} not applicable)</li>"
        )
    items.append('<li><a href="#certification">Certification per Land</a></li>')
    items.append(
        f'<li><a href="#results">All results: {len(run.results)}</a> ({counts["pass"]} passed)</li>'
    )
    return f'<nav id="summary" aria-label="Summary"><ul>{"".join(items)}</ul></nav>'


def _tally(results: Sequence[Mapping[str, Any]]) -> str:
    counts = Counter(kind(r) for r in results)
    return ", ".join(f"{counts[k]} {LABELS[k]}" for k in KINDS if counts[k])


def _filters(run: RunRecords) -> str:
    """The filter form; hidden until the script shows it (without it there is nothing to do)."""
    records = [*run.results, *run.unexpected_passes]
    values = {
        "land": _lands(run),
        "verdict": [k for k in KINDS if any(_kind_of(r) == k for r in records)],
        "family": sorted({family(r) for r in records}),
        "suite": sorted({suite(r) for r in records}),
    }
    selects = []
    for name, options in values.items():
        choices = "".join(
            f'<option value="{e(value)}">{e(LABELS.get(value, value))}</option>'
            for value in options
        )
        selects.append(
            f'<label>{name.capitalize()}<select name="{name}"><option value="">all</option>'
            f"{choices}</select></label>"
        )
    return (
        f'<form id="filters" hidden aria-label="Filters">{"".join(selects)}'
        '<button type="reset">show all</button><output id="shown"></output></form>'
    )


def _kind_of(record: Mapping[str, Any]) -> str:
    return "unexpected-pass" if record.get("type") == "unexpected_pass" else kind(record)


def _finding(result: Mapping[str, Any]) -> str:
    verdict = kind(result)
    parts = [
        f'<article class="finding {e(verdict)}" {data(result)}>',
        f"<h5>{badge(verdict)} <code>{e(result.get('check'))}</code> in {e(result.get('land'))}"
        "</h5>",
    ]
    rows = [
        (name, result.get(name))
        for name in ("expected", "observed", "reason")
        if str(result.get(name) or "").strip()
    ]
    if disagreement := _disagreement(result):
        rows.insert(0, ("kind", disagreement))
    if rows:
        cells = "".join(f"<tr><th>{name}</th><td>{e(value)}</td></tr>" for name, value in rows)
        parts.append(f'<div class="scroll"><table>{cells}</table></div>')
    if example := lines(result, "example"):
        parts.append("<p>Example:</p><pre>" + "\n".join(e(line) for line in example) + "</pre>")
    if replay := result.get("replay"):
        parts.append(f"<p>Replay: <code>{e(replay)}</code></p>")
    if shown := evidence(result):
        parts.append(shown)
    parts.append("</article>")
    return "\n".join(parts)


def _disagreement(result: Mapping[str, Any]) -> str:
    """A finding's kind of disagreement in words, with its id (empty for none)."""
    name = str(result.get("kind") or "")
    try:
        return f"{KIND_TEXT[Kind(name)]} ({name})" if name else ""
    except ValueError:  # a kind this version does not know: shown as it is
        return name


def _quotes(result: Mapping[str, Any]) -> str:
    seed_file = result.get("seed_file") or "help text"
    return "".join(
        f'<blockquote lang="de"><p>{e(quote)}</p>'
        f"<footer>— <cite>{e(seed_file)}</cite></footer></blockquote>"
        for quote in lines(result, "quotes")
    )


def _findings(findings: dict[str, dict[str, list[Mapping[str, Any]]]]) -> str:
    if not findings:
        return ""
    parts = ['<section id="findings"><h2>Findings</h2>']
    for land, rules in findings.items():
        parts.append(f'<section data-group id="{anchor("f", land)}"><h3>{e(land)}</h3>')
        for rule, results in rules.items():
            parts.append(
                f'<section class="rule-group" data-group id="{anchor("f", land, rule)}">'
                f"<h4><code>{e(rule)}</code> {e(title(rule))}</h4>{_quotes(results[0])}"
            )
            parts.extend(_finding(result) for result in results)
            parts.append("</section>")
        parts.append("</section>")
    parts.append("</section>")
    return "\n".join(parts)


def _unexpected(run: RunRecords) -> str:
    """Expected failures that no longer fail: each is a reason the run is not conformant."""
    if not run.unexpected_passes:
        return ""
    items = "".join(
        f"<li {data(entry, 'unexpected-pass')}>{badge('unexpected-pass')} "
        f"<code>{e(entry.get('land'))}</code> <code>{e(entry.get('rule'))}</code> "
        f"({e(entry.get('check') or 'any check')}): {e(entry.get('reason'))}</li>"
        for entry in run.unexpected_passes
    )
    return (
        '<section id="unexpected-passes"><h2>Unexpected passes</h2>\n<p>Listed as expected '
        "failures but they did not fail: the deviation is gone, remove the entries.</p>\n"
        f"<ul>{items}</ul></section>"
    )


def render_html(records: Sequence[Mapping[str, Any]]) -> str:
    """The whole report page for a run's records."""
    run = split_records(records)
    target = (run.header or {}).get("target", "unknown target")
    found = [r for r in run.results if kind(r) in _FINDINGS]
    findings = _by_land_and_rule(found, _lands(run))
    sections = (
        f"<h1>Conformance report: {e(target)}</h1>", _status(run), _lede(run), _notices(run),
        _summary(run, findings), _filters(run), _findings(findings), _unexpected(run),
        expected_failures(run.results), unobserved(run.results), certification(run),
        coverage(run), warnings(run), all_results(run.results), run_details(run),
    )  # fmt: skip
    body = "\n".join(section for section in sections if section)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Conformance report: {e(target)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


class HtmlHandler(RecordCollector):
    """Writes ``report.html`` when the run is closed (finished, interrupted or crashed)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def close(self) -> None:
        """Render the collected records."""
        write_html(self.records, self.path)


def write_html(records: Sequence[Mapping[str, Any]], path: Path) -> None:
    """Write the run's report page to ``path``, atomically."""
    write_atomically(path, render_html(records).encode("utf-8"))


__all__ = ["HtmlHandler", "render_html", "write_html"]
