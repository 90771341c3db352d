"""Pieces of the report page: escaping, verdict kinds, badges, the per-result attributes the
filters read, and the sections below the findings (expected failures, unobserved rules,
certification, warnings, every result, run details)."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Final

from skc.conformance.reports.stream import RunRecords
from skc.model.catalog import load_catalog

KINDS: Final = (
    "fail", "error", "unexpected-pass", "expected-failure", "inconclusive", "not-applicable",
    "pass",
)  # fmt: skip
LABELS: Final = {
    "fail": "failed", "error": "error", "unexpected-pass": "unexpected pass",
    "expected-failure": "expected failure", "inconclusive": "inconclusive",
    "not-applicable": "not applicable", "pass": "passed",
}  # fmt: skip
CERTIFICATION: Final = (
    ("passed", "passed"), ("failed", "failed"), ("not_applicable", "not applicable"),
    ("inconclusive", "inconclusive"), ("error", "error"), ("not_covered", "not covered"),
)  # fmt: skip
_MAX_WARNINGS: Final = 50
# Control characters would be invisible (or dropped) in the page; show them as escapes instead.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_NOT_ID = re.compile(r"[^A-Za-z0-9._-]")


def e(value: object) -> str:
    """Escaped text for the page; None is empty, control characters become visible escapes."""
    text = "" if value is None else str(value)
    text = _INVISIBLE.sub(lambda match: ascii(match.group())[1:-1], text)
    return html.escape(text, quote=True)


def anchor(*parts: object) -> str:
    """An id for a link target, from a Land, a rule, ..."""
    return "--".join(_NOT_ID.sub("-", str(part)) for part in parts)


def lines(record: Mapping[str, Any], key: str) -> list[str]:
    """A list field of a record as strings (a lone value becomes one line)."""
    value = record.get(key) or []
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]


def kind(result: Mapping[str, Any]) -> str:
    """The verdict as the reader needs it: a failure listed as expected is not a failure."""
    verdict = str(result.get("verdict"))
    if verdict == "fail" and result.get("expected_failure") is not None:
        return "expected-failure"
    return verdict


def badge(name: str) -> str:
    """A coloured verdict label."""
    return f'<span class="verdict {e(name)}">{e(LABELS.get(name, name))}</span>'


def title(rule: object) -> str:
    """The rule's title from the catalog, or empty for a rule it does not know."""
    catalog = load_catalog()
    return catalog.rule(str(rule)).title if str(rule) in catalog.ids else ""


def family(result: Mapping[str, Any]) -> str:
    """The rule family of a result (or of an unexpected pass, from the catalog)."""
    if value := result.get("family"):
        return str(value)
    catalog = load_catalog()
    rule = str(result.get("rule"))
    return catalog.rule(rule).family if rule in catalog.ids else "other"


def suite(result: Mapping[str, Any]) -> str:
    """The suite of a result, or the first part of its check id."""
    return str(result.get("suite") or str(result.get("check") or "").split("/", 1)[0])


def data(result: Mapping[str, Any], verdict: str | None = None) -> str:
    """The attributes the filters read."""
    return (
        f'data-land="{e(result.get("land"))}" data-verdict="{e(verdict or kind(result))}" '
        f'data-family="{e(family(result))}" data-suite="{e(suite(result))}"'
    )


def number(count: int) -> str:
    """A right-aligned count, greyed when zero."""
    return f'<td class="n{" zero" if count == 0 else ""}">{count}</td>'


def table(head: Sequence[str], rows: Sequence[str], *, css: str = "") -> str:
    """A table in a horizontally scrolling box, so a narrow screen never scrolls the page.

    A head cell is its content, or a whole ``<th ...>`` element when it needs attributes."""
    cells = "".join(cell if cell.startswith("<th") else f"<th>{cell}</th>" for cell in head)
    attr = f' class="{css}"' if css else ""
    return (
        f'<div class="scroll"><table{attr}><thead><tr>{cells}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def expected_failures(results: Sequence[Mapping[str, Any]]) -> str:
    """Failures the expected-failures file lists, each with its reason."""
    rows = [
        f'<tr class="expected-failure" {data(r)}><td>{e(r.get("land"))}</td>'
        f"<td><code>{e(r.get('rule'))}</code></td><td><code>{e(r.get('check'))}</code></td>"
        f"<td>{e(r.get('expected_failure'))}</td><td>{e(r.get('observed'))}</td></tr>"
        for r in results
        if kind(r) == "expected-failure"
    ]
    if not rows:
        return ""
    return (
        f'<section id="expected-failures"><h2>Expected failures ({len(rows)})</h2>\n'
        "<p>Failures the expected-failures file lists with a reason: known deviations, not "
        "counted against the verdict while they keep failing.</p>\n"
        + table(["Land", "rule", "check", "reason", "observed"], rows)
        + "</section>"
    )


def unobserved(results: Sequence[Mapping[str, Any]]) -> str:
    """Rules the run could not observe, one row per Land, verdict, suite and reason."""
    grouped: dict[tuple[str, str, str, str, str], list[str]] = {}
    for r in results:
        if (verdict := kind(r)) in ("inconclusive", "not-applicable"):
            which = (str(r.get("land")), verdict, family(r), suite(r), str(r.get("reason") or ""))
            rules = grouped.setdefault(which, [])
            if str(r.get("rule")) not in rules:
                rules.append(str(r.get("rule")))
    if not grouped:
        return ""
    rows = [
        f'<tr class="unobserved" data-land="{e(land)}" data-verdict="{e(verdict)}" '
        f'data-family="{e(fam)}" data-suite="{e(name)}"><td>{e(land)}</td><td>{badge(verdict)}'
        f"</td><td>{e(reason)}</td><td>{len(rules)}: "
        + ", ".join(f"<code>{e(rule)}</code>" for rule in rules)
        + "</td></tr>"
        for (land, verdict, fam, name, reason), rules in grouped.items()
    ]
    total = sum(kind(r) in ("inconclusive", "not-applicable") for r in results)
    return (
        f'<section id="unobserved"><h2>Not observed ({total})</h2>\n'
        "<p>Inconclusive (the run could not see the behaviour, e.g. no clock control) and not "
        "applicable (the profile declares the feature absent): never counted as passed.</p>\n"
        + table(["Land", "verdict", "reason", "rules"], rows)
        + "</section>"
    )


def certification(run: RunRecords) -> str:
    """Per Land, the rules its help text states by their worst verdict, with titles."""
    if run.summary is None:
        return (
            '<section id="certification"><h2>Certification</h2>\n'
            "<p>No certification summary: the run did not finish.</p></section>"
        )
    groups_by_land = run.summary.get("certification")
    if not isinstance(groups_by_land, Mapping) or not groups_by_land:
        return (
            '<section id="certification"><h2>Certification</h2>\n'
            "<p>The summary certifies no Land.</p></section>"
        )
    rows: list[str] = []
    lists: list[str] = []
    for land, entry in groups_by_land.items():
        groups: Mapping[str, Any] = entry if isinstance(entry, Mapping) else {}
        cells = "".join(number(len(groups.get(key) or [])) for key, _ in CERTIFICATION)
        rows.append(f"<tr><th>{e(land)}</th>{cells}</tr>")
        for key, label in CERTIFICATION:
            if rules := [str(rule) for rule in groups.get(key) or []]:
                items = "".join(f"<li><code>{e(r)}</code> {e(title(r))}</li>" for r in rules)
                lists.append(
                    f"<details><summary>{e(land)}: {e(label)} ({len(rules)})</summary>"
                    f"<ul>{items}</ul></details>"
                )
    head = ["Land", *(e(label) for _, label in CERTIFICATION)]
    return (
        '<section id="certification"><h2>Certification</h2>\n'
        "<p>Every rule each Land's help text states, by its worst verdict in this run.</p>\n"
        + table(head, rows)
        + "\n".join(lists)
        + "</section>"
    )


def coverage(run: RunRecords) -> str:
    """Per Land: stated rules the checks exercised, numeric limits probed on both sides."""
    per_land = (run.summary or {}).get("coverage")
    if not isinstance(per_land, Mapping) or not per_land:
        return ""
    rows = []
    for land, cov in per_land.items():
        if not isinstance(cov, Mapping):
            continue
        gaps = [*lines(cov, "one_side"), *lines(cov, "not_probed")]
        rows.append(
            f"<tr><th>{e(land)}</th><td>{e(cov.get('exercised'))} of {e(cov.get('stated'))}</td>"
            f"<td>{e(cov.get('both_sides'))} of {e(cov.get('limits'))}</td>"
            f"<td>{len(lines(cov, 'unobservable'))}</td>"
            f"<td>{', '.join(f'<code>{e(gap)}</code>' for gap in gaps) or '—'}</td></tr>"
        )
    head = ["Land", "rules exercised", "limits probed on both sides", "unobservable", "gaps"]
    return (
        '<section id="coverage"><h2>Coverage</h2>\n<p>How much of each help text the checks '
        "reach (<code>skc coverage</code> lists what is not covered and why).</p>\n"
        + table(head, rows)
        + "</section>"
    )


def warnings(run: RunRecords) -> str:
    """What the harness noticed without a verdict: rejections naming no rule, failed cleanups."""
    found = sorted({str(w) for result in run.results for w in result.get("warnings") or ()})
    if not found:
        return ""
    items = "".join(f"<li>{e(warning)}</li>" for warning in found[:_MAX_WARNINGS])
    more = len(found) - _MAX_WARNINGS
    tail = f"<p>… and {more} more in results.jsonl.</p>" if more > 0 else ""
    return (
        f'<section id="warnings"><h2>Warnings ({len(found)})</h2>\n<ul>{items}</ul>{tail}</section>'
    )


def all_results(results: Sequence[Mapping[str, Any]]) -> str:
    """Every result in one sortable table with a Land column."""
    rank = {name: str(index) for index, name in enumerate(KINDS)}
    rows = [
        f"<tr {data(r)}><td>{e(r.get('land'))}</td><td>{e(suite(r))}</td>"
        f"<td><code>{e(r.get('check'))}</code></td><td><code>{e(r.get('rule'))}</code></td>"
        f'<td>{e(family(r))}</td><td data-sort="{rank.get(kind(r), "9")}">{badge(kind(r))}'
        f'</td><td class="n" data-sort="{e(r.get("duration_s") or 0)}">'
        f"{float(r.get('duration_s') or 0):.3f}</td></tr>"
        for r in results
    ]
    columns = (
        ("Land", "text"), ("suite", "text"), ("check", "text"), ("rule", "text"),
        ("family", "text"), ("verdict", "number"), ("seconds", "number"),
    )  # fmt: skip
    head = [
        f'<th data-key="{key}"><button type=button>{name}</button></th>' for name, key in columns
    ]
    body = table(head, rows, css="sortable")
    counts = Counter(kind(r) for r in results)
    tally = ", ".join(f"{counts[k]} {LABELS[k]}" for k in KINDS if counts[k])
    return (
        f'<section id="results"><h2>All results ({len(results)})</h2>\n'
        f"<p>{e(tally or 'No results.')}</p>\n{body}</section>"
    )


def run_details(run: RunRecords) -> str:
    """The run's header and timing in full."""
    header = run.header or {}
    summary = run.summary or {}
    finished = (
        "— (the run did not finish)" if run.summary is None
        else f"{summary.get('finished', '')} ({summary.get('duration_s', '?')} s)"
    )  # fmt: skip
    rows = [
        ("Run", header.get("run_id", "unknown")), ("Target", header.get("target", "unknown")),
        ("Länder", ", ".join(str(land) for land in header.get("lands") or [])),
        ("Suites", ", ".join(str(name) for name in header.get("suites") or [])),
        ("Seed", header.get("seed", "")), ("Fault", header.get("fault") or "none"),
        ("Profile", header.get("profile") or "reference"),
        ("Expected failures", header.get("expected_failures") or "none"),
        ("Hypothesis profile", header.get("hypothesis_profile", "")),
        ("Harness version", header.get("harness_version", "")),
        ("Started", header.get("started", "")), ("Finished", finished),
    ]  # fmt: skip
    items = "".join(f"<dt>{e(name)}</dt><dd>{e(value)}</dd>" for name, value in rows)
    return f'<section id="run"><h2>Run</h2>\n<dl class="run">{items}</dl></section>'


def evidence(result: Mapping[str, Any]) -> str:
    """A browser finding's screenshot (shown) and Playwright trace (linked, with the command
    that opens it); the paths are relative to the report, inside the output directory."""
    paths = lines(result, "evidence")
    shots = [path for path in paths if path.endswith(".png")]
    traces = [path for path in paths if path.endswith(".zip")]
    parts = [
        f'<figure class="evidence"><img src="{e(path)}" alt="The page the finding was seen on, '
        f'as the browser showed it" loading="lazy"><figcaption>Screenshot: '
        f'<a href="{e(path)}">{e(path)}</a></figcaption></figure>'
        for path in shots
    ]
    parts += [
        f'<p>Playwright trace: <a href="{e(path)}">{e(path)}</a>; open it with '
        f"<code>playwright show-trace --port 0 {e(path)}</code> (from the output directory; "
        "it serves the trace viewer for chromium)</p>"
        for path in traces
    ]
    return "\n".join(parts)


__all__ = [
    "CERTIFICATION",
    "KINDS",
    "LABELS",
    "all_results",
    "anchor",
    "badge",
    "certification",
    "coverage",
    "data",
    "e",
    "evidence",
    "expected_failures",
    "family",
    "kind",
    "lines",
    "number",
    "run_details",
    "suite",
    "table",
    "title",
    "unobserved",
    "warnings",
]
