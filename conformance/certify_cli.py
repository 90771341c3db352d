"""``skc certify`` (package, verify, keygen), ``skc verify``, ``skc drift``, ``skc run --certify``.

Exit codes of ``verify``: 0 the package is intact (notes, such as an older catalog, are
printed), 1 something changed (each changed, missing or added file is named, or the signature
fails), 2 not a package or a bad key file. Of ``drift``: 0 no rule's cited sentence changed,
1 some did (each rule named, old and new sentence shown), 2 bad usage or an unreadable file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from skc.conformance.redact import console_text
from skc.model.errors import HarnessError, InputError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from skc.conformance.runner import RunConfig, RunReport

certify_app = typer.Typer(
    name="certify", help="Certification packages: verify one, make a signing key.",
    no_args_is_help=True,
)  # fmt: skip
_out = Console(soft_wrap=True, highlight=False)
_err = Console(stderr=True, soft_wrap=True, highlight=False)


def prepare_certification(
    config: RunConfig, certify: Path | None, sign_key: Path | None
) -> Ed25519PrivateKey | None:
    """Before the run: refuse a package directory or key that cannot be used (InputError)."""
    from skc.conformance.certify import check_certify_dir, load_sign_key

    if certify is None:
        if sign_key is not None:
            raise InputError("--sign-key signs a certification package: add --certify DIR")
        return None
    if config.out is None:
        raise InputError("--certify packages the run's reports: give --out too")
    check_certify_dir(certify, config.target, config.lands)
    return load_sign_key(sign_key) if sign_key is not None else None


def write_certification(
    config: RunConfig, report: RunReport, certify: Path, key: Ed25519PrivateKey | None
) -> None:
    """After the run: one package per Land, and where they are."""
    from skc.conformance.certify import MANIFEST, write_packages

    assert config.out is not None  # prepare_certification refused a run without --out
    packages = write_packages(
        config.out, certify, profile_for=config.profile_for, profile_path=config.profile_path,
        expected_path=config.expected_path, expected=config.expected,
        secrets=report.secrets_seen, sign_key=key,
    )  # fmt: skip
    for package in packages:
        manifest = json.loads((package / MANIFEST).read_text(encoding="utf-8"))
        _out.print(console_text(f"package: {package} ({manifest['status']})"))


def config_of_run(out: Path) -> RunConfig:
    """The inputs of a finished run, from its results file; its input files must be unchanged."""
    from skc.conformance.digests import file_digest
    from skc.conformance.expected import load_expected_failures
    from skc.conformance.profile import load_profile
    from skc.conformance.reports import RESULTS_FILE, read_records, split_records
    from skc.conformance.runner import RunConfig
    from skc.model.lands import parse_land

    run = split_records(read_records(out / RESULTS_FILE))
    if run.header is None or run.summary is None:
        raise InputError(f"{out / RESULTS_FILE}: the run did not finish; certify a finished run")
    header = run.header
    inputs: dict[str, Path | None] = {}
    for key in ("profile", "expected_failures"):
        given = header.get(key)
        if given is not None and file_digest(given) != header.get(f"{key}_sha256"):
            raise InputError(
                f"{given}: the {key.replace('_', ' ')} file changed (or is gone) since the run "
                f"{header.get('run_id')}; certify with the file the run used, or run again"
            )
        inputs[key] = Path(given) if given is not None else None
    profile, expected = inputs["profile"], inputs["expected_failures"]
    return RunConfig(
        lands=tuple(parse_land(str(land)) for land in header.get("lands") or ()),
        seed=int(header.get("seed") or 0), target=str(header.get("target")), out=out,
        profile=load_profile(profile) if profile else None, profile_path=profile,
        expected=load_expected_failures(expected) if expected else (), expected_path=expected,
    )  # fmt: skip


@certify_app.command("package")
def package_run(
    out: Annotated[Path, typer.Argument(help="The reports directory of a finished run.")],
    certify: Annotated[Path, typer.Argument(help="Where to write one package per Land.")],
    sign_key: Annotated[
        Path | None, typer.Option(help="Sign the packages with this Ed25519 key (PEM).")
    ] = None,
) -> None:
    """Package a finished run (as skc run --certify does at its end)."""
    from skc.conformance.certify import check_certify_dir, load_sign_key, write_packages

    try:
        config = config_of_run(out)
        check_certify_dir(certify, config.target, config.lands)
        key = load_sign_key(sign_key) if sign_key is not None else None
        packages = write_packages(
            out, certify, profile_for=config.profile_for, profile_path=config.profile_path,
            expected_path=config.expected_path, expected=config.expected, sign_key=key,
        )  # fmt: skip
    except (HarnessError, OSError) as exc:
        _err.print(f"[bold red]error:[/] {console_text(str(exc))}")
        raise typer.Exit(2) from exc
    for package in packages:
        manifest = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
        _out.print(console_text(f"package: {package} ({manifest['status']})"))


def verify(
    package: Annotated[Path, typer.Argument(help="A directory written by skc run --certify.")],
    public_key: Annotated[
        Path | None, typer.Option(help="The signer's Ed25519 public key (PEM) to check against.")
    ] = None,
) -> None:
    """Check a certification package: digests, signature, and the catalog it was made from."""
    from skc.conformance.certify_verify import verify_package

    try:
        found = verify_package(package, public_key)
    except (HarnessError, OSError, ValueError) as exc:
        _err.print(f"[bold red]error:[/] {console_text(str(exc))}")
        raise typer.Exit(2) from exc
    for problem in found.problems:
        _out.print(f"[red]{console_text(problem)}[/]")
    for note in found.notes:
        _out.print(f"note: {console_text(note)}")
    status = found.manifest.get("status", "?")
    if found.intact:
        _out.print(console_text(f"intact: {package} ({found.manifest.get('land')}, {status})"))
        raise typer.Exit(0)
    _out.print(console_text(f"TAMPERED: {package}: {len(found.problems)} difference(s)"))
    raise typer.Exit(1)


@certify_app.command("keygen")
def keygen(
    key: Annotated[Path, typer.Argument(help="Where to write the private key (PEM).")],
) -> None:
    """Make an Ed25519 signing key (KEY) and its public key (KEY.pub) for --sign-key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    public = key.with_name(key.name + ".pub")
    for path in (key, public):
        if path.exists():
            _err.print(
                f"[bold red]error:[/] {console_text(str(path))} exists; keys are not overwritten"
            )
            raise typer.Exit(2)
    private = Ed25519PrivateKey.generate()
    key.parent.mkdir(parents=True, exist_ok=True)
    key.touch(mode=0o600)
    key.write_bytes(private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    public.write_bytes(
        private.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    _out.print(console_text(f"signing key: {key}\npublic key: {public}"))


def drift_command(
    new_text: Annotated[Path, typer.Argument(help="The Land's updated help text (UTF-8 text).")],
    land: Annotated[str, typer.Option(help="The Land whose help text it is.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Name the rules whose cited sentences an updated help text changed or removed."""
    from skc.conformance.drift import drift
    from skc.model.lands import parse_land

    try:
        land_id = parse_land(land)
        text = new_text.read_text(encoding="utf-8")
    except (HarnessError, OSError, UnicodeDecodeError) as exc:
        _err.print(f"[bold red]error:[/] {console_text(f'{new_text}: {exc}')}")
        raise typer.Exit(2) from exc
    found = drift(land_id, text)
    if as_json:
        print(json.dumps({
            "land": land_id, "rules": found.rules, "unchanged_rules": found.unchanged_rules,
            "changes": [
                {"rule": c.rule, "kind": c.kind, "old": c.old, "new": c.new,
                 "similarity": c.similarity} for c in found.changes
            ],
            "appeared": found.appeared, "normative_appeared": found.normative_appeared(),
        }, ensure_ascii=False, indent=2))  # fmt: skip
    else:
        for change in found.changes:
            _out.print(console_text(f"{change.kind}: {change.rule}\n  was: {change.old}"))
            if change.new is not None:
                _out.print(console_text(f"  now: {change.new} ({change.similarity:.0%} alike)"))
        for sentence in found.normative_appeared():
            _out.print(console_text(f"appeared (no rule cites it yet): {sentence}"))
        _out.print(
            f"{len(found.rules)} rule(s) touched, {found.unchanged_rules} unchanged, "
            f"{len(found.appeared)} new sentence(s) ({len(found.normative_appeared())} with a "
            "number or a normative marker)"
        )
    raise typer.Exit(1 if found.changes else 0)


certify_app.command("verify")(verify)

__all__ = [
    "certify_app",
    "config_of_run",
    "drift_command",
    "keygen",
    "package_run",
    "prepare_certification",
    "verify",
    "write_certification",
]
