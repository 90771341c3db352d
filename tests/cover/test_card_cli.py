"""``skc card``: listing profiles, and clear exit-2 errors for bad profiles or a missing vpcd."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from skc.card.cli import card_app
from skc.conformance.cli import app


def test_profiles_lists_every_bundled_card_when_run() -> None:
    result = CliRunner().invoke(card_app, ["profiles"])
    assert result.exit_code == 0
    assert "erika-mustermann" in result.output
    assert "eat-holder           eAT" in result.output


def test_serve_exits_2_naming_file_and_line_when_the_profile_is_bad(tmp_path: Path) -> None:
    bad = tmp_path / "card.yaml"
    bad.write_text("reference: x\nexpiry: never\n")
    result = CliRunner().invoke(card_app, ["serve", "--profile", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:" in result.output


def test_serve_exits_2_with_the_reason_when_vpcd_is_not_listening() -> None:
    result = CliRunner().invoke(card_app, ["serve", "--port", "9", "--wait", "0"])
    assert result.exit_code == 2
    assert "cannot reach vpcd on localhost:9" in result.output


def test_skc_has_the_card_command_group_when_installed() -> None:
    result = CliRunner().invoke(app, ["card", "profiles"])
    assert result.exit_code == 0
    assert "max-beispiel" in result.output


def test_skc_starts_without_loading_the_card_stack_when_importing_its_cli() -> None:
    code = (
        "import sys, skc.conformance.cli; "
        "print(sorted(m for m in ('virtualsmartcard', 'cryptography', 'skc.card.chip') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_names_resolve_lazily_when_taken_from_skc_card() -> None:
    import skc.card

    assert set(skc.card.__all__) == set(skc.card._EXPORTS)
    for name in skc.card.__all__:
        assert getattr(skc.card, name) is not None
