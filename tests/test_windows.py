"""One time-window convention (geofront.windows): N days ending on D are D-N+1 .. D."""

from __future__ import annotations

import pandas as pd
import pytest

from geofront.errors import InputError
from geofront.windows import date_series, window_bounds


def test_a_window_holds_n_days_ending_on_its_day():
    start, end = window_bounds("2021-07-07", 14)
    assert (start, end) == (pd.Timestamp("2021-06-24"), pd.Timestamp("2021-07-07"))
    assert len(pd.date_range(start, end)) == 14
    assert window_bounds(pd.Timestamp("2021-07-07 18:30"), 1) == (pd.Timestamp("2021-07-07"),) * 2
    for bad in (0, -3, 2.5, True):
        with pytest.raises(InputError, match="whole number of days"):
            window_bounds("2021-07-07", bad)


def test_a_series_always_ends_on_its_end():
    days = date_series("2021-05-01", "2021-05-20", every_days=7)
    assert [d.day for d in days] == [1, 8, 15, 20]
    assert date_series("2021-05-01", "2021-05-15", every_days=7)[-1].day == 15  # no repeat
    assert date_series("2021-05-01", "2021-05-01", every_days=7) == [pd.Timestamp("2021-05-01")]
    with pytest.raises(InputError, match="before start"):
        date_series("2021-05-02", "2021-05-01", every_days=1)
    with pytest.raises(InputError, match="every_days"):
        date_series("2021-05-01", "2021-05-02", every_days=0)


def test_the_control_rules_and_the_pipeline_use_the_same_window():
    # the events of the window of control_from_events(as_of=D, window_days=N) are those of
    # window_bounds(D, N)
    import geofront as gf
    from geofront.control import control_from_events

    b = gf.read_boundaries()
    joined = gf.join_events(gf.read_events("seed-events").events, b).joined
    last = pd.Timestamp(joined["date"].max())
    start, _ = window_bounds(last, 3)
    inside = joined[joined["date"] >= start]
    a = control_from_events(joined, b, as_of=last, window_days=3)
    c = control_from_events(inside, b, as_of=last, window_days=3)
    # the window's counts are those of its own events: earlier ones change nothing
    assert (a["fighting_events"] == c["fighting_events"]).all()
    assert a["fighting_events"].sum() > 0
