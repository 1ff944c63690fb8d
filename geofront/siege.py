"""Sieges: encirclement metrics and a status for every city, from events and control.

The rings and sectors around each city (true metres, sector 0 centred on north, numbered
clockwise) are drawn by :mod:`geofront.rings`; :func:`outskirt_rings` is re-exported here.

Siege assessment
----------------
:func:`assess_sieges` (and its shortcut :func:`siege_status`) judges every city at once
from joined events and a control table (:data:`geofront.schema.CONTROL_COLUMNS`):

* **defender and hostile side.** Each city has a *defender*, the side whose city it is:
  the ``defender`` column of ``cities`` when present, else the ``defender`` keyword
  (default ``government``, the incumbent of provincial capitals). The *hostile side* is
  the opposing side among ``government``/``insurgent``. The *holder* is the control status
  of the city's own district in the control table (``unknown`` if the district is not in
  it); hostility is relative to the defender, not to the holder, so that a city whose
  district the hostile side now holds can be called ``fallen``.
* **events in the window.** An event counts if its period ``[date, date_end]`` overlaps
  the window ``(as_of - window_days, as_of]`` and its ``location_precision`` is one of
  ``location_precisions`` (region-precision events are placed at a provincial centre and
  would fake fighting in the core, so they are left out by default). An event is
  *hostile* if ``side1`` or ``side2`` is the hostile side; it is *friendly* if it involves
  the defender and not the hostile side. *Fighting* is ground fighting
  (:attr:`SiegeThresholds.fighting_event_types`: ACLED ``Battles``, takeovers included,
  and UCDP ``State-based conflict``): bombs, air strikes and attacks on civilians show
  the hostile side is around, not that it is at the gates. Bearing and geodesic distance
  from the city come from :class:`pyproj.Geod` (WGS 84), binned with numpy.
* **density-aware thresholds.** A city's *background* is its hostile fighting per ring
  and sector over the ``rate_days`` before the window (only days with data count; the
  window itself is not background). A count is *significant* when it reaches
  ``max(floor, ceil(factor x background per window))``: ``core_events`` /
  ``assault_factor`` in the core, ``sector_events`` / ``sector_factor`` per sector,
  ``threatened_events`` / ``threatened_factor`` beyond the core. On sparse data the floors
  apply; in a city that always sees fighting (Kabul) only a surge counts, so a high
  national event rate never puts every capital under assault. The thresholds are written
  per city (``core_threshold``, ``sector_threshold``, ``threatened_threshold``).
* **sectors.** For each ring x sector: hostile and friendly event counts, and the share of
  its area held by the hostile side, contested, and held by the defender (sectors
  intersected with the control polygons in the city's local AEQD). A sector is *hostile*
  if its hostile fighting is significant or its hostile-held share is at least
  ``thresholds.held_share``.
* **metrics** on the encirclement ring (``thresholds.encirclement_ring``, default 1, the
  outskirts): ``encirclement_index`` = share of its sectors that are hostile;
  ``max_hostile_arc_deg`` = longest run of contiguous hostile sectors times the sector
  width, circular (a run may cross north); ``open_corridors`` = the runs of non-hostile
  sectors as ``from-to`` bearings, clockwise, ``;``-separated (``0-360`` if the ring is
  entirely open, empty if closed); ``nearest_hostile_m`` = geodesic distance to the
  nearest hostile event of the window, anywhere.
* **status ladder**, first match wins (:data:`geofront.schema.SIEGE_STATUSES`, most
  severe first):

  1. ``fallen``: the city's district is held by the hostile side;
  2. ``under assault``: significant hostile fighting in the core (ring 0);
  3. ``besieged``: ``encirclement_index >= thresholds.encirclement_index`` or
     ``max_hostile_arc_deg >= thresholds.arc_deg``;
  4. ``threatened``: significant hostile fighting beyond the core, or a hostile-held
     sector beyond the core;
  5. ``secure``: none of the above, and evidence that the defender is there: events
     involving it up to the encirclement ring, or its hold on the city's district decided
     by evidence (not by the baseline);
  6. ``no evidence``: none of that: nothing hostile, no sign of the defender near the
     city and a holder that is unknown or only the baseline's assumption. Not the same
     as safe.

  ``evidence_events`` and ``evidence_districts`` list the event ids and district ids that
  triggered the status (``;``-separated, sorted) and ``reason`` says it in one sentence.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geofront.crs import WGS84, require_crs
from geofront.errors import GeofrontWarning, InputError, SchemaError
from geofront.rings import (
    DEFAULT_RADII_M,
    RING_COLUMNS,
    RING_NAMES,
    RingFrame,
    check_ring_options,
    city_lonlat,
    city_ring_geometry,
    outskirt_rings,
    ring_frame,
    rings_table,
)
from geofront.schema import (
    BESIEGED,
    CONTESTED,
    FALLEN,
    GOVERNMENT,
    INSURGENT,
    NO_EVIDENCE,
    SECURE,
    SIEGE_STATUSES,
    THREATENED,
    UNDER_ASSAULT,
    UNKNOWN,
)
from geofront.sector_metrics import (
    CityEvents,
    EventWindow,
    bin_events,
    circular_runs,
    control_shares,
    corridor_text,
    ids_per_cell,
)

__all__ = [
    "BESIEGED",
    "DEFAULT_RADII_M",
    "FALLEN",
    "NO_EVIDENCE",
    "RING_COLUMNS",
    "RING_NAMES",
    "SECTOR_METRIC_COLUMNS",
    "SECURE",
    "SIEGE_STATUSES",
    "THREATENED",
    "UNDER_ASSAULT",
    "SiegeAssessment",
    "SiegeThresholds",
    "assess_sieges",
    "check_ring_options",
    "outskirt_rings",
    "siege_status",
]

log = logging.getLogger(__name__)

#: ``severity`` of each of :data:`SIEGE_STATUSES`: 4 for ``fallen`` down to 0 for
#: ``secure``, and -1 for ``no evidence`` (unknown, which is not safe: sorted last).
_SEVERITY = {s: len(SIEGE_STATUSES) - 2 - i for i, s in enumerate(SIEGE_STATUSES)}
_OPPOSITE = {GOVERNMENT: INSURGENT, INSURGENT: GOVERNMENT}

#: Columns added to the ring/sector table by :func:`assess_sieges`.
SECTOR_METRIC_COLUMNS = (
    "hostile_events",
    "hostile_fighting",
    "sector_threshold",
    "friendly_events",
    "hostile_held_share",
    "contested_share",
    "defender_held_share",
    "hostile",
    "hostile_event_ids",
    "hostile_districts",
)


@dataclass(frozen=True)
class SiegeThresholds:
    """Parameters of the siege status ladder (see :mod:`geofront.siege`); defaults once, here.

    Attributes
    ----------
    held_share : float
        A sector is hostile if at least this share of its area is held by the hostile side.
    core_events : int
        Floor of the hostile fighting events in the core that make a city ``under assault``.
    assault_factor : float
        Core threshold relative to the city's background hostile fighting per window.
    sector_events : int
        Floor of the hostile fighting events that make a sector hostile.
    sector_factor : float
        Sector threshold relative to the sector's background per window.
    encirclement_index : float
        Encirclement index at or above which a city is ``besieged``.
    arc_deg : float
        Longest contiguous hostile arc (degrees) at or above which a city is ``besieged``.
    threatened_events : int
        Floor of the hostile fighting events beyond the core that make a city
        ``threatened``.
    threatened_factor : float
        Threatened threshold relative to the background beyond the core per window.
    rate_days : int
        Days before the window whose events make the background.
    fighting_event_types : tuple of str
        ``event_type`` values that count as ground fighting.
    encirclement_ring : int
        Index of the ring the encirclement metrics are measured on (1: outskirts).
    """

    held_share: float = 0.5
    core_events: int = 3
    assault_factor: float = 4.0
    sector_events: int = 1
    sector_factor: float = 3.0
    encirclement_index: float = 0.75
    arc_deg: float = 270.0
    threatened_events: int = 3
    threatened_factor: float = 3.0
    rate_days: int = 365
    fighting_event_types: tuple[str, ...] = ("Battles", "State-based conflict")
    encirclement_ring: int = 1


@dataclass(frozen=True)
class SiegeAssessment:
    """Result of :func:`assess_sieges`.

    Attributes
    ----------
    status : DataFrame
        One row per city (see :func:`assess_sieges`).
    sectors : GeoDataFrame
        One row per city x ring x sector: :data:`RING_COLUMNS`,
        :data:`SECTOR_METRIC_COLUMNS`, geometry in the cities' CRS.
    """

    status: pd.DataFrame
    sectors: gpd.GeoDataFrame


# --------------------------------------------------------------------------- events
def _event_dates(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    need = ["event_id", "date", "side1", "side2"]
    missing = [c for c in need if c not in events.columns]
    if missing:
        raise SchemaError(
            f"events lack column(s) {', '.join(missing)}: give canonical events "
            "(read_events / join_events output)"
        )
    date = pd.to_datetime(events["date"], errors="coerce").to_numpy(dtype="datetime64[ns]")
    if "date_end" in events.columns:
        end = pd.to_datetime(events["date_end"], errors="coerce").to_numpy(dtype="datetime64[ns]")
        end = np.where(np.isnat(end), date, end)
    else:
        end = date
    return date, end


def _check_as_of(date: np.ndarray, end: np.ndarray, as_of: pd.Timestamp, window_days: int) -> None:
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


def _event_window(
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
        {side: (side1 == side) | (side2 == side) for side in _OPPOSITE},
        np.asarray(fighting, dtype=bool),
    )


def _background_days(
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


# --------------------------------------------------------------------------- control
def _control_wgs(control: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    missing = [c for c in ("district_id", "status") if c not in control.columns]
    if missing:
        raise SchemaError(
            f"control table lacks column(s) {', '.join(missing)}: give control_from_events output"
        )
    if not isinstance(control, gpd.GeoDataFrame) or control.geometry.name not in control.columns:
        raise SchemaError("control table has no geometry: give control_from_events output")
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


def _holders(
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


# --------------------------------------------------------------------------- assessment


def _ids(values: np.ndarray | list[str]) -> str:
    return ";".join(sorted(set(map(str, values))))


@dataclass(frozen=True)
class _CityThresholds:
    """One city's significant counts (see the module docstring)."""

    core: int
    sector: np.ndarray  # per template cell
    threatened: int


def _thresholds_for(
    t: SiegeThresholds, fr: RingFrame, background: np.ndarray, span_days: float, window: int
) -> _CityThresholds:
    """Thresholds of a city from its background hostile fighting per template cell."""
    per_window = background * (window / span_days) if span_days > 0 else background * 0.0

    def bar(floor: int, factor: float, expected: float | np.ndarray) -> np.ndarray:
        return np.maximum(floor, np.ceil(factor * np.asarray(expected) - 1e-9)).astype(np.int64)

    core = per_window[fr.ring_of == 0].sum()
    outer = per_window[fr.ring_of >= 1].sum()
    return _CityThresholds(
        core=int(bar(t.core_events, t.assault_factor, core)),
        sector=bar(t.sector_events, t.sector_factor, per_window),
        threatened=int(bar(t.threatened_events, t.threatened_factor, outer)),
    )


def _ladder(
    *,
    thresholds: SiegeThresholds,
    bars: _CityThresholds,
    fr: RingFrame,
    names: tuple[str, ...],
    ev: CityEvents,
    win: EventWindow,
    sector_hostile: np.ndarray,
    held_share: np.ndarray,
    hostile_districts: list[list[str]],
    holder: str,
    holder_rule: str,
    hostile_side: str,
    defender: str,
    district_id: str | None,
    control_evidence: str,
    window_days: int,
    day: pd.Timestamp,
) -> tuple[str, str, str, str]:
    """Status, reason, evidence events and evidence districts of one city."""
    t = thresholds
    er = t.encirclement_ring
    ring_mask = fr.ring_of == er
    flags = sector_hostile[ring_mask]
    index = float(flags.mean())
    arc = float(max((n for _, n in circular_runs(flags)), default=0) * fr.width)
    fight = ev.hostile & ev.fighting
    core = fight & (ev.ring == 0)
    outer = fight & (ev.ring >= 1)
    held_outer = (fr.ring_of >= 1) & (held_share >= t.held_share)
    e_ids: list[str] | np.ndarray
    d_ids: list[str]
    if holder == hostile_side:
        e_ids = [e for e in control_evidence.split(";") if e]
        d_ids = [str(district_id)]
        return (
            FALLEN,
            f"the city's district {district_id} is held by the {hostile_side} side",
            _ids(e_ids),
            _ids(d_ids),
        )
    if core.sum() >= bars.core:
        return (
            UNDER_ASSAULT,
            f"{int(core.sum())} hostile ground-fighting event(s) within {fr.radii[0]:g} m of "
            f"the city in the {window_days} days to {day.date()} (significant from "
            f"{bars.core})",
            _ids(win.ids[ev.pos[core]]),
            "",
        )
    if index >= t.encirclement_index or arc >= t.arc_deg:
        hot = np.flatnonzero(ring_mask & sector_hostile)
        e_ids = win.ids[ev.pos[fight & np.isin(ev.cell, hot)]]
        d_ids = [d for k in hot for d in hostile_districts[k]]
        return (
            BESIEGED,
            f"{int(flags.sum())} of {fr.sectors} {names[er]} sectors hostile "
            f"(index {index:.2f}), longest hostile arc {arc:g} deg",
            _ids(e_ids),
            _ids(d_ids),
        )
    if outer.sum() >= bars.threatened or held_outer.any():
        d_ids = [d for k in np.flatnonzero(held_outer) for d in hostile_districts[k]]
        return (
            THREATENED,
            f"{int(outer.sum())} hostile ground-fighting event(s) (significant from "
            f"{bars.threatened}) and {int(held_outer.sum())} hostile-held sector(s) between "
            f"{fr.radii[0]:g} and {fr.radii[-1]:g} m",
            _ids(win.ids[ev.pos[outer]]),
            _ids(d_ids),
        )
    # evidence the defender is there: its events near the city (up to the encirclement
    # ring), or its hold on the city's district decided by evidence, not assumed
    near = ev.friendly & (ev.ring <= er)
    held_by_evidence = holder == defender and holder_rule not in ("baseline", "no_evidence", "")
    if not near.any() and not held_by_evidence:
        return (
            NO_EVIDENCE,
            f"no sign of the {defender} side within {fr.radii[er]:g} m in the {window_days} "
            f"days to {day.date()} and the city's district is {holder}"
            + (" by the baseline assumption" if holder_rule == "baseline" else ""),
            "",
            "",
        )
    return (
        SECURE,
        f"no significant hostile fighting or hostile-held sector within {fr.radii[-1]:g} m; "
        + (
            f"{int(near.sum())} event(s) involving the {defender} side within {fr.radii[er]:g} m"
            if near.any()
            else f"the city's district held by the {defender} side ({holder_rule})"
        ),
        _ids(win.ids[ev.pos[near]]),
        "",
    )


def _defenders(cities: gpd.GeoDataFrame, defender: str) -> np.ndarray:
    if defender not in _OPPOSITE:
        raise InputError(f"defender must be 'government' or 'insurgent', got {defender!r}")
    out = np.full(len(cities), defender, dtype=object)
    if "defender" in cities.columns:
        col = cities["defender"].astype("string").to_numpy(dtype=object, na_value=None)
        out = np.where(pd.isna(col), out, col)
        bad = sorted({str(d) for d in out if d not in _OPPOSITE})
        if bad:
            raise InputError(
                f"cities column 'defender' has {bad[0]!r}: use 'government' or 'insurgent'"
            )
    return out


def assess_sieges(
    cities: gpd.GeoDataFrame,
    events: pd.DataFrame,
    control: gpd.GeoDataFrame,
    *,
    as_of: str | pd.Timestamp,
    window_days: int = 14,
    radii_m: Sequence[float] = DEFAULT_RADII_M,
    ring_names: Sequence[str] | None = None,
    sectors: int = 16,
    thresholds: SiegeThresholds = SiegeThresholds(),
    defender: str = GOVERNMENT,
    location_precisions: Sequence[str] | None = ("exact", "near"),
    segments: int = 128,
    progress: bool = False,
) -> SiegeAssessment:
    """Judge the siege status of every city at once, with per-sector detail.

    Parameters
    ----------
    cities : GeoDataFrame
        Points with a ``city`` column, any CRS; optional ``province``, ``district_id``
        (else the district is found by point in polygon in ``control``) and ``defender``
        (``government``/``insurgent``, overriding the keyword per city).
    events : DataFrame
        Joined or canonical events (:data:`geofront.schema.EVENT_COLUMNS`): ``event_id``,
        ``date`` (``date_end`` optional), ``side1``, ``side2``, ``latitude``/``longitude``
        or point geometry, ``location_precision`` optional.
    control : GeoDataFrame
        Control table (:data:`geofront.schema.CONTROL_COLUMNS` and district polygons),
        any CRS.
    as_of : str or Timestamp
        The day judged; must lie within the events' dates.
    window_days : int
        Events overlapping ``(as_of - window_days, as_of]`` count.
    radii_m, ring_names, sectors
        The rings and sectors, as in :func:`outskirt_rings`; at least two rings (a core
        and the encirclement ring).
    thresholds : SiegeThresholds
        The status ladder's parameters.
    defender : {"government", "insurgent"}
        Side defending every city without a ``defender`` column value.
    location_precisions : sequence of str or None
        Event location precisions that count (``None``: all).
    segments : int
        Vertices per full circle of the sector polygons.
    progress : bool
        Show a progress bar over cities.

    Returns
    -------
    SiegeAssessment
        ``status``: one row per city, index of ``cities`` kept, sorted by ``severity``
        (descending), then ``city``, with columns ``city``, ``province``, ``district_id``,
        ``as_of``, ``window_days``, ``defender``, ``hostile_side``, ``holder`` (control
        status of the city's district), ``status`` (one of :data:`SIEGE_STATUSES`),
        ``severity`` (4 fallen ... 0 secure, -1 no evidence), ``hostile_<ring>``,
        ``hostile_fighting_<ring>`` and ``friendly_<ring>`` (event counts per ring),
        ``hostile_held_share_<ring>`` (share of the ring's area held by the hostile
        side), ``hostile_sectors``, ``encirclement_index``, ``max_hostile_arc_deg``,
        ``open_corridors``, ``nearest_hostile_m`` (NaN if no hostile event in the
        window), ``nearest_hostile_event``, ``core_threshold``, ``sector_threshold`` (the
        highest of the encirclement ring), ``threatened_threshold`` (the city's
        significant counts), ``reason``, ``evidence_events``, ``evidence_districts``.
        ``sectors``: the :func:`outskirt_rings` table with :data:`SECTOR_METRIC_COLUMNS`,
        geometry in the cities' CRS.

    Raises
    ------
    InputError
        ``as_of`` outside the events' dates, bad radii or sectors, fewer than two rings,
        unknown defender side, missing columns. An empty events table is allowed
        (assessments alone): cities are then judged on control.
    """
    radii, names = check_ring_options(
        radii_m, ring_names=ring_names, sectors=sectors, thresholds=thresholds
    )
    if isinstance(window_days, bool) or int(window_days) != window_days or window_days < 1:
        raise InputError(f"window must be a whole number of days >= 1, got {window_days!r}")
    defenders = _defenders(cities, defender)
    day = pd.Timestamp(as_of).normalize()
    lon, lat = city_lonlat(cities)
    date, end = _event_dates(events)
    _check_as_of(date, end, day, int(window_days))
    stop = day.to_datetime64().astype("datetime64[ns]")
    start = stop - np.timedelta64(int(window_days), "D")
    fighting = thresholds.fighting_event_types
    win = _event_window(
        events,
        date,
        end,
        start=start,
        stop=stop,
        location_precisions=location_precisions,
        fighting_types=fighting,
    )
    bg_start, span_days = _background_days(date, start, thresholds.rate_days)
    background = _event_window(
        events,
        date,
        end,
        start=bg_start,
        stop=start,
        location_precisions=location_precisions,
        fighting_types=fighting,
        background=True,
    )
    ctrl = _control_wgs(control)
    district_ids, holders, control_evidence, holder_rules = _holders(cities, lon, lat, ctrl)
    frame_key = (tuple(float(r) for r in radii), int(sectors), int(segments))
    fr = ring_frame(*frame_key)
    n_tpl, n_ring = len(fr.template), radii.size
    ring_area = np.bincount(fr.ring_of, weights=fr.area, minlength=n_ring)
    target = CRS.from_user_input(cities.crs)
    tree = shapely.STRtree(ctrl.geometry.array)

    rows: list[dict[str, object]] = []
    sector_parts: list[pd.DataFrame] = []
    geoms: list[np.ndarray] = []
    iterator: Iterable[int] = range(len(cities))
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(iterator, desc="sieges", unit="city", delay=0.5)
    for c in iterator:
        x0, y0 = float(lon[c]), float(lat[c])
        defend = str(defenders[c])
        hostile_side = _OPPOSITE[defend]
        ev = bin_events(x0, y0, win, fr, hostile_side, defend)
        hostile_n = np.bincount(ev.cell[ev.hostile], minlength=n_tpl)
        fight_n = np.bincount(ev.cell[ev.hostile & ev.fighting], minlength=n_tpl)
        friendly_n = np.bincount(ev.cell[ev.friendly], minlength=n_tpl)
        bg = bin_events(x0, y0, background, fr, hostile_side, defend)
        bg_n = np.bincount(bg.cell[bg.hostile & bg.fighting], minlength=n_tpl)
        bars = _thresholds_for(thresholds, fr, bg_n.astype(float), span_days, int(window_days))
        shares, hostile_districts = control_shares(
            x0, y0, fr, frame_key, ctrl, tree, (hostile_side, CONTESTED, defend)
        )
        sector_hostile = (fight_n >= bars.sector) | (shares[:, 0] >= thresholds.held_share)
        status, reason, evidence_e, evidence_d = _ladder(
            thresholds=thresholds,
            bars=bars,
            fr=fr,
            names=names,
            ev=ev,
            win=win,
            sector_hostile=sector_hostile,
            held_share=shares[:, 0],
            hostile_districts=hostile_districts,
            holder=str(holders[c]),
            holder_rule=str(holder_rules[c]),
            hostile_side=hostile_side,
            defender=defend,
            district_id=district_ids[c],
            control_evidence=str(control_evidence[c]),
            window_days=int(window_days),
            day=day,
        )
        flags = sector_hostile[fr.ring_of == thresholds.encirclement_ring]
        per_ring_h = np.bincount(ev.ring[ev.hostile], minlength=n_ring)
        per_ring_f = np.bincount(ev.ring[ev.friendly], minlength=n_ring)
        held = np.bincount(fr.ring_of, weights=shares[:, 0] * fr.area, minlength=n_ring)
        row: dict[str, object] = {
            "city": str(cities["city"].iloc[c]),
            "province": cities["province"].iloc[c] if "province" in cities.columns else pd.NA,
            "district_id": district_ids[c] if district_ids[c] is not None else pd.NA,
            "as_of": day,
            "window_days": int(window_days),
            "defender": defend,
            "hostile_side": hostile_side,
            "holder": holders[c],
            "status": status,
            "severity": _SEVERITY[status],
        }
        per_ring_fight = np.bincount(ev.ring[ev.hostile & ev.fighting], minlength=n_ring)
        row.update({f"hostile_{nm}": int(per_ring_h[i]) for i, nm in enumerate(names)})
        row.update({f"hostile_fighting_{nm}": int(per_ring_fight[i]) for i, nm in enumerate(names)})
        row.update({f"friendly_{nm}": int(per_ring_f[i]) for i, nm in enumerate(names)})
        row.update(
            {
                f"hostile_held_share_{nm}": float(held[i] / ring_area[i])
                for i, nm in enumerate(names)
            }
        )
        row.update(
            {
                "hostile_sectors": int(flags.sum()),
                "encirclement_index": float(flags.mean()),
                "max_hostile_arc_deg": float(
                    max((n for _, n in circular_runs(flags)), default=0) * fr.width
                ),
                "open_corridors": corridor_text(~flags, fr.width),
                "nearest_hostile_m": ev.nearest_m,
                "nearest_hostile_event": ev.nearest_id,
                "core_threshold": bars.core,
                "sector_threshold": int(
                    bars.sector[fr.ring_of == thresholds.encirclement_ring].max()
                ),
                "threatened_threshold": bars.threatened,
                "reason": f"{status}: {reason}",
                "evidence_events": evidence_e,
                "evidence_districts": evidence_d,
            }
        )
        rows.append(row)
        cell_ids = ids_per_cell(ev.cell[ev.hostile], win.ids[ev.pos[ev.hostile]], n_tpl)
        sector_parts.append(
            pd.DataFrame(
                {
                    "hostile_events": hostile_n,
                    "hostile_fighting": fight_n,
                    "sector_threshold": bars.sector,
                    "friendly_events": friendly_n,
                    "hostile_held_share": shares[:, 0],
                    "contested_share": shares[:, 1],
                    "defender_held_share": shares[:, 2],
                    "hostile": sector_hostile,
                    "hostile_event_ids": cell_ids,
                    "hostile_districts": [_ids(d) for d in hostile_districts],
                }
            )
        )
        geoms.append(city_ring_geometry(x0, y0, target.to_wkt(), frame_key))

    status_frame = pd.DataFrame(rows, index=cities.index)
    order = np.lexsort(
        (
            np.arange(len(status_frame)),
            status_frame["city"].to_numpy(),
            -status_frame["severity"].to_numpy(),
        )
    )
    status_frame = status_frame.iloc[order]
    sectors_frame = _sector_frame(cities, names, fr, sector_parts, geoms, target)
    return SiegeAssessment(status_frame, sectors_frame)


def _sector_frame(
    cities: gpd.GeoDataFrame,
    names: tuple[str, ...],
    fr: RingFrame,
    parts: list[pd.DataFrame],
    geoms: list[np.ndarray],
    target: CRS,
) -> gpd.GeoDataFrame:
    table = rings_table(cities, names, fr, geoms, target)
    metrics = pd.concat(parts, ignore_index=True)
    for col in SECTOR_METRIC_COLUMNS:
        table[col] = metrics[col].to_numpy()
    return table[[*RING_COLUMNS, *SECTOR_METRIC_COLUMNS, table.geometry.name]]


def siege_status(
    cities: gpd.GeoDataFrame,
    events: pd.DataFrame,
    control: gpd.GeoDataFrame,
    *,
    as_of: str | pd.Timestamp,
    window_days: int = 14,
    radii_m: Sequence[float] = DEFAULT_RADII_M,
    ring_names: Sequence[str] | None = None,
    sectors: int = 16,
    thresholds: SiegeThresholds = SiegeThresholds(),
    defender: str = GOVERNMENT,
    location_precisions: Sequence[str] | None = ("exact", "near"),
    progress: bool = False,
) -> pd.DataFrame:
    """Return the siege status of every city: the ``status`` table of :func:`assess_sieges`.

    Parameters and output columns are those of :func:`assess_sieges`; one row per city,
    index of ``cities`` kept, most severe first then by city name.
    """
    return assess_sieges(
        cities,
        events,
        control,
        as_of=as_of,
        window_days=window_days,
        radii_m=radii_m,
        ring_names=ring_names,
        sectors=sectors,
        thresholds=thresholds,
        defender=defender,
        location_precisions=location_precisions,
        progress=progress,
    ).status
