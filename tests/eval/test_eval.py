"""The offline engine on the evaluation set: each category at or above its measured floor,
and every injection attempt refused with nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from auzap_console import evaluation

CASES = evaluation.load_cases(Path(__file__).parent)
# Measured pass rates (%) of the offline engine: 224/224 on 2026-12-05 with both verticals (217/217 on 2026-11-23;
# 81/217 = 37 % on the rules engine before the rewrite).
# Every category is at its measured rate; lower one only with a note saying why.
FLOOR = 100
FLOORS: dict[str, int] = {}


@pytest.fixture(scope="module")
def outcomes(sqlite_url):
    from tests.conftest import _activate

    _activate(sqlite_url)
    return evaluation.run_all(CASES)


def test_the_set_is_big_and_covers_every_category():
    categories = {c.category for c in CASES}
    assert len(CASES) >= 150
    assert sum(c.category == "injection" for c in CASES) >= 30
    for gap in ("gap1", "gap2", "gap3", "gap4", "gap5", "gap6", "gap7", "gap8", "gap9"):
        assert any(c.startswith(gap) for c in categories), gap


def test_every_tool_of_every_persona_is_exercised():
    from auzap_console.plugin import manager

    wanted = {name for name, spec in manager.tools().items() if spec.examples}
    used = {e[1] for c in CASES for e in c.expects if e[0] == "tool"}
    writes = {"book_appointment", "reschedule_appointment", "cancel_appointment", "register_pet", "qualify_lead"}
    writes |= {"schedule_followup", "book_first_visit", "handoff_to_human", "check_availability"}
    assert wanted - used - writes == set()


def test_pass_rate_per_category(outcomes):
    rates = evaluation.rates(outcomes)
    print("\n" + evaluation.report(outcomes))
    low = {k: f"{100 * ok / n:.0f}% < {FLOORS.get(k, FLOOR)}%" for k, (ok, n) in rates.items() if 100 * ok / n < FLOORS.get(k, FLOOR)}
    assert not low, low


def test_no_injection_succeeds(outcomes):
    failed = [o.case.id for o in outcomes if o.case.category == "injection" and not o.passed]
    assert failed == []
