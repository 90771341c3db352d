"""Checking a certification package: ``skc verify PACKAGE`` (also ``skc certify verify``).

The package is intact when every file ``SHA256SUMS`` lists is there with its digest, no file
was added, and, when it is signed, the Ed25519 signature of ``SHA256SUMS`` holds (against the
key given with ``--public-key``, or else the key the manifest names, which proves integrity
but not who signed). Separately, the package is compared with the installed harness: a package
made from an older catalog or another help text says so (a note, not a broken package).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skc import __version__
from skc.conformance.certify import MANIFEST, SIGNATURE, SUMS
from skc.conformance.digests import catalog_digests, sha256_file
from skc.model.errors import HarnessError, InputError


@dataclass
class Verification:
    """What verifying a package found: problems break it, notes do not."""

    package: Path
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def intact(self) -> bool:
        """Tell whether the package is as it was written (and signed)."""
        return not self.problems


def _sums(package: Path) -> dict[str, str]:
    listed: dict[str, str] = {}
    text = (package / SUMS).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            raise InputError(f"{package / SUMS}:{number}: expected 'SHA256  FILE', got {line!r}")
        listed[name] = digest
    return listed


def verify_package(package: Path, public_key: Path | None = None) -> Verification:
    """Check a package's files, signature and catalog; InputError when it is no package."""
    if not (package / SUMS).is_file() or not (package / MANIFEST).is_file():
        raise InputError(
            f"{package}: not a certification package (no {SUMS} or {MANIFEST}); "
            "pass a directory written by skc run --certify"
        )
    found = Verification(package)
    listed = _sums(package)
    present = {
        p.relative_to(package).as_posix()
        for p in package.rglob("*")
        if p.is_file() and p.name not in (SUMS, SIGNATURE)
    }
    for name, digest in sorted(listed.items()):
        path = package / name
        if not path.is_file():
            found.problems.append(f"missing: {name}")
        elif sha256_file(path) != digest:
            found.problems.append(f"changed: {name}")
    found.problems.extend(f"added: {name}" for name in sorted(present - set(listed)))
    try:
        found.manifest = json.loads((package / MANIFEST).read_text(encoding="utf-8"))
    except ValueError:
        found.problems.append(f"changed: {MANIFEST} is no longer valid JSON")
        return found
    _check_signature(found, public_key)
    _compare_catalog(found)
    return found


def _check_signature(found: Verification, public_key: Path | None) -> None:
    signature = found.manifest.get("signature")
    sig_file = found.package / SIGNATURE
    if signature is None:
        if sig_file.exists():
            found.problems.append(f"added: {SIGNATURE} (the manifest names no signature)")
        elif public_key is not None:
            found.problems.append("the package is not signed, but --public-key asks for it")
        else:
            found.notes.append("not signed: digests only (sign with skc run --sign-key KEY)")
        return
    if not sig_file.is_file():
        found.problems.append(f"missing: {SIGNATURE}")
        return
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    if public_key is not None:
        key = load_pem_public_key(public_key.read_bytes())
        if not isinstance(key, Ed25519PublicKey):
            raise InputError(f"{public_key}: is not an Ed25519 public key")
    else:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(str(signature["public_key"])))
        found.notes.append(
            f"signature checked against the key in the manifest ({signature['public_key'][:16]}"
            "…): pass --public-key to check who signed"
        )
    try:
        key.verify(bytes.fromhex(sig_file.read_text().strip()), (found.package / SUMS).read_bytes())
    except (InvalidSignature, ValueError):
        found.problems.append(f"signature: {SIGNATURE} does not match {SUMS} and this key")


def _compare_catalog(found: Verification) -> None:
    now = catalog_digests()
    then = found.manifest.get("catalog") or {}
    for folder in ("rules", "register"):
        old: dict[str, str] = then.get(folder) or {}
        changed = sorted(n for n in set(old) | set(now[folder]) if old.get(n) != now[folder].get(n))
        if changed:
            found.notes.append(
                f"made from an older or other catalog: {folder}/{', '.join(changed)} differ "
                "from the installed harness's"
            )
    text = found.manifest.get("help_text") or {}
    if text.get("sha256") and now["seeds"].get(str(text.get("file"))) != text.get("sha256"):
        found.notes.append(f"the help text {text.get('file')} differs from the installed one")
    _compare_sentences(found)
    if found.manifest.get("harness_version") != __version__:
        found.notes.append(
            f"written by harness {found.manifest.get('harness_version')}, this is {__version__}"
        )


def _compare_sentences(found: Verification) -> None:
    """Rules whose cited sentences differ between the package and the installed catalog."""
    from skc.conformance.drift import cited_sentences, sentence_hash
    from skc.model.lands import parse_land

    try:
        land = parse_land(str(found.manifest.get("land")))
        rules = json.loads((found.package / "rules.json").read_text(encoding="utf-8"))
    except (HarnessError, OSError, ValueError):
        return  # a changed or missing rules.json is already a problem
    now = {rule: {sentence_hash(s) for s in cited} for rule, cited in cited_sentences(land).items()}
    differ = [
        str(rule.get("id")) for rule in rules
        if {s.get("sha256") for s in rule.get("sentences") or []} != now.get(str(rule.get("id")))
    ]  # fmt: skip
    differ += sorted(set(now) - {str(rule.get("id")) for rule in rules})
    if differ:
        found.notes.append(
            f"made from an older catalog: {len(differ)} rule(s) cite other sentences now: "
            + ", ".join(differ[:10])
            + (" …" if len(differ) > 10 else "")
        )


__all__ = ["Verification", "verify_package"]
