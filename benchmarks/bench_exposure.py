"""Time event exposure: the union-of-buffers reference against the grid method.

Usage: python benchmarks/bench_exposure.py [--events 100000] [--radius-km 5] [--seed 0]
                                           [--layout clustered|uniform] [--repeat 3]

Events are drawn with a seeded RNG inside the outline of the 398 bundled districts.
``clustered`` (default) is shaped like conflict data: 2,000 hot spots picked with
probability proportional to population, events scattered around them (normal, sigma
8 km); ``uniform`` spreads them evenly (then 5 km buffers cover nearly the whole country).

Prints, for the same events and radius: the reference (``method="exact"``: per-UTM-zone
buffers, ``union_all``, exactextract with partial cells), the grid method with
``oversample=4`` (default) and with ``oversample=1`` (plain cell-centre rule), their
timings, speed-ups and the differences in totals (absolute and %). The raster total is
printed for scale.
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import rasterio
import shapely

from geofront.boundaries import read_boundaries
from geofront.exposure import event_exposure
from geofront.raster import open_raster, raster_total


def make_events(n: int, *, seed: int, layout: str) -> gpd.GeoDataFrame:
    """``n`` points inside Afghanistan (EPSG:4326)."""
    outline = read_boundaries().outline()
    rng = np.random.default_rng(seed)
    lon: list[np.ndarray] = []
    lat: list[np.ndarray] = []
    if layout == "clustered":
        with open_raster(None) as (ds, info):
            pop = ds.read(1, masked=True).filled(0).astype("float64")
            transform = info.transform
        flat = np.clip(pop.ravel(), 0, None)
        spots = rng.choice(flat.size, size=2000, p=flat / flat.sum())
        rows, cols = np.unravel_index(spots, pop.shape)
        sx, sy = rasterio.transform.xy(transform, rows, cols)
        sx, sy = np.asarray(sx), np.asarray(sy)
    got = 0
    while got < n:
        m = 2 * n
        if layout == "clustered":
            k = rng.integers(0, len(sx), m)
            x = sx[k] + rng.normal(0, 8.0 / (111.32 * np.cos(np.radians(sy[k]))), m)
            y = sy[k] + rng.normal(0, 8.0 / 110.6, m)
        else:
            minx, miny, maxx, maxy = outline.bounds
            x, y = rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)
        keep = shapely.contains_xy(outline, x, y)
        lon.append(x[keep])
        lat.append(y[keep])
        got += int(keep.sum())
    x, y = np.concatenate(lon)[:n], np.concatenate(lat)[:n]
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs="EPSG:4326")


def timed(
    events: gpd.GeoDataFrame, radius_m: float, repeat: int, **kw: object
) -> tuple[float, float]:
    """Best wall time of ``repeat`` runs, and the population found."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        table = event_exposure(events, radius_m=radius_m, **kw)  # type: ignore[arg-type]
        best = min(best, time.perf_counter() - t0)
    return best, float(table["population"].iloc[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--radius-km", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--layout", choices=("clustered", "uniform"), default="clustered")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs for each method")
    args = ap.parse_args()
    radius_m = args.radius_km * 1000.0
    events = make_events(args.events, seed=args.seed, layout=args.layout)
    total = raster_total()
    print(
        f"{len(events):,} {args.layout} events (seed {args.seed}), radius {args.radius_km:g} km; "
        f"raster total {total:,.0f} people; best of {args.repeat} runs"
    )
    t_ref, p_ref = timed(events, radius_m, args.repeat, method="exact")
    print(f"  reference (union of buffers + exactextract): {t_ref:7.2f} s  {p_ref:14,.0f} people")
    for oversample in (4, 1):
        t, p = timed(events, radius_m, args.repeat, method="grid", oversample=oversample)
        diff = p - p_ref
        print(
            f"  grid, oversample={oversample}:                     {t:7.2f} s  {p:14,.0f} people"
            f"  speed-up {t_ref / t:5.1f}x  difference {diff:+,.0f} ({100 * diff / p_ref:+.3f} %)"
        )


if __name__ == "__main__":
    main()
