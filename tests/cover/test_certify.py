from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from skc.conformance.certify import SUMS, land_status, rule_status
from skc.conformance.certify_verify import verify_package
from skc.conformance.cli import app
from skc.conformance.digests import sha256_file
from skc.conformance.steps import secret_values
from skc.model.catalog import load_catalog
from skc.model.lands import SEED_FILES

MODEL = Path(__file__).resolve().parents[2] / "model"
STATUSES = {
    "passed", "failed", "expected failure", "not applicable", "inconclusive", "error",
    "not covered",
}  # fmt: skip
runner = CliRunner()


def _skc(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def certified(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("certified")
    assert _skc("certify", "keygen", str(home / "key.pem"))[0] == 0
    known = home / "known.yaml"
    known.write_text(
        "- land: hamburg\n  rule: session.idle_timeout\n  reason: 'Ticket 9: 21 minutes'\n",
        encoding="utf-8",
    )
    profile = home / "profile.yaml"
    profile.write_text(
        f"land: hamburg  # {secret_values()[0]}\n"
        "capabilities: {clock_control: true, mail_capture: true}\n",
        encoding="utf-8",
    )
    _, output = _skc(
        "run", "--no-progress", "--fault", "hamburg-timeout-21-minutes", "--suite", "scenarios",
        "--seed", "1", "--profile", str(profile), "--expected-failures", str(known),
        "--replay", "scenarios/session-timeout",
        "--out", str(home / "out"), "--certify", str(home / "packages"),
        "--sign-key", str(home / "key.pem"),
    )  # fmt: skip
    assert "package: " in output, output
    return home / "packages" / "inprocess-hamburg"


def _manifest(package: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((package / "manifest.json").read_text(encoding="utf-8"))
    return data


def test_package_records_versions_hashes_and_inputs_when_a_run_is_certified(
    certified: Path,
) -> None:
    manifest = _manifest(certified)
    assert manifest["harness_version"]
    assert manifest["catalog"]["rules"] == {
        path.name: sha256_file(path) for path in sorted((MODEL / "rules").glob("*.yaml"))
    }
    seed = MODEL / "seeds" / SEED_FILES["hamburg"]
    assert manifest["help_text"]["sha256"] == hashlib.sha256(seed.read_bytes()).hexdigest()
    assert set(manifest["help_text"]["all"]) == set(SEED_FILES.values())
    assert manifest["portal"]["target"] == "inprocess"
    assert manifest["portal"]["capabilities"] == {"clock_control": True, "mail_capture": True}
    assert manifest["expected_failures"]["entries"][0]["reason"] == "Ticket 9: 21 minutes"
    assert manifest["signature"]["algorithm"] == "Ed25519"
    assert manifest["coverage"]["stated"] == len(
        [rule for rule in load_catalog() if rule.stated("hamburg")]
    )
    for name in ("results.jsonl", "junit.xml", "report.html", "expected-failures.yaml"):
        assert (certified / name).is_file()
    assert secret_values()[0] not in (certified / "profile.yaml").read_text(encoding="utf-8")


def test_package_lists_every_stated_rule_with_its_status_when_certified(certified: Path) -> None:
    rules = json.loads((certified / "rules.json").read_text(encoding="utf-8"))
    stated = [rule.id for rule in load_catalog() if rule.stated("hamburg")]
    assert [rule["id"] for rule in rules] == stated
    assert {rule["status"] for rule in rules} <= STATUSES
    timeout = next(rule for rule in rules if rule["id"] == "session.idle_timeout")
    assert timeout["status"] == "expected failure"
    assert timeout["expected_failure"] == "Ticket 9: 21 minutes"
    assert timeout["parameters"] == {"minutes": 20}
    assert timeout["title"]
    assert timeout["quotes"]
    assert any(rule["status"] == "not covered" for rule in rules)
    assert list((certified / "evidence").iterdir())


def test_verify_accepts_the_package_when_untouched(certified: Path) -> None:
    code, output = _skc(
        "verify", str(certified), "--public-key", str(certified.parents[1] / "key.pem.pub")
    )
    assert code == 0, output
    assert "intact" in output


def test_verify_names_each_changed_file_when_the_package_was_tampered_with(
    certified: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(certified, copy)
    rules = copy / "rules.json"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace('"not covered"', '"passed"'), "utf-8"
    )
    (copy / "junit.xml").unlink()
    (copy / "notes.txt").write_text("added later\n", encoding="utf-8")
    code, output = _skc("verify", str(copy))
    assert code == 1
    assert "changed: rules.json" in output
    assert "missing: junit.xml" in output
    assert "added: notes.txt" in output


def test_verify_refuses_the_signature_when_the_digests_were_rewritten(
    certified: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(certified, copy)
    manifest = copy / "manifest.json"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("Ticket 9", "Ticket 1"), "utf-8"
    )
    sums = (copy / SUMS).read_text(encoding="utf-8")
    old, new = sha256_file(certified / "manifest.json"), sha256_file(manifest)
    (copy / SUMS).write_text(sums.replace(old, new), encoding="utf-8")
    found = verify_package(copy)
    assert not found.intact
    assert found.problems == ["signature: SHA256SUMS.sig does not match SHA256SUMS and this key"]


def test_verify_exits_two_when_the_directory_is_no_package(tmp_path: Path) -> None:
    code, output = _skc("verify", str(tmp_path))
    assert code == 2
    assert "not a certification package" in output


def test_package_is_incomplete_when_the_profile_leaves_most_rules_unobserved(
    tmp_path: Path,
) -> None:
    profile = tmp_path / "reduced.yaml"
    profile.write_text("land: berlin\ncapabilities:\n  mailbox: true\n", encoding="utf-8")
    _, output = _skc(
        "run", "--no-progress", "--profile", str(profile), "--suite", "scenarios",
        "--out", str(tmp_path / "out"), "--certify", str(tmp_path / "packages"),
    )  # fmt: skip
    manifest = _manifest(tmp_path / "packages" / "inprocess-berlin")
    assert manifest["status"] == "incomplete", output
    assert "a certification needs more than half" in manifest["status_reason"]


def test_run_exits_two_before_running_when_the_package_exists(tmp_path: Path) -> None:
    (tmp_path / "packages" / "inprocess-berlin").mkdir(parents=True)
    code, output = _skc(
        "run", "--no-progress", "--land", "berlin", "--suite", "scenarios",
        "--out", str(tmp_path / "out"), "--certify", str(tmp_path / "packages"),
    )  # fmt: skip
    assert code == 2
    assert "never overwritten" in output
    assert not (tmp_path / "out").exists()
    code, output = _skc("run", "--land", "berlin", "--sign-key", str(tmp_path / "k.pem"))
    assert code == 2
    assert "--certify" in output


def test_land_status_is_never_conformant_when_most_stated_rules_are_unobserved() -> None:
    rules = (
        [{"status": "passed"}] * 3
        + [{"status": "inconclusive"}] * 2
        + [{"status": "not covered"}] * 2
    )
    assert land_status(rules, {"status": "conformant"}, 0)[0] == "incomplete"
    assert land_status(rules[:5], {"status": "conformant"}, 0)[0] == "conformant"
    assert land_status(rules, {"status": "conformant"}, 1)[0] == "not conformant"


def test_rule_status_tells_expected_failures_from_failures_when_both_occur() -> None:
    fail = {"verdict": "fail", "expected_failure": None}
    known = {"verdict": "fail", "expected_failure": "Ticket 9"}
    assert rule_status([known, {"verdict": "pass"}]) == "expected failure"
    assert rule_status([known, fail]) == "failed"
    assert rule_status([{"verdict": "not-applicable"}]) == "not applicable"
    assert rule_status([]) == "not covered"


def test_run_header_records_what_the_verdicts_depend_on_when_a_run_starts(
    certified: Path,
) -> None:
    header = json.loads((certified / "results.jsonl").open(encoding="utf-8").readline())
    seed = MODEL / "seeds" / SEED_FILES["hamburg"]
    assert header["help_texts"] == {SEED_FILES["hamburg"]: sha256_file(seed)}
    assert len(header["catalog_sha256"]) == 64
    assert header["profile_sha256"] == sha256_file(certified.parents[1] / "profile.yaml")
    assert header["expected_failures_sha256"] == sha256_file(certified.parents[1] / "known.yaml")


def test_verify_says_so_when_the_package_comes_from_an_older_catalog(
    certified: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old"
    shutil.copytree(certified, old)
    (old / "SHA256SUMS.sig").unlink()
    manifest = _manifest(old)
    del manifest["signature"]
    manifest["catalog"]["rules"]["times.yaml"] = "0" * 64
    (old / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    rules = json.loads((old / "rules.json").read_text(encoding="utf-8"))
    for rule in rules:
        if rule["id"] == "session.idle_timeout":
            rule["sentences"] = [{"text": "Nach 30 Minuten ...", "sha256": "1" * 64}]
    (old / "rules.json").write_text(json.dumps(rules), encoding="utf-8")
    listed = [p for p in sorted(old.rglob("*")) if p.is_file() and p.name != SUMS]
    (old / SUMS).write_text(
        "".join(f"{sha256_file(p)}  {p.relative_to(old).as_posix()}\n" for p in listed),
        encoding="utf-8",
    )
    found = verify_package(old)
    assert found.intact, found.problems
    notes = "\n".join(found.notes)
    assert "made from an older or other catalog: rules/times.yaml" in notes
    assert "1 rule(s) cite other sentences now: session.idle_timeout" in notes
    assert "not signed" in notes


def test_certify_package_gives_the_same_rules_when_a_finished_run_is_packaged_later(
    certified: Path, tmp_path: Path
) -> None:
    home = certified.parents[1]
    code, output = _skc("certify", "package", str(home / "out"), str(tmp_path / "later"))
    assert code == 0, output
    later = tmp_path / "later" / "inprocess-hamburg"
    assert verify_package(later).intact
    assert (later / "rules.json").read_bytes() == (certified / "rules.json").read_bytes()
    assert _manifest(later)["status"] == _manifest(certified)["status"]


def test_certify_package_exits_two_when_an_input_changed_since_the_run(
    certified: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(certified.parents[1] / "out", out)
    records = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    header = json.loads(records[0])
    header["expected_failures_sha256"] = "0" * 64
    (out / "results.jsonl").write_text(
        "\n".join([json.dumps(header), *records[1:]]) + "\n", encoding="utf-8"
    )
    code, output = _skc("certify", "package", str(out), str(tmp_path / "packages"))
    assert code == 2
    assert "changed (or is gone) since the run" in output
    assert not (tmp_path / "packages").exists()
