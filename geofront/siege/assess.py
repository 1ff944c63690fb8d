"""Siege assessment: :func:`assess_sieges` judges every city at once (see
:mod:`geofront.siege` for the definitions); :func:`siege_status` returns its status table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geofront.defaults import (
    DEFENDER,
    LOCATION_PRECISIONS,
    SIEGE_RADII_M,
    SIEGE_SECTORS,
    SIEGE_WINDOW_DAYS,
)
from geofront.errors import InputError
from geofront.progress import progress_bar
from geofront.schema import CONTESTED, SIEGE_STATUSES
from geofront.siege._ladder import SiegeThresholds, join_ids, ladder, thresholds_for
from geofront.siege._sectors import (
    bin_events,
    circular_runs,
    control_shares,
    corridor_text,
    ids_per_cell,
)
from geofront.siege._window import (
    OPPOSITE,
    background_days,
    check_as_of,
    control_wgs,
    event_dates,
    event_window,
)
from geofront.siege._window import (
    holders as city_holders,
)
from geofront.siege.rings import (
    RING_COLUMNS,
    RingFrame,
    check_ring_options,
    city_lonlat,
    city_ring_geometry,
    ring_frame,
    rings_table,
)

__all__ = [
    "SECTOR_METRIC_COLUMNS",
    "SiegeAssessment",
    "SiegeResult",
    "assess_sieges",
    "siege_status",
]

#: ``severity`` of each of :data:`SIEGE_STATUSES`: 4 for ``fallen`` down to 0 for
#: ``secure``, and -1 for ``no evidence`` (unknown, which is not safe: sorted last).
_SEVERITY = {s: len(SIEGE_STATUSES) - 2 - i for i, s in enumerate(SIEGE_STATUSES)}

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
class SiegeResult:
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


#: The earlier name of :class:`SiegeResult`, still importable.
SiegeAssessment = SiegeResult


def _defenders(cities: gpd.GeoDataFrame, defender: str) -> np.ndarray:
    if defender not in OPPOSITE:
        raise InputError(f"defender must be 'government' or 'insurgent', got {defender!r}")
    out = np.full(len(cities), defender, dtype=object)
    if "defender" in cities.columns:
        col = cities["defender"].astype("string").to_numpy(dtype=object, na_value=None)
        out = np.where(pd.isna(col), out, col)
        bad = sorted({str(d) for d in out if d not in OPPOSITE})
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
    window_days: int = SIEGE_WINDOW_DAYS,
    radii_m: Sequence[float] = SIEGE_RADII_M,
    ring_names: Sequence[str] | None = None,
    sectors: int = SIEGE_SECTORS,
    thresholds: SiegeThresholds = SiegeThresholds(),
    defender: str = DEFENDER,
    location_precisions: Sequence[str] | None = LOCATION_PRECISIONS,
    segments: int = 128,
    progress: bool = False,
) -> SiegeResult:
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
    SiegeResult
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
    date, end = event_dates(events)
    check_as_of(date, end, day, int(window_days))
    stop = day.to_datetime64().astype("datetime64[ns]")
    start = stop - np.timedelta64(int(window_days), "D")
    fighting = thresholds.fighting_event_types
    win = event_window(
        events,
        date,
        end,
        start=start,
        stop=stop,
        location_precisions=location_precisions,
        fighting_types=fighting,
    )
    bg_start, span_days = background_days(date, start, thresholds.rate_days)
    background = event_window(
        events,
        date,
        end,
        start=bg_start,
        stop=start,
        location_precisions=location_precisions,
        fighting_types=fighting,
        background=True,
    )
    ctrl = control_wgs(control)
    district_ids, holders, control_evidence, holder_rules = city_holders(cities, lon, lat, ctrl)
    frame_key = (tuple(float(r) for r in radii), int(sectors), int(segments))
    fr = ring_frame(*frame_key)
    n_tpl, n_ring = len(fr.template), radii.size
    ring_area = np.bincount(fr.ring_of, weights=fr.area, minlength=n_ring)
    target = CRS.from_user_input(cities.crs)
    tree = shapely.STRtree(ctrl.geometry.array)

    rows: list[dict[str, object]] = []
    sector_parts: list[pd.DataFrame] = []
    geoms: list[np.ndarray] = []
    for c in progress_bar(range(len(cities)), enabled=progress, desc="sieges", unit="city"):
        x0, y0 = float(lon[c]), float(lat[c])
        defend = str(defenders[c])
        hostile_side = OPPOSITE[defend]
        ev = bin_events(x0, y0, win, fr, hostile_side, defend)
        hostile_n = np.bincount(ev.cell[ev.hostile], minlength=n_tpl)
        fight_n = np.bincount(ev.cell[ev.hostile & ev.fighting], minlength=n_tpl)
        friendly_n = np.bincount(ev.cell[ev.friendly], minlength=n_tpl)
        bg = bin_events(x0, y0, background, fr, hostile_side, defend)
        bg_n = np.bincount(bg.cell[bg.hostile & bg.fighting], minlength=n_tpl)
        bars = thresholds_for(thresholds, fr, bg_n.astype(float), span_days, int(window_days))
        shares, hostile_districts = control_shares(
            x0, y0, fr, frame_key, ctrl, tree, (hostile_side, CONTESTED, defend)
        )
        sector_hostile = (fight_n >= bars.sector) | (shares[:, 0] >= thresholds.held_share)
        status, reason, evidence_e, evidence_d = ladder(
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
                    "hostile_districts": [join_ids(d) for d in hostile_districts],
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
    return SiegeResult(status_frame, sectors_frame)


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
    **options: Any,
) -> pd.DataFrame:
    """Return the siege status of every city: the ``status`` table of :func:`assess_sieges`.

    ``options`` are the keyword options of :func:`assess_sieges` (``window_days``,
    ``radii_m``, ``sectors``, ``thresholds``...), with the same defaults; output columns
    are those of its ``status`` table: one row per city, index of ``cities`` kept, most
    severe first then by city name.
    """
    return assess_sieges(cities, events, control, as_of=as_of, **options).status
