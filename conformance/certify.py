"""Certification packages: one directory per portal and Land that an auditor can check.

``skc run --certify DIR [--sign-key KEY]`` writes, after the run, for each Land::

    DIR/PORTAL-LAND/
    ├── manifest.json         harness version, run, the portal's identity and profile, the Land's
    │                         status and why, SHA-256 of every catalog file and help text (with
    │                         where the text came from), the expected failures with reasons,
    │                         the run's coverage of the Land
    ├── rules.json            every rule the Land's help text states: title, quotes, parameters
    │                         (under the profile's readings), the SHA-256 of each cited
│                         sentence, status, checks, reasons
    ├── results.jsonl         the run's records of this Land, with this Land's summary
    ├── junit.xml, report.html   rendered from those records
    ├── evidence/             one text file per failure, error and expected failure
    ├── profile.yaml, expected-failures.yaml   copies of the inputs given (secrets scrubbed)
    ├── SHA256SUMS            the digest of every other file (always)
    └── SHA256SUMS.sig        Ed25519 signature of SHA256SUMS, hex (when a key is given)

An auditor needs no harness to check one: ``sha256sum -c SHA256SUMS``, then
``xxd -r -p SHA256SUMS.sig > sig && openssl pkeyutl -verify -pubin -inkey signer.pub -rawin
-in SHA256SUMS -sigfile sig``.

A rule's status is one of passed, failed, expected failure, not applicable, inconclusive, error
or not covered. A package is ``conformant`` only when the run's rules say so for the Land and
more than half of the rules its help text states were observed (passed or failed as expected):
a profile that leaves most rules unobserved cannot certify. Each package is written into a
temporary directory and renamed into place, so nothing is ever half-written.
:mod:`skc.conformance.certify_verify` checks a package and says what changed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from skc import __version__
from skc.conformance.digests import catalog_digests, sha256_file
from skc.conformance.drift import cited_sentences, sentence_hash
from skc.conformance.redact import Scrubber
from skc.conformance.reports import read_records, write_html, write_junit
from skc.conformance.reports.stream import RESULTS_FILE
from skc.conformance.results import Status
from skc.conformance.steps import secret_values
from skc.model.catalog import load_catalog
from skc.model.errors import InputError
from skc.model.lands import PORTAL_NAMES, SEED_FILES, LandId
from skc.model.validators import resolve_params

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from skc.conformance.expected import ExpectedFailure
    from skc.conformance.profile import PortalProfile
    from skc.model.ambiguity import Readings

SUMS: Final = "SHA256SUMS"
SIGNATURE: Final = "SHA256SUMS.sig"
MANIFEST: Final = "manifest.json"
RULES: Final = "rules.json"
FORMAT: Final = "skc-certification/1"
_STATUSES: Final = (
    "passed", "failed", "expected failure", "not applicable", "inconclusive", "error",
    "not covered",
)  # fmt: skip
_NOT_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def package_name(target: str, land: str) -> str:
    """The directory name of a portal's package for a Land: ``inprocess-berlin``."""
    return f"{_NOT_NAME.sub('-', target).strip('-.') or 'portal'}-{land}"


def check_certify_dir(directory: Path, target: str, lands: Sequence[LandId]) -> None:
    """Refuse, before the run, a directory that cannot take the packages (exit 2)."""
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory}: is a file, not a directory; choose another --certify")
    for land in lands:
        if (directory / package_name(target, land)).exists():
            raise InputError(
                f"{directory / package_name(target, land)}: a package is already there; "
                "a package is never overwritten: choose another --certify directory"
            )
    existing = next((p for p in (directory, *directory.parents) if p.exists()), None)
    if existing is not None and not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"{existing}: is read-only; choose a writable --certify directory")


def rule_status(results: Sequence[Mapping[str, Any]]) -> str:
    """One stated rule's status from its results in the Land."""
    if not results:
        return "not covered"
    verdicts = [str(r.get("verdict")) for r in results]
    expected = [r.get("expected_failure") is not None for r in results]
    if any(v == "fail" and not x for v, x in zip(verdicts, expected, strict=True)):
        return "failed"
    if "error" in verdicts:
        return "error"
    if "fail" in verdicts:
        return "expected failure"
    if "inconclusive" in verdicts:
        return "inconclusive"
    if all(v == "not-applicable" for v in verdicts):
        return "not applicable"
    return "passed"


def stated_rules(
    land: LandId,
    results: Sequence[Mapping[str, Any]],
    readings: Readings,
    unexpected: Sequence[str],
) -> list[dict[str, Any]]:
    """Every rule the Land's help text states, with its provenance, parameters and status."""
    by_rule: dict[str, list[Mapping[str, Any]]] = {}
    for result in results:
        by_rule.setdefault(str(result.get("rule")), []).append(result)
    cited = cited_sentences(land)
    rules = []
    for rule in load_catalog():
        if not rule.stated(land):
            continue
        own = by_rule.get(rule.id, [])
        statement = rule.lands[land]
        rules.append({
            "id": rule.id, "title": rule.title, "family": rule.family,
            "seed": SEED_FILES[land], "quotes": list(statement.quotes),
            "sentences": [
                {"text": text, "sha256": sentence_hash(text)} for text in cited.get(rule.id, ())
            ],
            "parameters": {k: _plain(v) for k, v in resolve_params(rule, land, readings).items()},
            "status": rule_status(own),
            "checks": sorted({str(r.get("check")) for r in own}),
            "reasons": sorted({str(r.get("reason")) for r in own if r.get("reason")}),
            "expected_failure": next(
                (str(r["expected_failure"]) for r in own if r.get("expected_failure")), None
            ),
            "unexpected_pass": rule.id in unexpected,
        })  # fmt: skip
    return rules


def _plain(value: object) -> object:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def land_status(
    rules: Sequence[Mapping[str, Any]], run_summary: Mapping[str, Any] | None, unexpected: int
) -> tuple[str, str]:
    """The package's conclusion for one Land, and why."""
    if run_summary is None or run_summary.get("interrupted"):
        return Status.INCOMPLETE.value, "the run did not finish"
    counts = {name: sum(r["status"] == name for r in rules) for name in _STATUSES}
    if counts["failed"] or unexpected:
        parts = [f"{counts['failed']} rule(s) failed"] if counts["failed"] else []
        if unexpected:
            parts.append(f"{unexpected} expected failure(s) no longer fail")
        return Status.NOT_CONFORMANT.value, "; ".join(parts)
    if counts["error"]:
        return Status.INCOMPLETE.value, f"{counts['error']} rule(s) ended in a harness error"
    observed = counts["passed"] + counts["expected failure"]
    if observed * 2 <= len(rules):
        return Status.INCOMPLETE.value, (
            f"only {observed} of the {len(rules)} stated rules were observed ("
            f"{counts['inconclusive']} inconclusive, {counts['not applicable']} not applicable, "
            f"{counts['not covered']} not covered): a certification needs more than half"
        )
    return Status.CONFORMANT.value, (
        f"{counts['passed']} of {len(rules)} stated rules passed"
        + (
            f", {counts['expected failure']} expected failure(s)"
            if counts["expected failure"]
            else ""
        )
    )


def _land_records(
    records: Sequence[Mapping[str, Any]], land: LandId, status: tuple[str, str]
) -> list[dict[str, Any]]:
    """The run's records of one Land; its summary speaks for this Land only."""
    out: list[dict[str, Any]] = []
    for record in records:
        kind = record.get("type")
        if kind == "run":
            out.append(dict(record))
        elif kind in ("result", "check", "account", "unexpected_pass"):
            if record.get("land") == land:
                out.append(dict(record))
        elif kind == "summary":
            mine = [r for r in out if r.get("type") == "result"]
            counts: dict[str, int] = {}
            for r in mine:
                counts[str(r["verdict"])] = counts.get(str(r["verdict"]), 0) + 1
            certification = record.get("certification") or {}
            out.append({
                **record, "status": status[0], "status_reason": status[1], "counts": counts,
                "certification": {land: certification.get(land, {})},
                "coverage": {
                    k: v for k, v in (record.get("coverage") or {}).items() if k == land
                },
                "unexpected_passes": [
                    u for u in record.get("unexpected_passes") or [] if u.get("land") == land
                ],
            })  # fmt: skip
    return out


def _evidence(result: Mapping[str, Any]) -> str:
    lines = [
        f"rule: {result.get('rule')} (Land {result.get('land')})",
        f"check: {result.get('check')}",
        f"verdict: {result.get('verdict')}",
    ]
    if result.get("expected_failure"):
        lines.append(f"expected failure: {result.get('expected_failure')}")
    for key in ("expected", "observed", "reason"):
        if result.get(key):
            lines.append(f"{key}: {result.get(key)}")
    lines += [f"quote ({result.get('seed_file')}): {quote}" for quote in result.get("quotes") or []]
    lines += ["example:", *(f"  {step}" for step in result.get("example") or [])]
    if result.get("replay"):
        lines.append(f"replay: {result.get('replay')}")
    return "\n".join(lines) + "\n"


def write_packages(
    out: Path,
    directory: Path,
    *,
    profile_for: Callable[[LandId], PortalProfile],
    profile_path: Path | None,
    expected_path: Path | None,
    expected: Sequence[ExpectedFailure],
    secrets: frozenset[str] = frozenset(),
    sign_key: Ed25519PrivateKey | None = None,
) -> list[Path]:
    """Write one package per Land of the run whose reports are in ``out``; return their paths."""
    records = read_records(out / RESULTS_FILE)
    header = next((r for r in records if r.get("type") == "run"), {})
    summary = next((r for r in records if r.get("type") == "summary"), None)
    scrub = Scrubber((*secret_values(), *secrets))
    written = []
    for land in header.get("lands") or []:
        written.append(
            _write_package(
                directory,
                land,
                records,
                header,
                summary,
                scrub=scrub,
                sign_key=sign_key,
                profile=profile_for(land),
                profile_path=profile_path,
                expected_path=expected_path,
                expected=[e for e in expected if e.land == land],
            )
        )
    return written


def _write_package(
    directory: Path, land: LandId, records: Sequence[Mapping[str, Any]],
    header: Mapping[str, Any], summary: Mapping[str, Any] | None, *, scrub: Scrubber,
    sign_key: Ed25519PrivateKey | None, profile: PortalProfile, profile_path: Path | None,
    expected_path: Path | None, expected: Sequence[ExpectedFailure],
) -> Path:  # fmt: skip
    results = [r for r in records if r.get("type") == "result" and r.get("land") == land]
    unexpected = [
        str(u.get("rule")) for u in (summary or {}).get("unexpected_passes") or []
        if u.get("land") == land
    ]  # fmt: skip
    rules = stated_rules(land, results, profile.readings, unexpected)
    status = land_status(rules, summary, len(unexpected))
    final = directory / package_name(str(header.get("target")), land)
    directory.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=directory))
    try:
        land_records = _land_records(records, land, status)
        (work / RESULTS_FILE).write_bytes(
            b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in land_records)
        )
        write_junit(land_records, work / "junit.xml")
        write_html(land_records, work / "report.html")
        (work / RULES).write_text(_json(rules), encoding="utf-8")
        evidence = [r for r in results if r.get("verdict") in ("fail", "error")]
        for index, result in enumerate(evidence, start=1):
            name = f"{index:03d}-{_NOT_NAME.sub('-', str(result.get('check')))}.txt"
            (work / "evidence").mkdir(exist_ok=True)
            (work / "evidence" / name).write_text(scrub(_evidence(result)), encoding="utf-8")
        inputs = {}
        for name, source in (
            ("profile.yaml", profile_path),
            ("expected-failures.yaml", expected_path),
        ):
            if source is not None:
                (work / name).write_text(
                    scrub(source.read_text(encoding="utf-8")), encoding="utf-8"
                )
                inputs[name] = {"given": str(source), "sha256_as_given": sha256_file(source)}
        manifest = _manifest(land, header, status, rules, profile, inputs, expected, sign_key)
        manifest["coverage"] = ((summary or {}).get("coverage") or {}).get(land)
        (work / MANIFEST).write_text(_json(manifest), encoding="utf-8")
        sums = "".join(
            f"{sha256_file(p)}  {p.relative_to(work).as_posix()}\n"
            for p in sorted(work.rglob("*")) if p.is_file()
        )  # fmt: skip
        (work / SUMS).write_text(sums, encoding="utf-8")
        if sign_key is not None:
            (work / SIGNATURE).write_bytes(
                sign_key.sign(sums.encode("utf-8")).hex().encode() + b"\n"
            )
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _manifest(
    land: LandId, header: Mapping[str, Any], status: tuple[str, str],
    rules: Sequence[Mapping[str, Any]], profile: PortalProfile, inputs: Mapping[str, Any],
    expected: Sequence[ExpectedFailure], sign_key: Ed25519PrivateKey | None,
) -> dict[str, Any]:  # fmt: skip
    digests = catalog_digests()
    counts = {name: sum(r["status"] == name for r in rules) for name in _STATUSES}
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "harness_version": __version__,
        "land": land,
        "portal": {
            "target": header.get("target"), "name": PORTAL_NAMES[land],
            "base_url": profile.base_url,
            "capabilities": {str(k): v for k, v in sorted(profile.capabilities.items())},
            "parameters": {k: _plain(v) for k, v in sorted(profile.parameters.items())},
            "readings": {str(k): str(v) for k, v in sorted(profile.readings.overrides().items())},
            "profile": inputs.get("profile.yaml"),
        },
        "run": {k: header.get(k) for k in (
            "run_id", "seed", "suites", "fault", "hypothesis_profile", "started",
        )},
        "status": status[0], "status_reason": status[1], "rules": counts,
        "catalog": {"rules": digests["rules"], "register": digests["register"]},
        "help_text": {
            "file": SEED_FILES[land], "sha256": digests["seeds"].get(SEED_FILES[land]),
            "source": "the project's bundled copy (model/seeds) of the specification's seed file",
            "retrieved": None, "all": digests["seeds"],
        },
        "expected_failures": {
            "file": inputs.get("expected-failures.yaml"),
            "entries": [
                {"rule": e.rule, "check": e.check, "reason": e.reason, "entry": e.entry}
                for e in expected
            ],
        },
    }  # fmt: skip
    if sign_key is not None:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        public = sign_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        manifest["signature"] = {
            "algorithm": "Ed25519",
            "public_key": public.hex(),
            "file": SIGNATURE,
        }
    return manifest


def load_sign_key(path: Path) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM file (unencrypted); InputError saying what is wrong."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise InputError(
            f"{path}: not an unencrypted PEM private key ({exc}); make one with "
            "skc certify keygen KEY"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"{path}: is a {type(key).__name__}; --sign-key needs an Ed25519 key")
    return key


__all__ = [
    "MANIFEST",
    "SIGNATURE",
    "SUMS",
    "check_certify_dir",
    "land_status",
    "load_sign_key",
    "package_name",
    "rule_status",
    "stated_rules",
    "write_packages",
]
