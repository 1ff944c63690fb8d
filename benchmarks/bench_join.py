"""Time join_events on N random events over the bundled 398 districts.

Usage:
    python benchmarks/bench_join.py [--events 1000000] [--seed 0]
    python benchmarks/bench_join.py --compare [--sizes 1000000,10000000]

Points are uniform over Afghanistan's bounding box, so about half fall outside the
country and exercise the snapping / rejection path too.

Without ``--compare``: prints events per second and the count of each join method; the
counts must add up to N.

With ``--compare``: for each size, geopandas.sjoin and geofront run in
separate processes on the same points (each process's peak memory is its own) and a
side-by-side table is printed: seconds, events per second, peak RSS (and the part of it
the join itself added), and whether the assignments are identical. geopandas.sjoin
(predicate "intersects", one answer per point by the same smallest-id rule) starts
from a GeoDataFrame of points, its natural input; geofront from a DataFrame of
coordinates, with ``geometry=False`` (no geometry objects at all). geofront also snaps
points within 2 km of a district, which sjoin does not do: those are counted apart and
every other point must get the same district from both.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from geofront.boundaries import read_boundaries
from geofront.join import boundaries_index, join_events


def _points(n: int, seed: int, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = bounds
    return rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(engine: str, n: int, seed: int, out: Path) -> dict[str, float]:
    """Join in this process; save the district position per point (-1 none)."""
    b = read_boundaries()
    lon, lat = _points(n, seed, b.provinces.total_bounds)
    ids = b.districts["district_id"].to_numpy()
    if engine == "geopandas":
        import geopandas as gpd

        t0 = time.perf_counter()
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat, crs=b.crs))
        build = time.perf_counter() - t0
        polys = b.districts[["geometry"]].reset_index(drop=True)
        base = _rss_mb()
        t0 = time.perf_counter()
        j = gpd.sjoin(pts, polys, how="left", predicate="intersects")
        right = j["index_right"].fillna(-1).astype(np.int64)
        pos = right.groupby(level=0).min().reindex(range(n), fill_value=-1).to_numpy()
        seconds = time.perf_counter() - t0
        snapped = 0
    elif engine == "assign":
        from geofront.join import Joiner

        joiner = Joiner(b)  # the index, built once per boundary set and cached on disk
        none = np.zeros(n, dtype=bool)
        build = 0.0
        base = _rss_mb()
        t0 = time.perf_counter()
        a = joiner.assign(lon, lat, region=none, country=none)
        seconds = time.perf_counter() - t0
        covered = a.method != 2  # not snapped
        pos = np.where(covered, a.unit, -1)
        snapped = int((a.method == 2).sum())
    else:
        boundaries_index(b)  # built once per boundary set and cached on disk
        import pyarrow as pa

        events = pd.DataFrame(
            {  # made in Arrow: no Python string per event
                "event_id": pd.arrays.ArrowStringArray(
                    pa.array(np.arange(n)).cast(pa.large_string())
                ),
                "longitude": lon,
                "latitude": lat,
                "location_precision": pd.Categorical.from_codes(
                    np.zeros(n, dtype=np.int8), categories=["exact"]
                ),
            }
        )
        build = 0.0
        base = _rss_mb()
        t0 = time.perf_counter()
        res = join_events(events, b, geometry=False)
        seconds = time.perf_counter() - t0
        c = res.counts
        assert c["joined"] + c["rejected"] == n, c
        pos = np.full(n, -1, dtype=np.int64)
        where = {d: i for i, d in enumerate(ids)}
        joined = res.joined
        method = joined["join_method"].astype(str).to_numpy()
        covered = method != "snapped"
        rows = joined.index.to_numpy()[covered]
        pos[rows] = pd.Series(joined["district_id"].to_numpy()[covered]).map(where).to_numpy()
        snapped = int((~covered).sum())
    np.save(out, pos.astype(np.int16))
    return {
        "seconds": seconds,
        "build_s": build,
        "peak_mb": _rss_mb(),
        "base_mb": base,
        "joined": int((pos >= 0).sum()),
        "snapped": snapped,
    }


ENGINES = ("geopandas", "geofront", "assign")
LABELS = {
    "geopandas": "geopandas.sjoin",
    "geofront": "geofront join_events",
    "assign": "geofront assignments only",
}


def compare(sizes: list[int], seed: int) -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            got = {}
            for engine in ENGINES:
                out = Path(tmp) / f"{engine}-{n}.npy"
                cmd = [sys.executable, __file__, "--one", engine, "--events", str(n),
                       "--seed", str(seed), "--out", str(out)]  # fmt: skip
                res = subprocess.run(cmd, capture_output=True, text=True, check=False)
                if res.returncode:
                    raise SystemExit(f"{engine} at {n}: {res.stderr.strip()[-400:]}")
                got[engine] = json.loads(res.stdout.strip().splitlines()[-1])
                got[engine]["pos"] = np.load(out)
            for engine in ENGINES:
                g = got[engine]
                same = bool((got["geopandas"]["pos"] == g["pos"]).all())
                speed = got["geopandas"]["seconds"] / g["seconds"]
                rows.append(
                    {
                        "events": f"{n:,}",
                        "engine": LABELS[engine],
                        "seconds": f"{g['seconds']:.2f}",
                        "events/s": f"{n / g['seconds']:,.0f}",
                        "vs sjoin": "1x" if engine == "geopandas" else f"{speed:.0f}x faster",
                        "peak RSS MB": f"{g['peak_mb']:,.0f}",
                        "join added MB": f"{g['peak_mb'] - g['base_mb']:,.0f}",
                        "in a district": f"{g['joined']:,}",
                        "snapped 2 km": f"{g['snapped']:,}" if engine != "geopandas" else "-",
                        "same districts": "-"
                        if engine == "geopandas"
                        else ("yes" if same else "NO"),
                    }
                )
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    print(
        "geopandas.sjoin: sjoin(intersects) + smallest district per point, from a "
        "GeoDataFrame of points (building it not counted). geofront join_events: "
        "join_events(geometry=False) from coordinates, joined and rejected tables built "
        "(each reject with its reason and detail). geofront assignments only: "
        "Joiner.assign, the district (and method, snap distance) of every point, no "
        "tables. Index loaded from the cache. Peak RSS: whole process, one per engine."
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--snap-m", type=float, default=2000.0)
    ap.add_argument("--compare", action="store_true")
    ap.add_argument("--sizes", default="1000000,10000000")
    ap.add_argument("--one", choices=list(ENGINES), help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.events, args.seed, args.out)))
        return
    if args.compare:
        compare([int(s) for s in args.sizes.split(",")], args.seed)
        return
    b = read_boundaries()
    n = args.events
    lon, lat = _points(n, args.seed, b.provinces.total_bounds)
    rng = np.random.default_rng(args.seed + 1)
    events = pd.DataFrame(
        {
            "event_id": np.arange(n).astype(str),
            "longitude": lon,
            "latitude": lat,
            "location_precision": rng.choice(["exact", "near", "region"], n, p=[0.7, 0.2, 0.1]),
            "source_row": np.arange(1, n + 1),
        }
    )
    t0 = time.perf_counter()
    index = boundaries_index(b)
    print(f"cell index ({index.nx} x {index.ny} cells): {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    res = join_events(events, b, snap_distance_m=args.snap_m, geometry=False)
    dt = time.perf_counter() - t0
    c = res.counts
    print(f"events {n:,}: {dt:.2f} s, {n / dt:,.0f} events/s, peak RSS {_rss_mb():,.0f} MB")
    print(
        "  joined {joined:,} (within {within:,}, border {border:,}, snapped {snapped:,}, "
        "region {region:,}); rejected {rejected:,}".format(**c)
    )
    assert c["joined"] + c["rejected"] == n


if __name__ == "__main__":
    main()
