"""Time control_from_events, control_timeline and frontline_lines on N synthetic events.

Usage: python benchmarks/bench_control.py [--events 10000000] [--dates 52] [--seed 0]

Events are already joined: uniform over the bundled 398 districts and over 2021, 5 %
region precision (no district), ACLED-like mix of event types and sides, 0.5 % territory
transfers. Prints seconds per step, events per second and peak memory, and the status
counts of the last date (they must add up to 398).
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from geofront.boundaries import read_boundaries
from geofront.control import control_from_events, control_timeline
from geofront.frontline import frontline_lines


def synthetic(n: int, district_ids: np.ndarray, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    did = pd.Categorical.from_codes(rng.integers(0, len(district_ids), n), district_ids)
    region = rng.random(n) < 0.05
    district = pd.Series(did).astype(object).where(~region, None)
    types = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests"]
    sub = np.where(rng.random(n) < 0.005, "Non-state actor overtakes territory", "Armed clash")
    sides = ["government", "insurgent", "civilians", "other"]
    return pd.DataFrame(
        {
            "event_id": pd.Series(np.arange(n)).astype(str).astype("string[pyarrow]"),
            "date": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
            "event_type": pd.Categorical(rng.choice(types, n, p=[0.5, 0.3, 0.15, 0.05])),
            "sub_event_type": pd.Categorical(sub),
            "side1": pd.Categorical(rng.choice(sides, n, p=[0.45, 0.45, 0.05, 0.05])),
            "side2": pd.Categorical(rng.choice(sides, n, p=[0.35, 0.35, 0.2, 0.1])),
            "district_id": pd.Categorical(district, categories=district_ids),
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--dates", type=int, default=52)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    b = read_boundaries()
    t0 = time.perf_counter()
    ev = synthetic(args.events, b.districts["district_id"].to_numpy(), args.seed)
    print(f"built {len(ev):,} events in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    c = control_from_events(ev, b, as_of="2021-07-07")
    dt = time.perf_counter() - t0
    print(f"control_from_events: {dt:.2f} s ({len(ev) / dt:,.0f} events/s)")

    dates = pd.date_range("2021-01-07", "2021-12-31", periods=args.dates).normalize()
    t0 = time.perf_counter()
    t = control_timeline(ev, b, dates=dates)
    dt = time.perf_counter() - t0
    print(f"control_timeline, {len(dates)} dates: {dt:.2f} s ({dt / len(dates):.3f} s/date)")

    t0 = time.perf_counter()
    f = frontline_lines(c, include_unknown=True)
    print(f"frontline_lines: {time.perf_counter() - t0:.2f} s, {len(f)} lines")

    last = t[t["date"] == t["date"].max()].set_index("status")["districts"]
    print("last date:", last.to_dict(), "sum", int(last.sum()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
