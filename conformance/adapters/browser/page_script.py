"""The scripts the browser adapter runs in a page: one round trip to fill a form, one to read it.

Filling sets each field's value as given (no typing, trimming or normalising), adds an option a
select lacks (the server, not the browser, judges the value) and dispatches ``input`` and
``change``; it answers the fields it could not find or whose value the browser changed on entry.
Reading collects the messages under the fields and of the form, whether success shows, and the
returned value (text, ``data-value``, list items, ``dt``/``dd`` pairs).
"""

from __future__ import annotations

from typing import Final

FILL: Final = """(entries) => {
  const problems = [];
  for (const [name, selector, kind, value] of entries) {
    const e = document.querySelector(selector);
    if (!e) { problems.push([name, 'missing']); continue; }
    if (kind === 'bool') { e.checked = value === 'true'; }
    else if (e.tagName === 'SELECT') {
      if (![...e.options].some(o => o.value === value)) e.add(new Option(value, value));
      e.value = value;
    } else { e.value = value; if (e.value !== value) problems.push([name, 'changed']); }
    e.dispatchEvent(new Event('input', {bubbles: true}));
    e.dispatchEvent(new Event('change', {bubbles: true}));
  }
  return problems;
}"""

READ: Final = """([fields, form, shown, value, items, mapping]) => {
  const texts = s => s ? [...document.querySelectorAll(s)].map(e => e.innerText) : [];
  const out = value ? document.querySelector(value) : null;
  return {
    messages: fields.flatMap(texts).concat(texts(form)),
    success: !!document.querySelector(shown),
    value: out ? out.innerText : null,
    data: out && out.dataset.value !== undefined ? out.dataset.value : null,
    items: texts(items),
    terms: mapping ? texts(mapping + ' dt') : [],
    defs: mapping ? texts(mapping + ' dd') : [],
  };
}"""

# a click on the submit control, as a person's (its form's handlers run); one round trip
SUBMIT: Final = "(selector) => document.querySelector(selector).click()"

__all__ = ["FILL", "READ", "SUBMIT"]
