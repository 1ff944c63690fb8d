"""Join events to districts and provinces, with every event accounted for.

:func:`join_events` gives each event exactly one province and one district (name and
stable id) by a documented, deterministic rule:

1. **Covered.** A point covered by exactly one district (inside it or on its edge) goes to
   it (``join_method = "within"``). A point covered by several — exactly on a border shared
   by districts — goes to the one with the smallest ``district_id`` in string order
   (``"border"``). It is never dropped and never duplicated.
2. **Snapped.** A point outside every district but within ``snap_distance_m`` of one (for
   simplified coastlines and borders) goes to the nearest one, ties broken by the smallest
   id (``"snapped"``, distance in ``snap_distance_m``). Distances are measured in metres in
   the UTM zone of each point, never in degrees.
3. **Rejected.** Farther points are rejected with reason ``outside_boundaries`` and the
   distance to the nearest unit; where swapping latitude and longitude would put the point
   inside the boundaries, the reason's detail says so.

Region-precision events (``location_precision == "region"``: only the province is known)
keep their province but get no district (``"region"``), unless ``region_districts=True``.
Country-precision events (UCDP ``where_prec`` 6 and 7) get neither (``"country"``): their
point is a placeholder such as the country's centroid, so any unit would be invented.

The invariant ``len(events) == len(joined) + len(rejected)`` is checked on every call.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from geofront import datasets
from geofront.boundaries import AdminBoundaries
from geofront.crs import WGS84
from geofront.errors import AccountingError, DataFileError, SchemaError
from geofront.schema import (
    EVENT_COLUMNS,
    JOIN_COLUMNS,
    JOIN_METHODS,
    OUTSIDE_BOUNDARIES,
    REJECT_COLUMNS,
    SOURCE_PREFIX,
)

log = logging.getLogger(__name__)

#: Events processed per chunk: bounds memory for 10^7 events (about 1 GB per chunk).
CHUNK_SIZE = 1_000_000
_REQUIRED = ("event_id", "latitude", "longitude", "location_precision")


@dataclass(frozen=True)
class JoinResult:
    """Result of :func:`join_events`.

    Attributes
    ----------
    joined : GeoDataFrame
        The joined events: the input columns (index kept, input order) plus
        :data:`geofront.schema.JOIN_COLUMNS`, EPSG:4326 point geometry.
    rejected : DataFrame
        Events outside the boundaries: :data:`geofront.schema.REJECT_COLUMNS`, then the
        event's ``src_*`` columns.
    counts : dict
        ``events``, ``joined``, one entry per join method, ``rejected``, and
        ``rejected_<reason>``. ``events == joined + rejected``.
    """

    joined: gpd.GeoDataFrame
    rejected: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)


def join_events(
    events: pd.DataFrame,
    boundaries: AdminBoundaries,
    *,
    snap_distance_m: float = 2000.0,
    region_districts: bool = False,
    progress: bool = False,
) -> JoinResult:
    """Assign every event to one province and one district.

    Parameters
    ----------
    events : DataFrame or GeoDataFrame
        Canonical events (see :mod:`geofront.schema`; at least ``event_id``, ``latitude``,
        ``longitude`` and ``location_precision``), coordinates in WGS 84.
    boundaries : AdminBoundaries
        Districts and provinces, in any CRS.
    snap_distance_m : float, default 2000
        Events outside every district but at most this far from one go to the nearest
        district (``join_method = "snapped"``). 0 disables snapping.
    region_districts : bool, default False
        Give region-precision events a district too (by their point) instead of only a
        province.
    progress : bool, default False
        Show a progress bar over chunks of :data:`CHUNK_SIZE` events.

    Returns
    -------
    JoinResult
        ``joined`` keeps the input's index and order; ``rejected`` holds the rest.

    Raises
    ------
    SchemaError
        If a required column is missing.
    """
    missing = [c for c in _REQUIRED if c not in events.columns]
    if missing:
        raise SchemaError(
            f"events lack column(s) {', '.join(missing)}: read them with geofront.read_events"
        )
    if snap_distance_m < 0 or not np.isfinite(snap_distance_m):
        raise SchemaError(f"snap distance must be >= 0 metres, got {snap_distance_m}")
    districts = boundaries.districts
    n = len(events)
    lon = pd.to_numeric(events["longitude"], errors="coerce").to_numpy(dtype="float64")
    lat = pd.to_numeric(events["latitude"], errors="coerce").to_numpy(dtype="float64")
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise SchemaError(
            f"event {events['event_id'].iloc[row]!r} has no valid coordinates: "
            "read events with geofront.read_events, which rejects such rows"
        )

    unit = np.full(n, -1, dtype=np.int64)  # position in districts, -1 = none
    method = np.zeros(n, dtype=np.int8)  # code into JOIN_METHODS
    snap = np.zeros(n)
    x, y = _to_crs(lon, lat, boundaries.crs)
    geoms = districts.geometry.array
    for start, stop in _chunks(n, progress=progress, desc="join"):
        u, border = _covering(geoms, x[start:stop], y[start:stop])
        unit[start:stop] = u
        method[start:stop] = np.where(border, _BORDER, _WITHIN)

    outside = np.flatnonzero(unit < 0)
    if len(outside):
        near_unit, nearest_m = _nearest(districts, lon[outside], lat[outside], snap_distance_m)
        ok = nearest_m <= snap_distance_m
        unit[outside[ok]] = near_unit[ok]
        method[outside[ok]] = _SNAPPED
        snap[outside[ok]] = np.round(nearest_m[ok], 1)

    keep = unit >= 0
    k = unit[keep]
    precision = events["location_precision"].astype(str).to_numpy()[keep]
    country = precision == "country"
    no_district = country | ((precision == "region") & (not region_districts))
    method_k = method[keep]
    if not region_districts:
        method_k[precision == "region"] = _REGION
    method_k[country] = _COUNTRY
    frame = events.loc[keep]
    if isinstance(events, gpd.GeoDataFrame):
        frame = pd.DataFrame(frame.drop(columns=[events.geometry.name]))
    joined = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon[keep], lat[keep], crs=WGS84))
    # ids and names by position: each column is an index into the 398 (or so) units
    for col, empty in (
        ("province_id", country),
        ("province", country),
        ("district_id", no_district),
        ("district", no_district),
    ):
        values = pd.array(districts[col].to_numpy(dtype=object)[k], dtype="string")
        values[empty] = pd.NA
        joined[col] = values
    joined["join_method"] = pd.Categorical.from_codes(method_k, categories=pd.Index(_METHODS))
    joined["snap_distance_m"] = snap[keep]

    rejected = _outside_rejects(events, outside, unit, snap_distance_m, boundaries, lon, lat)
    counts = {"events": n, "joined": int(keep.sum())}
    per_method = np.bincount(method_k, minlength=len(_METHODS))
    for code, m in enumerate(_METHODS):
        counts[m] = int(per_method[code])
    counts["rejected"] = len(rejected)
    counts[f"rejected_{OUTSIDE_BOUNDARIES}"] = len(rejected)
    if counts["joined"] + counts["rejected"] != n:
        raise AccountingError(
            f"join lost events: {n} in, {counts['joined']} joined + {counts['rejected']} rejected"
        )
    log.info("joined %d of %d events", counts["joined"], n)
    return JoinResult(joined, rejected, counts)


_METHODS = JOIN_METHODS
_WITHIN, _BORDER, _SNAPPED, _REGION, _COUNTRY = range(len(JOIN_METHODS))


def _chunks(n: int, *, progress: bool, desc: str) -> Iterator[tuple[int, int]]:
    starts = range(0, max(n, 1), CHUNK_SIZE)
    if progress and n > CHUNK_SIZE:
        from tqdm.auto import tqdm

        starts = tqdm(starts, desc=desc, unit="chunk", total=len(starts), delay=0.5)
    for s in starts:
        yield s, min(s + CHUNK_SIZE, n)


def _to_crs(lon: np.ndarray, lat: np.ndarray, crs: CRS) -> tuple[np.ndarray, np.ndarray]:
    if CRS.from_user_input(crs) == WGS84:
        return lon, lat
    tr = Transformer.from_crs(WGS84, crs, always_xy=True)
    x, y = tr.transform(lon, lat)
    return np.asarray(x), np.asarray(y)


def _covering(geoms: np.ndarray, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return, per point, the covering district position (-1 if none) and a border flag.

    Points go in an STRtree and each (prepared) polygon is queried against it, which is
    much faster than testing each point against the polygon tree.
    """
    n = len(x)
    unit = np.full(n, -1, dtype=np.int64)
    border = np.zeros(n, dtype=bool)
    if n == 0:
        return unit, border
    points = shapely.points(x, y)
    tree = shapely.STRtree(points)
    poly_idx, pt_idx = tree.query(geoms, predicate="intersects")
    if len(pt_idx) == 0:
        return unit, border
    # districts are sorted by id, so the smallest position is the smallest id
    order = np.lexsort((poly_idx, pt_idx))
    pt_sorted, poly_sorted = pt_idx[order], poly_idx[order]
    first = np.ones(len(pt_sorted), dtype=bool)
    first[1:] = pt_sorted[1:] != pt_sorted[:-1]
    unit[pt_sorted[first]] = poly_sorted[first]
    hits = np.bincount(pt_idx, minlength=n)
    border[hits > 1] = True
    return unit, border


def _utm_epsg(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    zone = np.clip(np.floor((lon + 180.0) / 6.0).astype(int) + 1, 1, 60)
    return np.where(lat >= 0, 32600, 32700) + zone


def _nearest(
    districts: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray, max_distance_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest district (position) within ``max_distance_m`` and the distance in metres.

    Distances are measured in each point's UTM zone. Points farther than the limit from
    every district get position -1 and distance inf (measuring exact distances to far
    polygons is the slow part of a join and says nothing useful).
    """
    unit = np.full(len(lon), -1, dtype=np.int64)
    dist = np.full(len(lon), np.inf)
    if max_distance_m <= 0:
        return unit, dist
    epsg = _utm_epsg(lon, lat)
    for code in np.unique(epsg):
        sel = np.flatnonzero(epsg == code)
        crs = CRS.from_epsg(int(code))
        polys = districts.geometry.to_crs(crs).array
        x, y = _to_crs(lon[sel], lat[sel], crs)
        pts = shapely.points(x, y)
        tree = shapely.STRtree(polys)
        pt_i, poly_i = tree.query(pts, predicate="dwithin", distance=max_distance_m)
        if len(pt_i) == 0:
            continue
        d = shapely.distance(pts[pt_i], polys[poly_i])
        # nearest first, then smallest id (districts are sorted by id)
        order = np.lexsort((poly_i, d, pt_i))
        pt_i, poly_i, d = pt_i[order], poly_i[order], d[order]
        first = np.ones(len(pt_i), dtype=bool)
        first[1:] = pt_i[1:] != pt_i[:-1]
        unit[sel[pt_i[first]]] = poly_i[first]
        dist[sel[pt_i[first]]] = d[first]
    return unit, dist


def _outside_rejects(
    events: pd.DataFrame,
    outside: np.ndarray,
    unit: np.ndarray,
    snap_distance_m: float,
    boundaries: AdminBoundaries,
    lon: np.ndarray,
    lat: np.ndarray,
) -> pd.DataFrame:
    rej_pos = outside[unit[outside] < 0]
    ev = events.iloc[rej_pos]
    src_cols = [c for c in events.columns if str(c).startswith(SOURCE_PREFIX)]
    if len(rej_pos):
        # would swapping latitude and longitude put the point inside?
        swapped_ok = np.abs(lon[rej_pos]) <= 90
        sx, sy = _to_crs(lat[rej_pos], np.clip(lon[rej_pos], -90, 90), boundaries.crs)
        inside_swapped, _ = _covering(boundaries.districts.geometry.array, sx, sy)
        swapped = swapped_ok & (inside_swapped >= 0)
        detail = np.full(
            len(rej_pos),
            f"outside all boundaries: more than {snap_distance_m / 1000:g} km (the snap "
            "distance) from every unit",
            dtype=object,
        )
        detail[swapped] = detail[swapped] + "; looks like latitude and longitude are swapped"
    else:
        detail = np.array([], dtype=object)
    rows = ev["source_row"].to_numpy() if "source_row" in ev.columns else rej_pos + 1
    out = pd.DataFrame(
        {
            "source_row": rows,
            "event_id": ev["event_id"].astype("string").to_numpy(),
            "reason": OUTSIDE_BOUNDARIES,
            "detail": detail,
        },
        index=ev.index,
    )
    out = pd.concat([out, pd.DataFrame(ev[src_cols])], axis=1)
    return out[[*REJECT_COLUMNS, *src_cols]]


#: Numeric columns of a joined table, restored when it is read back from CSV.
_NUMERIC = ("latitude", "longitude", "fatalities", "source_row", "snap_distance_m")


def read_joined(
    path: str | Path,
    *,
    boundaries: AdminBoundaries | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame | None:
    """Read a table written by ``geofront join``; None if ``path`` is not such a table.

    The file goes through the same checked readers as raw events (not UTF-8, binary,
    ragged rows, several layers... are one-line errors), then every row is checked again
    (:func:`geofront.table_checks.check_joined`: ids, dates, coordinates, fatalities,
    vocabularies and, with ``boundaries``, the unit ids), since such files are often
    edited by hand. Restores the canonical dtypes (ids as strings, dates as datetimes,
    numbers as numbers) and the point geometry from ``longitude``/``latitude`` for CSV.

    Raises
    ------
    DataFileError, SchemaError
        An unreadable file, or a joined table with a bad row (one line naming it).
    """
    from geofront.events import _read_csv_strings
    from geofront.files import csv_header
    from geofront.io import check_input_file, read_vector
    from geofront.table_checks import check_joined

    src = check_input_file(datasets.resolve(path), "events")
    suffix = src.suffix.lower()
    if suffix == ".csv":
        header, _ = csv_header(src, what="events")
        if not all(c in header for c in JOIN_COLUMNS):
            return None
        frame, _ = _read_csv_strings(src, allow_headerless=False)
        attrs = dict(frame.attrs)
        frame = pd.DataFrame(frame)
        for col in frame.columns:  # empty canonical cells are missing (source values stay)
            if not str(col).startswith(SOURCE_PREFIX):
                frame[col] = frame[col].where(frame[col] != "", pd.NA)
        frame.attrs = attrs
        if "geometry" in frame.columns:
            frame = frame.drop(columns=["geometry"])
        out: pd.DataFrame = frame
    elif suffix in (".parquet", ".geoparquet"):
        import pyarrow.parquet as pq

        from geofront.files import check_content

        check_content(src, what="events")
        try:
            names = pq.read_schema(src).names
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise DataFileError(f"cannot read events file {src}: {exc}") from exc
        if not all(c in names for c in JOIN_COLUMNS):
            return None
        out = read_vector(src, what="events")
    elif suffix in (".gpkg", ".geojson", ".json", ".shp", ".fgb"):
        out = read_vector(
            src,
            layer=layer,
            what="events",
            layer_hint="use geofront join --layer NAME (in a case file [events] layer, in Python layer=)",
        )
        if not is_joined(out):
            return None
    else:
        return None
    check_joined(
        out,
        src,
        district_ids=None if boundaries is None else boundaries.districts["district_id"],
        province_ids=None if boundaries is None else boundaries.provinces["province_id"],
    )
    for col in _NUMERIC:
        out[col] = pd.to_numeric(out[col])
    if suffix == ".csv":
        out = gpd.GeoDataFrame(
            pd.DataFrame(out),
            geometry=gpd.points_from_xy(out["longitude"], out["latitude"]),
            crs=WGS84,
        )
    for col in ("date", "date_end"):
        out[col] = pd.to_datetime(out[col])
    for col in ("event_id", "province_id", "province", "district_id", "district"):
        out[col] = out[col].astype("string")
    out["fatalities"] = out["fatalities"].astype("int64")
    out.attrs.pop("malformed", None)
    return out  # type: ignore[return-value]


def combine_rejects(*frames: pd.DataFrame) -> pd.DataFrame:
    """Stack rejected-row tables (of reading and of joining), ordered by source row."""
    parts = [f for f in frames if len(f)]
    if not parts:
        return frames[0].iloc[0:0]
    out = pd.concat(parts, ignore_index=True)
    keys = [c for c in ("source_file", "source_row") if c in out.columns]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


#: dtype of each canonical column of a joined table (text columns are pandas "string").
_JOINED_DTYPES: dict[str, object] = {
    **dict.fromkeys((*EVENT_COLUMNS, *JOIN_COLUMNS), "string"),
    "date": "datetime64[us]",
    "date_end": "datetime64[us]",
    "fatalities": "int64",
    "latitude": "float64",
    "longitude": "float64",
    "source_row": "int64",
    "join_method": pd.CategoricalDtype(list(JOIN_METHODS)),
    "snap_distance_m": "float64",
}


def empty_joined() -> gpd.GeoDataFrame:
    """Return a joined-events table without rows, typed as :func:`join_events` types it.

    It has every column of :data:`~geofront.schema.EVENT_COLUMNS` and
    :data:`~geofront.schema.JOIN_COLUMNS`, with the same dtypes as a real joined table,
    and EPSG:4326 point geometry. Pass it where there are no events, only assessments:
    :func:`geofront.control.control_from_events`, :func:`geofront.control.control_timeline`
    and :func:`geofront.siege.assess_sieges` then decide from the assessments alone.

    Examples
    --------
    >>> empty_joined().shape
    (0, 23)
    """
    frame = pd.DataFrame(
        {c: pd.Series(dtype=t) for c, t in _JOINED_DTYPES.items()}  # type: ignore[call-overload]
    )
    cols = [*EVENT_COLUMNS, "geometry", *JOIN_COLUMNS]
    out = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=WGS84).array, crs=WGS84)
    return out[cols]


def is_joined(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` already carries the join columns."""
    return all(c in frame.columns for c in JOIN_COLUMNS)


def load_joined_events(
    path: str | Path,
    boundaries: AdminBoundaries,
    *,
    format: str = "auto",
    snap_distance_m: float = 2000.0,
    layer: str | None = None,
    progress: bool = False,
) -> gpd.GeoDataFrame:
    """Return joined events from a joined file, or by reading and joining a raw one.

    A file written by ``geofront join`` (it has :data:`~geofront.schema.JOIN_COLUMNS`)
    is read and checked again row by row (:func:`read_joined`, its unit ids against
    ``boundaries``); anything else goes through :func:`geofront.read_events` and
    :func:`join_events`, and rejected rows are logged (use ``geofront join --rejects`` to
    keep them). ``path`` may be a bundled dataset name such as ``"seed-events"``;
    ``layer`` chooses the layer of a multi-layer file.
    """
    from geofront.events import read_events

    src = datasets.resolve(path)
    table = read_joined(src, boundaries=boundaries, layer=layer)
    if table is not None:
        return table
    read = read_events(src, format=format, layer=layer, progress=progress)
    log.info("%s: read as %s", src, read.layout)
    result = join_events(
        read.events, boundaries, snap_distance_m=snap_distance_m, progress=progress
    )
    n_rej = len(read.rejected) + len(result.rejected)
    if n_rej:
        log.warning(
            "%s: %d of %d rows rejected (use geofront join --rejects FILE to see why)",
            src,
            n_rej,
            read.n_read,
        )
    return result.joined
