"""Tests for geofront.events.read_events: formats, canonical schema, rejects, bad files."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geofront import datasets, schema
from geofront.errors import (
    AccountingError,
    CRSError,
    DataFileError,
    InputError,
    SchemaError,
)
from geofront.events import UCDP_GED_COLUMNS, EventsRead, read_events

SEED = datasets.get_path("seed-events")
UCDP = datasets.get_path("ucdp-ged-sample")


def raw_rows(path: Path) -> list[dict[str, str]]:
    """The file's rows as the csv module reads them (independent of geofront)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def check_accounting(r: EventsRead) -> None:
    assert r.n_read == len(r.events) + len(r.rejected)
    rows = sorted(r.events["source_row"].tolist() + r.rejected["source_row"].tolist())
    assert rows == list(range(1, r.n_read + 1))  # every row exactly once


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


# --- the shipped files --------------------------------------------------------------


def test_seed_events_parse_fully_with_sides_and_precision() -> None:
    r = read_events("seed-events")  # bundled name resolves
    check_accounting(r)
    assert (r.n_read, len(r.events), len(r.rejected), r.format) == (6, 6, 0, "acled")
    ev = r.events.set_index("event_id")
    # Rows of the file (data/SOURCES.md section 8): the Taliban are insurgent, the
    # Afghan military government; geo_precision 3 -> region, 2 -> near.
    assert ev.loc["AFGSEED0003", ["actor1", "side1", "side2"]].tolist() == [
        "Taliban",
        "insurgent",
        "government",
    ]
    assert ev.loc["AFGSEED0006", ["side1", "side2"]].tolist() == ["government", "insurgent"]
    assert ev.loc["AFGSEED0001", "side1"] == "government"  # US forces
    assert ev.loc["AFGSEED0002", "location_precision"] == "region"
    assert ev.loc["AFGSEED0004", "location_precision"] == "near"
    assert ev.loc["AFGSEED0005", "location_precision"] == "exact"
    assert ev.loc["AFGSEED0001", "date_precision"] == "week"  # time_precision 2
    assert ev.loc["AFGSEED0004", "fatalities"] == 60
    assert ev.loc["AFGSEED0005", "date"] == pd.Timestamp("2021-07-07")
    assert ev.loc["AFGSEED0001", "actor2"] == "" and ev.loc["AFGSEED0001", "side2"] == "unknown"
    assert (ev["date_end"] == ev["date"]).all()
    assert set(ev["source_dataset"]) == {"acled"}


def test_canonical_columns_dtypes_and_crs() -> None:
    r = read_events(SEED)
    ev = r.events
    n_src = len(raw_rows(SEED)[0])
    assert list(ev.columns[: len(schema.EVENT_COLUMNS)]) == list(schema.EVENT_COLUMNS)
    src_cols = list(ev.columns[len(schema.EVENT_COLUMNS) : -1])
    assert len(src_cols) == n_src == 31
    assert all(c.startswith(schema.SOURCE_PREFIX) for c in src_cols)
    assert ev.geometry.name == "geometry" and ev.columns[-1] == "geometry"
    assert ev.crs.equals("EPSG:4326")
    dtypes = ev.dtypes.astype(str).to_dict()
    for col in ("event_id", "date_precision", "event_type", "actor1", "side1", "source_dataset"):
        assert dtypes[col] == "string"
    assert dtypes["date"] == dtypes["date_end"] == "datetime64[us]"
    assert dtypes["fatalities"] == dtypes["source_row"] == "int64"
    assert dtypes["latitude"] == dtypes["longitude"] == "float64"
    assert np.allclose(ev.geometry.x, ev["longitude"]) and np.allclose(
        ev.geometry.y, ev["latitude"]
    )
    assert isinstance(ev.index, pd.RangeIndex)
    assert list(r.rejected.columns[:4]) == list(schema.REJECT_COLUMNS)


def test_original_columns_preserved_as_text() -> None:
    r = read_events(SEED)
    rows = raw_rows(SEED)
    for i, row in enumerate(rows):
        for name, value in row.items():
            assert r.events.loc[i, schema.SOURCE_PREFIX + name] == value, (i, name)
    assert r.events.loc[0, "src_latitude"] == "34.9461"  # text as written, not a float
    assert r.events.loc[0, "src_timestamp"] == ""


def test_ucdp_sample_parses_fully_and_matches_its_own_facts() -> None:
    r = read_events(UCDP)
    check_accounting(r)
    raw = pd.read_csv(UCDP)  # an independent read of the same file
    assert (r.n_read, len(r.events), r.format) == (135, 135, "ucdp")
    ev = r.events
    # data/SOURCES.md: 135 events 1989-2022, 13 in 2021; 128 state-based, 7 one-sided.
    assert (ev["date"].dt.year == 2021).sum() == 13
    assert ev["date"].min().year == 1989 and ev["date"].max().year == 2022
    assert ev["event_type"].value_counts().to_dict() == {
        "State-based conflict": 128,
        "One-sided violence": 7,
    }
    assert ev["event_id"].tolist() == raw["id"].astype(str).tolist()
    assert ev["fatalities"].sum() == raw["best"].sum()
    assert (ev["date_end"] >= ev["date"]).all()
    assert (ev["date_end"] == pd.to_datetime(raw["date_end"])).all()
    # where_prec 1 exact; 2, 3, 5 near; 4 region; 6, 7 country (counted on the raw file).
    wp = raw["where_prec"]
    assert ev["location_precision"].value_counts().to_dict() == {
        "near": int(wp.isin([2, 3, 5]).sum()),
        "exact": int((wp == 1).sum()),
        "region": int((wp == 4).sum()),
        "country": int(wp.isin([6, 7]).sum()),
    }
    dp = raw["date_prec"]
    assert (ev["date_precision"] == "day").sum() == (dp == 1).sum()
    assert (ev["date_precision"] == "week").sum() == (dp == 2).sum()
    assert (ev["date_precision"] == "year").sum() == dp.isin([4, 5]).sum()
    # Sides: Taleban insurgent; after 15 Aug 2021 "Government of Afghanistan" is the
    # Taliban (insurgent) and NRF its opponent (government).
    taleban = ev["actor2"] == "Taleban"
    assert (ev.loc[taleban, "side2"] == "insurgent").all()
    nrf = ev["actor2"] == "NRF"
    assert nrf.sum() == 3
    assert (ev.loc[nrf, "side1"] == "insurgent").all() and (
        ev.loc[nrf, "side2"] == "government"
    ).all()
    civ = ev["actor2"] == "Civilians"
    assert (ev.loc[civ, "side2"] == "civilians").all() and civ.sum() == 7


def test_headerless_ucdp_candidate_file(tmp_path: Path) -> None:
    lines = UCDP.read_text(encoding="utf-8").splitlines(keepends=True)
    p = tmp_path / "candidate.csv"
    p.write_text("".join(lines[1:]), encoding="utf-8")
    r = read_events(p)
    check_accounting(r)
    with_header = read_events(UCDP)
    assert r.format == "ucdp" and r.n_read == 135
    assert r.events["event_id"].tolist() == with_header.events["event_id"].tolist()
    assert r.events["source_row"].tolist() == list(range(1, 136))
    src = [c for c in r.events.columns if c.startswith("src_")]
    assert src == ["src_" + c for c in UCDP_GED_COLUMNS]
    pd.testing.assert_frame_equal(
        r.events.drop(columns="geometry"), with_header.events.drop(columns="geometry")
    )


OLD_ACLED = [
    "data_id",
    "iso",
    "event_id_cnty",
    "event_id_no_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
    "iso3",
]


def test_old_acled_layout_with_day_month_year_dates(tmp_path: Path) -> None:
    def row(i: int, date: str, lat: str, geo: str) -> list[object]:
        values = dict.fromkeys(OLD_ACLED, "")
        values.update(
            data_id=str(9000 + i),
            iso="4",
            event_id_cnty=f"AFG{i}",
            event_id_no_cnty=str(i),
            event_date=date,
            year="2021",
            time_precision="3",
            event_type="Battles",
            sub_event_type="Armed clash",
            actor1="Taliban",
            actor2="Police Forces of Afghanistan (2004-2021)",
            country="Afghanistan",
            latitude=lat,
            longitude="63.12891",
            geo_precision=geo,
            fatalities="4",
            iso3="AFG",
        )
        return list(values.values())

    p = write_csv(
        tmp_path / "old.csv",
        OLD_ACLED,
        [
            row(1, "07 July 2021", "34.98735", "1"),
            row(2, "6 July 2021", "34.98735", "2"),
            row(3, "31 June 2021", "34.98735", "3"),  # no 31 June
        ],
    )
    r = read_events(p, format="acled")
    check_accounting(r)
    assert r.events["event_id"].tolist() == ["AFG1", "AFG2"]
    assert r.events["date"].tolist() == [pd.Timestamp("2021-07-07"), pd.Timestamp("2021-07-06")]
    assert r.events["date_precision"].tolist() == ["month", "month"]
    assert r.events["side2"].tolist() == ["government", "government"]
    assert r.rejected["reason"].tolist() == [schema.UNPARSEABLE_DATE]
    assert r.rejected.loc[0, "detail"] == (
        "date '31 June 2021' is not a date (expected YYYY-MM-DD or dd Month YYYY)"
    )
    assert read_events(p).format == "acled"  # auto-detected too


def test_oldest_acled_uppercase_columns_without_event_id_cnty(tmp_path: Path) -> None:
    header = ["EVENT_ID_NO_CNTY", "EVENT_DATE", "TIME_PRECISION", "EVENT_TYPE", "ACTOR1"]
    header += ["ACTOR2", "LATITUDE", "LONGITUDE", "GEO_PRECISION", "FATALITIES"]
    p = write_csv(
        tmp_path / "acled2015.csv",
        header,
        [
            [
                "17",
                "01 March 2015",
                "1",
                "Battle-No change of territory",
                "Taliban",
                "",
                "34.5",
                "69.2",
                "2",
                "3",
            ]
        ],
    )
    r = read_events(p)
    assert r.format == "acled"
    ev = r.events.iloc[0]
    assert (ev["event_id"], ev["date"], ev["location_precision"], ev["fatalities"]) == (
        "17",
        pd.Timestamp("2015-03-01"),
        "near",
        3,
    )
    assert ev["sub_event_type"] == "" and "src_EVENT_ID_NO_CNTY" in r.events.columns


# --- generic tables -----------------------------------------------------------------


def test_generic_csv_with_custom_column_names(tmp_path: Path) -> None:
    p = write_csv(
        tmp_path / "mine.csv",
        ["ref", "when", "Y_coord", "X_coord", "who", "deaths_reported"],
        [
            ["a", "2021-07-01", "34.5", "69.2", "Taliban", "2"],
            ["b", "2021-07-02", "35", "70", "", "x"],
        ],
    )
    with pytest.raises(SchemaError) as err:
        read_events(p)
    msg = str(err.value)
    assert "cannot find the latitude column" in msg and "Y_coord" in msg and "\n" not in msg
    # the fix named for both callers: the command-line options and the Python keywords
    assert "geofront join FILE --lat-col COLUMN --lon-col COLUMN" in msg
    assert "latitude=..., longitude=..." in msg
    r = read_events(
        p,
        latitude="Y_coord",
        longitude="X_coord",
        date="when",
        event_id="ref",
        actor1="who",
        fatalities="deaths_reported",
    )
    check_accounting(r)
    assert r.format == "csv" and r.events["event_id"].tolist() == ["a", "b"]
    assert r.events["latitude"].tolist() == [34.5, 35.0]
    assert r.events["side1"].tolist() == ["insurgent", "unknown"]
    assert r.events["fatalities"].tolist() == [2, 0]  # non-numeric fatalities -> 0
    assert r.events["location_precision"].tolist() == ["exact", "exact"]
    with pytest.raises(SchemaError, match="has no column 'nope' \\(given as date\\)"):
        read_events(p, latitude="Y_coord", longitude="X_coord", date="nope")


def test_generic_csv_guesses_common_names_and_makes_ids(tmp_path: Path) -> None:
    p = write_csv(
        tmp_path / "g.csv",
        ["Lat", "lng", "Date", "note"],
        [["34.5", "69.2", "2021-07-01", "x"], ["34.6", "69.3", "2021-07-01T18:30:00", "y"]],
    )
    r = read_events(p)
    assert r.events["event_id"].tolist() == ["row1", "row2"]
    assert r.events["date"].tolist() == [pd.Timestamp("2021-07-01")] * 2


def _points_frame(crs: str | None) -> gpd.GeoDataFrame:
    pts = [shapely.Point(63.12891, 34.98735), shapely.Point(69.265, 34.9461), None]
    pts.append(shapely.box(69, 34, 69.1, 34.1))
    frame = gpd.GeoDataFrame(
        {
            "event_id": ["p1", "p2", "p3", "p4"],
            "date": ["2021-07-06"] * 4,
            "actor1": ["Taliban"] * 4,
        },
        geometry=pts,
        crs="EPSG:4326",
    )
    return frame if crs is None else frame.to_crs(crs)


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet"])
def test_vector_point_files(tmp_path: Path, suffix: str) -> None:
    frame = _points_frame("EPSG:32641" if suffix == ".gpkg" else None)  # UTM is reprojected
    p = tmp_path / f"pts{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(p)
    else:
        frame.to_file(p, engine="pyogrio")
    r = read_events(p)
    check_accounting(r)
    assert r.format == "csv"
    assert r.events["event_id"].tolist() == ["p1", "p2"]
    assert np.allclose(r.events["longitude"], [63.12891, 69.265], atol=1e-7)
    assert np.allclose(r.events["latitude"], [34.98735, 34.9461], atol=1e-7)
    assert r.events.crs.equals("EPSG:4326")
    assert r.rejected["reason"].tolist() == [schema.MISSING_COORDINATES, schema.INVALID_COORDINATES]
    assert r.rejected["detail"].tolist() == [
        "no geometry (empty or null)",
        "geometry is a Polygon, not a point",
    ]


def test_vector_file_without_crs_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "nocrs.parquet"
    _points_frame(None).set_crs(None, allow_override=True).to_parquet(p)
    with pytest.raises(CRSError, match="has no CRS"):
        read_events(p)


# --- bad rows -----------------------------------------------------------------------

GOOD = [(34.0 + i * 0.3, 62.0 + i * 0.8) for i in range(12)]  # 12 points in Afghanistan


def test_every_bad_row_reason_with_exact_counts_and_details(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        [f"g{i}", "2021-07-01", f"{lat}", f"{lon}"] for i, (lat, lon) in enumerate(GOOD)
    ]
    bad = [
        ["m1", "2021-07-01", "", "63.1"],
        ["m2", "2021-07-01", " ", ""],
        ["m3", "2021-07-01", "0", "0"],
        ["i1", "2021-07-01", "abc", "63.1"],
        ["i2", "2021-07-01", "34.1", "NaN"],
        ["i3", "2021-07-01", "95.5", "40.2"],  # swapping gives a valid point
        ["i4", "2021-07-01", "95.5", "100"],  # both out of range, not a swap
        ["i5", "2021-07-01", "34.1", "200"],
        ["i6", "2021-07-01", "66.5", "34.2"],  # in range, but only swapped lies in the data
        ["d1", "2021-02-30", "34.1", "63.1"],
        ["d2", "", "34.1", "63.1"],
        ["g0", "2021-07-02", "34.1", "63.1"],  # duplicate of row 1
        ["g0", "2021-07-03", "34.1", "63.1"],  # and again
    ]
    p = write_csv(tmp_path / "bad.csv", ["event_id", "date", "latitude", "longitude"], rows + bad)
    r = read_events(p)
    check_accounting(r)
    assert r.events["event_id"].tolist() == [f"g{i}" for i in range(12)]
    assert r.reject_counts() == {
        schema.MALFORMED_ROW: 0,
        schema.MISSING_COORDINATES: 3,
        schema.INVALID_COORDINATES: 6,
        schema.UNPARSEABLE_DATE: 2,
        schema.DUPLICATE_EVENT_ID: 2,
        schema.OUTSIDE_BOUNDARIES: 0,
    }
    got = dict(zip(r.rejected["source_row"].tolist(), r.rejected["detail"].tolist(), strict=True))
    swapped = "looks like latitude and longitude are swapped"
    assert got == {
        13: "latitude is empty",
        14: "latitude and longitude are empty",
        15: "coordinates (0, 0) (Null Island) are treated as missing",
        16: "latitude 'abc' is not a number",
        17: "longitude 'NaN' is not a number",
        18: f"latitude 95.5 out of range [-90, 90]; {swapped}",
        19: "latitude 95.5 out of range [-90, 90]",
        20: "longitude 200 out of range [-180, 180]",
        21: "latitude 66.5, longitude 34.2 lie outside the extent of the other events of "
        f"this country; {swapped}",
        22: "date '2021-02-30' is not a date (expected YYYY-MM-DD or dd Month YYYY)",
        23: "date is empty",
        24: "event id g0 already used by source row 1 (kept)",
        25: "event id g0 already used by source row 1 (kept)",
    }
    # Rejected rows keep their original values.
    assert r.rejected.loc[r.rejected["source_row"] == 16, "src_latitude"].item() == "abc"
    assert r.rejected["event_id"].iloc[0] == "m1"


def test_duplicate_of_a_rejected_row_is_kept(tmp_path: Path) -> None:
    p = write_csv(
        tmp_path / "dup.csv",
        ["id", "date", "lat", "lon"],
        [
            ["x", "2021-07-01", "", "63"],
            ["x", "2021-07-01", "34", "63"],
            ["", "2021-07-01", "34", "63"],
        ],
    )
    r = read_events(p)
    assert r.events["event_id"].tolist() == ["x", "row3"]  # blank id -> from the row number
    assert r.rejected["reason"].tolist() == [schema.MISSING_COORDINATES]


def test_swapped_extent_check_needs_enough_points(tmp_path: Path) -> None:
    # With fewer than 10 good points nobody can say where the data lie: no swap flag.
    rows = [[f"e{i}", "2021-07-01", f"{lat}", f"{lon}"] for i, (lat, lon) in enumerate(GOOD[:5])]
    rows.append(["s", "2021-07-01", "66.5", "34.2"])
    r = read_events(write_csv(tmp_path / "few.csv", ["id", "date", "lat", "lon"], rows))
    assert len(r.rejected) == 0


def test_ucdp_date_end_before_start_is_rejected(tmp_path: Path) -> None:
    lines = UCDP.read_text(encoding="utf-8").splitlines(keepends=True)
    p = tmp_path / "u.csv"
    p.write_text(lines[0] + lines[1].replace("1989-03-19", "1989-03-01"), encoding="utf-8")
    r = read_events(p)
    assert r.rejected["detail"].tolist() == ["date_end 1989-03-01 is before date 1989-03-18"]


def test_accounting_error_when_the_invariant_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    import geofront.event_batches as batches_mod

    real = batches_mod._events_frame
    monkeypatch.setattr(batches_mod, "_events_frame", lambda *a: real(*a).slice(0, 5))
    with pytest.raises(AccountingError, match="read 6 rows"):
        read_events(SEED)


def test_determinism(tmp_path: Path) -> None:
    a, b = read_events(UCDP), read_events(UCDP)
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.rejected, b.rejected)


def test_user_side_mapping_override(tmp_path: Path) -> None:
    user = tmp_path / "sides.csv"
    user.write_text("pattern,match,side\nTaliban,exact,other\n")
    r = read_events(SEED, sides=user)
    assert set(r.events.loc[r.events["actor1"] == "Taliban", "side1"]) == {"other"}
    assert set(r.events.loc[r.events["actor2"].str.startswith("Police"), "side2"]) == {"government"}


def test_utf8_bom_and_semicolons(tmp_path: Path) -> None:
    p = tmp_path / "bom.csv"
    p.write_bytes(
        "\ufeffid;date;lat;lon\nq1;2021-07-01;34,5;69.2\nq2;2021-07-01;34.5;69.2\n".encode()
    )
    r = read_events(p)
    # Excel in locales whose list separator is ';' writes decimal commas: 34,5 is 34.5.
    assert r.events["event_id"].tolist() == ["q1", "q2"]
    assert r.events["latitude"].tolist() == [34.5, 34.5]
    assert r.events["src_lat"].tolist() == ["34,5", "34.5"]  # the original kept


def test_excel_export_bom_semicolons_crlf_decimal_commas(tmp_path: Path) -> None:
    # The seed file as Excel (German/French locale) saves it: BOM, ';', CRLF, 34,98735.
    rows = raw_rows(SEED)
    for row in rows:
        row["latitude"] = row["latitude"].replace(".", ",")
        row["longitude"] = row["longitude"].replace(".", ",")
    p = tmp_path / "excel.csv"
    with open(p, "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
    r = read_events(p)
    check_accounting(r)
    assert (r.format, len(r.events), len(r.rejected)) == ("acled", 6, 0)
    seed = read_events(SEED).events
    assert r.events["latitude"].tolist() == seed["latitude"].tolist()
    assert r.events["longitude"].tolist() == seed["longitude"].tolist()
    assert r.events["src_notes"].tolist() == seed["src_notes"].tolist()  # no stray \r


def test_decimal_comma_in_a_comma_separated_file_is_rejected_with_a_hint(
    tmp_path: Path,
) -> None:
    # In a comma-separated file "34,5" is ambiguous to other tools: reject, say how to fix.
    p = write_csv(
        tmp_path / "c.csv", ["id", "date", "lat", "lon"], [["a", "2021-07-01", "34,5", 69.2]]
    )
    r = read_events(p)
    assert r.rejected["reason"].tolist() == [schema.INVALID_COORDINATES]
    assert r.rejected["detail"].tolist() == [
        "latitude '34,5' is not a number (a decimal comma? write 34.5)"
    ]


# --- bad files ----------------------------------------------------------------------


def _one_line(exc: pytest.ExceptionInfo[BaseException]) -> str:
    msg = str(exc.value)
    assert "\n" not in msg and msg
    return msg


def test_bad_files(tmp_path: Path) -> None:
    cases: list[tuple[Path, type[Exception], str]] = []
    cases.append((tmp_path / "missing.csv", DataFileError, "does not exist"))
    (tmp_path / "adir").mkdir()
    cases.append((tmp_path / "adir", DataFileError, "is a directory"))
    (tmp_path / "empty.csv").write_bytes(b"")
    cases.append((tmp_path / "empty.csv", DataFileError, "is empty"))
    (tmp_path / "blank.csv").write_text("\n\n")
    cases.append((tmp_path / "blank.csv", DataFileError, "has no header row"))
    (tmp_path / "header.csv").write_text(SEED.read_text().splitlines()[0] + "\n")
    cases.append((tmp_path / "header.csv", DataFileError, "has a header but no data rows"))
    (tmp_path / "latin1.csv").write_bytes(
        "id,date,lat,lon\nk,2021-07-01,34,69\u00e9\n".encode("latin-1")
    )
    cases.append((tmp_path / "latin1.csv", DataFileError, "is not UTF-8 text"))
    (tmp_path / "utf16.csv").write_bytes("id,date,lat,lon\n".encode("utf-16"))
    cases.append((tmp_path / "utf16.csv", DataFileError, "is not UTF-8 text"))
    # (a ragged row is rejected as a row, naming its line: tests/test_hardening.py)
    (tmp_path / "cols.csv").write_text("name,value\na,1\n")
    cases.append((tmp_path / "cols.csv", SchemaError, "columns are: name, value"))
    for path, kind, needle in cases:
        with pytest.raises(kind) as err:
            read_events(path)
        msg = _one_line(err)
        assert needle in msg and str(path) in msg, (path, msg)


def test_forced_format_with_wrong_columns_names_what_is_missing() -> None:
    with pytest.raises(SchemaError) as err:
        read_events(SEED, format="ucdp")
    msg = _one_line(err)
    assert "missing column(s) id, date_start, side_a, side_b, best" in msg
    assert "found: event_id_cnty, event_date" in msg
    with pytest.raises(SchemaError, match="not a ACLED file: missing column\\(s\\) event_date"):
        read_events(UCDP, format="acled")


def test_unknown_format() -> None:
    with pytest.raises(InputError) as err:
        read_events(SEED, format="gdelt")
    assert "unknown events format 'gdelt'" in _one_line(err)


def test_generic_csv_format_on_acled_file_still_works() -> None:
    r = read_events(SEED, format="csv")
    assert r.format == "csv" and len(r.events) == 6
    # A generic table knows no geo_precision codes: everything is "exact".
    assert set(r.events["location_precision"]) == {"exact"}


def test_49_unknown_columns_with_a_header_are_not_taken_for_ucdp(tmp_path: Path) -> None:
    header = [f"c{i}" for i in range(49)]
    p = write_csv(tmp_path / "wide.csv", header, [["1"] * 49])
    with pytest.raises(SchemaError, match="cannot find the latitude column"):
        read_events(p)


def test_fatalities_with_thousands_separators_and_unreadable_counts(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Excel writes big counts with separators ("1,060" quoted in a comma CSV); they are
    # counts, not text: reading them as 0 would lose the deaths silently.
    p = write_csv(
        tmp_path / "f.csv",
        ["id", "date", "lat", "lon", "fatalities"],
        [
            ["a", "2021-07-01", 34.5, 69.2, "1,060"],
            ["b", "2021-07-01", 34.5, 69.2, "12 500"],
            ["c", "2021-07-01", 34.5, 69.2, " 7 "],
            ["d", "2021-07-01", 34.5, 69.2, ""],
            ["e", "2021-07-01", 34.5, 69.2, "dozens"],
            ["f", "2021-07-01", 34.5, 69.2, "1,06"],  # not a thousands group
        ],
    )
    with caplog.at_level("WARNING", logger="geofront.events"):
        r = read_events(p)
    assert r.events["fatalities"].tolist() == [1060, 12500, 7, 0, 0, 0]
    warned = [rec.getMessage() for rec in caplog.records if rec.levelname == "WARNING"]
    assert len(warned) == 1
    assert "2 row(s)" in warned[0] and "source row 5" in warned[0] and "'dozens'" in warned[0]


def test_acled_columns_are_the_export_layout():
    from geofront import datasets
    from geofront.events import ACLED_COLUMNS

    header = pd.read_csv(datasets.get_path("seed-events"), nrows=0).columns.tolist()
    assert list(ACLED_COLUMNS) == header and len(header) == 31
