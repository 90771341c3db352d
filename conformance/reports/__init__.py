"""Reporters for a conformance run: the results stream, JUnit XML, an HTML page, a DataFrame.

A run writes one output directory (not committed)::

    OUT/
    ├── results.jsonl   the run as JSON lines, flushed per line: header, results, summary
    ├── junit.xml       for CI: one <testsuite> per (Land, suite), one <testcase> per result
    └── report.html     for people: one self-contained page with every finding in full

``results.jsonl`` is the source of truth; the other two are rendered from its records (also
from a killed run's, which lacks the summary line) and written atomically. ``load_results``
turns it into a pandas DataFrame for notebooks; it is imported on first use, so that writing
reports (and the CLI) does not pay for importing pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skc.conformance.reports.html import HtmlHandler, render_html, write_html
from skc.conformance.reports.junit import JunitHandler, build_junit, write_junit
from skc.conformance.reports.outdir import OutputDir, check_output_dir
from skc.conformance.reports.stream import (
    HTML_FILE,
    JUNIT_FILE,
    RESULTS_FILE,
    JsonlHandler,
    RecordCollector,
    ResultStream,
    RunRecords,
    read_records,
    split_records,
    write_atomically,
)

if TYPE_CHECKING:
    from skc.conformance.reports.frame import load_results


def __getattr__(name: str) -> object:
    """Import ``load_results`` (and with it pandas) only when it is asked for."""
    if name == "load_results":
        from skc.conformance.reports.frame import load_results

        return load_results
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


REPORT_FILES = (RESULTS_FILE, JUNIT_FILE, HTML_FILE)

__all__ = [
    "HTML_FILE",
    "JUNIT_FILE",
    "REPORT_FILES",
    "RESULTS_FILE",
    "HtmlHandler",
    "JsonlHandler",
    "JunitHandler",
    "OutputDir",
    "RecordCollector",
    "ResultStream",
    "RunRecords",
    "build_junit",
    "check_output_dir",
    "load_results",
    "read_records",
    "render_html",
    "split_records",
    "write_atomically",
    "write_html",
    "write_junit",
]
