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

import functools
import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from pyproj import CRS, Proj, Transformer

from geofront import datasets
from geofront.boundaries import AdminBoundaries
from geofront.cellindex import CellIndex, cell_index
from geofront.crs import WGS84, utm_epsg, utm_zones
from geofront.defaults import SNAP_DISTANCE_M
from geofront.errors import AccountingError, DataFileError, SchemaError
from geofront.progress import progress_bar
from geofront.schema import (
    EVENT_COLUMNS,
    JOIN_COLUMNS,
    JOIN_METHODS,
    OUTSIDE_BOUNDARIES,
    REJECT_COLUMNS,
    SOURCE_PREFIX,
)
from geofront.validate import check_frame

log = logging.getLogger(__name__)

#: Events processed per chunk: bounds memory for 10^7 events (about 1 GB per chunk).
CHUNK_SIZE = 1_000_000
_REQUIRED = ("event_id", "latitude", "longitude", "location_precision")


@dataclass(frozen=True)
class JoinResult:
    """Result of :func:`join_events`.

    Attributes
    ----------
    joined : GeoDataFrame or DataFrame
        The joined events: the input columns (index kept, input order) plus
        :data:`geofront.schema.JOIN_COLUMNS`, EPSG:4326 point geometry (a plain
        DataFrame without geometry when joined with ``geometry=False``; a dask
        DataFrame for dask input).
    rejected : DataFrame
        Events outside the boundaries: :data:`geofront.schema.REJECT_COLUMNS`, then the
        event's ``src_*`` columns.
    counts : dict
        ``events``, ``joined``, one entry per join method, ``rejected``, and
        ``rejected_<reason>``. ``events == joined + rejected``.
    """

    joined: pd.DataFrame
    rejected: pd.DataFrame
    counts: Mapping[str, int] = field(default_factory=dict)


def join_events(
    events: Any,
    boundaries: AdminBoundaries,
    *,
    snap_distance_m: float = SNAP_DISTANCE_M,
    region_districts: bool = False,
    geometry: bool | None = None,
    progress: bool = False,
) -> JoinResult:
    """Assign every event to one province and one district.

    Parameters
    ----------
    events : DataFrame, GeoDataFrame or dask DataFrame
        Canonical events (see :mod:`geofront.schema`; at least ``event_id``, ``latitude``,
        ``longitude`` and ``location_precision``), coordinates in WGS 84. A dask
        DataFrame (``pip install 'geofront[dask]'``) is joined partition by partition
        with the boundaries' index shipped to each worker once; see
        :func:`geofront.scale.join_events_dask` for what the result then holds.
    boundaries : AdminBoundaries
        Districts and provinces, in any CRS.
    snap_distance_m : float, default 2000
        Events outside every district but at most this far from one go to the nearest
        district (``join_method = "snapped"``). 0 disables snapping.
    region_districts : bool, default False
        Give region-precision events a district too (by their point) instead of only a
        province.
    geometry : bool, optional
        Give ``joined`` a point geometry (a GeoDataFrame; the default for a pandas
        frame). False returns a plain DataFrame and makes no per-event geometry object
        at all (much less memory for millions of events). A dask result has none.
    progress : bool, default False
        Show a progress bar over chunks of :data:`CHUNK_SIZE` events.

    Returns
    -------
    JoinResult
        ``joined`` keeps the input's index and order; ``rejected`` holds the rest.

    Raises
    ------
    SchemaError
        If a required column is missing, a coordinate is not a number, or the snap
        distance is negative.
    """
    if type(events).__module__.startswith("dask"):
        from geofront.scale import join_events_dask

        return join_events_dask(
            events,
            boundaries,
            snap_distance_m=snap_distance_m,
            region_districts=region_districts,
            geometry=geometry,
        )
    joiner = Joiner(boundaries, snap_distance_m=snap_distance_m, region_districts=region_districts)
    return join_with(
        events, joiner, geometry=True if geometry is None else geometry, progress=progress
    )


def join_with(
    events: pd.DataFrame, joiner: Joiner, *, geometry: bool = True, progress: bool = False
) -> JoinResult:
    """:func:`join_events` with a prepared :class:`Joiner` (its boundaries and options)."""
    check_frame(events, what="events", columns=_REQUIRED, fix="read them with geofront.read_events")
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
    precision = events["location_precision"]
    a = joiner.assign(
        lon,
        lat,
        region=precision.eq("region").to_numpy(dtype=bool, na_value=False),
        country=precision.eq("country").to_numpy(dtype=bool, na_value=False),
        progress=progress,
    )
    keep = a.keep
    frame = events.loc[keep]
    if isinstance(events, gpd.GeoDataFrame):
        frame = pd.DataFrame(frame.drop(columns=[events.geometry.name]))
    else:
        frame = pd.DataFrame(frame)
    for col, values in joiner.unit_columns(a).items():
        frame[col] = pd.array(values, dtype=pd.StringDtype("pyarrow"))
    frame["join_method"] = pd.Categorical.from_codes(
        a.method[keep], categories=pd.Index(JOIN_METHODS)
    )
    frame["snap_distance_m"] = a.snap_m[keep]
    joined: pd.DataFrame = frame
    if geometry:
        joined = gpd.GeoDataFrame(
            frame, geometry=gpd.points_from_xy(lon[keep], lat[keep], crs=WGS84)
        )
    rejected = _outside_rejects(events, a)
    counts = a.counts()
    check_accounting(n, counts, what="join")
    log.info("joined %d of %d events", counts["joined"], n)
    return JoinResult(joined, rejected, counts)


_WITHIN, _BORDER, _SNAPPED, _REGION, _COUNTRY = range(len(JOIN_METHODS))


def check_accounting(n: int, counts: dict[str, int], *, what: str) -> None:
    """Raise :class:`AccountingError` unless ``n == counts["joined"] + counts["rejected"]``."""
    if counts["joined"] + counts["rejected"] != n:
        raise AccountingError(
            f"{what} lost events: {n} in, {counts['joined']} joined + "
            f"{counts['rejected']} rejected; please report this bug"
        )


@dataclass(frozen=True)
class Assignment:
    """Per-event answers of :meth:`Joiner.assign` (arrays aligned with the input).

    ``unit`` is the district position (-1: rejected), ``method`` a code into
    :data:`~geofront.schema.JOIN_METHODS`, ``snap_m`` the snap distance (0 unless
    snapped), ``keep`` the joined mask, ``no_province`` / ``no_district`` the joined
    events that get no province (country precision) or no district (and region
    precision), and ``rejected`` the positions rejected as outside, with ``detail``.
    """

    unit: np.ndarray
    method: np.ndarray
    snap_m: np.ndarray
    keep: np.ndarray
    no_province: np.ndarray
    no_district: np.ndarray
    rejected: np.ndarray
    detail: pa.DictionaryArray

    def counts(self) -> dict[str, int]:
        """``events``, ``joined``, one entry per join method, ``rejected`` and reasons."""
        counts = {"events": len(self.unit), "joined": int(self.keep.sum())}
        per_method = np.bincount(self.method[self.keep], minlength=len(JOIN_METHODS))
        for code, m in enumerate(JOIN_METHODS):
            counts[m] = int(per_method[code])
        counts["rejected"] = len(self.rejected)
        counts[f"rejected_{OUTSIDE_BOUNDARIES}"] = len(self.rejected)
        return counts


class Joiner:
    """The join rule of :func:`join_events` for one boundary set, on coordinate arrays.

    Holds the boundaries' :class:`~geofront.cellindex.CellIndex` (built once, cached on
    disk) so that joining many batches costs one index. Used by :func:`join_events`,
    the streaming engine and the dask engine, so all give the same answers.
    """

    def __init__(
        self,
        boundaries: AdminBoundaries,
        *,
        snap_distance_m: float = SNAP_DISTANCE_M,
        region_districts: bool = False,
        index: CellIndex | None = None,
    ) -> None:
        if snap_distance_m < 0 or not np.isfinite(snap_distance_m):
            raise SchemaError(f"snap distance must be >= 0 metres, got {snap_distance_m}")
        self.boundaries = boundaries
        self.snap_distance_m = float(snap_distance_m)
        self.region_districts = region_districts
        self.crs = CRS.from_user_input(boundaries.crs)
        self.index = index if index is not None else boundaries_index(boundaries)
        self._labels = {
            col: pa.array(
                boundaries.districts[col].astype(str).to_numpy(dtype=object), pa.large_string()
            )
            for col in ("province_id", "province", "district_id", "district")
        }

    def assign(
        self,
        lon: np.ndarray,
        lat: np.ndarray,
        *,
        region: np.ndarray,
        country: np.ndarray,
        progress: bool = False,
    ) -> Assignment:
        """Join points (WGS 84, finite) with the given precision flags.

        Works chunk by chunk (:data:`CHUNK_SIZE` points): temporaries stay small.
        """
        n = len(lon)
        unit = np.empty(n, dtype=np.int64)
        method = np.empty(n, dtype=np.int8)
        snap = np.zeros(n)
        swapped = np.zeros(n, dtype=bool)
        margin = self._margin() if self.snap_distance_m > 0 else 0.0
        near_parts = []
        for start, stop in _chunks(n, progress=progress, desc="join"):
            lo, la = lon[start:stop], lat[start:stop]
            x, y = _to_crs(lo, la, self.crs)
            cells = self.index.cells(x, y)
            u, border = self.index.covering(x, y, cells=cells)
            unit[start:stop] = u
            method[start:stop] = np.where(border, _BORDER, _WITHIN)
            outside = np.flatnonzero(u < 0)
            if len(outside) and self.snap_distance_m > 0:
                near = self.index.maybe_near(x[outside], y[outside], margin, cells=cells[outside])
                near_parts.append(start + outside[near])
        if near_parts:  # the few points near a district, measured all at once
            near = np.concatenate(near_parts)
            near_unit, nearest_m = _nearest(
                self.index, self.crs, lon[near], lat[near], self.snap_distance_m
            )
            ok = nearest_m <= self.snap_distance_m
            unit[near[ok]] = near_unit[ok]
            method[near[ok]] = _SNAPPED
            snap[near[ok]] = np.round(nearest_m[ok], 1)
        for start, stop in _chunks(n, progress=False, desc="join"):
            out = start + np.flatnonzero(unit[start:stop] < 0)
            swapped[out] = self._swapped(lon[out], lat[out])
        keep = unit >= 0
        no_district = country | (region & (not self.region_districts))
        if not self.region_districts:
            method[keep & region] = _REGION
        method[keep & country] = _COUNTRY
        rejected = np.flatnonzero(~keep)
        return Assignment(
            unit=unit,
            method=method,
            snap_m=snap,
            keep=keep,
            no_province=country,
            no_district=no_district,
            rejected=rejected,
            detail=self._outside_detail(swapped[rejected]),
        )

    def _swapped(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Whether swapping latitude and longitude would put each point in a district."""
        out = np.zeros(len(lon), dtype=bool)
        can = np.flatnonzero(np.abs(lon) <= 90)
        if len(can):
            sx, sy = _to_crs(lat[can], lon[can], self.crs)
            inside, _ = self.index.covering(sx, sy)
            out[can[inside >= 0]] = True
        return out

    def unit_columns(self, a: Assignment) -> dict[str, pa.Array]:
        """``province_id``, ``province``, ``district_id``, ``district`` of joined events."""
        k = pa.array(a.unit[a.keep])
        out = {}
        for col, labels in self._labels.items():
            empty = a.no_province if col.startswith("province") else a.no_district
            values = labels.take(k)
            if empty.any():
                values = pc.if_else(
                    pa.array(empty[a.keep]), pa.scalar(None, pa.large_string()), values
                )
            out[col] = values
        return out

    def _outside_detail(self, swapped: np.ndarray) -> pa.Array:
        base = (
            f"outside all boundaries: more than {self.snap_distance_m / 1000:g} km (the snap "
            "distance) from every unit"
        )
        labels = pa.array(
            [base, base + "; looks like latitude and longitude are swapped"], pa.large_string()
        )
        # two sentences for millions of rows: dictionary-encoded, decoded where a table
        # of rejects is built
        return pa.DictionaryArray.from_arrays(pa.array(swapped.astype(np.int8)), labels)

    def _margin(self) -> float:
        """The snap distance in CRS units, rounded up (inf when it cannot be bounded)."""
        per_m = self.index.memo(
            ("units_per_metre",), lambda: _units_per_metre(self.index, self.crs)
        )
        return float(self.snap_distance_m * per_m)


def boundaries_index(boundaries: AdminBoundaries, *, cache: bool = True) -> CellIndex:
    """Return the :class:`~geofront.cellindex.CellIndex` of the boundaries' districts."""
    return cell_index(boundaries.districts.geometry.array, boundaries.crs, cache=cache)


def _chunks(n: int, *, progress: bool, desc: str) -> Iterator[tuple[int, int]]:
    starts = range(0, max(n, 1), CHUNK_SIZE)
    for s in progress_bar(starts, enabled=progress and n > CHUNK_SIZE, desc=desc, unit="chunk"):
        yield s, min(s + CHUNK_SIZE, n)


def _to_crs(lon: np.ndarray, lat: np.ndarray, crs: CRS) -> tuple[np.ndarray, np.ndarray]:
    if crs == WGS84:
        return lon, lat
    tr = _transformer(crs.to_wkt())
    x, y = tr.transform(lon, lat)
    return np.asarray(x), np.asarray(y)


@functools.lru_cache(maxsize=16)
def _transformer(wkt: str) -> Transformer:
    return Transformer.from_crs(WGS84, CRS.from_wkt(wkt), always_xy=True)


def _units_per_metre(index: CellIndex, crs: CRS) -> float:
    """An upper bound of CRS units per metre (as measured in UTM) over the index's extent.

    Lets the join skip exact distance tests for points certainly farther than the snap
    distance. Returns inf (no skipping) where no bound can be given: near the poles or
    the antimeridian, or for a CRS whose scale pyproj cannot tell.
    """
    x1, y1 = index.x0 + index.nx * index.cell, index.y0 + index.ny * index.cell
    slack = 1.02  # UTM's own scale error within a zone is below 0.1 %
    if crs.is_geographic:
        phi = max(abs(index.y0), abs(y1)) + 1.0
        if phi >= 85 or index.x0 < -179 or x1 > 179:
            return float("inf")
        # a degree is at least 110.5 km north-south and 110.5 km * cos(lat) east-west
        return float(slack / (110_500.0 * np.cos(np.radians(phi))))
    try:
        gx, gy = np.meshgrid(np.linspace(index.x0, x1, 21), np.linspace(index.y0, y1, 21))
        to_geo = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
        glon, glat = to_geo.transform(gx.ravel(), gy.ravel())
        factors = Proj(crs).get_factors(glon, glat)
        scale = np.nanmax(np.maximum(factors.meridional_scale, factors.parallel_scale))
        unit = crs.axis_info[0].unit_conversion_factor  # metres per CRS unit
    except Exception:
        return float("inf")
    if not np.isfinite(scale) or not unit:
        return float("inf")
    return float(slack * scale / 0.9996 / unit)


def _utm_epsg(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return utm_epsg(utm_zones(lon), south=lat < 0)


def _nearest(
    index: CellIndex, crs: CRS, lon: np.ndarray, lat: np.ndarray, max_distance_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest district (position) within ``max_distance_m`` and the distance in metres.

    Distances are measured in each point's UTM zone. Points farther than the limit from
    every district get position -1 and distance inf (measuring exact distances to far
    polygons is the slow part of a join and says nothing useful).

    The distance of a point to a polygon is 0 inside it, else the distance to the
    nearest segment of its rings (what GEOS computes); the segments are indexed, which
    is much faster than measuring to whole polygons of thousands of vertices.
    """
    unit = np.full(len(lon), -1, dtype=np.int64)
    dist = np.full(len(lon), np.inf)
    if max_distance_m <= 0 or len(lon) == 0:
        return unit, dist
    epsg = _utm_epsg(lon, lat)
    for code in np.unique(epsg):
        sel = np.flatnonzero(epsg == code)
        utm = CRS.from_epsg(int(code))
        rings = index.memo(("utm", int(code)), lambda utm=utm: _Rings(index, crs, utm))
        x, y = _to_crs(lon[sel], lat[sel], utm)
        pt_i, poly_i, d = rings.within(x, y, max_distance_m)
        if len(pt_i) == 0:
            continue
        # nearest first, then smallest id (districts are sorted by id)
        order = np.lexsort((poly_i, d, pt_i))
        pt_i, poly_i, d = pt_i[order], poly_i[order], d[order]
        first = np.ones(len(pt_i), dtype=bool)
        first[1:] = pt_i[1:] != pt_i[:-1]
        unit[sel[pt_i[first]]] = poly_i[first]
        dist[sel[pt_i[first]]] = d[first]
    return unit, dist


class _Rings:
    """The districts in one UTM zone: polygons, and the segments of their rings.

    Segments are indexed per polygon, lazily, for the polygons some point comes near:
    a join usually snaps points near the outer border only.
    """

    def __init__(self, index: CellIndex, crs: CRS, utm: CRS) -> None:
        polys = np.asarray(gpd.GeoSeries(index.geoms, crs=crs).to_crs(utm).array, dtype=object)
        self.polys = polys
        self.boxes = shapely.STRtree(shapely.envelope(polys))
        self._segments: dict[int, tuple[np.ndarray, shapely.STRtree]] = {}
        self._lock = threading.Lock()

    def _of(self, p: int) -> tuple[np.ndarray, shapely.STRtree]:
        with self._lock:
            found = self._segments.get(p)
            if found is None:
                coords, ring = shapely.get_coordinates(
                    shapely.get_parts(shapely.boundary(self.polys[p])), return_index=True
                )
                same = ring[1:] == ring[:-1]  # consecutive vertices of one ring: a segment
                segs = shapely.linestrings(np.stack([coords[:-1][same], coords[1:][same]], 1))
                shapely.prepare(self.polys[p])
                found = self._segments[p] = (segs, shapely.STRtree(segs))
            return found

    def within(
        self, x: np.ndarray, y: np.ndarray, distance: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point, polygon, distance) for every polygon within ``distance`` of a point."""
        near = shapely.box(x - distance, y - distance, x + distance, y + distance)
        pt_c, poly_c = self.boxes.query(near)
        out_pt, out_poly, out_d = [], [], []
        for p in np.unique(poly_c):
            pts_i = np.unique(pt_c[poly_c == p])
            segs, tree = self._of(int(p))
            pts = shapely.points(x[pts_i], y[pts_i])
            local, seg_i = tree.query(pts, predicate="dwithin", distance=distance)
            if len(local) == 0:
                continue
            d = shapely.distance(pts[local], segs[seg_i])
            best = pd.Series(d).groupby(local).min()
            hit = best.index.to_numpy()
            dist = best.to_numpy(dtype="float64").copy()
            # inside the polygon (possible after reprojection, right at an edge): 0
            inside = shapely.intersects_xy(self.polys[p], x[pts_i[hit]], y[pts_i[hit]])
            dist[inside] = 0.0
            out_pt.append(pts_i[hit])
            out_poly.append(np.full(len(hit), p, dtype=np.int64))
            out_d.append(dist)
        if not out_pt:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        return np.concatenate(out_pt), np.concatenate(out_poly), np.concatenate(out_d)


def _outside_rejects(events: pd.DataFrame, a: Assignment) -> pd.DataFrame:
    src_cols = [c for c in events.columns if str(c).startswith(SOURCE_PREFIX)]
    wanted = [c for c in ("source_row", "event_id") if c in events.columns] + src_cols
    ev = events[wanted].iloc[a.rejected]  # only the columns a reject keeps
    rows = ev["source_row"].to_numpy() if "source_row" in ev.columns else a.rejected + 1
    text = pd.StringDtype("pyarrow")
    out = pd.DataFrame(
        {
            "source_row": rows,
            "event_id": ev["event_id"].astype(text).to_numpy(),
            "reason": pd.array(
                pa.array([OUTSIDE_BOUNDARIES]).take(pa.array(np.zeros(len(ev), np.int64))),
                dtype=text,
            ),
            "detail": pd.array(a.detail.dictionary_decode(), dtype=text),
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


def iter_joined(
    path: str | Path,
    *,
    columns: list[str] | None = None,
    batch_rows: int = 500_000,
    boundaries: AdminBoundaries | None = None,
) -> Iterator[pd.DataFrame] | None:
    """Batches of a table written by ``geofront join``; None if ``path`` is not one.

    GeoParquet and CSV are read ``batch_rows`` rows at a time (``columns`` and those the
    checks need), in bounded memory; other formats whole (:func:`read_joined`), then cut.
    Every batch is checked as :func:`read_joined` checks a whole table
    (:func:`geofront.table_checks.check_joined`; rows numbered from the top of the file),
    and an event id repeated anywhere in the file is refused too (a first pass over the
    ids finds the candidates).

    Raises
    ------
    DataFileError, SchemaError
        An unreadable file, or a joined table with a bad row (one line naming it).
    """
    from geofront.files import check_content, csv_header
    from geofront.io import check_input_file

    src = check_input_file(datasets.resolve(path), "events")
    suffix = src.suffix.lower()
    if suffix in (".parquet", ".geoparquet"):
        import pyarrow.parquet as pq

        check_content(src, what="events")
        try:
            names = pq.read_schema(src).names
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise DataFileError(f"cannot read events file {src}: {exc}") from exc
        if not all(c in names for c in JOIN_COLUMNS):
            return None
        wanted = _wanted(columns, names)
        return _checked(
            src, lambda cols: _parquet_frames(src, cols or wanted, batch_rows), boundaries
        )
    if suffix == ".csv":
        header, _ = csv_header(src, what="events")
        if not all(c in header for c in JOIN_COLUMNS):
            return None
        return _checked(src, lambda cols: _csv_frames(src, cols or columns, batch_rows), boundaries)
    table = read_joined(src, boundaries=boundaries)
    if table is None:
        return None
    return (table.iloc[s : s + batch_rows] for s in range(0, max(len(table), 1), batch_rows))


def _wanted(columns: list[str] | None, names: list[str]) -> list[str]:
    from geofront.table_checks import JOINED_REQUIRED

    if columns is None:
        return list(names)
    return [c for c in names if c in columns or c in JOINED_REQUIRED]


def _parquet_frames(src: Path, columns: list[str], batch_rows: int) -> Iterator[pd.DataFrame]:
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(src).iter_batches(batch_size=batch_rows, columns=columns):
        yield batch.to_pandas()


def _csv_frames(src: Path, columns: list[str] | None, batch_rows: int) -> Iterator[pd.DataFrame]:
    from geofront.events import UCDP_GED_COLUMNS, _known_names
    from geofront.sources import NeedLayout, PartLayout, open_source, part_layout, raw_batches

    source = open_source(
        src, allow_headerless=False, known_names=_known_names(), headerless_names=UCDP_GED_COLUMNS
    )
    wanted = _wanted(columns, list(source.names))
    layouts: dict[int, PartLayout] = {}
    for attempt in range(3):
        try:
            # a pass to find malformed records or long values first (nothing kept)
            for _ in raw_batches(
                source, columns=wanted[:1], batch_rows=batch_rows, layouts=layouts
            ):
                pass
            break
        except NeedLayout as need:
            if attempt == 2:
                raise
            old = layouts.get(0, PartLayout())
            layouts[0] = (
                PartLayout(need.block_bytes, old.malformed)
                if need.block_bytes
                else part_layout(source, 0, block_bytes=old.block_bytes)
            )
    for b in raw_batches(source, columns=wanted, batch_rows=batch_rows, layouts=layouts):
        frame = b.table.to_pandas()
        frame.columns = [c for c in source.names if c in wanted]
        for col in frame.columns:  # empty canonical cells are missing (source values stay)
            if not str(col).startswith(SOURCE_PREFIX):
                frame[col] = frame[col].where(frame[col] != "", pd.NA)
        if b.malformed:
            row, _, detail = b.malformed[0]
            raise SchemaError(
                f"joined events file {src}: row {row} fails the checks of a joined table "
                f"({detail}); fix it, or re-join the raw events with geofront join"
            )
        yield frame


def _checked(
    src: Path,
    frames: Callable[[list[str] | None], Iterator[pd.DataFrame]],
    boundaries: AdminBoundaries | None,
) -> Iterator[pd.DataFrame]:
    """Check every batch as read_joined checks a table, and ids across batches.

    ``frames(columns)`` reads the file's batches (``["event_id"]``: that column only).
    """
    from geofront.event_checks import DuplicateIds
    from geofront.idhash import HashCounter, hash_strings
    from geofront.table_checks import check_joined

    counter = HashCounter()
    try:  # first pass, the ids only: which may repeat
        for frame in frames(["event_id"]):
            ids = frame["event_id"].astype("string").fillna("").str.strip()
            counter.add(hash_strings(pa.array(ids.array)))
        seen = DuplicateIds(counter.repeated())
    finally:
        counter.close()
    done = 0
    for frame in frames(None):
        check_joined(
            frame,
            src,
            district_ids=None if boundaries is None else boundaries.districts["district_id"],
            province_ids=None if boundaries is None else boundaries.provinces["province_id"],
            first_row=done + 1,
        )
        ids = frame["event_id"].astype("string").fillna("").str.strip()
        keys = np.arange(done, done + len(frame), dtype=np.int64)
        dup, _ = seen.mark(ids, keys, np.ones(len(frame), dtype=bool), lambda j: "")
        if dup.any():
            j = int(np.flatnonzero(dup)[0])
            raise SchemaError(
                f"joined events file {src}: row {done + j + 1} fails the checks of a joined "
                f"table (event id {ids.iloc[j]!r} occurs twice); fix it, or re-join the raw "
                "events with geofront join"
            )
        done += len(frame)
        yield restore_joined(frame)


def restore_joined(frame: pd.DataFrame) -> pd.DataFrame:
    """The canonical dtypes of a (checked) joined table read back from a file."""
    for col in _NUMERIC:
        if col in frame.columns:
            frame[col] = pd.to_numeric(frame[col])
    for col in ("date", "date_end"):
        if col in frame.columns:
            frame[col] = pd.to_datetime(frame[col])
    for col in ("event_id", "province_id", "province", "district_id", "district"):
        if col in frame.columns:
            frame[col] = frame[col].astype("string")
    if "fatalities" in frame.columns:
        frame["fatalities"] = frame["fatalities"].astype("int64")
    frame.attrs.pop("malformed", None)
    return frame


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
    snap_distance_m: float = SNAP_DISTANCE_M,
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
