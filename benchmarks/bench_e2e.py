"""End to end: ``geofront join`` of an ACLED-layout export to GeoParquet, timed.

Usage:
    python benchmarks/bench_e2e.py --input /tmp/acled_1e7.csv [--input /tmp/acled_1e8/ ...]
    python benchmarks/bench_e2e.py --rows 10000000 --workdir /tmp/bench

Each input (a CSV file, or a folder of parts) is joined by the ``geofront`` command in
its own process (``-o joined.parquet --rejects rejects.parquet``) and a side-by-side
table is printed: rows, seconds, rows per second, the process's peak RSS, and the
counts, which must add up (read = joined + rejected; checked here again from the files
written). ``--rows N`` first writes an N-row export with ``make_acled_big.py`` (kept in
``--workdir``). Extra arguments after ``--`` go to ``geofront join`` (e.g.
``-- --batch-size 250000``).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq


def _geofront() -> str:
    return str(Path(sys.executable).with_name("geofront"))


def run(path: Path, out_dir: Path, extra: list[str]) -> dict[str, object]:
    out_dir.mkdir(parents=True, exist_ok=True)
    joined, rejects = out_dir / "joined.parquet", out_dir / "rejects.parquet"
    cmd = [_geofront(), "join", str(path), "-o", str(joined), "--rejects", str(rejects), *extra]
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak memory
        proc.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - t0
        err.seek(0)
        stderr = err.read()
    if proc.returncode:
        raise SystemExit(f"geofront join {path} failed: {stderr.strip()[-500:]}")
    line = [ln for ln in stderr.splitlines() if ln.startswith("read ")][-1]
    n_read = int(re.match(r"read (\d+)", line).group(1))  # type: ignore[union-attr]
    n_joined = pq.ParquetFile(joined).metadata.num_rows
    n_rejected = pq.ParquetFile(rejects).metadata.num_rows
    assert n_joined + n_rejected == n_read, (n_joined, n_rejected, n_read)
    return {
        "input": path.name + ("/" if path.is_dir() else ""),
        "rows": f"{n_read:,}",
        "seconds": f"{seconds:.1f}",
        "rows/s": f"{n_read / seconds:,.0f}",
        "peak RSS MB": f"{usage.ru_maxrss / 1024:,.0f}",
        "joined": f"{n_joined:,}",
        "rejected": f"{n_rejected:,}",
        "adds up": "yes",
        "output MB": f"{joined.stat().st_size / 1e6:,.0f}",
        "summary": line,
    }


def main() -> None:
    argv = sys.argv[1:]
    extra: list[str] = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1 :]
        argv = argv[: argv.index("--")]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", type=Path, action="append", default=[])
    ap.add_argument("--rows", type=int, default=None, help="write an export of this size first")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/geofront-bench"))
    args = ap.parse_args(argv)
    inputs = list(args.input)
    if args.rows:
        target = args.workdir / f"acled_{args.rows}.csv"
        if not target.exists():
            args.workdir.mkdir(parents=True, exist_ok=True)
            maker = Path(__file__).with_name("make_acled_big.py")
            subprocess.run(
                [sys.executable, str(maker), "--rows", str(args.rows), "-o", str(target)],
                check=True,
            )
        inputs.append(target)
    rows = []
    for k, path in enumerate(inputs):
        rows.append(run(path, args.workdir / f"out{k}", extra))
    table = pd.DataFrame(rows)
    print(table.drop(columns="summary").to_string(index=False))
    for r in rows:
        print(f"{r['input']}: {r['summary']}")


if __name__ == "__main__":
    main()
