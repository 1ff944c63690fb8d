"""The streaming join: an events file in, joined and rejected files out, in bounded memory.

:func:`join_file` reads events batch by batch (:func:`geofront.events.iter_events`),
joins each batch to the districts with the boundaries' cell index
(:class:`geofront.join.Joiner`) and appends the joined and rejected rows to their output
files (:class:`geofront.writers.BatchWriter`). Columns stay Arrow and numpy arrays
throughout; geometry objects are never made (GeoParquet points are written as WKB built
from the coordinates). Memory is that of one batch, whatever the size of the file.

The answers are those of :func:`geofront.read_events` followed by
:func:`geofront.join_events` on the whole file, row for row: the same rows joined, to
the same units by the same method, the same rows rejected for the same reasons, in
source order. Every batch is accounted for (read = joined + rejected) and so is the
whole run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geofront.boundaries import AdminBoundaries
from geofront.defaults import SNAP_DISTANCE_M
from geofront.errors import AccountingError
from geofront.events import EventsBatch, iter_events
from geofront.join import Joiner, check_accounting
from geofront.progress import progress_bar
from geofront.schema import JOIN_METHODS, OUTSIDE_BOUNDARIES, REJECT_REASONS
from geofront.sources import BATCH_ROWS
from geofront.writers import BatchWriter

log = logging.getLogger(__name__)


@dataclass
class JoinRun:
    """What :func:`join_file` did.

    Attributes
    ----------
    n_read : int
        Rows read from the events file(s).
    counts : dict
        ``joined``, one entry per join method, ``rejected``, and ``rejected_<reason>``
        for every reason of :data:`~geofront.schema.REJECT_REASONS` (reading and
        joining together). ``n_read == joined + rejected``.
    seconds : float
        Wall time of the whole run (both passes over the file).
    layout : str
        Which layout the file was read as, and from which columns (one phrase).
    """

    n_read: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    layout: str = ""

    @property
    def rows_per_second(self) -> float:
        """Throughput over the whole run."""
        return self.n_read / self.seconds if self.seconds > 0 else float("nan")


def join_file(
    events: str | os.PathLike[str],
    boundaries: AdminBoundaries,
    *,
    output: str | os.PathLike[str] | None,
    rejects: str | os.PathLike[str] | None = None,
    snap_distance_m: float = SNAP_DISTANCE_M,
    region_districts: bool = False,
    batch_rows: int = BATCH_ROWS,
    progress: bool = False,
    **read_options: Any,
) -> JoinRun:
    """Join an events file to districts, streaming, and write the joined and rejected rows.

    Parameters
    ----------
    events : path-like
        An events file, a folder of parts or a glob (see :func:`geofront.read_events`).
    boundaries : AdminBoundaries
        Districts and provinces.
    output : path-like or None
        Joined events: ``.parquet`` (GeoParquet, the fast format for large data),
        ``.csv``, ``.gpkg`` (or ``.geojson``/``.shp``, written at the end). None: CSV
        on standard output.
    rejects : path-like, optional
        Rejected rows of reading and joining (``.csv`` or ``.parquet``), by source row.
    snap_distance_m, region_districts
        As for :func:`geofront.join_events`.
    batch_rows : int, default :data:`geofront.sources.BATCH_ROWS`
        Rows per batch: memory grows with it, speed hardly.
    progress : bool, default False
        Progress bars with rows per second and the time left.
    **read_options
        ``format``, ``latitude``, ``longitude``, ``date``, ``event_id``, ``actor1``,
        ``actor2``, ``event_type``, ``fatalities``, ``sides``: as for
        :func:`geofront.read_events`.

    Returns
    -------
    JoinRun
        Counts (which always add up: checked) and timing.

    Raises
    ------
    InputError
        Bad events file, columns or options (before any output is written).
    OutputError
        An output that cannot be written. A failed run leaves no partial file and
        existing outputs untouched.
    """
    t0 = time.perf_counter()
    joiner = Joiner(boundaries, snap_distance_m=snap_distance_m, region_districts=region_districts)
    stream = iter_events(events, batch_rows=batch_rows, progress=progress, **read_options)
    run = JoinRun(counts=_zero_counts(), layout=stream.reader.layout)
    total = sum(stream._context.rows_per_part)
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(BatchWriter(output, geometry=True))
        rej = stack.enter_context(BatchWriter(rejects, geometry=False)) if rejects else None
        bar = stack.enter_context(
            progress_bar(enabled=progress, desc="join", unit=" rows", total=total, unit_scale=True)
        )
        for batch in stream:
            make, rejected, counts = _join_batch(batch, joiner)
            out.write(make)  # the rows are gathered in the writer's thread
            if rej is not None:
                rej.write(rejected)
            run.n_read += batch.n_read
            for key, value in counts.items():
                run.counts[key] += value
            bar.update(batch.n_read)
        if run.counts["joined"] + run.counts["rejected"] != run.n_read:
            raise AccountingError(
                f"join of {events} lost rows: read {run.n_read}, joined "
                f"{run.counts['joined']} + rejected {run.counts['rejected']}; please report this bug"
            )
    run.seconds = time.perf_counter() - t0
    log.info(
        "joined %d of %d rows in %.1f s (%.0f rows/s)",
        run.counts["joined"],
        run.n_read,
        run.seconds,
        run.rows_per_second,
    )
    return run


def _zero_counts() -> dict[str, int]:
    keys = ["joined", *JOIN_METHODS, "rejected", *(f"rejected_{r}" for r in REJECT_REASONS)]
    return dict.fromkeys(keys, 0)


def join_batch(batch: EventsBatch, joiner: Joiner) -> tuple[pa.Table, pa.Table, dict[str, int]]:
    """Join one batch of events: (joined rows, rejected rows of reading and joining, counts).

    ``joined`` has the columns of :attr:`geofront.join.JoinResult.joined` (without
    geometry; ``join_method`` as text); ``rejected`` is sorted by source row.
    """
    make, rejected, counts = _join_batch(batch, joiner)
    return make(), rejected, counts


def _join_batch(
    batch: EventsBatch, joiner: Joiner
) -> tuple[Callable[[], pa.Table], pa.Table, dict[str, int]]:
    """:func:`join_batch`, the joined table left to make (by a writer thread)."""
    c = batch.canonical
    lon = np.asarray(c.column("longitude").to_numpy(), dtype="float64")
    lat = np.asarray(c.column("latitude").to_numpy(), dtype="float64")
    precision = c.column("location_precision")
    a = joiner.assign(
        lon,
        lat,
        region=np.asarray(pc.fill_null(pc.equal(precision, "region"), False)),
        country=np.asarray(pc.fill_null(pc.equal(precision, "country"), False)),
    )
    kept = np.flatnonzero(a.keep)
    units = joiner.unit_columns(a)

    def make() -> pa.Table:
        # boolean filters, not takes: the columns are chunked as parsed (no copy to
        # combine them), and a filter copies runs of rows at once
        joined = c.filter(pa.array(a.keep))
        rows = np.zeros(batch.source.num_rows, dtype=bool)
        rows[batch.kept[kept]] = True
        src = batch.source.filter(pa.array(rows))
        for name, col in zip(src.column_names, src.columns, strict=True):
            joined = joined.append_column(name, col)
        for name, values in units.items():
            joined = joined.append_column(name, values)
        methods = pa.array(list(JOIN_METHODS), pa.large_string())
        joined = joined.append_column("join_method", methods.take(pa.array(a.method[kept])))
        return joined.append_column("snap_distance_m", pa.array(a.snap_m[kept], pa.float64()))

    out = a.rejected
    join_rej = pa.table(
        {
            "source_row": c.column("source_row").take(pa.array(out)),
            "event_id": c.column("event_id").take(pa.array(out)),
            "reason": pa.array([OUTSIDE_BOUNDARIES] * len(out), pa.large_string()),
            "detail": a.detail.dictionary_decode().cast(pa.large_string()),
        }
    )
    if "source_file" in c.column_names:
        join_rej = join_rej.append_column(
            "source_file", c.column("source_file").take(pa.array(out))
        )
    src_rej = batch.source.take(pa.array(batch.kept[out]))
    for name, col in zip(src_rej.column_names, src_rej.columns, strict=True):
        join_rej = join_rej.append_column(name, col)
    rejected = batch.rejected
    if join_rej.num_rows:
        rejected = pa.concat_tables([rejected, join_rej.cast(rejected.schema)])
        order = np.argsort(np.asarray(rejected.column("source_row")), kind="stable")
        rejected = rejected.take(pa.array(order))

    join_counts = a.counts()
    check_accounting(c.num_rows, join_counts, what="join")
    counts = _zero_counts()
    counts["joined"] = join_counts["joined"]
    for m in JOIN_METHODS:
        counts[m] = join_counts[m]
    counts["rejected"] = rejected.num_rows
    reasons = pd.Series(np.asarray(rejected.column("reason").to_numpy(zero_copy_only=False)))
    for reason, n in reasons.value_counts().items():
        counts[f"rejected_{reason}"] = int(n)
    if counts["joined"] + counts["rejected"] != batch.n_read:
        raise AccountingError(
            f"a batch of {batch.n_read} rows gave {counts['joined']} joined + "
            f"{counts['rejected']} rejected; please report this bug"
        )
    return make, rejected, counts
