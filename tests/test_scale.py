"""The dask engine (geofront.scale) on an in-process 2-worker LocalCluster.

Every answer is compared with the in-memory or streaming engine on the same data: the
dask engine must give the same rows, units, methods, rejects and counts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from dirty import write_dirty
from geofront.cli.main import cli
from geofront.engine import join_file
from geofront.events import read_events
from geofront.join import join_events
from geofront.summary import summarize, summarize_file

#: A dask cluster starts in every test: the slow tier (the dask engine is an optional extra).
pytestmark = pytest.mark.slow

dd = pytest.importorskip("dask.dataframe", reason="pip install 'geofront[test]' installs dask")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dirty export cut into three parts (records 1-1000, 1001-2000, 2001-3000)."""
    root = tmp_path_factory.mktemp("parts")
    whole = write_dirty(root / "whole.csv")
    lines = whole.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    folder = root / "parts"
    folder.mkdir()
    cuts = [0, 1001, 2001, len(body)]  # row 3's note spans two lines
    for k in range(3):
        (folder / f"part-{k}.csv").write_text(header + "".join(body[cuts[k] : cuts[k + 1]]))
    return folder


def test_join_file_on_two_workers_matches_the_stream(client, parts, afghanistan, tmp_path):
    from geofront.scale import join_file_dask

    run = join_file_dask(
        parts,
        afghanistan,
        output=tmp_path / "joined",
        rejects=tmp_path / "rejects.csv",
        client=client,
        batch_rows=400,
    )
    ref = join_file(
        parts,
        afghanistan,
        output=tmp_path / "ref.parquet",
        rejects=tmp_path / "ref.csv",
        batch_rows=400,
    )
    assert run.n_read == ref.n_read == 3000
    assert run.counts == ref.counts
    assert run.counts["joined"] + run.counts["rejected"] == run.n_read
    assert sorted(p.name for p in (tmp_path / "joined").iterdir()) == [
        "part-00000.parquet",
        "part-00001.parquet",
        "part-00002.parquet",
    ]
    got = pd.read_parquet(tmp_path / "joined")
    want = pd.read_parquet(tmp_path / "ref.parquet")
    assert (
        got.drop(columns="geometry").astype(str).equals(want.drop(columns="geometry").astype(str))
    )
    assert (got["geometry"] == want["geometry"]).all()  # the same WKB bytes
    rej = pd.concat(
        [
            pd.read_csv(p, keep_default_na=False)
            for p in sorted((tmp_path / "rejects.csv").iterdir())
        ],
        ignore_index=True,
    )
    assert rej.astype(str).equals(
        pd.read_csv(tmp_path / "ref.csv", keep_default_na=False).astype(str)
    )
    # duplicates across parts were settled by the first good row of the whole export
    dup = rej[rej["reason"] == "duplicate_event_id"]["detail"].tolist()
    assert dup == ["event id AFG31 already used by source row 31 of part-0.csv (kept)"] * 2


def test_a_second_run_replaces_the_folder_and_a_failed_one_leaves_it(
    client, parts, afghanistan, tmp_path
):
    from geofront.errors import OutputError
    from geofront.scale import join_file_dask

    out = tmp_path / "joined"
    join_file_dask(parts, afghanistan, output=out, client=client)
    first = sorted(p.name for p in out.iterdir())
    join_file_dask(parts, afghanistan, output=out, client=client)
    assert sorted(p.name for p in out.iterdir()) == first
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputError, match="other files than parts"):
        join_file_dask(parts, afghanistan, output=out, client=client)
    assert (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["joined"]  # no temporary folder


def test_join_events_on_a_dask_dataframe(client, parts, afghanistan):
    read = read_events(parts.parent / "whole.csv")
    events = pd.DataFrame(read.events.drop(columns="geometry"))
    want = join_events(events, afghanistan, geometry=False)
    ddf = dd.from_pandas(events, npartitions=4)
    got = join_events(ddf, afghanistan)
    joined, rejected = client.compute([got.joined, got.rejected], sync=True)
    assert joined.astype(str).equals(want.joined.astype(str))
    assert rejected.astype(str).equals(want.rejected.astype(str))
    assert dict(got.counts) == dict(want.counts)
    with pytest.raises(ValueError, match="no geometry"):
        join_events(ddf, afghanistan, geometry=True)


@pytest.mark.parametrize(("by", "freq"), [("district", None), ("province", "W")])
def test_summarize_a_dask_dataframe_and_files(client, parts, afghanistan, tmp_path, by, freq):
    from geofront.scale import summarize_file_dask

    read = read_events(parts.parent / "whole.csv")
    joined = join_events(read.events, afghanistan, geometry=False).joined
    want = summarize(joined, afghanistan, by=by, freq=freq)
    got = summarize(dd.from_pandas(joined, npartitions=3), afghanistan, by=by, freq=freq)
    pd.testing.assert_frame_equal(got, want)
    # raw parts, joined on the workers; and the joined GeoParquet parts of a dask join
    raw, n = summarize_file_dask(parts, afghanistan, by=by, freq=freq, client=client)
    pd.testing.assert_frame_equal(raw, want)
    assert n == len(joined)
    runner = CliRunner()
    out = tmp_path / "joined"
    res = runner.invoke(
        cli,
        ["-q", "join", str(parts), "-o", str(out), "--engine", "dask", "--scheduler",
         client.scheduler.address],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    again, n2 = summarize_file_dask(out, afghanistan, by=by, freq=freq, client=client)
    pd.testing.assert_frame_equal(again, want)
    stream, _ = summarize_file(parts, afghanistan, by=by, freq=freq, batch_rows=700)
    pd.testing.assert_frame_equal(stream, want)
    assert n2 == len(joined)


def test_cli_dask_engine_counts_and_errors(client, parts, tmp_path, monkeypatch):
    import geofront.scale

    monkeypatch.setattr(geofront.scale, "CONNECT_TIMEOUT", "1s")
    runner = CliRunner()
    out = tmp_path / "j"
    res = runner.invoke(
        cli,
        ["join", str(parts), "-o", str(out), "--engine", "dask", "--scheduler",
         client.scheduler.address, "--batch-size", "500"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "read 3000: joined 1398" in res.stderr
    assert len(pd.read_parquet(out)) == 1398
    res = runner.invoke(cli, ["join", str(parts), "--engine", "dask"])
    assert res.exit_code == 1 and "give -o FOLDER" in res.output
    res = runner.invoke(
        cli, ["join", str(parts), "-o", str(tmp_path / "x"), "--engine", "dask",
              "--scheduler", "tcp://127.0.0.1:1"],
    )  # fmt: skip
    assert res.exit_code == 1 and "cannot reach the dask scheduler" in res.output
    assert "Traceback" not in res.output


def test_lazy_counts_add_up(client, afghanistan):
    from geofront.scale import LazyCounts

    rng = np.random.default_rng(1)
    n = 5000
    events = pd.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(n)],
            "longitude": rng.uniform(60.5, 74.9, n),
            "latitude": rng.uniform(29.4, 38.5, n),
            "location_precision": "exact",
        }
    )
    got = join_events(dd.from_pandas(events, npartitions=5), afghanistan)
    assert isinstance(got.counts, LazyCounts)
    assert got.counts["joined"] + got.counts["rejected"] == n
    want = join_events(events, afghanistan).counts
    assert dict(got.counts) == dict(want)


def test_geoparquet_parts_joined_again_on_the_cluster(client, parts, afghanistan, tmp_path):
    """Partitioned GeoParquet in (coordinates from the geometry), partitioned out."""
    import pyarrow.parquet as pq

    from geofront.scale import join_file_dask

    first = tmp_path / "first"
    join_file_dask(parts, afghanistan, output=first, client=client)
    points = tmp_path / "points"
    points.mkdir()
    for part in sorted(first.iterdir()):
        table = pq.read_table(part)
        keep = [c for c in table.column_names if c.startswith("src_") and "itude" not in c]
        renamed = table.select([*keep, "geometry"]).rename_columns(
            [c.removeprefix("src_") for c in keep] + ["geometry"]
        )
        pq.write_table(renamed.replace_schema_metadata(table.schema.metadata), points / part.name)
    # ACLED columns without latitude/longitude: read on purpose as a generic table
    run = join_file_dask(
        points, afghanistan, output=tmp_path / "again", client=client, format="csv"
    )
    ref = join_file(points, afghanistan, output=tmp_path / "ref.parquet", format="csv")
    assert run.counts == ref.counts and run.counts["rejected"] == 0
    assert (
        pd.read_parquet(tmp_path / "ref.parquet")["event_id"].iloc[0] == "part-00000.parquet:row1"
    )
    got = pd.read_parquet(tmp_path / "again").drop(columns="geometry")
    want = pd.read_parquet(tmp_path / "ref.parquet").drop(columns="geometry")
    assert got.astype(str).equals(want.astype(str))
    res = CliRunner().invoke(
        cli,
        ["-q", "summarize", str(tmp_path / "again"), "--by", "province", "--engine", "dask",
         "--scheduler", client.scheduler.address],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    table = pd.read_csv(__import__("io").StringIO(res.stdout))
    assert table["events"].sum() == run.counts["joined"]
