"""Counts of events and fatalities per district or province, optionally per period."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from geofront.boundaries import AdminBoundaries
from geofront.errors import InputError, SchemaError
from geofront.schema import SIDES

_FREQS = {None: None, "D": "D", "W": "W-SUN", "M": "M", "Q": "Q", "Y": "Y"}


def summarize(
    joined: pd.DataFrame,
    boundaries: AdminBoundaries | None = None,
    *,
    by: str = "district",
    freq: str | None = None,
) -> pd.DataFrame:
    """Count events and fatalities per unit (and per period), zeros included.

    Parameters
    ----------
    joined : DataFrame
        Joined events (output of :func:`geofront.join_events`).
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
    if by not in ("district", "province"):
        raise InputError(f"cannot summarise by {by!r}: use 'district' or 'province'")
    if freq not in _FREQS:
        raise InputError(f"unknown period {freq!r}: use one of D, W, M, Q, Y (or none)")
    key = f"{by}_id"
    need = [key, by, "event_type", "fatalities", "side1", "side2"]
    if freq:
        need.append("date")
    missing = [c for c in need if c not in joined.columns]
    if missing:
        raise SchemaError(
            f"joined events lack column(s) {', '.join(missing)}: run geofront join first"
        )
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
    type_cols = {t: f"events_{_slug(t)}" for t in types}
    for t, col in type_cols.items():
        data[col] = (data["event_type"] == t).astype(np.int64)
    value_cols = ["events", "fatalities", *type_cols.values(), *(f"events_side_{s}" for s in SIDES)]
    counts = data.groupby(groups, sort=True)[value_cols].sum()

    units = _units(joined, boundaries, by)
    if freq:
        if len(data):
            periods = pd.period_range(
                data["period"].min(), data["period"].max(), freq=_FREQS[freq]
            ).start_time
        else:
            periods = pd.DatetimeIndex([])
        full = pd.MultiIndex.from_product([units.index, periods], names=[key, "period"])
    else:
        full = pd.Index(units.index, name=key)
    counts = counts.reindex(full, fill_value=0).reset_index()
    out = units.reset_index().merge(counts, on=key, how="right")
    out["fatalities"] = out["fatalities"].astype(np.int64)
    out = out.sort_values(groups, kind="stable").reset_index(drop=True)
    out.attrs["region_only_events"] = int((~has_unit).sum()) if by == "district" else 0
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


def _units(joined: pd.DataFrame, boundaries: AdminBoundaries | None, by: str) -> pd.DataFrame:
    if by == "district":
        cols = ["district_id", "district", "province_id", "province"]
        src = boundaries.districts if boundaries is not None else joined
    else:
        cols = ["province_id", "province"]
        src = boundaries.provinces if boundaries is not None else joined
    units = pd.DataFrame(src[cols]).dropna(subset=[cols[0]])
    units = units.astype("string").drop_duplicates(cols[0]).set_index(cols[0])
    return units.sort_index()


def _slug(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_")
