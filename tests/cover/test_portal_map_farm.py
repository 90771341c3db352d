from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skc.conformance.adapters.browser.farm import main, merge_shards
from skc.conformance.reports import read_records

SHOT = "evidence/hamburg-fields-x/screenshot.png"


def _shard(out: Path, name: str, verdict: str, status: str, *, evidence: bool = False) -> Path:
    shard = out / "shards" / name
    shard.mkdir(parents=True)
    rule = "password.min_length"
    group = "passed" if verdict == "pass" else "failed"
    records: list[dict[str, Any]] = [
        {"type": "run", "run_id": "r", "target": "browser", "lands": ["hamburg"], "seed": 1},
        {"type": "result", "land": "hamburg", "suite": "fields", "check": f"fields/{name}",
         "rule": rule, "verdict": verdict, "evidence": [SHOT] if evidence else []},
        {"type": "account", "address": f"{name}@example.org", "cleaned_up": True},
        {"type": "summary", "status": status, "status_reason": f"why {name}",
         "counts": {verdict: 1}, "certification": {"hamburg": {group: [rule]}},
         "checks_run": 1, "accounts_created": 1, "accounts_left": [], "warnings": [f"w {name}"],
         "duration_s": 2.0, "finished": "2026-12-02T02:00:00+00:00"},
    ]  # fmt: skip
    lines = "".join(json.dumps(record) + "\n" for record in records)
    (shard / "results.jsonl").write_text(lines, encoding="utf-8")
    return shard


def test_merged_reports_conclude_the_worst_shard_and_keep_evidence_paths_when_sharded(
    tmp_path: Path,
) -> None:
    shards = [
        _shard(tmp_path, "gw0", "pass", "conformant"),
        _shard(tmp_path, "gw1", "fail", "not conformant", evidence=True),
    ]
    summary = merge_shards(tmp_path, shards)
    assert summary["status"] == "not conformant"
    assert summary["status_reason"] == "shard gw1: why gw1"
    assert summary["counts"] == {"pass": 1, "fail": 1}
    assert summary["checks_run"] == 2
    assert summary["certification"]["hamburg"]["failed"] == ["password.min_length"]
    assert summary["certification"]["hamburg"]["passed"] == []
    records = read_records(tmp_path / "results.jsonl")
    results = [r for r in records if r["type"] == "result"]
    assert [r["evidence"] for r in results] == [[], [f"shards/gw1/{SHOT}"]]
    assert sum(r["type"] == "account" for r in records) == 2
    assert f'<img src="shards/gw1/{SHOT}"' in (tmp_path / "report.html").read_text("utf-8")
    assert 'tests="2"' in (tmp_path / "junit.xml").read_text("utf-8")


def test_merge_of_conformant_shards_is_conformant_and_a_missing_shard_exits_2(
    tmp_path: Path,
) -> None:
    shards = [_shard(tmp_path, f"gw{i}", "pass", "conformant") for i in range(2)]
    assert main([str(tmp_path), *map(str, shards)]) == 0
    assert main([str(tmp_path), str(tmp_path / "shards" / "gw7")]) == 2
