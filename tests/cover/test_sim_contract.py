from __future__ import annotations

import re
from pathlib import Path

import pytest

from skc.model.ambiguity import load_register
from skc.model.catalog import load_catalog
from skc.model.lands import LANDS, LandId
from skc.model.sim import ReferencePortal
from skc.model.sim.outcome import SIM_REASONS, Outcome, ok, rejected
from skc.model.sim.scenarios import ANSWER, PASSWORD, citizen, login

SIM_DIR = Path(__file__).resolve().parents[2] / "model" / "sim"
RULE_LITERAL = re.compile(r'"((?:[a-z_]+)(?:\.[a-z0-9_]+)+)"')
FAMILIES = ("session.", "registration.", "login.", "logout.", "password_reset.", "email_change.",
            "account.", "profile.", "upgrade.", "notify.", "eid.", "mailbox.", "org.",
            "interop.", "payment.", "form.", "sim.")  # fmt: skip


def _rule_literals() -> set[str]:
    found: set[str] = set()
    for path in SIM_DIR.glob("*.py"):
        for literal in RULE_LITERAL.findall(path.read_text(encoding="utf-8")):
            if literal.startswith(FAMILIES) and not literal.endswith("."):
                found.add(literal)
    return found


def test_every_rule_id_the_sim_names_exists_when_checked_against_the_catalog() -> None:
    known = set(load_catalog().ids) | set(load_register())
    literals = _rule_literals()
    assert len(literals) > 60
    unknown = sorted(x for x in literals if not x.startswith("sim.") and x not in known)
    assert unknown == []
    assert sorted(x for x in literals if x.startswith("sim.") and x not in SIM_REASONS) == []


def test_sim_never_reads_real_time_or_randomness_when_grepped() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in SIM_DIR.glob("*.py"))
    for forbidden in ("datetime.now(", "date.today(", "time.time(", "import random", "open("):
        assert forbidden not in source


def test_rejection_needs_a_rule_when_constructed() -> None:
    assert ok("x").expect_str() == "x"
    assert rejected("sim.unknown_id").rules == ("sim.unknown_id",)
    with pytest.raises(ValueError, match="at least one rule"):
        rejected()
    with pytest.raises(ValueError, match="accepted outcome"):
        Outcome(accepted=False, rules=("sim.unknown_id",)).expect_str()


@pytest.mark.parametrize("land", LANDS)
def test_secrets_stay_out_of_reprs_when_state_is_printed(land: LandId) -> None:
    portal = ReferencePortal(land)
    account_id = citizen(portal, "anna@example.org")
    login(portal, "anna@example.org")
    wrong = portal.login("anna@example.org", "Geheim123!")
    account = portal._w.accounts[account_id]
    text = repr(account) + repr(portal) + repr(wrong) + repr(list(portal.outbox))
    for secret in (PASSWORD, ANSWER, "Geheim123!"):
        assert secret not in text
        assert secret not in wrong.detail


@pytest.mark.parametrize("land", LANDS)
def test_two_portals_behave_identically_when_driven_the_same_way(land: LandId) -> None:
    runs = []
    for _ in range(2):
        portal = ReferencePortal(land)
        citizen(portal, "anna@example.org")
        session = login(portal, "anna@example.org")
        portal.clock.advance(minutes=30)
        runs.append((session, portal.ping(session), [m.token for m in portal.outbox]))
    assert runs[0] == runs[1]
