"""The realistic generator (benchmarks/make_acled_like.py): its truth is consistent with the
events it writes, it follows the 2021 war it models, and it is deterministic."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import acled_world as aw
import make_acled_like as gen

from geofront import join_events, read_boundaries, read_events
from geofront.events import ACLED_COLUMNS

#: The benchmark generator (benchmarks/make_acled_like.py): the slow tier.
pytestmark = pytest.mark.slow

ROWS = 4000
SEED = 7


@pytest.fixture(scope="module")
def export() -> gen.Export:
    return gen.make_export(ROWS, seed=SEED, defects=0.03)


@pytest.fixture(scope="module")
def truth(export: gen.Export) -> pd.DataFrame:
    return export.world.truth_table()


def _day_index(ev: pd.DataFrame) -> np.ndarray:
    return (ev["day"].to_numpy().astype("datetime64[D]") - aw.START).astype(int)


def _status_on(truth: pd.DataFrame, day: str) -> pd.Series:
    return truth[truth["date"] == day].set_index("district_id")["status"]


def test_layout_rows_and_truth_shape(export: gen.Export, truth: pd.DataFrame) -> None:
    assert list(export.frame.columns) == list(ACLED_COLUMNS)
    assert len(export.frame) == ROWS
    ids = read_boundaries().districts["district_id"].astype(str)
    # one status per district and day of 2021, with the bundled boundaries' ids
    assert len(truth) == 398 * 365
    assert set(truth["district_id"]) == set(ids)
    assert set(truth["status"]) == {"government", "contested", "insurgent"}
    assert truth.groupby("date").size().eq(398).all()


def test_every_coded_transfer_changes_the_truth_that_day(
    export: gen.Export, truth: pd.DataFrame
) -> None:
    f = export.frame
    ev = export.events
    ids = export.world.districts["district_id"].to_numpy()
    coded = (
        f["sub_event_type"].isin([gen.TAKEOVER, gen.SURRENDER, gen.REGAIN]).to_numpy()
        & (ev["kind"] == "transfer").to_numpy()
    )
    assert coded.sum() > 100  # about 60 % of ~360 changes of holder
    key = truth.set_index(["date", "district_id"])["status"]
    day = pd.to_datetime(ev["day"][coded])
    did = ids[ev["district"][coded].to_numpy()]
    on = key.reindex(list(zip(day.dt.strftime("%Y-%m-%d"), did, strict=True))).to_numpy()
    before = key.reindex(
        list(zip((day - pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d"), did, strict=True))
    ).to_numpy()
    actor_side = np.where(
        f["sub_event_type"][coded].to_numpy() == gen.REGAIN,
        "government",
        np.where(np.isin(f["actor1"][coded], [gen.NRF, "NRF"]), "government", "insurgent"),
    )
    assert (on == actor_side).all()  # the new holder holds it that day
    assert (before != on).all()  # and did not the day before


def test_truth_follows_the_war(export: gen.Export, truth: pd.DataFrame) -> None:
    w = export.world
    kabul = _status_on(truth, "2021-08-15")["101"]
    assert kabul == "insurgent"
    assert _status_on(truth, "2021-08-14")["101"] == "government"
    panjshir = w.districts.loc[w.districts["province"] == "Panjsher", "district_id"]
    for day in ("2021-08-15", "2021-08-31"):
        assert (_status_on(truth, day)[panjshir] == "government").all()
    assert (_status_on(truth, "2021-09-10")[panjshir] == "insurgent").all()
    # the Taliban's holdings grow through the offensive (reported counts: ~75 in May,
    # ~185 on 7 July, all but Panjshir on 15 August)
    held = {
        d: int((_status_on(truth, d) == "insurgent").sum())
        for d in ("2021-05-01", "2021-07-07", "2021-08-15")
    }
    assert 65 <= held["2021-05-01"] <= 85
    assert 165 <= held["2021-07-07"] <= 205
    assert held["2021-08-15"] == 398 - 7


def test_contested_is_rarer_than_held(truth: pd.DataFrame) -> None:
    share = truth.assign(c=truth["status"] == "contested").groupby("date")["c"].mean()
    assert share.max() < 0.2
    assert share.max() > 0.0


def test_sieges_truth_matches_the_districts(export: gen.Export, truth: pd.DataFrame) -> None:
    s = export.world.siege_table()
    assert len(s) == 34 * 365
    t = truth.set_index(["date", "district_id"])["status"]
    st = t.reindex(list(zip(s["date"], s["district_id"], strict=True))).to_numpy()
    assert (st[s["fighting_at_gates"].to_numpy()] == "contested").all()
    assert (st[s["fallen"].to_numpy()] != "government").all()
    day = s[s["date"] == "2021-08-01"].set_index("city")
    assert day["fighting_at_gates"][["Lashkar Gah", "Kandahar", "Herat"]].all()
    assert not day.loc["Kabul", "fighting_at_gates"]
    gates = s[s["date"] == "2021-07-07"].set_index("city")["fighting_at_gates"]
    assert list(gates[gates].index) == ["Qala-i-Naw"]  # the assault of 7 July 2021
    fallen = s[s["date"] == "2021-08-15"]["fallen"]
    assert int(fallen.sum()) == 33  # every capital but Bazarak (Panjshir)


def test_fighting_happens_whoever_holds_and_surges_in_assaults(export: gen.Export) -> None:
    ev = export.events
    w = export.world
    armed = ev["kind"].isin(["background", "buildup", "assault"]).to_numpy()
    held = w.holder[ev["district"].to_numpy(), _day_index(ev)]
    bg = (ev["kind"] == "background").to_numpy()
    # background fighting in districts held by either side, initiated by both
    assert (bg & (held == aw.INSURGENT)).sum() > 0.15 * bg.sum()
    assert (bg & (held == aw.GOVERNMENT)).sum() > 0.4 * bg.sum()
    for side in (aw.GOVERNMENT, aw.INSURGENT):
        init = ev["initiator"].to_numpy()[bg & (held == side)]
        assert 0.3 < np.mean(init == aw.INSURGENT) < 0.8
    # assault events fall on contested days only
    st = w.status[ev["district"].to_numpy(), _day_index(ev)]
    assert (st[(ev["kind"] == "assault").to_numpy()] == aw.CONTESTED).all()
    assert armed.sum() > 0.7 * len(ev)


def test_actors_precision_and_names(export: gen.Export) -> None:
    f = export.frame
    after = f["event_date"] >= "2021-08-16"
    assert not f.loc[after & f["event_date"].str.startswith("2021"), "actor1"].eq("Taliban").any()
    assert f["actor1"].eq("Military Forces of Afghanistan (2021-)").any()
    assert f["actor1"].isin(["Taleban", "Government of Afghanistan"]).any()  # UCDP spellings
    region = f["geo_precision"] == "3"
    assert 0.04 < region.mean() < 0.12
    assert (f.loc[region, "admin2"] == "").all()


def test_geofront_reads_it_and_rejects_only_the_defects(export: gen.Export, tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    export.frame.to_csv(path, index=False)
    read = read_events(path)
    assert len(read.events) + len(read.rejected) == ROWS
    # swapped coordinates can still fall inside the country's box; every other defect is
    # rejected by the reader or the join
    spoiled = sum(v for k, v in export.spoiled.items() if k != "swapped")
    joined = join_events(read.events, read_boundaries())
    assert len(read.rejected) + len(joined.rejected) >= spoiled
    sides = set(read.events["side1"]) | set(read.events["side2"])
    assert {"government", "insurgent", "other", "civilians", "unknown"} <= sides


@pytest.mark.slow
def test_deterministic_for_a_seed(export: gen.Export) -> None:
    again = gen.make_export(ROWS, seed=SEED, defects=0.03)
    pd.testing.assert_frame_equal(again.frame, export.frame)
    pd.testing.assert_frame_equal(again.world.truth_table(), export.world.truth_table())
    other = gen.make_export(ROWS, seed=SEED + 1, defects=0.03)
    assert not other.world.truth_table().equals(export.world.truth_table())
    # the world depends on the seed only, not on the number of rows
    bigger = gen.make_export(ROWS + 1000, seed=SEED, defects=0.03)
    pd.testing.assert_frame_equal(bigger.world.truth_table(), export.world.truth_table())


@pytest.mark.slow
def test_streamed_file_equals_the_frame(
    export: gen.Export, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # written chunk by chunk (for 10^7 rows), the file is the frame make_export returns
    monkeypatch.setattr(gen, "CHUNK_ROWS", 1500)
    small = gen.make_export(ROWS, seed=SEED, defects=0.03)
    path = tmp_path / "a.csv"
    _, spoiled = gen.write_export(path, ROWS, seed=SEED, defects=0.03)
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(back, small.frame.astype(str))
    assert spoiled == small.spoiled
    ids = back["event_id_cnty"]
    assert ids.duplicated().sum() == spoiled["duplicate id"]


def test_cli_writes_export_and_truth(tmp_path: Path) -> None:
    out = tmp_path / "a.csv"
    gen.main(
        [
            "--rows",
            "1500",
            "--seed",
            "3",
            "-o",
            str(out),
            "--truth",
            str(tmp_path / "t.csv"),
            "--truth-sieges",
            str(tmp_path / "s.csv"),
        ]
    )
    assert len(pd.read_csv(out)) == 1500
    assert list(pd.read_csv(tmp_path / "t.csv", nrows=1).columns) == [
        "date",
        "district_id",
        "status",
    ]
    assert list(pd.read_csv(tmp_path / "s.csv", nrows=1).columns) == [
        "date",
        "city",
        "province",
        "district_id",
        "fighting_at_gates",
        "fallen",
    ]
