"""Time join_events on N random events over the bundled 398 districts.

Usage: python benchmarks/bench_join.py [--events 1000000] [--seed 0]

Points are uniform over Afghanistan's bounding box, so about half fall outside the
country and exercise the snapping / rejection path too. Prints events per second and the
count of each join method; the counts must add up to N.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from geofront.boundaries import read_boundaries
from geofront.join import join_events


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--snap-m", type=float, default=2000.0)
    args = ap.parse_args()
    b = read_boundaries()
    rng = np.random.default_rng(args.seed)
    minx, miny, maxx, maxy = b.provinces.total_bounds
    n = args.events
    events = pd.DataFrame(
        {
            "event_id": np.arange(n).astype(str),
            "longitude": rng.uniform(minx, maxx, n),
            "latitude": rng.uniform(miny, maxy, n),
            "location_precision": rng.choice(["exact", "near", "region"], n, p=[0.7, 0.2, 0.1]),
            "source_row": np.arange(1, n + 1),
        }
    )
    t0 = time.perf_counter()
    res = join_events(events, b, snap_distance_m=args.snap_m)
    dt = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    c = res.counts
    print(f"events {n:,}: {dt:.2f} s, {n / dt:,.0f} events/s, peak RSS {peak_mb:,.0f} MB")
    print(
        "  joined {joined:,} (within {within:,}, border {border:,}, snapped {snapped:,}, "
        "region {region:,}); rejected {rejected:,}".format(**c)
    )
    assert c["joined"] + c["rejected"] == n


if __name__ == "__main__":
    main()
