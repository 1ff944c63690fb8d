"""Counts of events and fatalities per district or province, optionally per period.

:func:`summarize` counts a joined table in memory (or a dask DataFrame, partition by
partition); :func:`summarize_file` counts a joined file -- or a raw events file, joined
on the way -- batch by batch in bounded memory. All three add up partial counts
(:class:`Partial`) the same way, so they give the same table.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geofront.boundaries import AdminBoundaries
from geofront.defaults import SNAP_DISTANCE_M
from geofront.errors import InputError
from geofront.schema import SIDES
from geofront.validate import check_frame

log = logging.getLogger(__name__)

_FREQS = {None: None, "D": "D", "W": "W-SUN", "M": "M", "Q": "Q", "Y": "Y"}
_TYPE = "type:"  # prefix of per-event-type counts in partial tables


def summarize(
    joined: Any,
    boundaries: AdminBoundaries | None = None,
    *,
    by: str = "district",
    freq: str | None = None,
) -> pd.DataFrame:
    """Count events and fatalities per unit (and per period), zeros included.

    Parameters
    ----------
    joined : DataFrame or dask DataFrame
        Joined events (output of :func:`geofront.join_events`). A dask DataFrame is
        counted partition by partition on its cluster; the result is the same.
    boundaries : AdminBoundaries, optional
        When given, every unit appears in the output, with zeros where nothing happened.
        Without it, only units with events appear.
    by : {"district", "province"}
        The unit. Region-precision events (no district) count only ``by="province"``; the
        number left out of a district table is in ``result.attrs["region_only_events"]``.
    freq : {None, "D", "W", "M", "Q", "Y"}
        Also split by calendar period (weeks end on Sunday); every unit appears in every
        period between the first and last event.

    Returns
    -------
    DataFrame
        One row per unit (and ``period``, the first day of the period): the unit's id and
        name (and province for districts), ``events``, ``fatalities``, one
        ``events_<event type>`` column per event type in the data (sorted), and
        ``events_side_<side>`` for every side in :data:`geofront.schema.SIDES`, counting
        events in which an actor of that side took part (an event between two sides counts
        for both; a blank ``actor2`` is no actor, so it does not count as ``unknown``). Sorted by id (and period).
    """
    _check_options(by, freq)
    if type(joined).__module__.startswith("dask"):
        from geofront.scale import summarize_dask

        return summarize_dask(joined, boundaries, by=by, freq=freq)
    check_frame(
        joined,
        what="joined events",
        columns=needed_columns(by, freq),
        fix="run geofront join first",
    )
    return finish([partial_counts(joined, by=by, freq=freq)], boundaries, by=by, freq=freq)


def _check_options(by: str, freq: str | None) -> None:
    if by not in ("district", "province"):
        raise InputError(f"cannot summarise by {by!r}: use 'district' or 'province'")
    if freq not in _FREQS:
        raise InputError(f"unknown period {freq!r}: use one of D, W, M, Q, Y (or none)")


def needed_columns(by: str, freq: str | None) -> list[str]:
    """Columns of a joined table that :func:`summarize` needs."""
    need = [f"{by}_id", by, "event_type", "fatalities", "side1", "side2"]
    if freq:
        need.append("date")
    return need


@dataclass(frozen=True)
class Partial:
    """Counts of some of the events: add partials up with :func:`finish`.

    ``counts`` is indexed by unit id (and ``period``) with ``events``, ``fatalities``,
    ``type:<event type>`` and ``events_side_<side>`` columns; ``units`` holds the id and
    names of the units met (first seen first); ``region_only`` counts events without a
    unit.
    """

    counts: pd.DataFrame
    units: pd.DataFrame
    region_only: int


def partial_counts(joined: pd.DataFrame, *, by: str, freq: str | None) -> Partial:
    """Count one batch (or partition) of joined events."""
    key = f"{by}_id"
    has_unit = joined[key].notna().to_numpy()
    data = pd.DataFrame(
        {
            key: joined[key].astype("string").to_numpy()[has_unit],
            "fatalities": pd.to_numeric(joined["fatalities"]).fillna(0).to_numpy()[has_unit],
            "event_type": joined["event_type"].astype("string").fillna("").to_numpy()[has_unit],
        }
    )
    side1, side2 = _sides_of_actors(joined)
    for side in SIDES:
        data[f"events_side_{side}"] = ((side1 == side) | (side2 == side))[has_unit].astype(np.int64)
    groups = [key]
    if freq:
        period = pd.to_datetime(joined["date"]).dt.to_period(_FREQS[freq]).dt.start_time
        data["period"] = period.to_numpy()[has_unit]
        groups.append("period")
    data["events"] = 1
    types = sorted(t for t in data["event_type"].unique() if t)
    for t in types:
        data[_TYPE + t] = (data["event_type"] == t).astype(np.int64)
    value_cols = ["events", "fatalities", *(_TYPE + t for t in types)]
    value_cols += [f"events_side_{s}" for s in SIDES]
    counts = data.groupby(groups, sort=True)[value_cols].sum()
    cols = [c for c in _unit_columns(by) if c in joined.columns]
    units = pd.DataFrame(joined[cols]).dropna(subset=[cols[0]])
    units = units.astype("string").drop_duplicates(cols[0])
    return Partial(counts, units, int((~has_unit).sum()))


def finish(
    parts: Iterable[Partial],
    boundaries: AdminBoundaries | None,
    *,
    by: str,
    freq: str | None,
) -> pd.DataFrame:
    """Add partial counts up into the table :func:`summarize` returns."""
    parts = list(parts)
    key = f"{by}_id"
    groups = [key, "period"] if freq else [key]
    tables = [p.counts for p in parts if len(p.counts)]
    if tables:
        counts = pd.concat(tables).fillna(0).groupby(level=groups, sort=True).sum()
    else:
        counts = parts[0].counts if parts else pd.DataFrame()
    types = sorted(c[len(_TYPE) :] for c in counts.columns if str(c).startswith(_TYPE))
    type_cols = {_TYPE + t: f"events_{_slug(t)}" for t in types}
    value_cols = ["events", "fatalities", *type_cols.values(), *(f"events_side_{s}" for s in SIDES)]
    counts = counts.rename(columns=type_cols).reindex(columns=value_cols, fill_value=0)

    units = _units(parts, boundaries, by)
    if freq:
        seen: Any = counts.index.get_level_values("period") if len(counts) else []
        if len(seen):
            periods = pd.period_range(min(seen), max(seen), freq=_FREQS[freq]).start_time
        else:
            periods = pd.DatetimeIndex([])
        full = pd.MultiIndex.from_product([units.index, periods], names=[key, "period"])
    else:
        full = pd.Index(units.index, name=key)
    counts = counts.reindex(full, fill_value=0).astype(np.int64).reset_index()
    out = units.reset_index().merge(counts, on=key, how="right")
    out = out.sort_values(groups, kind="stable").reset_index(drop=True)
    out.attrs["region_only_events"] = sum(p.region_only for p in parts) if by == "district" else 0
    return out


def _sides_of_actors(joined: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``side1``/``side2`` as arrays, ``""`` where the event has no such actor.

    A blank actor (e.g. ``actor2`` of a peaceful protest) gets side ``unknown`` in the
    events table; it is not an actor of unknown side, so it must not count as one.
    """
    out = []
    for k in ("1", "2"):
        side = joined[f"side{k}"].astype("string").fillna("").to_numpy(dtype=object)
        if f"actor{k}" in joined.columns:
            actor = joined[f"actor{k}"].astype("string").fillna("").str.strip()
            side = np.where(actor.to_numpy(dtype=object) == "", "", side)
        out.append(side)
    return out[0], out[1]


def _unit_columns(by: str) -> list[str]:
    return (
        ["district_id", "district", "province_id", "province"]
        if by == "district"
        else [
            "province_id",
            "province",
        ]
    )


def _units(parts: list[Partial], boundaries: AdminBoundaries | None, by: str) -> pd.DataFrame:
    cols = _unit_columns(by)
    if boundaries is not None:
        src = boundaries.districts if by == "district" else boundaries.provinces
        units = pd.DataFrame(src[cols]).dropna(subset=[cols[0]])
    elif parts:
        units = pd.concat([p.units for p in parts], ignore_index=True)
    else:
        units = pd.DataFrame(columns=cols)
    units = units.astype("string").drop_duplicates(cols[0]).set_index(cols[0])
    return units.sort_index()


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")


# --- files, batch by batch --------------------------------------------------------------


def summarize_file(
    path: str | os.PathLike[str],
    boundaries: AdminBoundaries,
    *,
    by: str = "district",
    freq: str | None = None,
    snap_distance_m: float = SNAP_DISTANCE_M,
    batch_rows: int | None = None,
    progress: bool = False,
    **read_options: Any,
) -> tuple[pd.DataFrame, int]:
    """Summarise a joined file, or a raw events file joined on the way, in bounded memory.

    A file written by ``geofront join`` (GeoParquet or CSV) is read batch by batch, only
    the columns counted; a raw events file is read and joined batch by batch
    (:func:`geofront.events.iter_events`, the boundaries' cell index) and its rejected
    rows are counted in a logged warning. Other joined formats (GeoPackage, GeoJSON) are
    read whole.

    Returns
    -------
    (DataFrame, int)
        The table of :func:`summarize` and the number of events counted.
    """
    from geofront import datasets
    from geofront.join import iter_joined
    from geofront.sources import BATCH_ROWS, resolve_parts

    _check_options(by, freq)
    rows = batch_rows or BATCH_ROWS
    parts: list[Partial] = []
    n_events = 0
    wanted = [*_unit_columns("district"), *needed_columns(by, freq), "actor1", "actor2"]
    columns = list(dict.fromkeys(wanted))
    files = resolve_parts(datasets.resolve(path) if isinstance(path, str) else path)
    frames: Iterable[pd.DataFrame]
    if iter_joined(files[0], columns=columns, batch_rows=rows, boundaries=boundaries) is not None:
        frames = _joined_parts(files, columns, rows, boundaries)
    else:
        frames = _joined_on_the_way(path, boundaries, snap_distance_m, rows, progress, read_options)
    for frame in frames:
        check_frame(
            frame,
            what="joined events",
            source=path,
            columns=needed_columns(by, freq),
            fix="run geofront join first",
        )
        parts.append(partial_counts(frame, by=by, freq=freq))
        n_events += len(frame)
    return finish(parts, boundaries, by=by, freq=freq), n_events


def _joined_parts(
    parts: Iterable[Path], columns: list[str], rows: int, boundaries: AdminBoundaries | None
) -> Iterable[pd.DataFrame]:
    from geofront.errors import DataFileError
    from geofront.join import iter_joined

    for part in parts:
        frames = iter_joined(part, columns=columns, batch_rows=rows, boundaries=boundaries)
        if frames is None:
            raise DataFileError(f"{part} is not a joined table like the other parts: join it first")
        yield from frames


def _joined_on_the_way(
    path: Any,
    boundaries: AdminBoundaries,
    snap_distance_m: float,
    batch_rows: int,
    progress: bool,
    read_options: dict[str, Any],
) -> Iterable[pd.DataFrame]:
    from geofront.engine import join_batch
    from geofront.events import iter_events
    from geofront.join import Joiner

    joiner = Joiner(boundaries, snap_distance_m=snap_distance_m)
    stream = iter_events(path, batch_rows=batch_rows, progress=progress, **read_options)
    n_read = n_rejected = 0
    for batch in stream:
        joined, rejected, _ = join_batch(batch, joiner)
        n_read += batch.n_read
        n_rejected += rejected.num_rows
        keep = [*_unit_columns("district"), "event_type", "fatalities", "side1", "side2"]
        keep += ["actor1", "actor2", "date"]
        yield joined.select(keep).to_pandas()
    if n_rejected:
        log.warning(
            "%s: %d of %d rows rejected (use geofront join --rejects FILE to see why)",
            path,
            n_rejected,
            n_read,
        )
