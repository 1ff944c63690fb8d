"""Row checks (geofront.event_checks) on small tables whose verdicts are known by eye.

End-to-end behaviour through read_events (files, formats, accounting) is in
test_events.py; here each check is called directly, as read_events calls them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from geofront.event_checks import check_coordinates, check_dates, check_event_ids

FIELDS = {"latitude": "lat", "longitude": "lon", "date": "date", "event_id": "id"}


def blank(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full(n, "", dtype=object), np.full(n, "", dtype=object)


def table(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["lat", "lon", "date", "id"], dtype="string")


def test_coordinates_first_problem_wins():
    raw = table(
        [
            ("34.5", "69.2", "2021-07-07", "a"),  # Kabul: good
            ("", "", "2021-07-07", "b"),
            ("abc", "69.2", "2021-07-07", "c"),
            ("0", "0", "2021-07-07", "d"),  # Null Island
            ("95", "34.5", "2021-07-07", "e"),  # out of range; fits when swapped
            ("1e999", "69.2", "2021-07-07", "f"),  # a number, but infinite
            ("34.5", "", "2021-07-07", "g"),
        ]
    )
    reason, detail = blank(len(raw))
    lat, lon = check_coordinates(raw, FIELDS, None, reason, detail)
    assert reason.tolist() == [
        "",
        "missing_coordinates",
        "invalid_coordinates",
        "missing_coordinates",
        "invalid_coordinates",
        "invalid_coordinates",
        "missing_coordinates",
    ]
    assert detail[1] == "latitude and longitude are empty"
    assert detail[2] == "latitude 'abc' is not a number"
    assert "Null Island" in detail[3]
    assert detail[4] == (
        "latitude 95 out of range [-90, 90]; looks like latitude and longitude are swapped"
    )
    assert detail[5] == "latitude '1e999' is not a finite number"
    assert detail[6] == "longitude is empty"
    assert (lat[0], lon[0]) == (34.5, 69.2)


def test_in_range_point_swapped_against_the_others():
    # 20 events around Kabul and one at 65 N, 34 E (northern Russia): in range, but it is
    # the swapped form of 34 N, 65 E (central Afghanistan), inside the others' extent.
    rng = np.random.default_rng(0)
    rows = [
        (f"{34 + rng.random():.4f}", f"{68 + 2 * rng.random():.4f}", "2021-07-07", f"k{i}")
        for i in range(20)
    ]
    raw = table([*rows, ("65.0", "34.0", "2021-07-07", "x")])
    reason, detail = blank(len(raw))
    check_coordinates(raw, FIELDS, None, reason, detail)
    assert reason[:20].tolist() == [""] * 20
    assert reason[20] == "invalid_coordinates"
    assert detail[20].startswith("latitude 65.0, longitude 34.0 lie outside the extent")
    assert detail[20].endswith("looks like latitude and longitude are swapped")


def test_too_few_points_to_judge_the_extent():
    raw = table([("34.5", "69.2", "2021-07-07", "a"), ("65.0", "34.0", "2021-07-07", "x")])
    reason, detail = blank(len(raw))
    check_coordinates(raw, FIELDS, None, reason, detail)
    assert reason.tolist() == ["", ""]


def test_dates_formats_and_end_before_start():
    raw = pd.DataFrame(
        {
            "date": [
                "2021-07-07",
                "7 July 2021",
                "2021-07-07T23:30:00Z",
                "",
                "07/07/2021",
                "2021-07-07",
            ],
            "end": ["", "2021-07-09", "", "", "", "2021-07-06"],
        },
        dtype="string",
    )
    reason, detail = blank(len(raw))
    day, end = check_dates(raw, {"date": "date", "date_end": "end"}, reason, detail)
    july7 = np.datetime64("2021-07-07", "us")
    assert day[:3].tolist() == [july7.item()] * 3
    assert end[0] == july7 and end[1] == np.datetime64("2021-07-09", "us")
    assert reason.tolist() == [
        "",
        "",
        "",
        "unparseable_date",
        "unparseable_date",
        "unparseable_date",
    ]
    assert detail[3] == "date is empty"
    assert detail[4] == (  # 07/07/2021 alone cannot tell day-first from month-first
        "date '07/07/2021' is ambiguous: no day in the column is above 12, so day and month "
        "cannot be told apart; write YYYY-MM-DD"
    )
    assert detail[5] == "date_end 2021-07-06 is before date 2021-07-07"


def test_ids_made_and_duplicates_named():
    raw = table(
        [
            ("1", "1", "d", "a"),
            ("1", "1", "d", ""),  # blank id -> row2
            ("1", "1", "d", "a"),  # duplicate of row 1
            ("1", "1", "d", "a"),  # already rejected for something else: not judged again
        ]
    )
    reason, detail = blank(len(raw))
    reason[3], detail[3] = "unparseable_date", "earlier"
    rows = np.arange(1, 5)
    ids = check_event_ids(raw, FIELDS, rows, reason, detail)
    assert ids.tolist() == ["a", "row2", "a", "a"]
    assert reason.tolist() == ["", "", "duplicate_event_id", "unparseable_date"]
    assert detail[2] == "event id a already used by source row 1 (kept)"
    assert detail[3] == "earlier"
    no_ids = check_event_ids(raw, {**FIELDS, "event_id": None}, rows, *blank(4))
    assert no_ids.tolist() == ["row1", "row2", "row3", "row4"]


def test_spreadsheet_dates_day_month_order_decided_by_the_column() -> None:
    from geofront.event_checks import _parse_dates, slash_order

    def days(values: list[str]) -> list[str]:
        return [str(d)[:10] for d in _parse_dates(pd.Series(values))]

    # 13/07 can only be day first, so 01/08 is 1 August (not 8 January).
    assert days(["13/07/2021", "01/08/2021 00:00"]) == ["2021-07-13", "2021-08-01"]
    # 07/13 can only be month first, so 08/01 is 1 August.
    assert days(["07/13/2021", "08/01/2021"]) == ["2021-07-13", "2021-08-01"]
    # German dots are always day first; other formats still parse alongside.
    assert days(["7.8.2021", "2021-07-01", "7 July 2021"]) == [
        "2021-08-07",
        "2021-07-01",
        "2021-07-07",
    ]
    # Nothing above 12, or both orders: no guessing.
    assert days(["07/07/2021", "05/07/2021"]) == ["NaT", "NaT"]
    assert slash_order(pd.Series(["07/07/2021", "05/07/2021"])) == "ambiguous"
    assert slash_order(pd.Series(["13/07/2021", "07/13/2021"])) == "mixed"
    assert days(["31/02/2021", "13/02/2021"]) == ["NaT", "2021-02-13"]  # no 31 February


def test_ambiguous_slash_dates_are_rejected_saying_why(tmp_path: Path) -> None:
    from geofront import schema
    from geofront.events import read_events

    p = tmp_path / "e.csv"
    p.write_text("id,date,lat,lon\na,07/05/2021,34.5,69.2\nb,06/07/2021,34.5,69.2\n")
    r = read_events(p)
    assert r.rejected["reason"].tolist() == [schema.UNPARSEABLE_DATE] * 2
    assert r.rejected["detail"].iloc[0] == (
        "date '07/05/2021' is ambiguous: no day in the column is above 12, so day and "
        "month cannot be told apart; write YYYY-MM-DD"
    )
