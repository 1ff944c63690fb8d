from __future__ import annotations

import pandas as pd
import pytest

import world as w
from geofront.errors import InputError
from geofront.join import join_events
from geofront.summary import summarize


@pytest.fixture()
def joined(world):
    ev = w.events_frame(
        [
            {"x_km": 10, "y_km": 30, "fatalities": 3, "date": "2021-07-01"},
            {
                "x_km": 12,
                "y_km": 31,
                "fatalities": 2,
                "date": "2021-07-08",
                "event_type": "Explosions/Remote violence",
                "side2": "civilians",
            },
            {"x_km": 30, "y_km": 10, "fatalities": 0, "date": "2021-07-02"},
            {
                "x_km": 30,
                "y_km": 30,
                "location_precision": "region",
                "fatalities": 7,
                "date": "2021-07-03",
            },
        ]
    )
    return join_events(ev, world).joined


def test_by_district_every_unit_with_zeros(joined, world):
    s = summarize(joined, world, by="district")
    assert list(s["district_id"]) == ["101", "102", "201", "202"]
    assert list(s["events"]) == [2, 0, 0, 1]
    assert list(s["fatalities"]) == [5, 0, 0, 0]
    assert list(s["events_battles"]) == [1, 0, 0, 1]
    assert list(s["events_explosions_remote_violence"]) == [1, 0, 0, 0]
    # event 1: insurgent vs government; event 2: insurgent vs civilians
    assert list(s["events_side_insurgent"]) == [2, 0, 0, 1]
    assert list(s["events_side_government"]) == [1, 0, 0, 1]
    assert list(s["events_side_civilians"]) == [1, 0, 0, 0]
    assert s.attrs["region_only_events"] == 1


def test_by_province_counts_region_events(joined, world):
    s = summarize(joined, world, by="province")
    assert list(s["province_id"]) == ["1", "2"]
    assert list(s["events"]) == [3, 1]
    assert list(s["fatalities"]) == [12, 0]
    assert s["events"].sum() == len(joined)


def test_weekly_periods_fill_zeros(joined, world):
    s = summarize(joined, world, by="province", freq="W")
    # 2021-07-01 (Thu) .. 07-04 are in the week starting Mon 28 June; 07-08 in the next
    assert sorted(s["period"].unique()) == [pd.Timestamp("2021-06-28"), pd.Timestamp("2021-07-05")]
    assert len(s) == 4
    p1 = s[s["province_id"] == "1"].set_index("period")["events"]
    assert p1.loc["2021-06-28"] == 2 and p1.loc["2021-07-05"] == 1
    assert s["events"].sum() == len(joined)


def test_without_boundaries_only_units_with_events(joined):
    s = summarize(joined, by="district")
    assert list(s["district_id"]) == ["101", "202"]


def test_bad_options(joined):
    with pytest.raises(InputError, match="cannot summarise by 'country'"):
        summarize(joined, by="country")
    with pytest.raises(InputError, match="unknown period"):
        summarize(joined, freq="fortnight")


def test_blank_actor2_is_not_an_actor_of_unknown_side(world):
    # A peaceful protest has no actor2: its side2 is "unknown" in the events table, but
    # no actor of unknown side took part. A real unknown actor still counts.
    ev = w.events_frame(
        [
            {"x_km": 10, "y_km": 30, "date": "2021-07-01", "event_type": "Protests"},
            {"x_km": 10, "y_km": 31, "date": "2021-07-01"},
        ]
    )
    ev["actor1"] = ["Protesters (Afghanistan)", "Taliban"]
    ev["side1"] = ["other", "insurgent"]
    ev["actor2"] = ["", "Hazara Ethnic Militia (Afghanistan)"]
    ev["side2"] = ["unknown", "unknown"]
    s = summarize(join_events(ev, world).joined, world, by="district").set_index("district_id")
    assert s.loc["101", ["events", "events_side_other", "events_side_unknown"]].tolist() == [
        2,
        1,
        1,
    ]


# --- files, batch by batch ----------------------------------------------------------


@pytest.mark.parametrize(
    ("by", "freq"),
    [
        ("district", None),
        pytest.param("province", "M", marks=pytest.mark.slow),
        pytest.param("district", "W", marks=pytest.mark.slow),
    ],
)
def test_summarize_file_in_batches_equals_summarize(tmp_path, afghanistan, by, freq):
    from dirty import write_dirty
    from geofront.engine import join_file
    from geofront.events import read_events
    from geofront.summary import summarize_file

    raw = write_dirty(tmp_path / "raw.csv")
    read = read_events(raw)
    want = summarize(join_events(read.events, afghanistan).joined, afghanistan, by=by, freq=freq)
    for out in (tmp_path / "j.parquet", tmp_path / "j.csv"):
        join_file(raw, afghanistan, output=out)
        got, n = summarize_file(out, afghanistan, by=by, freq=freq, batch_rows=211)
        pd.testing.assert_frame_equal(got, want)
        assert n == want["events"].sum() + want.attrs["region_only_events"]
    got, _ = summarize_file(raw, afghanistan, by=by, freq=freq, batch_rows=500)
    pd.testing.assert_frame_equal(got, want)
    assert got.attrs == want.attrs


def test_summarize_without_boundaries_lists_units_met_first(joined, world):
    from geofront.summary import finish, partial_counts

    whole = summarize(joined, by="district")
    halves = [partial_counts(joined.iloc[i : i + 2], by="district", freq=None) for i in (0, 2)]
    pd.testing.assert_frame_equal(finish(halves, None, by="district", freq=None), whole)
