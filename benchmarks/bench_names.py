"""How well district names as the news writes them match, and how fast, with and without aliases.

Usage: python benchmarks/bench_names.py [--rows 10000,100000] [--seed 0]

1. The news list of 2021 takeovers (``tests/news_names.py``: 105 names, no province)
   matched against the bundled 398 districts: before (the tiers exact, normalised,
   phonetic, skeleton, fuzzy, no aliases) and after (aliases of ``afg-district-aliases``
   in every tier, plus the token tier). Prints right / wrong / ambiguous / unmatched
   counts and every name that is not right.
2. ``read_assessments`` on long sheets of N rows (names drawn from the news list and from
   the bundled aliases, with random case and hyphenation, 100 dates): seconds and rows
   per second, and how the distinct names matched. Most rejects are by design: repeated
   (district, date) pairs of the random draw, and the names that are ambiguous.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from geofront.aliases import alias_series, aliases_for
from geofront.assessments import read_assessments
from geofront.boundaries import read_boundaries
from geofront.names import match_names

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from news_names import NEWS_TAKEOVERS, score


def news_list(b) -> None:  # type: ignore[no-untyped-def]
    names = b.districts["district"].str.strip().set_axis(b.districts["district_id"])
    query = [n for n, _ in NEWS_TAKEOVERS]
    old = ("exact", "normalised", "phonetic", "skeleton", "fuzzy")
    runs = {
        "before (no aliases, no token tier)": match_names(query, names, methods=old),
        "after (bundled aliases, token tier)": match_names(
            query, names, aliases=alias_series(aliases_for(b))
        ),
    }
    print(f"news list: {len(query)} names of 2021 takeovers, no province")
    for label, m in runs.items():
        s = score(m)
        matched = int(m["match"].notna().sum())
        print(
            f"  {label}: right {s['right']} ({s['right'] / s['names']:.1%}), of which "
            f"{s['ambiguous_right']} rightly ambiguous; matched to a district {matched} "
            f"({matched / s['names']:.1%}); wrong {s['wrong']}; unmatched {s['unmatched']}"
        )
        by = m["method"].value_counts().sort_index()
        print("    methods: " + ", ".join(f"{k} {v}" for k, v in by.items()))
        for name, outcome in s["misses"]:
            print(f"    miss: {name!r}: {outcome}")


def sheets(b, rows: list[int], seed: int) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    table = aliases_for(b)
    pool = np.array(
        [n for n, _ in NEWS_TAKEOVERS] + table.loc[table["relation"] == "same", "alias"].tolist(),
        dtype=object,
    )
    for n in rows:
        pick = pool[rng.integers(0, len(pool), n)]
        upper = rng.random(n) < 0.3
        spaced = rng.random(n) < 0.3
        text = pd.Series(pick).where(~upper, pd.Series(pick).str.upper())
        text = text.where(~spaced, text.str.replace("-", " ", regex=False))
        days = pd.date_range("2021-05-01", periods=100).strftime("%Y-%m-%d")
        frame = pd.DataFrame(
            {"district": text, "date": days[rng.integers(0, 100, n)], "status": "Taliban"}
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "sheet.csv"
            frame.to_csv(path, index=False)
            t0 = time.perf_counter()
            read = read_assessments(path, b)
            dt = time.perf_counter() - t0
        rep = read.report
        how = rep["method"].value_counts().sort_index()
        why = read.rejected["reason"].value_counts().sort_index()
        print(
            f"read_assessments, {n:,} rows ({len(rep)} distinct names): {dt:.2f} s "
            f"({n / dt:,.0f} rows/s); kept {len(read.table):,}, rejected "
            f"{len(read.rejected):,} (" + ", ".join(f"{k} {v:,}" for k, v in why.items()) + ")"
        )
        print("    distinct names by method: " + ", ".join(f"{k} {v}" for k, v in how.items()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="10000,100000")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    b = read_boundaries()
    news_list(b)
    sheets(b, [int(r) for r in args.rows.split(",")], args.seed)


if __name__ == "__main__":
    main()
