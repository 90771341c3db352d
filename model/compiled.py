"""Field rules compiled once per (Land, field, readings) into one function per question.

The checks in :mod:`skc.model.checks` say what each rule means; validating millions of values
through them repeats work that never changes (parameters and readings looked up, character
sets rebuilt, a verdict object built per value). Here each rule becomes one Python expression
over the value (:mod:`skc.model.compiled_rules`), and the expressions of a field are compiled
together, as attrs compiles its ``__init__``: one function tells whether a value is valid
(short-circuiting), one returns the
bit mask of the rules the value breaks, and one adds the bits of the register entries whose
other readings would change whether a linked rule passes. That explanation re-evaluates only
the rules a reading changes, reuses the outcomes already known, and skips an entry behind a
guard when no reading can disagree on the value (the length units on text in NFC without
astral characters). Verdicts are memoised by those bits, so a verdict never holds the value.

Only bound names and fixed templates reach the generated source; parameters become bindings
or integer literals, never text spliced from the catalog.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from skc.model import checks
from skc.model.compiled_catalog import FieldCatalog, FieldRule, Params, field_catalog
from skc.model.compiled_rules import Namespace, expression
from skc.model.errors import UnknownNameError
from skc.model.lands import LANDS, parse_land

if TYPE_CHECKING:
    from skc.model.ambiguity import Readings
    from skc.model.validators import Verdict, Violation


def _length_unit_guard(ns: Namespace) -> str:
    # Code points, code points after NFC and UTF-16 units count a text the same when it is in
    # NFC and has no character outside the Basic Multilingual Plane (every ASCII text).
    normalized = ns.bind("nfc", "is_normalized", lambda: unicodedata.is_normalized)
    astral = ns.bind("re", "astral", lambda: re.compile("[\U00010000-\U0010ffff]").search)
    return f'not v.isascii() and (not {normalized}("NFC", v) or {astral}(v) is not None)'


# Where the readings of an entry can disagree at all: a guard that is False for a value means
# no other reading of the entry changes the outcome, so the explanation skips the entry.
_GUARDS: Final[dict[str, Callable[[Namespace], str]]] = {"text.length_unit": _length_unit_guard}


def resolve(rule: FieldRule, land: str, choice: Mapping[str, str], fc: FieldCatalog) -> Params:
    """A rule's parameters for a Land under ``choice``: the Land's statement, then the chosen
    reading's parameters of each register entry the rule links that concerns the Land (the
    resolver of :mod:`skc.model.parameters`, over the plain data)."""
    params = dict(rule.lands.get(land, {}))
    for aid in rule.ambiguities:
        entry = fc.register[aid]
        if land in entry.lands:
            params.update(entry.readings[choice[aid]])
    return params


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    expression: str | None  # None: not enforced under this choice (the "advisory" reading)
    params: Params


def _compile_rules(
    land: str, field_name: str, choice: Mapping[str, str], fc: FieldCatalog, ns: Namespace
) -> tuple[_Rule, ...]:
    out = []
    for rule in fc.rules[field_name]:
        if land not in rule.lands:
            continue
        params = resolve(rule, land, choice, fc)
        enforced = params.get("required") != 0
        check = checks.FIELD_CHECKS[rule.id]
        source = expression(check, params, choice, ns) if enforced else None
        out.append(_Rule(rule.id, source, params))
    return tuple(out)


def _define(ns: Namespace, name: str, lines: list[str]) -> Callable[[str], Any]:
    source = f"def {name}(v):\n" + "".join(f"    {line}\n" for line in lines)
    exec(compile(source, f"<skc compiled {name}>", "exec"), ns.names)
    function: Callable[[str], Any] = ns.names.pop(name)  # type: ignore[assignment]
    return function


def _valid_lines(rules: list[_Rule], ns: Namespace) -> list[str]:
    """``return`` of the rules' conjunction, every atom written out to short-circuit."""
    parts = [f"({ns.inline(str(rule.expression))})" for rule in rules]
    return ["return " + (" and ".join(parts) if parts else "True")]


@dataclass(slots=True, eq=False)  # hashed by identity: a key of the batch's memo
class CompiledField:
    """The rules one Land states for one field under one choice of readings, compiled."""

    land: str
    field: str
    rule_ids: tuple[str, ...]
    is_valid: Callable[[str], Any]
    violated: Callable[[str], int]
    explained: Callable[[str], int]  # violated, and the entries' bits above them
    aids: tuple[str, ...]
    messages: tuple[tuple[str, str], ...]
    params: dict[str, Params]  # the resolved parameters of each enforced rule
    verdicts: dict[int, Verdict] = dataclass_field(default_factory=dict)  # memo by the bits above
    # The verdict on a value, plain and explained: the bit functions with the memo inlined.
    verdict: Callable[[str], Verdict] = dataclass_field(init=False)
    explained_verdict: Callable[[str], Verdict] = dataclass_field(init=False)

    def make(self, key: int) -> Verdict:
        """Build and memoise the verdict for the bits ``key``."""
        from skc.model.validators import Verdict, Violation

        violations: list[Violation] = []
        for bit, (rule_id, (de, en)) in enumerate(zip(self.rule_ids, self.messages, strict=True)):
            if key >> bit & 1:
                violations.append(Violation(rule_id, de, en))
        depends = key >> len(self.rule_ids)
        verdict = Verdict(
            land=self.land,  # type: ignore[arg-type]
            field=self.field,
            valid=not violations,
            violations=tuple(violations),
            rules_checked=self.rule_ids,
            depends_on=tuple(aid for bit, aid in enumerate(self.aids) if depends >> bit & 1),
        )
        self.verdicts[key] = verdict  # at most 2 ** (rules + entries) keys: bounded
        return verdict


def _messages(rule: FieldRule, params: Params) -> tuple[str, str]:
    chars = params.get("chars")
    fmt = {**params, "chars_list": ", ".join(f'"{ch}"' for ch in str(chars)) if chars else ""}
    return (
        (rule.message_de or rule.title).format(**fmt),
        (rule.message_en or rule.title).format(**fmt),
    )


def _relevant(land: str, rules: tuple[FieldRule, ...], fc: FieldCatalog) -> tuple[str, ...]:
    ids: dict[str, None] = {}
    for rule in rules:
        if land in rule.lands:
            for aid in rule.ambiguities:
                if land in fc.register[aid].lands:
                    ids[aid] = None
    return tuple(ids)


def _depends_lines(
    land: str,
    field_name: str,
    choice: Mapping[str, str],
    mine: dict[str, tuple[str, str]],
    fc: FieldCatalog,
    ns: Namespace,
) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
    """The register entries that matter for the field, and per entry its guard and the
    condition under which another reading changes whether a linked rule passes. ``mine``
    gives each rule's expression under ``choice`` and the local holding its outcome."""
    aids = _relevant(land, fc.rules[field_name], fc)
    conditions: list[tuple[str, str]] = []
    for aid in aids:
        linked = [r.id for r in fc.rules[field_name] if land in r.lands and aid in r.ambiguities]
        differ: dict[str, None] = {}
        for rid in fc.register[aid].readings:
            if rid == choice[aid]:
                continue
            other = _compile_rules(land, field_name, {**choice, aid: rid}, fc, ns)
            theirs = {r.id: r.expression or "True" for r in other}
            for rule_id in linked:
                expression_, outcome = mine[rule_id]
                if expression_ != theirs[rule_id]:
                    differ[f"{outcome} != ({ns.inline(theirs[rule_id])})"] = None
        guard = _GUARDS[aid](ns) if aid in _GUARDS else ""
        conditions.append((guard, " or ".join(differ)))
    return aids, conditions


def _build(land: str, field_name: str, readings: Mapping[str, str] | None) -> CompiledField:
    fc = field_catalog()
    choice = fc.defaults() if readings is None else {**fc.defaults(), **readings}
    ns = Namespace()
    every = _compile_rules(land, field_name, choice, fc, ns)
    rules = [r for r in every if r.expression is not None]
    outcome = {r.id: f"r{bit}" for bit, r in enumerate(rules)}
    mine = {r.id: (r.expression or "True", outcome.get(r.id, "True")) for r in every}
    aids, conditions = _depends_lines(land, field_name, choice, mine, fc, ns)
    # Atoms written out, so a rule's tests short-circuit; the explanation reuses outcomes.
    lines = ["m = 0"]
    lines += [
        f"if not ({ns.inline(str(r.expression))}): m |= {1 << b}" for b, r in enumerate(rules)
    ]
    explained = ["m = 0"]
    for bit, rule in enumerate(rules):
        explained.append(f"r{bit} = {ns.inline(str(rule.expression))}")
        explained.append(f"if not r{bit}: m |= {1 << bit}")
    for bit, (guard, condition) in enumerate(conditions, start=len(rules)):
        if condition:
            guarded = f"{guard} and ({condition})" if guard else condition
            explained.append(f"if {guarded}: m |= {1 << bit}")
    by_id = {r.id: r for r in fc.rules[field_name]}
    compiled = CompiledField(
        land=land,
        field=field_name,
        rule_ids=tuple(r.id for r in rules),
        is_valid=_define(ns, "is_valid", _valid_lines(rules, ns)),
        violated=_define(ns, "violated", [*lines, "return m"]),
        explained=_define(ns, "explained", [*explained, "return m"]),
        aids=aids,
        messages=tuple(_messages(by_id[r.id], r.params) for r in rules),
        params={r.id: r.params for r in rules},
    )
    ns.names.update(_memo=compiled.verdicts, _make=compiled.make)
    memo = ["found = _memo.get(m)", "return found if found is not None else _make(m)"]
    compiled.verdict = _define(ns, "verdict", [*lines, *memo])
    compiled.explained_verdict = _define(ns, "explained_verdict", [*explained, *memo])
    return compiled


# Land -> field -> the compiled rules under the default readings (known names only). Nested,
# not keyed by (land, field): building and hashing a tuple per call costs more than two look-ups.
DEFAULTS: dict[str, dict[str, CompiledField]] = {}


def _check_names(land: str, field_name: str) -> None:
    if land not in LANDS:
        parse_land(land)  # raises, listing the valid ids
    fields = field_catalog().fields
    if field_name not in fields:
        raise UnknownNameError("field", field_name, fields)


@lru_cache(maxsize=512)  # keyed by readings, which user input chooses: bounded
def _for_readings(land: str, field_name: str, readings: Readings) -> CompiledField:
    return _build(land, field_name, readings)


def compiled_field(land: str, field_name: str, readings: Readings | None = None) -> CompiledField:
    """The compiled rules of ``field_name`` for ``land`` under ``readings`` (the defaults when
    None); unknown names raise :class:`~skc.model.errors.UnknownNameError`."""
    if readings is None:
        found = DEFAULTS.get(land, {}).get(field_name)
        if found is None:
            _check_names(land, field_name)
            found = DEFAULTS.setdefault(land, {})[field_name] = _build(land, field_name, None)
        return found
    _check_names(land, field_name)
    return _for_readings(land, field_name, readings)


__all__ = ["DEFAULTS", "CompiledField", "compiled_field", "resolve"]
