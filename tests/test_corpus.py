"""The malformed-input corpus (tests/corpus.py) through the command line.

Every case must end as its corpus entry says -- one clean ``Error:`` line naming the
file, per-row rejects that add up (and that every command reports), or a correct result
-- never a crash, never a silent loss. The fast tier runs each case through the commands
that cover each way of reading its kind of input (the quick loop, ``-m "not slow"``, one
case of each kind and ending); the slow tier through every command.
``python tests/corpus.py`` prints the classification table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import CASES, Case, Outcome, World, build_world, run_case, table

_RESULTS: dict[str, list[Outcome]] = {"fast": [], "slow": []}
_SEEN: dict[str, set[str]] = {"fast": set(), "slow": set()}


@pytest.fixture(scope="module")
def corpus_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("corpus-world"))


def _check(outcomes: list[Outcome]) -> None:
    bad = [
        f"{o.command}: {o.outcome}: {o.why}" for o in outcomes if o.outcome in ("crash", "wrong")
    ]
    assert not bad, "\n".join(bad)


def test_corpus_is_large_and_covers_every_command() -> None:
    from corpus import COMMANDS

    from geofront.cli.main import cli

    assert len(CASES) >= 80 and len({c.name for c in CASES}) == len(CASES)
    assert {c.expect for c in CASES} == {"error", "rejects", "ok"}
    covered = {cmd.split()[0] for cmds in COMMANDS.values() for cmd in cmds}
    assert covered == set(cli.commands) - {"datasets"}  # datasets reads no input


def _quick(cases: list[Case]) -> set[str]:
    """The first case of each kind of input and each expected ending (but case files):
    the quick loop's sample (``pytest -m "not slow"``); the whole fast tier runs in CI."""
    first: dict[tuple[str, str], str] = {}
    for c in cases:
        if c.kind != "case":  # a case file runs a whole case (maps and all): seconds
            first.setdefault((c.kind, c.expect), c.name)
    return set(first.values())


_QUICK = _quick(CASES)


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, marks=() if c.name in _QUICK else pytest.mark.slow) for c in CASES],
    ids=[c.name for c in CASES],
)
def test_corpus_fast(case: Case, corpus_world: World, tmp_path: Path) -> None:
    outcomes = run_case(corpus_world, case, tmp_path, full=False, seen=_SEEN["fast"], fast=True)
    _RESULTS["fast"] += outcomes
    _check(outcomes)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_every_command(case: Case, corpus_world: World, tmp_path: Path) -> None:
    outcomes = run_case(corpus_world, case, tmp_path, full=False, seen=_SEEN["slow"])
    _RESULTS["slow"] += outcomes
    _check(outcomes)


def test_corpus_table(capsys: pytest.CaptureFixture[str]) -> None:
    """Print the classification tables of the tiers that ran (``pytest -s`` shows them)."""
    ran = {tier: r for tier, r in _RESULTS.items() if r}
    if not ran:
        pytest.skip("no corpus case ran in this session")
    with capsys.disabled():
        for tier, outcomes in ran.items():
            print(f"\ncorpus, {tier} tier:\n{table(outcomes)}")
    for outcomes in ran.values():
        assert not [o for o in outcomes if o.outcome in ("crash", "wrong")]
