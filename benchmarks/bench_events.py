"""Benchmark geofront.read_events on a synthetic ACLED-layout CSV.

Writes N rows (default 1,000,000) in the post-2023 31-column ACLED layout to a temporary
folder, about 3 % of them bad (blank, text or out-of-range coordinates, swapped
coordinates, bad dates, duplicate ids), then times read_events and prints rows/s and the
peak memory of the process.

    python benchmarks/bench_events.py --rows 1000000
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from geofront.events import ACLED_COLUMNS, read_events

COLUMNS = list(ACLED_COLUMNS)
ACTORS = np.array(
    [
        "Taliban",
        "Military Forces of Afghanistan (2004-2021)",
        "Police Forces of Afghanistan (2004-2021)",
        "Islamic State (Afghanistan)",
        "Civilians (Afghanistan)",
        "Unidentified Armed Group (Afghanistan)",
        "Military Forces of Afghanistan (2021-)",
        "Protesters (Afghanistan)",
    ]
)


def make_csv(path: Path, n: int, seed: int = 0) -> dict[str, int]:
    """Write a synthetic ACLED file; return how many rows of each kind were spoiled."""
    rng = np.random.default_rng(seed)
    lat = np.round(rng.uniform(29.5, 38.4, n), 5).astype(str).astype(object)
    lon = np.round(rng.uniform(60.6, 74.8, n), 5).astype(str).astype(object)
    days = np.datetime64("2021-05-01") + rng.integers(0, 150, n).astype("timedelta64[D]")
    dates = np.datetime_as_string(days).astype(object)
    ids = np.char.add("AFG", np.arange(1, n + 1).astype(str)).astype(object)
    kind = rng.choice(6, size=n, p=[0.97, 0.006, 0.006, 0.006, 0.006, 0.006])
    lat[kind == 1] = ""  # missing
    lat[kind == 2] = "n/a"  # text
    swap = np.flatnonzero(kind == 3)  # swapped: lon in the latitude column
    lat[swap], lon[swap] = lon[swap], lat[swap]
    dates[kind == 4] = "2021-13-45"
    dup = np.flatnonzero(kind == 5)
    ids[dup] = ids[np.maximum(dup - 1, 0)]
    a1 = ACTORS[rng.integers(0, len(ACTORS), n)]
    a2 = ACTORS[rng.integers(0, len(ACTORS), n)]
    const = {c: pa.array(np.full(n, "", dtype=object), pa.string()) for c in COLUMNS}
    const.update(
        {
            "event_id_cnty": pa.array(ids, pa.string()),
            "event_date": pa.array(dates, pa.string()),
            "year": pa.array(np.full(n, "2021", dtype=object), pa.string()),
            "time_precision": pa.array(rng.integers(1, 4, n).astype(str).astype(object)),
            "event_type": pa.array(np.full(n, "Battles", dtype=object)),
            "sub_event_type": pa.array(np.full(n, "Armed clash", dtype=object)),
            "actor1": pa.array(a1.astype(object)),
            "actor2": pa.array(a2.astype(object)),
            "country": pa.array(np.full(n, "Afghanistan", dtype=object)),
            "latitude": pa.array(lat, pa.string()),
            "longitude": pa.array(lon, pa.string()),
            "geo_precision": pa.array(rng.integers(1, 4, n).astype(str).astype(object)),
            "notes": pa.array(
                np.full(n, "Taliban attacked a checkpoint, killing 2.", dtype=object)
            ),
            "fatalities": pa.array(rng.integers(0, 20, n).astype(str).astype(object)),
        }
    )
    table = pa.table([const[c] for c in COLUMNS], names=COLUMNS)
    pacsv.write_csv(table, path)
    return {
        "missing": int((kind == 1).sum()),
        "text": int((kind == 2).sum()),
        "swapped": int((kind == 3).sum()),
        "bad date": int((kind == 4).sum()),
        "duplicate": int((kind == 5).sum()),
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "acled_synthetic.csv"
        t0 = time.perf_counter()
        spoiled = make_csv(path, args.rows)
        print(
            f"wrote {args.rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - t0:.1f} s; spoiled: {spoiled}"
        )
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        result = read_events(path)
        dt = time.perf_counter() - t0
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1024 if sys.platform != "darwin" else 1024 * 1024  # ru_maxrss: KiB on Linux
    print(f"read_events: {result.n_read:,} rows in {dt:.2f} s = {result.n_read / dt:,.0f} rows/s")
    print(
        f"kept {len(result.events):,}, rejected {len(result.rejected):,}: {result.reject_counts()}"
    )
    print(f"peak memory {rss1 / scale:,.0f} MB (before reading: {rss0 / scale:,.0f} MB)")


if __name__ == "__main__":
    main()
