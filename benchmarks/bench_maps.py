"""Time the maps: every province's control map, and an events map of many events.

Usage: python benchmarks/bench_maps.py [--events 100000] [--dpi 60] [--out DIR]

Prints the total and slowest time for the 34 province control maps (seed events and
assessments, as of 2021-07-07), then draw and save times of a country events map of N
random events inside Afghanistan (seeded), with and without hexbin.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

import geofront as gf
from geofront.maps import bundled_context, control_map, events_map, save_figure


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--dpi", type=float, default=60.0)
    ap.add_argument("--out", type=Path, default=None, help="keep the maps here")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench_maps_"))
    out.mkdir(parents=True, exist_ok=True)

    b = gf.read_boundaries()
    ctx = bundled_context()
    joined = gf.join_events(gf.read_events("seed-events").events, b).joined
    assessments = gf.read_assessments("seed-assessments", b)
    control = gf.control_from_events(joined, b, as_of="2021-07-07", assessments=assessments)
    lines = gf.frontline_lines(control)
    times = []
    t0 = time.perf_counter()
    for province in sorted(b.provinces["province"].astype(str)):
        t = time.perf_counter()
        fig, _ = control_map(
            control,
            boundaries=b,
            frontlines=lines,
            province=province,
            as_of="2021-07-07",
            dpi=args.dpi,
            **ctx,
        )
        save_figure(fig, out / f"control_{province}.png", dpi=args.dpi)
        times.append((time.perf_counter() - t, province))
    slow = max(times)
    print(
        f"34 province control maps at {args.dpi:g} dpi: {time.perf_counter() - t0:.1f} s "
        f"(slowest {slow[1]}, {slow[0]:.2f} s)"
    )

    rng = np.random.default_rng(0)
    outline = b.outline()
    minx, miny, maxx, maxy = outline.bounds
    x = rng.uniform(minx, maxx, 3 * args.events)
    y = rng.uniform(miny, maxy, 3 * args.events)
    inside = shapely.contains_xy(outline, x, y)
    x, y = x[inside][: args.events], y[inside][: args.events]
    n = len(x)
    types = np.array(
        [
            "Battles",
            "Explosions/Remote violence",
            "Violence against civilians",
            "Protests",
            "Riots",
            "Strategic developments",
        ],
        dtype=object,
    )
    events = pd.DataFrame(
        {
            "event_id": np.arange(n).astype(str),
            "date": pd.Timestamp("2021-06-01") + pd.to_timedelta(rng.integers(0, 60, n), unit="D"),
            "event_type": types[rng.integers(0, len(types), n)],
            "side1": "insurgent",
            "side2": "government",
            "fatalities": rng.poisson(1.5, n),
            "location_precision": "exact",
            "latitude": y,
            "longitude": x,
            "source_dataset": "csv",
            "source_row": np.arange(1, n + 1),
        }
    )
    events["date_end"] = events["date"]
    many = gf.join_events(events, b).joined
    for hexbin in (False, True):
        t = time.perf_counter()
        fig, _ = events_map(many, boundaries=b, hexbin=hexbin, dpi=150, **ctx)
        t1 = time.perf_counter()
        save_figure(fig, out / f"events_hexbin_{hexbin}.png", dpi=150)
        print(
            f"events map, {len(many):,} events, hexbin={hexbin}: draw {t1 - t:.2f} s, "
            f"save {time.perf_counter() - t1:.2f} s"
        )
    print(f"maps in {out}")


if __name__ == "__main__":
    main()
