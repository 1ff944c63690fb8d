"""What a siege is judged on: the events of the window and before it, as arrays, and the
holder of each city's district in the control table (see :mod:`geofront.siege`)."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geofront.crs import WGS84, require_crs
from geofront.errors import GeofrontWarning, InputError, SchemaError
from geofront.schema import GOVERNMENT, INSURGENT, UNKNOWN
from geofront.siege._sectors import EventWindow
from geofront.validate import check_frame

log = logging.getLogger(__name__)

#: The side opposing each side.
OPPOSITE = {GOVERNMENT: INSURGENT, INSURGENT: GOVERNMENT}


def event_dates(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    check_frame(
        events,
        what="events",
        columns=("event_id", "date", "side1", "side2"),
        fix="give canonical events (read_events / join_events output)",
    )
    date = pd.to_datetime(events["date"], errors="coerce").to_numpy(dtype="datetime64[ns]")
    if "date_end" in events.columns:
        end = pd.to_datetime(events["date_end"], errors="coerce").to_numpy(dtype="datetime64[ns]")
        end = np.where(np.isnat(end), date, end)
    else:
        end = date
    return date, end


def check_as_of(date: np.ndarray, end: np.ndarray, as_of: pd.Timestamp, window_days: int) -> None:
    """The window (as_of - window_days, as_of] must overlap the events' dates."""
    if len(date) == 0:
        return  # no events (assessments alone): every city is judged on control only
    first, last = np.nanmin(date), np.nanmax(end)
    if np.isnat(first):
        raise InputError("events have no usable date: check the date column")
    day = as_of.normalize().to_datetime64().astype("datetime64[ns]")
    # an as-of day a little after the last event is a fair question, one whose window holds
    # no event at all, or that comes before the first, is a mistake
    latest = last + np.timedelta64(int(window_days) - 1, "D")
    if day < first or day > latest:
        raise InputError(
            f"as-of date {as_of.date()} is outside the events' dates "
            f"{pd.Timestamp(first).date()} to {pd.Timestamp(last).date()} (with a "
            f"{int(window_days)}-day window: up to {pd.Timestamp(latest).date()}): "
            "choose a date in that range"
        )


def event_window(
    events: pd.DataFrame,
    date: np.ndarray,
    end: np.ndarray,
    *,
    start: np.datetime64,
    stop: np.datetime64,
    location_precisions: Sequence[str] | None,
    fighting_types: Sequence[str],
    background: bool = False,
) -> EventWindow:
    """The events overlapping (start, stop] as arrays (validated coordinates).

    ``background``: only events wholly inside the period (an event that reaches into the
    window belongs to the window), and no warning about missing coordinates.
    """
    keep = (end <= stop) & (date > start) if background else (date <= stop) & (end > start)
    warn = not background
    if location_precisions is not None and "location_precision" in events.columns:
        keep &= events["location_precision"].isin(list(location_precisions)).to_numpy()
    sub = events.loc[keep]
    if {"longitude", "latitude"} <= set(sub.columns):
        lon = pd.to_numeric(sub["longitude"], errors="coerce").to_numpy(dtype=float)
        lat = pd.to_numeric(sub["latitude"], errors="coerce").to_numpy(dtype=float)
    elif isinstance(sub, gpd.GeoDataFrame):
        pts = sub.geometry if CRS.from_user_input(require_crs(sub, "events")) == WGS84 else None
        pts = sub.geometry.to_crs(WGS84) if pts is None else pts
        lon, lat = np.asarray(pts.x, dtype=float), np.asarray(pts.y, dtype=float)
    else:
        raise SchemaError("events have neither latitude/longitude columns nor point geometry")
    ok = np.isfinite(lon) & np.isfinite(lat)
    if warn and not ok.all():
        log.warning(
            "%d events of the window have no coordinates and are left out", int((~ok).sum())
        )
    side1 = sub["side1"].astype(str).to_numpy()[ok]
    side2 = sub["side2"].astype(str).to_numpy()[ok]
    if "event_type" in sub.columns:
        fighting = sub["event_type"].isin(list(fighting_types)).to_numpy()[ok]
    else:
        fighting = np.ones(int(ok.sum()), dtype=bool)
    return EventWindow(
        sub["event_id"].astype(str).to_numpy()[ok],
        lon[ok],
        lat[ok],
        {side: (side1 == side) | (side2 == side) for side in OPPOSITE},
        np.asarray(fighting, dtype=bool),
    )


def background_days(
    date: np.ndarray, window_start: np.datetime64, rate_days: int
) -> tuple[np.datetime64, float]:
    """Start of the background period before the window and its length in days with data."""
    bg_start = window_start - np.timedelta64(int(rate_days), "D")
    if len(date) == 0 or np.isnat(np.nanmin(date)):
        return bg_start, 0.0
    first = np.nanmin(date)
    begin = max(bg_start, first - np.timedelta64(1, "D"))
    span = (window_start - begin) / np.timedelta64(1, "D")
    return bg_start, float(max(span, 0.0))


def control_wgs(control: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    check_frame(
        control,
        what="control table",
        columns=("district_id", "status"),
        geometry=True,
        fix="give control_from_events output",
    )
    require_crs(control, "control table")
    out = control.to_crs(WGS84)
    cols = [
        "district_id",
        "status",
        *(c for c in ("evidence", "rule") if c in out.columns),
    ]
    out = out[[*cols, out.geometry.name]].reset_index(drop=True)
    out["district_id"] = out["district_id"].astype(str)
    return out


def holders(
    cities: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray, control: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """District id, control status, evidence and rule of each city's own district."""
    n = len(cities)
    ids = np.full(n, None, dtype=object)
    if "district_id" in cities.columns:
        declared = cities["district_id"].astype("string").to_numpy(dtype=object, na_value=None)
        known = set(control["district_id"])
        ids = np.array([d if d in known else None for d in declared], dtype=object)
    need = np.array([d is None for d in ids])
    if need.any():
        pts = shapely.points(lon[need], lat[need])
        tree = shapely.STRtree(control.geometry.array)
        pi, ci = tree.query(pts, predicate="intersects")
        found = pd.Series(control["district_id"].to_numpy()[ci], index=pi)
        found = found.sort_values(kind="stable").groupby(level=0).first()
        where = np.flatnonzero(need)
        ids[where[found.index.to_numpy(dtype=int)]] = found.to_numpy()
    outside = [i for i, d in enumerate(ids) if d is None]
    if outside:
        names = ", ".join(str(cities["city"].iloc[i]) for i in outside[:5])
        more = f" and {len(outside) - 5} more" if len(outside) > 5 else ""
        warnings.warn(
            f"{len(outside)} city(ies) lie in no district of the control table ({names}{more}): "
            "their holder is unknown",
            GeofrontWarning,
            stacklevel=3,
        )
    lookup = control.drop_duplicates("district_id").set_index("district_id")
    status = np.array(
        [str(lookup.at[d, "status"]) if d is not None else UNKNOWN for d in ids], dtype=object
    )
    if "evidence" in lookup.columns:
        evid = np.array(
            [
                ""
                if d is None or pd.isna(lookup.at[d, "evidence"])
                else str(lookup.at[d, "evidence"])
                for d in ids
            ],
            dtype=object,
        )
    else:
        evid = np.full(n, "", dtype=object)
    rule = np.array(
        [
            str(lookup.at[d, "rule"]) if d is not None and "rule" in lookup.columns else ""
            for d in ids
        ],
        dtype=object,
    )
    return ids, status, evid, rule
