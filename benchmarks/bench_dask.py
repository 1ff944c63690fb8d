"""The dask engine on a local cluster of 1 and 2 workers, against the streaming engine.

Usage:
    python benchmarks/bench_dask.py --rows 2000000 --parts 8 [--workdir /tmp/geofront-dask]

Writes (once, kept in ``--workdir``) an ACLED-layout export of ``--rows`` rows in
``--parts`` CSV files (``make_acled_big.py``), then joins it with the streaming engine
(one process) and with ``--engine dask`` on a local cluster of 1 and of 2 worker
processes, and prints a side-by-side table: seconds, rows per second, counts, and
whether the joined and rejected rows are identical to the streaming engine's (every
column of every row, in order).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from geofront.boundaries import read_boundaries
from geofront.engine import join_file
from geofront.scale import dask_client, join_file_dask


def _digest(paths: list[Path]) -> str:
    """A hash of the rows of parquet file(s), in order, every column as text."""
    h = hashlib.blake2b(digest_size=16)
    for p in paths:
        for batch in pq.ParquetFile(p).iter_batches(batch_size=200_000):
            frame = batch.to_pandas()
            for col in frame.columns:
                if (
                    frame[col].dtype == object
                    and len(frame)
                    and isinstance(frame[col].iloc[0], bytes)
                ):
                    frame[col] = frame[col].map(bytes.hex)  # WKB points, as text
            h.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy())
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--parts", type=int, default=8)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/geofront-dask"))
    args = ap.parse_args()
    parts = args.workdir / f"acled_{args.rows}_{args.parts}"
    if not parts.exists():
        maker = Path(__file__).with_name("make_acled_big.py")
        cmd = [sys.executable, str(maker), "--rows", str(args.rows), "--parts", str(args.parts),
               "-o", str(parts)]  # fmt: skip
        subprocess.run(cmd, check=True)
    b = read_boundaries()
    rows = []
    out = args.workdir / "stream"
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    ref = join_file(parts, b, output=out / "joined.parquet", rejects=out / "rejects.parquet")
    seconds = time.perf_counter() - t0
    ref_digest = (_digest([out / "joined.parquet"]), _digest([out / "rejects.parquet"]))
    rows.append(("stream (1 process)", seconds, ref, "reference"))
    for w in (int(x) for x in args.workers.split(",")):
        target = args.workdir / f"dask{w}"
        target.mkdir(parents=True, exist_ok=True)
        with dask_client(workers=w) as client:
            t0 = time.perf_counter()
            run = join_file_dask(
                parts,
                b,
                output=target / "joined",
                rejects=target / "rejects.parquet",
                client=client,
            )
            seconds = time.perf_counter() - t0
        digest = (
            _digest(sorted((target / "joined").glob("part-*.parquet"))),
            _digest(sorted((target / "rejects.parquet").glob("part-*.parquet"))),
        )
        same = digest == ref_digest and run.counts == ref.counts
        rows.append((f"dask, {w} worker(s)", seconds, run, "yes" if same else "NO"))
    table = pd.DataFrame(
        [
            {
                "engine": name,
                "rows": f"{r.n_read:,}",
                "seconds": f"{s:.1f}",
                "rows/s": f"{r.n_read / s:,.0f}",
                "joined": f"{r.counts['joined']:,}",
                "rejected": f"{r.counts['rejected']:,}",
                "identical to stream": same,
            }
            for name, s, r, same in rows
        ]
    )
    print(table.to_string(index=False))
    print(
        f"{args.parts} CSV parts; dask: local cluster, one thread per worker process, "
        "index and reader scattered once per worker; times include starting the cluster's "
        "work (not the cluster itself)"
    )


if __name__ == "__main__":
    main()
