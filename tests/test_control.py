"""geofront.control: each rule on the synthetic world, worked out by hand; Badghis 2021.

Unless a test is about density, the rules run with ``fighting_factor=0`` and
``dominance_factor=0`` (``FLOORS``): the thresholds are then their floors (3 events),
whatever the other districts do, so every count below can be checked by eye; and with a
30-day window (the windows below are worked out for it).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import world as W
from geofront.assessments import read_assessments
from geofront.control import (
    RULE_ASSESSMENT,
    RULE_BASELINE,
    RULE_CONFLICTING,
    RULE_DOMINANCE,
    RULE_FIGHTING,
    RULE_NONE,
    RULE_SOLE,
    RULE_TRANSFER,
    ControlRules,
    control_from_events,
    control_history,
    control_timeline,
    zones,
)
from geofront.errors import InputError, SchemaError
from geofront.schema import CONTROL_COLUMNS, CONTROL_STATUSES, CONTROL_ZONES

# Centres of the four 20 km districts (km from the origin).
CENTRE = {"101": (10, 30), "102": (30, 30), "201": (10, 10), "202": (30, 10)}
GOV_ACTOR = "Military Forces of Afghanistan (2004-2021)"
#: Rules of fixed floors that judge from the first day and let 2 of 3 events dominate
#: (most tests have a few days of events and no history before the window; the warm-up
#: and the chance test of dominance have their own tests).
FLOORS = ControlRules(
    fighting_factor=0, dominance_factor=0, warm_up_days=0, dominance_significance=0
)


def joined(rows: list[dict]) -> pd.DataFrame:
    """Events at district centres; ``d`` names the district (None: region precision)."""
    built = []
    for r in rows:
        r = dict(r)
        d = r.pop("d")
        x, y = CENTRE[d or "101"]
        built.append({"x_km": x, "y_km": y, **r})
    ev = W.events_frame(built)
    ev["district_id"] = pd.array([r["d"] for r in rows], dtype=object)
    ev["join_method"] = ["region" if r["d"] is None else "within" for r in rows]
    return ev


OVERTAKE = {"sub_event_type": "Non-state actor overtakes territory"}
REGAIN = {
    "sub_event_type": "Government regains territory",
    "actor1": GOV_ACTOR,
    "side1": "government",
    "actor2": "Taliban",
    "side2": "insurgent",
}
# a clash the insurgents start (actor1 Taliban) and one the government starts
INS_CLASH = {"event_type": "Battles", "sub_event_type": "Armed clash"}
GOV_CLASH = {
    **INS_CLASH,
    "actor1": GOV_ACTOR,
    "side1": "government",
    "actor2": "Taliban",
    "side2": "insurgent",
}
AIR_STRIKE = {
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Air/drone strike",
    "actor1": GOV_ACTOR,
    "side1": "government",
    "actor2": "Taliban",
    "side2": "insurgent",
}


def day(k: int) -> str:
    return f"2021-06-{k:02d}"


def test_takeover_needs_twice_the_transfers_of_all_others(world):
    ev = joined(
        [
            {"d": "101", "date": day(1), **OVERTAKE},  # e1
            {"d": "101", "date": day(3), **OVERTAKE},  # e2
            {"d": "101", "date": day(5), **REGAIN},  # e3: 2 vs 1 -> still the insurgents'
            {"d": "102", "date": day(1), **OVERTAKE},  # e4
            {"d": "102", "date": day(5), **REGAIN},  # e5: 1 vs 1 -> conflicting
            {"d": "201", "date": day(2), **OVERTAKE, "side1": "other"},  # e6: 0 vs 1 other
        ]
    )
    c = control_from_events(ev, world, as_of=day(10), rules=FLOORS, window_days=30)
    assert list(c.columns) == [*CONTROL_COLUMNS, "geometry"]
    got = c[["status", "rule", "evidence"]].to_dict("index")
    assert got["101"] == {"status": "insurgent", "rule": RULE_TRANSFER, "evidence": "e1;e2;e3"}
    assert got["102"] == {"status": "contested", "rule": RULE_CONFLICTING, "evidence": "e4;e5"}
    # a transfer to a third party takes nothing
    assert got["201"] == {"status": "unknown", "rule": RULE_NONE, "evidence": ""}
    assert c.loc["101", "since"] == pd.Timestamp(day(1))
    assert c.loc["102", "since"] == pd.Timestamp(day(5))
    assert c.loc["101", "transfers"] == 3 and c.loc["102", "transfers"] == 2
    # 1 July: the window (1 Jun, 1 Jul] has lost e4 but keeps the regain e5 -> government;
    # the contest lasted while both transfers were in the window
    july = control_from_events(ev, world, as_of="2021-07-01", rules=FLOORS, window_days=30)
    assert july.loc["102", ["status", "rule", "evidence"]].tolist() == [
        "government",
        RULE_TRANSFER,
        "e5",
    ]
    assert july.loc["102", "since"] == pd.Timestamp("2021-07-01")
    # the window slides: on 1 July 101 keeps e2 and e3, one each (contested, the latest
    # transfer's side underneath); from 3 July only the regain e3: the most recent evidence
    # is the last to leave the window, and once every window has passed the last state
    # persists (historical control)
    assert july.loc["101", ["status", "rule"]].tolist() == ["contested", RULE_CONFLICTING]
    aug = control_from_events(ev, world, as_of="2021-08-20", rules=FLOORS, window_days=30)
    assert aug.loc[["101", "102"], "status"].tolist() == ["government", "government"]
    assert aug.loc["101", ["rule", "evidence", "since"]].tolist() == [
        RULE_TRANSFER,
        "e3",
        pd.Timestamp("2021-07-03"),
    ]
    # the ratio is a rule: at 1.0 a tie is enough (the government's test comes first)
    loose = control_from_events(ev, world, as_of=day(10), rules=ControlRules(takeover_ratio=1))
    assert loose.loc[["101", "102"], "status"].tolist() == ["insurgent", "government"]


def test_dominance_two_thirds_of_initiated_fighting(world):
    ev = joined(
        [
            # 201: the government starts 2 of 3 clashes -> government (dominance)
            {"d": "201", "date": day(1), **GOV_CLASH},  # e1
            {"d": "201", "date": day(2), **GOV_CLASH},  # e2
            {"d": "201", "date": day(3), **INS_CLASH},  # e3
            # 202: 2 and 2 -> nobody dominates; 4 clashes >= 3 with both sides: contested
            {"d": "202", "date": day(1), **GOV_CLASH},  # e4
            {"d": "202", "date": day(2), **GOV_CLASH},  # e5
            {"d": "202", "date": day(3), **INS_CLASH},  # e6
            {"d": "202", "date": day(4), **INS_CLASH},  # e7
            # 101: the insurgents start 2 clashes: fewer than the 3 events dominance needs
            {"d": "101", "date": day(1), **INS_CLASH},  # e8
            {"d": "101", "date": day(2), **INS_CLASH},  # e9
        ]
    )
    c = control_from_events(ev, world, as_of=day(5), rules=FLOORS, window_days=30)
    assert c.loc["201", ["status", "rule", "evidence"]].tolist() == [
        "government",
        RULE_DOMINANCE,
        "e1;e2",
    ]
    assert c.loc["201", ["gov_initiated", "ins_initiated", "fighting_events"]].tolist() == [2, 1, 3]
    assert c.loc["202", ["status", "rule", "evidence"]].tolist() == [
        "contested",
        RULE_FIGHTING,
        "e4;e5;e6;e7",
    ]
    # on 3 June the government had started 2 of the 3 clashes (dominance); from 4 June, 2 of 4
    assert c.loc["202", "since"] == pd.Timestamp(day(4))
    assert c.loc["101", ["status", "rule"]].tolist() == ["unknown", RULE_NONE]
    assert (c["fighting_threshold"] == 3).all() and (c["dominance_minimum"] == 3).all()
    # a stricter share: 2 of 3 is no longer dominance, and 3 clashes is sustained fighting
    rules = ControlRules(
        fighting_factor=0, dominance_factor=0, dominance_share=0.75, warm_up_days=0
    )
    strict = control_from_events(ev, world, as_of=day(5), rules=rules)
    assert strict.loc["201", ["status", "rule"]].tolist() == ["contested", RULE_FIGHTING]


def test_dominance_and_fighting_wait_for_a_norm(world, caplog):
    # the events start on 1 June (a clash in 102); five clashes the insurgents start in 101
    # end on the day judged. A 14-day window ending on day t starts on t - 13, so it has
    # t - 13 - 1 days of events before it: 14 (the default warm-up) from 28 June on
    floors = ControlRules(fighting_factor=0, dominance_factor=0)
    assert floors.warm_up_days == 14

    def judged(last: int, rules: ControlRules) -> list[str]:
        rows = [{"d": "102", "date": day(1), **GOV_CLASH}]
        rows += [{"d": "101", "date": day(k), **INS_CLASH} for k in range(last - 4, last + 1)]
        c = control_from_events(joined(rows), world, as_of=day(last), rules=rules)
        return c.loc["101", ["status", "rule"]].tolist()

    with caplog.at_level("INFO", logger="geofront.control_model"):
        assert judged(27, floors) == ["unknown", RULE_NONE]
    assert "so they judge from 2021-06-28 on" in caplog.text
    assert judged(28, floors) == ["insurgent", RULE_DOMINANCE]
    # warm_up_days=0 judges from the first day
    assert judged(27, replace(floors, warm_up_days=0)) == ["insurgent", RULE_DOMINANCE]
    with pytest.raises(InputError, match="warm_up_days=-1"):
        ControlRules(warm_up_days=-1)


def test_dominance_must_be_more_than_a_coin_toss(world):
    # k of n clashes started by the insurgents in 101 (the rest by the government), floors
    # of 3 and no warm-up: only the binomial test (default 0.05) stands in the way.
    # P(X >= 4 | 4, 1/2) = 1/16 = 0.0625 > 0.05: 4 of 4 is chance; 5 of 5 = 1/32 is not.
    # P(X >= 8 | 10) = 56/1024 = 0.055 > 0.05 although 8/10 > 2/3; 9 of 10: 0.011.
    rules = ControlRules(fighting_factor=0, dominance_factor=0, warm_up_days=0)
    assert rules.dominance_significance == 0.05

    def held(k: int, n: int, r: ControlRules = rules) -> str:
        rows = [{"d": "101", "date": day(1 + i), **INS_CLASH} for i in range(k)]
        rows += [{"d": "101", "date": day(1 + i), **GOV_CLASH} for i in range(k, n)]
        c = control_from_events(joined(rows), world, as_of=day(n), rules=r)
        return c.loc["101", "rule"]

    assert held(4, 4) != RULE_DOMINANCE and held(5, 5) == RULE_DOMINANCE
    assert held(8, 10) != RULE_DOMINANCE and held(9, 10) == RULE_DOMINANCE
    # with the test off, the share rule alone: 2 of 3 dominates
    assert held(2, 3, replace(rules, dominance_significance=0)) == RULE_DOMINANCE
    with pytest.raises(InputError, match="dominance_significance=0.7"):
        ControlRules(dominance_significance=0.7)


def test_a_date_long_after_the_evidence_is_said_to_persist(world, caplog):
    ev = joined([{"d": "101", "date": day(k), **INS_CLASH} for k in range(1, 6)])
    with caplog.at_level("WARNING", logger="geofront.control_table"):
        control_from_events(ev, world, as_of=day(19), rules=FLOORS)  # 14 days: the window
    assert caplog.text == ""
    with caplog.at_level("WARNING", logger="geofront.control_table"):
        c = control_from_events(ev, world, as_of="2021-07-20", rules=FLOORS)
    assert "2021-07-20 is 45 days after the last event (2021-06-05)" in caplog.text
    assert c.loc["101", "last_evidence"] == pd.Timestamp(day(5))


def test_persistence_and_contest_ends_with_the_fighting(world):
    ev = joined(
        [
            *({"d": "201", "date": day(k), **GOV_CLASH} for k in (1, 2, 3)),  # e1-e3
            *({"d": "201", "date": day(k), **INS_CLASH} for k in (10, 11, 12)),  # e4-e6
        ]
    )
    # 5 June: government by dominance (3 of 3)
    assert control_from_events(ev, world, as_of=day(5), rules=FLOORS, window_days=30).loc[
        "201", "status"
    ] == ("government")
    # 12 June: 3 and 3 in the window: nobody dominates, fighting is sustained: contested
    mid = control_from_events(ev, world, as_of=day(12), rules=FLOORS, window_days=30).loc["201"]
    assert mid[["status", "rule"]].tolist() == ["contested", RULE_FIGHTING]
    # 1 July: the window (1 Jun, 1 Jul] holds e2-e6, 2 vs 3 < 2/3: still contested;
    # 2 July: e3-e6, 1 vs 3: the insurgents dominate
    later = control_from_events(ev, world, as_of="2021-07-05", rules=FLOORS, window_days=30).loc[
        "201"
    ]
    assert later[["status", "rule", "evidence"]].tolist() == [
        "insurgent",
        RULE_DOMINANCE,
        "e4;e5;e6",
    ]
    assert later["since"] == pd.Timestamp("2021-07-02")
    # September: no event for months, the insurgents' hold persists, with the evidence of
    # the last day it was confirmed (9 July, the last window holding e4-e6)
    sep = control_from_events(ev, world, as_of="2021-09-01", rules=FLOORS, window_days=30).loc[
        "201"
    ]
    assert sep[["status", "rule", "evidence"]].tolist() == [
        "insurgent",
        RULE_DOMINANCE,
        "e4;e5;e6",
    ]
    assert sep["fighting_events"] == 0


def test_sustained_fighting_threshold_follows_the_countrys_density(world):
    # 101: 10 clashes in 10 days, half started by each side (no dominance)
    own = [
        {"d": "101", "date": day(k), **(GOV_CLASH if k % 2 else INS_CLASH)} for k in range(1, 11)
    ]
    rules = ControlRules(fighting_factor=2.0, dominance_factor=1.0, warm_up_days=0)
    alone = control_from_events(joined(own), world, as_of=day(10), rules=rules, window_days=30)
    # the median district has no fighting: the floors apply and 101 is contested
    assert alone.loc["101", ["status", "fighting_threshold"]].tolist() == ["contested", 3]
    # the same 10 clashes in every district: each district's rate is 1 a day over the 10
    # days of evidence, so a typical 30-day window holds 30 events; sustained fighting
    # needs 2 x 30 = 60 and dominance 1 x 30
    busy = own + [{**r, "d": d} for d in ("102", "201", "202") for r in own]
    c = control_from_events(joined(busy), world, as_of=day(10), rules=rules, window_days=30)
    assert (c["fighting_threshold"] == 60).all() and (c["dominance_minimum"] == 30).all()
    assert (c["status"] == "unknown").all()
    # with a factor of 0.3 the bar is ceil(9.0) = 9 events: all four are contested
    low = ControlRules(fighting_factor=0.3, dominance_factor=1.0, warm_up_days=0)
    c = control_from_events(joined(busy), world, as_of=day(10), rules=low, window_days=30)
    assert (c["fighting_threshold"] == 9).all() and (c["status"] == "contested").all()


def test_remote_violence_and_ucdp_are_no_initiative(world):
    ucdp = {**INS_CLASH, "event_type": "State-based conflict", "sub_event_type": ""}
    ev = joined(
        [
            # 101: three government air strikes: no ground initiative, no fighting
            *({"d": "101", "date": day(k), **AIR_STRIKE} for k in (1, 2, 3)),
            # 102: three UCDP events with the Taliban as side_a: activity of both sides
            *({"d": "102", "date": day(k), **ucdp, "source_dataset": "ucdp"} for k in (1, 2, 3)),
            # 201: the same three as an ACLED export: the Taliban started them
            *(
                {"d": "201", "date": day(k), **INS_CLASH, "source_dataset": "acled"}
                for k in (1, 2, 3)
            ),
        ]
    )
    c = control_from_events(ev, world, as_of=day(5), rules=FLOORS, window_days=30)
    assert c.loc["101", "status"] == "unknown"
    assert c.loc["102", ["status", "rule", "ins_initiated"]].tolist() == [
        "contested",
        RULE_FIGHTING,
        0,
    ]
    assert c.loc["201", ["status", "rule"]].tolist() == ["insurgent", RULE_DOMINANCE]
    # ACLED's literal reading counts remote violence as the attacker's initiative
    literal = ControlRules(
        fighting_factor=0,
        dominance_factor=0,
        warm_up_days=0,
        dominance_significance=0,
        initiative_event_types=("Battles", "Explosions/Remote violence"),
    )
    c = control_from_events(ev, world, as_of=day(5), rules=literal)
    assert c.loc["101", ["status", "rule"]].tolist() == ["government", RULE_DOMINANCE]


def test_baseline_assessments_and_what_predates_them(tmp_path, world):
    p = tmp_path / "assess.csv"
    p.write_text("district_id,date,status\n101,2021-05-20,insurgent\n", encoding="utf-8")
    a = read_assessments(p, world)
    ev = joined(
        [
            {"d": "202", "date": "2021-05-25", **OVERTAKE},  # e1: before the baseline date
            {"d": "201", "date": day(10), **OVERTAKE},  # e2: after it
        ]
    )
    kw = {"assessments": a, "rules": FLOORS, "baseline": "government"}
    c = control_from_events(ev, world, as_of=day(15), baseline_date=day(1), **kw)
    got = c[["status", "rule", "evidence"]].to_dict("index")
    # assessed before the baseline date: the assessment stands
    assert got["101"] == {
        "status": "insurgent",
        "rule": RULE_ASSESSMENT,
        "evidence": "assess.csv:1",
    }
    assert got["102"] == {
        "status": "government",
        "rule": RULE_BASELINE,
        "evidence": "baseline:2021-06-01",
    }
    # the baseline summarises what came before it: e1 is superseded
    assert got["202"]["status"] == "government"
    assert got["201"] == {"status": "insurgent", "rule": RULE_TRANSFER, "evidence": "e2"}
    assert pd.isna(c.loc["102", "since"]) and pd.isna(c.loc["101", "since"])
    assert c.loc["201", "since"] == pd.Timestamp(day(10))  # a change from the baseline
    # the default baseline date is the day before the first evidence: e1 counts
    c = control_from_events(ev, world, as_of=day(15), **kw)
    assert c.loc["202", ["status", "rule"]].tolist() == ["insurgent", RULE_TRANSFER]
    assert c.loc["102", "evidence"] == "baseline:2021-05-19"
    # a baseline dated after as_of does not apply yet
    c = control_from_events(ev, world, as_of=day(15), baseline_date="2021-07-01", **kw)
    assert c.loc["102", "status"] == "unknown"
    with pytest.raises(InputError, match="baseline 'govt'"):
        control_from_events(ev, world, as_of=day(15), baseline="govt")
    with pytest.raises(InputError, match="baseline_date without baseline"):
        control_from_events(ev, world, as_of=day(15), baseline_date=day(1))


def test_assessments_reset_the_window(tmp_path, world):
    p = tmp_path / "assess.csv"
    p.write_text(
        "district_id,date,status\n101,2021-06-10,government\n102,2021-06-10,insurgent\n"
        "201,2021-06-10,contested\n",
        encoding="utf-8",
    )
    a = read_assessments(p, world)
    ev = joined(
        [
            {"d": "101", "date": day(10), **OVERTAKE},  # e1 same day: the assessment wins
            {"d": "102", "date": day(12), **REGAIN},  # e2 after: the event wins
            *({"d": "201", "date": day(k), **GOV_CLASH} for k in (7, 8, 9)),  # e3-e5: before
        ]
    )
    c = control_from_events(ev, world, as_of=day(15), assessments=a, rules=FLOORS, window_days=30)
    assert c.loc["101", ["status", "rule", "evidence"]].tolist() == [
        "government",
        RULE_ASSESSMENT,
        "assess.csv:1",
    ]
    assert c.loc["102", ["status", "rule", "evidence"]].tolist() == [
        "government",
        RULE_TRANSFER,
        "e2",
    ]
    assert c.loc["102", "since"] == pd.Timestamp(day(12))
    # the government's dominance of 7-9 June was summed up by the 10 June assessment
    assert c.loc["201", ["status", "rule"]].tolist() == ["contested", RULE_ASSESSMENT]
    before = control_from_events(
        ev, world, as_of=day(9), assessments=a, rules=FLOORS, window_days=30
    )
    assert before.loc["201", ["status", "rule"]].tolist() == ["government", RULE_DOMINANCE]
    assert before.loc["102", "status"] == "unknown"


def test_history_equals_control_on_each_date(world):
    ev = joined(
        [
            {"d": "101", "date": day(1), **OVERTAKE},
            *({"d": "201", "date": day(k), **GOV_CLASH} for k in (2, 3, 4)),
            *({"d": "202", "date": day(k), **INS_CLASH} for k in (3, 4)),
            *({"d": "202", "date": day(k), **GOV_CLASH} for k in (5, 6)),
        ]
    )
    dates = ["2021-06-03", "2021-06-06", "2021-07-01", "2021-07-10"]
    h = control_history(ev, world, dates=reversed(dates), baseline="insurgent")
    assert h["date"].drop_duplicates().tolist() == [pd.Timestamp(d) for d in dates]
    for d in dates:
        one = control_from_events(ev, world, as_of=d, baseline="insurgent")
        part = h[h["date"] == pd.Timestamp(d)].set_index("district_id")
        pd.testing.assert_series_equal(part["status"], one["status"], check_names=False)
        pd.testing.assert_series_equal(part["since"], one["since"], check_names=False)
    t = control_timeline(ev, world, dates=dates, baseline="insurgent")
    assert (t.groupby("date")["districts"].sum() == 4).all()
    counts = h.groupby(["date", "status"]).size()
    got = t.set_index(["date", "status"])["districts"]
    assert (got[got > 0] == counts.reindex(got[got > 0].index)).all()


def test_score_and_zones_by_hand(world):
    ev = joined(
        [
            {"d": "201", "date": day(3), **GOV_CLASH},
            {"d": "201", "date": day(3), **GOV_CLASH},
            {"d": "201", "date": day(3), **INS_CLASH},
        ]
    )
    c = control_from_events(ev, world, as_of=day(3), rules=FLOORS, baseline="insurgent")
    # 201: government by dominance; G = 2 clashes + the holder's weight (the threshold, 3)
    # = 5, I = 1: score (1 - 5) / 6 = -0.667 <= -0.6: full government
    assert c.loc["201", "score"] == pytest.approx(-4 / 6, abs=1e-6)
    assert c.loc["201", "zone"] == "full government"
    # a quiet district of the insurgent baseline: only the holder's weight, score +1
    assert c.loc["101", ["score", "zone"]].tolist() == [1.0, "full insurgent"]
    z = zones(
        pd.Series(["government", "government", "contested", "insurgent", "unknown"]),
        np.array([-0.9, -0.3, 0.1, 0.2, np.nan]),
    )
    assert z.tolist() == [
        "full government",
        "government dominant",
        "parity",
        "insurgent dominant",
        "unknown",
    ]
    assert set(z) <= set(CONTROL_ZONES)


def test_region_precision_and_later_events_decide_nothing(world):
    ev = joined(
        [
            {"d": None, "date": day(1), **OVERTAKE},  # region precision
            {"d": "202", "date": "2021-08-01", **OVERTAKE},  # after as_of
        ]
    )
    c = control_from_events(ev, world, as_of="2021-07-01")
    assert (c["status"] == "unknown").all() and (c["rule"] == RULE_NONE).all()
    assert c["score"].isna().all() and (c["zone"] == "unknown").all()
    assert c.loc["202", "fighting_threshold"] == 3  # the floor on sparse data


def test_input_not_mutated_and_no_events(world):
    ev = joined([{"d": "101", "date": day(1), **OVERTAKE}])
    before = ev.copy()
    control_from_events(ev, world, as_of=day(2))
    pd.testing.assert_frame_equal(ev, before)
    c = control_from_events(None, world, as_of=day(2), baseline="government")
    assert (c["status"] == "government").all() and (c["rule"] == RULE_BASELINE).all()
    assert (control_from_events(None, world, as_of=day(2))["status"] == "unknown").all()


def test_wgs84_boundaries_and_evidence_cap(world_wgs84):
    ev = joined([{"d": "101", "date": day(k), **INS_CLASH} for k in range(1, 26)])
    rules = ControlRules(max_evidence=3, fighting_factor=0, dominance_factor=0, warm_up_days=0)
    c = control_from_events(ev, world_wgs84, as_of="2021-06-30", rules=rules, window_days=30)
    assert c.crs == world_wgs84.districts.crs
    assert c.loc["101", ["status", "rule"]].tolist() == ["insurgent", RULE_DOMINANCE]
    assert c.loc["101", "evidence"] == "e1;e2;e3;+22 more"


def test_errors(world):
    ev = joined([{"d": "101", "date": day(1), **OVERTAKE}])
    with pytest.raises(SchemaError, match="district_id"):
        control_from_events(ev.drop(columns="district_id"), world, as_of=day(1))
    bad = ev.copy()
    bad["district_id"] = bad["district_id"].astype(object)
    bad.loc[0, "district_id"] = "999"
    with pytest.raises(InputError, match="'999' is not in the boundaries"):
        control_from_events(bad, world, as_of=day(1))
    with pytest.raises(InputError, match="window_days"):
        control_from_events(ev, world, as_of=day(1), window_days=0)
    with pytest.raises(InputError, match="not a date"):
        control_from_events(ev, world, as_of="July")
    with pytest.raises(InputError, match="min_fighting_events=0.*dominance_share=0.2"):
        ControlRules(dominance_share=0.2, min_fighting_events=0)


def test_timeline_counts_and_areas(world):
    ev = joined(
        [
            {"d": "101", "date": day(1), **OVERTAKE},
            {"d": "201", "date": day(5), **REGAIN},
        ]
    )
    t = control_timeline(ev, world, dates=["2021-07-01", "2021-06-01", "2021-08-01"])
    assert t["date"].nunique() == 3 and t["date"].is_monotonic_increasing
    assert list(t["status"][:4]) == list(CONTROL_STATUSES)
    assert (t.groupby("date")["districts"].sum() == 4).all()
    # every district is 400 km2 (20 km x 20 km; UTM scale factor 0.9996 -> 400.3 km2)
    assert t["area_km2"].to_numpy() == pytest.approx(t["districts"].to_numpy() * 400.0, rel=1e-3)
    jul = t[t["date"] == pd.Timestamp("2021-07-01")].set_index("status")["districts"]
    assert jul.to_dict() == {"government": 1, "contested": 0, "insurgent": 1, "unknown": 2}
    assert t["people"].isna().all()


def test_timeline_people_from_population_raster(world):
    from geofront.exposure import population_by_zone

    ev = joined([{"d": "101", "date": day(1), **OVERTAKE}])
    t = control_timeline(ev, world, dates=["2021-07-01"], population=True)
    direct = population_by_zone(world.districts[["geometry"]])["population"]
    people = t.set_index("status")["people"]
    assert people.sum() == pytest.approx(direct.sum())
    assert people["insurgent"] == pytest.approx(direct["101"])
    assert np.isfinite(people).all() and people.sum() > 0


# --- Badghis, 7 July 2021 ------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_joined(afghanistan):
    from geofront.join import load_joined_events

    return load_joined_events("seed-events", afghanistan)


def test_badghis_with_assessments(afghanistan, seed_joined):
    a = read_assessments("seed-assessments", afghanistan)
    c = control_from_events(seed_joined, afghanistan, as_of="2021-07-07", assessments=a)
    bg = c[c["province"] == "Badghis"]
    assert bg["status"].value_counts().to_dict() == {"insurgent": 6, "contested": 1}
    qn = c.loc["1901"]
    assert qn["status"] == "contested" and qn["rule"] == RULE_ASSESSMENT
    assert qn["evidence"] == "seed_district_assessments_2021-07.csv:7"
    # the Taliban takeover (AFGSEED0005) and the assessment are both on 7 July: the
    # assessment is the analyst's synthesis of the day; it is the district's first state
    assert pd.isna(qn["since"])
    # the flight to Tajikistan is province-level: no Badakhshan district decided by it
    assert (c.loc[c["province"] == "Badakhshan", "status"] == "unknown").all()


def test_badghis_from_events_alone(afghanistan, seed_joined):
    c = control_from_events(seed_joined, afghanistan, as_of="2021-07-07")
    qn = c.loc["1901"]
    # the 7 July takeover (AFGSEED0005) decides; the two clashes of 6 July are below the
    # three events sustained fighting or dominance need
    assert qn[["status", "rule", "evidence"]].tolist() == [
        "insurgent",
        RULE_TRANSFER,
        "AFGSEED0005",
    ]
    assert qn["since"] == pd.Timestamp("2021-07-07")
    assert qn[["fighting_events", "ins_initiated", "fighting_threshold"]].tolist() == [2, 2, 3]
    early = control_from_events(seed_joined, afghanistan, as_of="2021-07-06")
    assert early.loc["1901", "status"] == "unknown"


def test_read_control_roundtrip_csv_and_gpkg(tmp_path, world):
    from geofront.control import read_control
    from geofront.io import write_table
    from geofront.join import join_events

    ev = W.events_frame(
        [{"x_km": 10, "y_km": 30, "sub_event_type": "Non-state actor overtakes territory"}]
    )
    control = control_from_events(join_events(ev, world).joined, world, as_of="2021-07-02")
    write_table(control, tmp_path / "c.gpkg")
    write_table(control.drop(columns="geometry"), tmp_path / "c.csv")
    for name in ("c.gpkg", "c.csv"):
        back = read_control(tmp_path / name, world)
        assert back.loc["101", "status"] == "insurgent"
        assert list(back.index) == ["101", "102", "201", "202"]
        assert back.geometry.area.round().tolist() == [400e6] * 4
        assert back["since"].dtype.kind == "M"


def test_read_control_bad_status(tmp_path, world):
    from geofront.control import read_control

    (tmp_path / "c.csv").write_text("district_id,status\n101,taliban-ish\n")
    with pytest.raises(SchemaError, match="status 'taliban-ish' in row 1 is not one of"):
        read_control(tmp_path / "c.csv", world)
    (tmp_path / "d.csv").write_text("district_id,status\n999,insurgent\n")
    with pytest.raises(SchemaError, match="district_id '999' is not in the boundaries"):
        read_control(tmp_path / "d.csv", world)


IED = {
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Remote explosive/landmine/IED",
    "actor2": "Civilians (Afghanistan)",
    "side2": "civilians",
}


def test_sole_presence(world):
    ev = joined(
        [
            # 101: three insurgent bombs, the government in none of the window's events
            *({"d": "101", "date": day(k), **IED} for k in (1, 2, 3)),
            # 102: the same after a government air strike, in the window throughout
            {"d": "102", "date": day(1), **AIR_STRIKE},
            *({"d": "102", "date": day(k), **IED} for k in (2, 3, 4)),
        ]
    )
    c = control_from_events(ev, world, as_of=day(5), rules=FLOORS, baseline="government")
    assert c.loc["101", ["status", "rule", "evidence"]].tolist() == [
        "insurgent",
        RULE_SOLE,
        "e1;e2;e3",
    ]
    assert c.loc["102", ["status", "rule"]].tolist() == ["government", RULE_BASELINE]
    # the number of events is a rule
    strict = ControlRules(fighting_factor=0, dominance_factor=0, min_sole_events=4)
    c = control_from_events(ev, world, as_of=day(5), rules=strict, baseline="government")
    assert c.loc["101", "status"] == "government"


def test_a_side_that_collapses_nationally_loses_where_it_is_not_seen(world):
    # May: 20 clashes between both sides in 201: the government takes part in 20 of the
    # 20 + 20 side-events (a share of 1/2). From 17 June: one government air strike in 201,
    # then 12 fights of the insurgents against another group in 202: in the 14 days to 30
    # June the government is in 1 of 14 side-events (1/14 < 0.3 x 0.40, its share over
    # the year so far: 21 of 53)
    may = [{"d": "201", "date": f"2021-05-{k:02d}", **GOV_CLASH} for k in range(1, 21)]
    other = {**INS_CLASH, "actor2": "Islamic State (Afghanistan)", "side2": "other"}
    june = [{"d": "202", "date": f"2021-06-{k:02d}", **other} for k in range(18, 30)]
    ev = joined([*may, {"d": "201", "date": "2021-06-17", **AIR_STRIKE}, *june])
    rules = ControlRules(fighting_factor=0, dominance_factor=0, collapse_events=10)
    c = control_from_events(
        ev, world, as_of="2021-06-30", rules=rules, baseline="government", window_days=14
    )
    # 101 and 102 saw no event at all: the collapsed government holds them no more
    assert c.loc[["101", "102"], "rule"].tolist() == [RULE_SOLE, RULE_SOLE]
    assert (c.loc[["101", "102", "202"], "status"] == "insurgent").all()
    assert c.loc["201", "status"] == "government"  # it was seen there
    # with a stricter ratio (0.04 x 0.40 = 0.016 < 1/14) the government has not collapsed
    rules = ControlRules(
        fighting_factor=0, dominance_factor=0, collapse_events=10, collapse_ratio=0.04
    )
    c = control_from_events(
        ev, world, as_of="2021-06-30", rules=rules, baseline="government", window_days=14
    )
    assert c.loc[["101", "102"], "status"].tolist() == ["government", "government"]
