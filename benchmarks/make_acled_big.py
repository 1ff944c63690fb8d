"""Write a large ACLED-layout export fast: seeded realistic blocks, copied with new ids.

``make_acled_like.py`` draws every row (realistic, about 30,000 rows/s); for 10^7 or
10^8 rows this script draws a few distinct blocks with it (different seeds) and writes
them again and again, each copy with its event ids prefixed by the copy number so ids
stay unique across copies (the duplicate ids spoiled inside a block stay duplicates,
and every other defect of the block stays too). About 1-2 million rows/s, written with
pyarrow. One file, or ``--parts K`` files of equal size in a folder.

    python benchmarks/make_acled_big.py --rows 10000000 -o /tmp/acled_1e7.csv
    python benchmarks/make_acled_big.py --rows 100000000 --parts 20 -o /tmp/acled_1e8/

Prints what it wrote: rows, bytes, seconds, and the defects per block.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).parent))
from make_acled_like import make_events

from geofront.writers import csv_header, csv_rows


def blocks(block_rows: int, n_blocks: int, seed: int) -> list[pa.Table]:
    out = []
    for k in range(n_blocks):
        frame, spoiled = make_events(block_rows, seed=seed + k)
        print(f"block {k}: {block_rows:,} rows drawn, spoiled {spoiled}", flush=True)
        out.append(pa.Table.from_pandas(frame.astype(str), preserve_index=False))
    return out


def copy_of(block: pa.Table, copy: int) -> pa.Table:
    """The block with ids ``C<copy>-<id>`` (unique across copies, duplicates kept)."""
    ids = block.column("event_id_cnty")
    prefix = pa.scalar(f"C{copy}-", ids.type)
    new = pc.binary_join_element_wise(prefix, ids, pa.scalar("", ids.type))
    return block.set_column(0, "event_id_cnty", new)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--block", type=int, default=250_000, help="rows per distinct block")
    ap.add_argument("--blocks", type=int, default=4, help="distinct blocks drawn")
    ap.add_argument("--parts", type=int, default=1, help="files (in the -o folder) to write")
    ap.add_argument("--seed", type=int, default=2021)
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    base = blocks(args.block, args.blocks, args.seed)
    header = csv_header(base[0].column_names)
    if args.parts > 1:
        args.output.mkdir(parents=True, exist_ok=True)
        paths = [args.output / f"part-{k:03d}.csv" for k in range(args.parts)]
    else:
        paths = [args.output]
    per_part = -(-args.rows // len(paths))
    written, copy = 0, 0
    for path in paths:
        with open(path, "wb") as fh:
            fh.write(header)
            in_part = 0
            while in_part < per_part and written < args.rows:
                block = copy_of(base[copy % len(base)], copy)
                take = min(block.num_rows, per_part - in_part, args.rows - written)
                fh.write(csv_rows(block.slice(0, take)))
                in_part += take
                written += take
                copy += 1
    size = sum(p.stat().st_size for p in paths)
    print(
        f"wrote {written:,} rows ({size / 1e9:.2f} GB) in {len(paths)} file(s) to "
        f"{args.output} in {time.perf_counter() - t0:.0f} s"
    )


if __name__ == "__main__":
    main()
