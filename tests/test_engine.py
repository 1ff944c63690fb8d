"""geofront.engine.join_file: streaming joins give the in-memory answers, row for row.

The oracle is read_events + join_events on the whole file (tests/dirty.py builds a file
whose verdicts need the whole file: slash-date order, far duplicates, swapped points);
the streaming join cuts it into batches of a few dozen or hundred rows.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import geofront.engine as engine_mod
from dirty import write_dirty
from geofront.engine import join_file
from geofront.errors import AccountingError
from geofront.events import read_events
from geofront.join import combine_rejects, join_events
from geofront.schema import JOIN_COLUMNS, REJECT_COLUMNS


@pytest.fixture(scope="module")
def dirty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dirty(tmp_path_factory.mktemp("dirty") / "acled.csv")


@pytest.fixture(scope="module")
def in_memory(dirty: Path, afghanistan):
    read = read_events(dirty)
    result = join_events(read.events, afghanistan)
    return read, result, combine_rejects(read.rejected, result.rejected)


def _same_joined(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert got["event_id"].tolist() == want["event_id"].tolist()
    for col in ("source_row", "date", "fatalities", "side1", "side2", *JOIN_COLUMNS):
        a = got[col].astype(str).tolist()
        b = want[col].astype(str).tolist()
        assert a == b, col
    src = [c for c in want.columns if c.startswith("src_")]
    assert src and got[src].astype(str).equals(want[src].astype(str))


@pytest.mark.parametrize("batch_rows", [297, pytest.param(1000, marks=pytest.mark.slow)])
def test_stream_join_matches_whole_file_join(dirty, in_memory, afghanistan, tmp_path, batch_rows):
    read, result, rejects = in_memory
    out, rej = tmp_path / "j.parquet", tmp_path / "r.parquet"
    run = join_file(dirty, afghanistan, output=out, rejects=rej, batch_rows=batch_rows)
    joined = gpd.read_parquet(out)
    assert joined.crs == "EPSG:4326"
    _same_joined(joined, result.joined.reset_index(drop=True))
    assert np.allclose(joined.geometry.x, result.joined.geometry.x)
    assert np.allclose(joined.geometry.y, result.joined.geometry.y)
    got_rej = pd.read_parquet(rej)
    assert (
        got_rej[list(REJECT_COLUMNS)]
        .astype(str)
        .equals(rejects[list(REJECT_COLUMNS)].astype(str).reset_index(drop=True))
    )
    # accounting: every source row once, joined or rejected
    assert run.n_read == read.n_read == 3000
    assert run.counts["joined"] == len(result.joined) and run.counts["rejected"] == len(rejects)
    rows = sorted(joined["source_row"].tolist() + got_rej["source_row"].tolist())
    assert rows == list(range(1, 3001))
    for m in ("within", "border", "snapped", "region", "country"):
        assert run.counts[m] == result.counts[m]


def test_whole_file_verdicts_in_small_batches(dirty, afghanistan, tmp_path):
    rej = tmp_path / "r.csv"
    out = tmp_path / "j.csv"
    join_file(dirty, afghanistan, output=out, rejects=rej, batch_rows=250)
    r = pd.read_csv(rej, dtype={"source_row": int}, keep_default_na=False).set_index("source_row")
    # the only day above 12 is near the end: the whole column is day first, so the
    # first rows' 05/07-style dates are July dates, not May
    j = pd.read_csv(out, keep_default_na=False)
    assert set(pd.to_datetime(j["date"]).dt.month) == {7}
    assert r.loc[1501, "detail"] == "event id AFG31 already used by source row 31 (kept)"
    assert r.loc[2601, "reason"] == "duplicate_event_id"
    dups = r.index[r["reason"] == "duplicate_event_id"].tolist()
    assert dups == [1501, 2601]  # row 2701 repeats the id of a rejected row: not a duplicate
    assert "swapped" in r.loc[2201, "detail"]  # in range, judged by the whole file's extent
    assert r.loc[701, "reason"] == r.loc[1901, "reason"] == "malformed_row"
    assert r.loc[701, "detail"].startswith("line 703 has 32 field(s) where the header has 31")
    assert r.loc[1901, "src_event_id_cnty"] == "AFG1901"  # fields kept by position
    notes = j.set_index("source_row")["src_notes"]
    if 3 in notes.index:  # the note with a quote, a comma and a line break survives
        assert notes[3] == 'He said "no", then left.\nSecond line, with a comma'


@pytest.mark.slow
def test_parts_of_one_export_read_as_one_file(tmp_path, afghanistan):
    whole = write_dirty(tmp_path / "whole.csv", malformed=False)
    lines = whole.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    # a note spans two lines (row 3): cut only at row boundaries well after it
    cuts = [0, 1001, 2001, len(body)]  # records 1-1000, 1001-2000, 2001-3000
    parts = tmp_path / "parts"
    parts.mkdir()
    for k in range(3):
        (parts / f"part-{k}.csv").write_text(header + "".join(body[cuts[k] : cuts[k + 1]]))
    run_whole = join_file(whole, afghanistan, output=tmp_path / "w.parquet", batch_rows=300)
    run_parts = join_file(
        parts,
        afghanistan,
        output=tmp_path / "p.parquet",
        rejects=tmp_path / "pr.csv",
        batch_rows=300,
    )
    assert run_parts.n_read == run_whole.n_read == 3000
    assert run_parts.counts == run_whole.counts
    a = pd.read_parquet(tmp_path / "w.parquet")
    b = pd.read_parquet(tmp_path / "p.parquet")
    # made-up ids name their part: row numbers restart in every file
    assert b["event_id"].str.replace(r"^part-\d\.csv:", "", regex=True).tolist() == (
        a["event_id"].tolist()
    )
    assert "part-0.csv:row41" in set(b["event_id"])
    assert a["district_id"].astype(str).tolist() == b["district_id"].astype(str).tolist()
    # rows are numbered within their part, and the part is named
    offset = b["source_file"].map({"part-0.csv": 0, "part-1.csv": 1000, "part-2.csv": 2000})
    assert (b["source_row"] + offset).tolist() == a["source_row"].tolist()
    r = pd.read_csv(tmp_path / "pr.csv", keep_default_na=False)
    dup = r[r["reason"] == "duplicate_event_id"]
    assert (
        dup["detail"].tolist()
        == ["event id AFG31 already used by source row 31 of part-0.csv (kept)"] * 2
    )
    # a glob names the same parts
    run_glob = join_file(str(parts / "part-*.csv"), afghanistan, output=tmp_path / "g.csv")
    assert run_glob.counts == run_whole.counts


@pytest.mark.parametrize(
    "ext",
    [
        "csv",
        pytest.param("gpkg", marks=pytest.mark.slow),
        pytest.param("geojson", marks=pytest.mark.slow),
    ],
)
def test_other_outputs_hold_the_same_rows(dirty, in_memory, afghanistan, tmp_path, ext):
    _, result, _ = in_memory
    out = tmp_path / f"j.{ext}"
    join_file(dirty, afghanistan, output=out, batch_rows=400)
    got = pd.read_csv(out, keep_default_na=False) if ext == "csv" else gpd.read_file(out)
    assert got["event_id"].tolist() == result.joined["event_id"].tolist()
    want = result.joined["district_id"].fillna("").tolist()
    assert got["district_id"].fillna("").astype(str).tolist() == want


def test_csv_to_stdout(capsys, afghanistan):
    join_file("seed-events", afghanistan, output=None)
    text = capsys.readouterr().out
    assert text.startswith("event_id,date,date_end,")
    assert len(text.splitlines()) == 7


def test_a_failure_midway_leaves_no_partial_output(dirty, afghanistan, tmp_path, monkeypatch):
    out, rej = tmp_path / "j.parquet", tmp_path / "r.csv"
    out.write_bytes(b"precious")
    real = engine_mod._join_batch
    calls = []

    def failing(batch, joiner):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real(batch, joiner)

    monkeypatch.setattr(engine_mod, "_join_batch", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        join_file(dirty, afghanistan, output=out, rejects=rej, batch_rows=200)
    assert out.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["j.parquet"]


def test_lost_rows_are_an_accounting_error(dirty, afghanistan, tmp_path, monkeypatch):
    real = engine_mod._join_batch

    def losing(batch, joiner):
        joined, rejected, counts = real(batch, joiner)
        counts["joined"] -= 1
        return joined, rejected, counts

    monkeypatch.setattr(engine_mod, "_join_batch", losing)
    with pytest.raises(AccountingError, match="lost rows"):
        join_file(dirty, afghanistan, output=tmp_path / "j.parquet", batch_rows=1000)
    assert not (tmp_path / "j.parquet").exists()


def test_geoparquet_in_is_joined_like_its_source(dirty, in_memory, afghanistan, tmp_path):
    """GeoParquet points (coordinates from the geometry) join like the CSV they came from."""
    _, result, _ = in_memory
    out = tmp_path / "j.parquet"
    join_file(dirty, afghanistan, output=out)
    table = pq.read_table(out)
    keep = [c for c in table.column_names if c.startswith("src_") and "itude" not in c]
    points = table.select([*keep, "geometry"]).rename_columns(
        [c.removeprefix("src_") for c in keep] + ["geometry"]
    )
    src = tmp_path / "points.parquet"
    pq.write_table(points.replace_schema_metadata(table.schema.metadata), src)
    again = tmp_path / "again.parquet"
    # ACLED columns without latitude/longitude: read on purpose as a generic table
    run = join_file(
        src, afghanistan, output=again, format="csv", event_id="event_id_cnty", batch_rows=500
    )
    got = pd.read_parquet(again)
    assert run.counts["rejected"] == 0 and got["source_dataset"].eq("csv").all()
    named = ~result.joined["event_id"].str.startswith("row").to_numpy()  # ids made from rows
    assert got["event_id"][named].tolist() == result.joined["event_id"][named].tolist()
    assert got["province_id"].tolist() == result.joined["province_id"].tolist()
    exact = (result.joined["join_method"] != "region").to_numpy()
    assert got["district_id"][exact].tolist() == result.joined["district_id"][exact].tolist()
