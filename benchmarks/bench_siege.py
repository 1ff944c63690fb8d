"""Time siege_status for all 34 provincial capitals, every day of a summer.

Synthetic events (seeded): half within 60 km of a random capital, half uniform over the
country's bounding box; dates uniform over 1 June - 31 August 2021 (92 days); sides drawn
from government / insurgent / civilians. The control table is the bundled 398 districts
with statuses redrawn every day (same geometry, new statuses: what a daily run sees).

Run:  /work/venv/bin/python benchmarks/bench_siege.py [--events 100000] [--days 92]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from geofront.boundaries import read_boundaries
from geofront.places import read_cities
from geofront.schema import CONTROL_COLUMNS
from geofront.siege import outskirt_rings, siege_status


def make_events(n: int, cities: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    near = n // 2
    pick = rng.integers(0, len(cities), near)
    # offsets up to 60 km (~0.54 deg of latitude); the longitude scale does not matter here
    r = 0.54 * np.sqrt(rng.random(near))
    a = rng.random(near) * 2 * np.pi
    lat = np.concatenate(
        [cities["latitude"].to_numpy()[pick] + r * np.cos(a), rng.uniform(29.4, 38.5, n - near)]
    )
    lon = np.concatenate(
        [cities["longitude"].to_numpy()[pick] + r * np.sin(a), rng.uniform(60.5, 74.9, n - near)]
    )
    sides = np.array(["government", "insurgent", "civilians"])
    date = pd.Timestamp("2021-06-01") + pd.to_timedelta(rng.integers(0, 92, n), unit="D")
    return pd.DataFrame(
        {
            "event_id": [f"b{i}" for i in range(n)],
            "date": date,
            "date_end": date,
            "side1": sides[rng.integers(0, 2, n)],
            "side2": sides[rng.integers(0, 3, n)],
            "location_precision": "exact",
            "latitude": lat,
            "longitude": lon,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=92)
    args = parser.parse_args()
    rng = np.random.default_rng(2021)
    b = read_boundaries()
    cities = read_cities(boundaries=b)
    t = time.perf_counter()
    events = make_events(args.events, cities, rng)
    print(f"events: {len(events):,} synthetic, made in {time.perf_counter() - t:.2f} s")

    t = time.perf_counter()
    rings = outskirt_rings(cities, segments=360)
    print(
        f"outskirt_rings: {len(rings)} sectors for 34 capitals in {time.perf_counter() - t:.3f} s"
    )

    control = b.districts.copy()
    control["since"], control["rule"], control["evidence"] = pd.NaT, "bench", ""
    statuses = np.array(["government", "contested", "insurgent", "unknown"])
    days = pd.date_range("2021-06-01", periods=args.days, freq="D")
    per_day = []
    counts: dict[str, int] = {}
    for day in days:
        control["status"] = statuses[rng.integers(0, 4, len(control))]
        ctrl = control[[*CONTROL_COLUMNS[:8], "geometry"]]  # what a siege needs
        t = time.perf_counter()
        status = siege_status(cities, events, ctrl, as_of=day)
        per_day.append(time.perf_counter() - t)
        for s, n in status["status"].value_counts().items():
            counts[str(s)] = counts.get(str(s), 0) + int(n)
    arr = np.array(per_day)
    print(
        f"siege_status, 34 capitals x {len(events):,} events x {len(days)} days: "
        f"total {arr.sum():.1f} s; first day {arr[0]:.2f} s (cold caches); "
        f"later days median {np.median(arr[1:]) if len(arr) > 1 else arr[0]:.3f} s, "
        f"max {arr[1:].max() if len(arr) > 1 else arr[0]:.3f} s"
    )
    print("city-days by status: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    main()
