"""The report page's inline style and script: no fonts, images or requests, nothing external.

The script only filters (Land, verdict, family, suite) and sorts the results table; without it
the page shows everything, in the order written, and stays complete and readable.
"""

from __future__ import annotations

from typing import Final

CSS: Final = """
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 72rem;
       padding: .5rem 1rem 3rem; color: #1b1b1b; overflow-wrap: anywhere; }
h1 { font-size: 1.5rem; margin: .8rem 0 .4rem; }
h1, h2, h3, h4 { line-height: 1.25; }
h2 { border-bottom: 2px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
p.status { font-size: 1.25rem; padding: .7rem 1rem; border-radius: .35rem; margin: .4rem 0; }
p.status.conformant { background: #d9f2dd; border-left: .5rem solid #2e7d32; }
p.status.not-conformant { background: #f8d4d4; border-left: .5rem solid #c62828; }
p.status.incomplete { background: #fde9c4; border-left: .5rem solid #ef8f00; }
p.lede { color: #444; margin: .2rem 0 1rem; }
nav#summary ul { padding-left: 1.2rem; margin: .3rem 0; }
nav#summary li { margin: .15rem 0; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; vertical-align: top;
         overflow-wrap: normal; }
th { white-space: nowrap; }
td code { overflow-wrap: anywhere; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: #aaa; }
th button { font: inherit; font-weight: 600; background: none; border: 0; padding: 0;
            cursor: pointer; color: #1a4f8b; }
dl.run { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem 1rem; }
dl.run dt { font-weight: 600; }
dl.run dd { margin: 0; }
.warning { background: #fff3cd; border: 1px solid #e0b400; padding: .6rem 1rem; }
.verdict { display: inline-block; padding: 0 .45rem; border-radius: .3rem; font-weight: 600;
           white-space: nowrap; }
.verdict.pass { background: #d9f2dd; } .verdict.fail { background: #f8d4d4; }
.verdict.error { background: #f3c6f0; } .verdict.inconclusive { background: #fde9c4; }
.verdict.not-applicable { background: #e6e6e6; }
.verdict.expected-failure { background: #dce6f5; color: #1a3d6b; font-style: italic; }
.verdict.unexpected-pass { background: #f8d4d4; outline: 1px dashed #c62828; }
tr.expected-failure td { background: #f4f7fc; } tr.unobserved td { background: #fcfaf4; }
article.finding { border: 1px solid #ccc; border-left: .4rem solid #c62828; margin: .8rem 0;
                  padding: .4rem 1rem; }
article.finding.error { border-left-color: #8e24aa; }
section.rule-group > h4 { margin: 1rem 0 .3rem; }
blockquote { margin: .5rem 0; padding: .3rem .8rem; border-left: .25rem solid #8aa4c8;
             background: #f3f6fb; }
blockquote footer { font-size: .85em; color: #555; }
pre { background: #f5f5f5; padding: .5rem; overflow-x: auto; white-space: pre-wrap; }
.evidence img { max-width: 100%; border: 1px solid #ccc; }
code { background: #f5f5f5; padding: 0 .2rem; }
form#filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end;
               background: #f3f6fb; padding: .6rem 1rem; border-radius: .35rem;
               position: sticky; top: 0; z-index: 1; }
form#filters label { display: flex; flex-direction: column; font-size: .85rem; }
form#filters select { font: inherit; min-width: 9rem; }
@media (max-width: 40rem) {
  body { padding: .3rem .6rem 2rem; font-size: 14px; }
  form#filters { position: static; display: grid; grid-template-columns: 1fr 1fr; }
  form#filters select { width: 100%; min-width: 0; }
  article.finding { padding: .3rem .6rem; }
}
"""

SCRIPT: Final = """
(function () {
  var form = document.getElementById("filters");
  if (!form) { return; }
  form.hidden = false;
  var keys = ["land", "verdict", "family", "suite"];
  var counter = document.getElementById("shown");
  function apply() {
    var shown = 0;
    document.querySelectorAll("[data-verdict]").forEach(function (el) {
      var ok = keys.every(function (k) {
        var want = form.elements[k].value;
        return !want || el.dataset[k] === want;
      });
      el.hidden = !ok;
      if (ok && el.closest("#results")) { shown += 1; }
    });
    document.querySelectorAll("[data-group]").forEach(function (group) {
      group.hidden = !group.querySelector("[data-verdict]:not([hidden])");
    });
    counter.textContent = shown + " of the results shown";
  }
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  document.querySelectorAll("table.sortable th[data-key] button").forEach(function (button) {
    button.addEventListener("click", function () {
      var th = button.parentElement, table = th.closest("table"), body = table.tBodies[0];
      var index = Array.prototype.indexOf.call(th.parentElement.children, th);
      var up = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[index].dataset.sort || a.cells[index].textContent;
        var y = b.cells[index].dataset.sort || b.cells[index].textContent;
        var order = th.dataset.key === "number" ? Number(x) - Number(y) : x.localeCompare(y);
        return up ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  apply();
})();
"""

__all__ = ["CSS", "SCRIPT"]
