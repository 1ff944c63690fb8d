"""geofront.sources (files as batches) and the batch-independent checks behind it."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from geofront import schema
from geofront.errors import DataFileError
from geofront.event_checks import _to_float
from geofront.events import iter_events, read_events
from geofront.idhash import HashCounter, hash_strings
from geofront.sources import resolve_parts


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_malformed_rows_are_rejected_with_their_row_numbers(tmp_path):
    # row 2's note holds a line break (one record, two lines); rows 4 and 7 are ragged;
    # the last record is ragged too, after the last good row
    p = _csv(
        tmp_path / "e.csv",
        "id,date,lat,lon,notes\n"
        "a,2021-07-01,34.5,69.2,fine\n"
        'b,2021-07-01,34.5,69.2,"two\nlines, a comma"\n'
        "c,2021-07-01,34.5,69.2,x\n"
        "d,2021-07-01,34.5,69.2\n"
        "e,2021-07-01,34.5,69.2,x\n"
        "f,2021-07-01,34.5,69.2,x\n"
        "g,2021-07-01,34.5,69.2,x,extra\n"
        "h,2021-07-01,34.5,69.2,x\n"
        "i,2021-07-01,34.5\n",
    )
    r = read_events(p)
    assert r.n_read == 9 == len(r.events) + len(r.rejected)
    assert r.events["source_row"].tolist() == [1, 2, 3, 5, 6, 8]
    assert r.events["event_id"].tolist() == ["a", "b", "c", "e", "f", "h"]
    bad = r.rejected.set_index("source_row")
    assert bad["reason"].tolist() == [schema.MALFORMED_ROW] * 3
    assert bad.index.tolist() == [4, 7, 9]
    # record 4 starts on line 6 (the header is line 1; record 2 takes two lines)
    assert bad.loc[4, "detail"].startswith("line 6 has 4 field(s) where the header has 5")
    assert bad.loc[7, "src_notes"] == "x" and bad.loc[7, "event_id"] == "g"
    assert r.reject_counts()[schema.MALFORMED_ROW] == 3
    # the same numbers, batch by batch
    stream = iter_events(p, batch_rows=2)
    rows = sorted(
        n
        for b in stream
        for n in b.canonical.column("source_row").to_pylist()
        + b.rejected.column("source_row").to_pylist()
    )
    assert rows == list(range(1, 10))


def test_a_16_mib_value_is_read_and_an_unclosed_quote_refused(tmp_path):
    big = "x" * (16 << 20)  # longer than a parse block: read with bigger blocks
    p = _csv(
        tmp_path / "big.csv",
        f"id,date,lat,lon,notes\na,2021-07-01,34.5,69.2,{big}\nb,2021-07-01,34.5,69.2,n\n",
    )
    r = read_events(p)
    assert r.events["event_id"].tolist() == ["a", "b"]
    assert len(r.events["src_notes"].iloc[0]) == 16 << 20
    assert len(_read_in_batches(p, 1)) == 0  # and batch by batch, nothing rejected
    # a quote never closed swallows the rows after it: refused, naming the line
    rows = "".join(f"r{i},2021-07-01,34.5,69.2,n{i}\n" for i in range(40))
    p = _csv(tmp_path / "quote.csv", 'id,date,lat,lon,notes\na,2021-07-01,34.5,69.2,"oops\n' + rows)
    with pytest.raises(DataFileError, match="never closed") as err:
        read_events(p)
    assert str(p) in str(err.value)


def test_parts_folder_and_glob(tmp_path):
    header = "id,date,lat,lon\n"
    folder = tmp_path / "parts"
    (folder / "year=2021").mkdir(parents=True)
    _csv(folder / "year=2021" / "b.csv", header + "b1,2021-07-01,34.5,69.2\n")
    _csv(folder / "a.csv", header + "a1,2021-07-01,34.5,69.2\na2,2021-07-01,34.5,69.2\n")
    _csv(folder / "_SUCCESS", "")
    _csv(folder / ".hidden.csv", "junk")
    assert [p.name for p in resolve_parts(folder)] == ["a.csv", "b.csv"]
    assert [p.name for p in resolve_parts(str(folder / "*.csv"))] == ["a.csv"]
    r = read_events(folder)
    assert r.events["source_file"].tolist() == ["a.csv", "a.csv", "year=2021/b.csv"]
    assert r.events["source_row"].tolist() == [1, 2, 1]
    with pytest.raises(DataFileError, match="matches no file"):
        resolve_parts(str(tmp_path / "nothing-*.csv"))
    _csv(folder / "c.csv", "id,date,latitude,lon\nc1,2021-07-01,34.5,69.2\n")
    with pytest.raises(DataFileError, match="another header"):
        read_events(folder)
    (folder / "c.csv").unlink()
    (folder / "d.parquet").write_bytes(b"")
    with pytest.raises(DataFileError, match="mixes CSV and Parquet"):
        resolve_parts(folder)


def test_duplicate_ids_across_parts_keep_the_first_good_row(tmp_path):
    header = "id,date,lat,lon\n"
    folder = tmp_path / "p"
    folder.mkdir()
    _csv(folder / "1.csv", header + "x,2021-07-01,34.5,69.2\ny,bad,34.5,69.2\n")
    _csv(folder / "2.csv", header + "y,2021-07-01,34.5,69.2\nx,2021-07-01,34.5,69.2\n")
    r = read_events(folder)
    assert r.events["event_id"].tolist() == ["x", "y"]  # y's first row was bad
    dup = r.rejected[r.rejected["reason"] == schema.DUPLICATE_EVENT_ID]
    assert dup["detail"].tolist() == ["event id x already used by source row 1 of 1.csv (kept)"]
    assert dup["source_file"].tolist() == ["2.csv"]


def test_hash_counter_spills_and_finds_the_same(tmp_path):
    rng = np.random.default_rng(0)
    values = rng.integers(0, 200_000, 300_000).astype(np.uint64) * np.uint64(2654435761)
    small = HashCounter(spill_at=10_000)
    big = HashCounter()
    for chunk in np.array_split(values, 37):
        small.add(chunk)
        big.add(chunk)
    try:
        assert small._dir is not None  # it did spill to files
        got, want = small.repeated(), big.repeated()
    finally:
        small.close()
        big.close()
    uniq, counts = np.unique(values, return_counts=True)
    assert (got == want).all() and (got == uniq[counts > 1]).all()


def test_hash_strings():
    arr = pa.array(["AFG1", "AFG1", "", None, "AFG10", "éé", "AFG1"])
    h = hash_strings(arr)
    assert h[0] == h[1] == h[6] and h[2] == h[3]  # equal text, equal hash; null is ""
    assert len(set(h[[0, 2, 4, 5]].tolist())) == 4
    assert (hash_strings(arr.slice(4)) == h[4:]).all()  # offsets of a slice respected
    ids = pa.array([f"AFG{i}" for i in range(200_000)])
    assert len(np.unique(hash_strings(ids))) == 200_000
    # a string's hash does not depend on the others in the array (padding, encoding)
    alone = hash_strings(pa.array(["AFG31"]))[0]
    assert hash_strings(pa.array(["AFG31", "x" * 20]))[0] == alone
    assert hash_strings(pa.array(["AFG31", "x" * 70]))[0] == alone  # the byte-wise path
    assert hash_strings(pa.array(["AFG31", "é"]))[0] == alone


def test_fast_number_parsing_agrees_with_the_rule():
    texts = ["1", "1.", ".5", "-.5", "+1", "1e5", "1E+05", "1.e5", "1e999", "0", "-0",
             "00012", "3.4028e38", "1.5E-3", "nan", "NaN", "inf", "-inf", "Infinity",
             "", ".e5", "1e", "0x10", "1_000", "--5", "1,5", "12abc", "٣"]  # fmt: skip
    arr = pa.array(texts)
    empty = np.array([t == "" for t in texts])
    for subset in (slice(None), slice(0, 14), slice(14, 19)):  # mixed, all numbers, odd
        a, e = arr[subset], empty[subset]
        fast, slow = _to_float(a, e, fast=True), _to_float(a, e, fast=False)
        assert (fast[1] == slow[1]).all()
        assert np.array_equal(fast[0], slow[0], equal_nan=True)
    assert _to_float(arr, empty, fast=False)[1][:14].all()
    assert not _to_float(arr, empty, fast=False)[1][14:].any()


def test_batches_and_whole_file_give_the_same_frame(tmp_path):
    from dirty import write_dirty

    p = write_dirty(tmp_path / "d.csv")
    whole = read_events(p)
    stream = iter_events(p, batch_rows=333)
    parts = [b for b in stream]
    events = pd.concat([b.events.to_pandas() for b in parts], ignore_index=True)
    assert events["event_id"].tolist() == whole.events["event_id"].tolist()
    assert events["date"].astype(str).tolist() == whole.events["date"].astype(str).tolist()
    assert stream.reject_counts() == whole.reject_counts()
    assert stream.n_read == whole.n_read == 3000


def test_quoted_headers_and_tabs(tmp_path):
    p = tmp_path / "t.tsv"
    with open(p, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["id", "date", "lat", "lon"])
        w.writerow(["a", "2021-07-01", "34,5", "69,2"])
    r = read_events(p)
    assert (r.events["latitude"].tolist(), r.events["longitude"].tolist()) == ([34.5], [69.2])


def test_a_repeated_id_is_found_whatever_its_batch_holds(tmp_path):
    """Regression: a batch's longest id must not change how its ids are hashed."""
    rows = [f"x{i},2021-07-01,34.5,69.2\n" for i in range(300)]
    rows.append("a-much-longer-identifier-here,2021-07-01,34.5,69.2\n")
    rows.append("x7,2021-07-01,34.5,69.2\n")  # a duplicate, in a batch with a long id
    p = _csv(tmp_path / "ids.csv", "id,date,lat,lon\n" + "".join(rows))
    for batch_rows in (1000, 100):
        r = read_events(p).rejected if batch_rows == 1000 else _read_in_batches(p, batch_rows)
        dup = r[r["reason"] == schema.DUPLICATE_EVENT_ID]
        assert dup["source_row"].tolist() == [302], batch_rows
        assert dup["detail"].tolist() == ["event id x7 already used by source row 8 (kept)"]


def _read_in_batches(path: Path, batch_rows: int) -> pd.DataFrame:
    stream = iter_events(path, batch_rows=batch_rows)
    return pd.concat([b.rejected.to_pandas() for b in stream], ignore_index=True)
