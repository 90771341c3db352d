"""One self-contained HTML page for a run, for people: open it from disk, mail it, archive it.

Inline CSS only: no scripts, fonts, images or other external resources, so the page looks the
same offline and years later. Sections, in order: run info, verdict counts, certification per
Land, then per rule family a rules × verdicts table followed by every finding (``fail``,
``error``, ``inconclusive``) in full, with the help-text quotes and the replay command. A run
without a summary line (killed) says so at the top.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from skc.conformance.reports.stream import (
    RecordCollector,
    RunRecords,
    split_records,
    write_atomically,
)
from skc.conformance.verdicts import Verdict

if TYPE_CHECKING:
    from pathlib import Path

_VERDICTS = tuple(verdict.value for verdict in Verdict)
_FINDINGS = ("fail", "error", "inconclusive")
_MAX_WARNINGS = 50
_FAMILIES = (
    "fields", "times", "lifecycle", "mailbox", "organisations", "eid", "interop", "payment", "sim",
)  # fmt: skip
_CERTIFICATION = (
    ("passed", "passed"),
    ("failed", "failed"),
    ("not_applicable", "not applicable"),
    ("inconclusive", "inconclusive"),
    ("error", "error"),
    ("not_covered", "not covered"),
)
# Control characters would be invisible (or dropped) in the page; show them as escapes instead.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #1b1b1b; }
h1, h2, h3 { line-height: 1.2; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: #aaa; }
dl.run { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dl.run dt { font-weight: 600; }
dl.run dd { margin: 0; }
.warning { background: #fff3cd; border: 1px solid #e0b400; padding: .6rem 1rem; }
.verdict { display: inline-block; padding: 0 .45rem; border-radius: .3rem; font-weight: 600; }
p.status { font-size: 1.2rem; padding: .6rem 1rem; border-radius: .3rem; }
.pass { background: #d9f2dd; } .fail { background: #f8d4d4; } .error { background: #f3c6f0; }
.inconclusive { background: #fde9c4; } .not-applicable { background: #e6e6e6; }
section.finding { border: 1px solid #ccc; border-left: .4rem solid #999; margin: 1rem 0;
                  padding: .5rem 1rem; }
section.finding.fail { border-left-color: #c62828; }
section.finding.error { border-left-color: #8e24aa; }
section.finding.inconclusive { border-left-color: #ef8f00; }
blockquote { margin: .5rem 0; padding: .3rem .8rem; border-left: .25rem solid #8aa4c8;
             background: #f3f6fb; }
blockquote footer { font-size: .85em; color: #555; }
pre { background: #f5f5f5; padding: .5rem; overflow-x: auto; white-space: pre-wrap; }
code { background: #f5f5f5; padding: 0 .2rem; }
"""


def _e(value: object) -> str:
    """Escaped text for the page; None is empty, control characters become visible escapes."""
    text = "" if value is None else str(value)
    text = _INVISIBLE.sub(lambda match: ascii(match.group())[1:-1], text)
    return html.escape(text, quote=True)


def _lines(record: Mapping[str, Any], key: str) -> list[str]:
    value = record.get(key) or []
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]


def _badge(verdict: object) -> str:
    return f'<span class="verdict {_e(verdict)}">{_e(verdict)}</span>'


def _run_info(run: RunRecords) -> str:
    header = run.header or {}
    summary = run.summary or {}
    lands = header.get("lands") or []
    suites = header.get("suites") or []
    fault = header.get("fault")
    if run.summary is None:
        finished = "— (run did not finish)"
    else:
        finished = f"{summary.get('finished', '')} ({summary.get('duration_s', '?')} s)"
    rows = [
        ("Run", header.get("run_id", "unknown")),
        ("Target", header.get("target", "unknown")),
        ("Lands", ", ".join(str(land) for land in lands)),
        ("Suites", ", ".join(str(suite) for suite in suites)),
        ("Seed", header.get("seed", "")),
        ("Fault", "none" if fault is None else fault),
        ("Hypothesis profile", header.get("hypothesis_profile", "")),
        ("Started", header.get("started", "")),
        ("Finished", finished),
    ]
    items = "".join(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in rows)
    parts = [
        f"<h1>Conformance report: {_e(header.get('target', 'unknown target'))}</h1>",
        _status(run),
        f'<dl class="run">{items}</dl>',
    ]
    if run.header is None:
        parts.append('<p class="warning">The results file has no run header.</p>')
    if run.summary is None:
        parts.append(
            '<p class="warning"><strong>The run did not finish</strong> (no summary line): '
            f"this page shows the {len(run.results)} results written before it stopped, "
            "and there is no certification summary.</p>"
        )
    return "\n".join(parts)


def _status(run: RunRecords) -> str:
    """The run's conclusion in words, first thing on the page."""
    summary = run.summary or {}
    status = str(summary.get("status") or "incomplete")
    reason = str(summary.get("status_reason") or "the run did not write its summary")
    css = {"conformant": "pass", "not conformant": "fail"}.get(status, "inconclusive")
    return f'<p class="status {css}"><strong>{_e(status.capitalize())}</strong>: {_e(reason)}</p>'


def _unexpected(run: RunRecords) -> str:
    """Expected failures that no longer fail: each is a reason the run is not conformant."""
    if not run.unexpected_passes:
        return ""
    items = "".join(
        f"<li><code>{_e(entry.get('land'))}</code> <code>{_e(entry.get('rule'))}</code>"
        f" ({_e(entry.get('check') or 'any check')}): {_e(entry.get('reason'))}</li>"
        for entry in run.unexpected_passes
    )
    return (
        '<h2 id="unexpected-passes">Unexpected passes</h2>\n<p>Listed as expected failures but '
        "they did not fail: the deviation is gone, remove the entries.</p>\n"
        f"<ul>{items}</ul>"
    )


def _warnings(run: RunRecords) -> str:
    """What the harness noticed without a verdict: rejections naming no rule, failed cleanups."""
    warnings = sorted({str(w) for result in run.results for w in result.get("warnings") or ()})
    if not warnings:
        return ""
    shown = warnings[:_MAX_WARNINGS]
    items = "".join(f"<li>{_e(warning)}</li>" for warning in shown)
    more = len(warnings) - len(shown)
    tail = f"<p>… and {more} more in results.jsonl.</p>" if more > 0 else ""
    return f'<h2 id="warnings">Warnings ({len(warnings)})</h2>\n<ul>{items}</ul>{tail}'


def _count_table(run: RunRecords) -> str:
    summary_counts = (run.summary or {}).get("counts")
    if isinstance(summary_counts, Mapping):
        counts = Counter({str(key): int(value) for key, value in summary_counts.items()})
    else:
        counts = Counter(str(result.get("verdict")) for result in run.results)
    names = [*_VERDICTS, *sorted(set(counts) - set(_VERDICTS))]
    head = "".join(f"<th>{_badge(name)}</th>" for name in names)
    cells = "".join(_number(counts.get(name, 0)) for name in names)
    total = f'<td class="n">{sum(counts.values())}</td>'
    return f"<h2>Verdicts</h2>\n<table><tr>{head}<th>total</th></tr><tr>{cells}{total}</tr></table>"


def _number(count: int) -> str:
    return f'<td class="n{" zero" if count == 0 else ""}">{count}</td>'


def _certification(run: RunRecords) -> str:
    if run.summary is None:
        return "<h2>Certification</h2>\n<p>No certification summary: the run did not finish.</p>"
    certification = run.summary.get("certification")
    if not isinstance(certification, Mapping) or not certification:
        return "<h2>Certification</h2>\n<p>The summary certifies no Land.</p>"
    head = "".join(f"<th>{_e(label)}</th>" for _, label in _CERTIFICATION)
    rows: list[str] = []
    lists: list[str] = []
    for land, entry in certification.items():
        groups: Mapping[str, Any] = entry if isinstance(entry, Mapping) else {}
        cells = "".join(_number(len(groups.get(key) or [])) for key, _ in _CERTIFICATION)
        rows.append(f"<tr><th>{_e(land)}</th>{cells}</tr>")
        for key, label in _CERTIFICATION:
            rules = [str(rule) for rule in groups.get(key) or []]
            if rules:
                items = "".join(f"<li><code>{_e(rule)}</code></li>" for rule in rules)
                lists.append(
                    f"<details><summary>{_e(land)}: {_e(label)} ({len(rules)})</summary>"
                    f"<ul>{items}</ul></details>"
                )
    return (
        "<h2>Certification</h2>\n"
        f"<table><tr><th>Land</th>{head}</tr>{''.join(rows)}</table>\n" + "\n".join(lists)
    )


def _family_order(family: str) -> tuple[int, str]:
    """Known families in their usual order, then unknown ones alphabetically."""
    if family in _FAMILIES:
        return (_FAMILIES.index(family), "")
    return (len(_FAMILIES), family)


def _rule_table(results: Iterable[Mapping[str, Any]]) -> str:
    counts: dict[str, Counter[str]] = {}
    for result in results:
        counts.setdefault(str(result.get("rule", "")), Counter())[str(result.get("verdict"))] += 1
    head = "".join(f"<th>{_badge(verdict)}</th>" for verdict in _VERDICTS)
    rows = "".join(
        f"<tr><th><code>{_e(rule)}</code></th>"
        + "".join(_number(counts[rule][verdict]) for verdict in _VERDICTS)
        + "</tr>"
        for rule in sorted(counts)
    )
    return f"<table><tr><th>rule</th>{head}</tr>{rows}</table>"


def _finding(result: Mapping[str, Any]) -> str:
    verdict = str(result.get("verdict"))
    parts = [
        f'<section class="finding {_e(verdict)}">',
        f"<h4>{_badge(verdict)} <code>{_e(result.get('check'))}</code> "
        f"[<code>{_e(result.get('rule'))}</code>] in {_e(result.get('land'))}</h4>",
    ]
    if result.get("expected_failure") is not None:
        parts.append(f"<p><em>Expected failure:</em> {_e(result.get('expected_failure'))}</p>")
    seed_file = result.get("seed_file") or "help text"
    for quote in _lines(result, "quotes"):
        parts.append(
            f'<blockquote lang="de"><p>{_e(quote)}</p>'
            f"<footer>— <cite>{_e(seed_file)}</cite></footer></blockquote>"
        )
    rows = [("expected", result.get("expected")), ("observed", result.get("observed"))]
    if result.get("reason"):
        rows.append(("reason", result.get("reason")))
    cells = "".join(f"<tr><th>{name}</th><td>{_e(value)}</td></tr>" for name, value in rows)
    parts.append(f"<table>{cells}</table>")
    if example := _lines(result, "example"):
        parts.append("<p>Example:</p><pre>" + "\n".join(_e(line) for line in example) + "</pre>")
    if replay := result.get("replay"):
        parts.append(f"<p>Replay: <code>{_e(replay)}</code></p>")
    parts.append("</section>")
    return "\n".join(parts)


def _families(run: RunRecords) -> str:
    by_family: dict[str, list[Mapping[str, Any]]] = {}
    for result in run.results:
        by_family.setdefault(str(result.get("family") or "other"), []).append(result)
    if not by_family:
        return "<h2>Results</h2>\n<p>No results.</p>"
    parts = ["<h2>Results by rule family</h2>"]
    for family in sorted(by_family, key=_family_order):
        results = by_family[family]
        findings = [result for result in results if result.get("verdict") in _FINDINGS]
        parts.append(f'<h3 id="family-{_e(family)}">{_e(family)}</h3>')
        parts.append(_rule_table(results))
        parts.extend(_finding(result) for result in findings)
    return "\n".join(parts)


def render_html(records: Sequence[Mapping[str, Any]]) -> str:
    """The whole report page for a run's records."""
    run = split_records(records)
    title = f"Conformance report: {(run.header or {}).get('target', 'unknown target')}"
    sections = (
        _run_info(run), _unexpected(run), _count_table(run), _certification(run),
        _warnings(run), _families(run),
    )  # fmt: skip
    body = "\n".join(section for section in sections if section)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
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
