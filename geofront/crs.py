"""Choice of metric coordinate reference systems.

Distances, buffers and lengths are always computed in metres in a projected CRS:

* :func:`local_aeqd` — an azimuthal-equidistant projection centred on a point; distances
  from the centre are true everywhere (used for rings around a city).
* :func:`utm_crs_for` — the UTM zone of a geometry's centre (local work, snapping);
  :func:`utm_zones`, :func:`utm_epsg` and :func:`utm_zone_west` do the same zone
  arithmetic for arrays of points (metric work per zone, e.g. buffers cut at zone edges).
* :data:`EQUAL_AREA` — EPSG:6933 (WGS 84 / NSIDC EASE-Grid 2.0 Global), for areas of
  country-wide units.
* :func:`geodesic_length_m` — lengths on the ellipsoid, for lines spanning several UTM
  zones (e.g. a country-wide frontline).
* :func:`ecef_m` — Earth-centred Cartesian coordinates (metres) of points on the WGS 84
  ellipsoid, where a straight-line distance is a true 3-D chord (nearest-neighbour
  searches with a k-d tree).

No other module does CRS or zone arithmetic of its own.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Geod
from pyproj.aoi import AreaOfInterest
from pyproj.database import query_utm_crs_info

from geofront.errors import CRSError

#: Equal-area CRS for areas (km²) of units anywhere on Earth.
EQUAL_AREA = CRS.from_epsg(6933)
WGS84 = CRS.from_epsg(4326)
_GEOD = Geod(ellps="WGS84")


def local_aeqd(lon: float, lat: float) -> CRS:
    """Return an azimuthal-equidistant CRS (metres) centred on ``lon``, ``lat``."""
    if not (np.isfinite(lon) and np.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise CRSError(f"cannot centre a projection on lon={lon}, lat={lat}: not a WGS 84 point")
    return CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat:.8f} +lon_0={lon:.8f} +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
    )


def utm_crs_for(lon: float, lat: float) -> CRS:
    """Return the WGS 84 UTM CRS of the zone containing ``lon``, ``lat``."""
    infos = query_utm_crs_info(
        datum_name="WGS 84",
        area_of_interest=AreaOfInterest(lon, lat, lon, lat),
    )
    if not infos:
        raise CRSError(f"no UTM zone found for lon={lon}, lat={lat}")
    return CRS.from_epsg(infos[0].code)


def metric_crs_for(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> CRS:
    """Return the UTM CRS at the centre of ``frame``'s bounds (frame must have a CRS)."""
    if frame.crs is None:
        raise CRSError("geometry has no CRS: set one (e.g. frame.set_crs('EPSG:4326'))")
    minx, miny, maxx, maxy = frame.to_crs(WGS84).total_bounds
    return utm_crs_for((minx + maxx) / 2, (miny + maxy) / 2)


def require_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries, what: str) -> CRS:
    """Return ``frame.crs`` or raise a one-line :class:`CRSError` naming ``what``."""
    if frame.crs is None:
        raise CRSError(
            f"{what} has no CRS: give the file one (a .prj beside a Shapefile; e.g. ogr2ogr "
            "-a_srs EPSG:4326 for lon/lat data), or in Python .set_crs('EPSG:4326')"
        )
    return CRS.from_user_input(frame.crs)


def geodesic_length_m(geoms: gpd.GeoSeries) -> np.ndarray:
    """Return the length on the WGS 84 ellipsoid of each line geometry, in metres."""
    lonlat = geoms.to_crs(WGS84) if geoms.crs is not None else geoms
    out = np.zeros(len(lonlat))
    for i, g in enumerate(lonlat.array):
        if g is None or g.is_empty:
            continue
        out[i] = _GEOD.geometry_length(g)
    return out


def equal_area_km2(geoms: gpd.GeoSeries) -> np.ndarray:
    """Return the area of each polygon in km², computed in :data:`EQUAL_AREA`."""
    return np.asarray(shapely.area(geoms.to_crs(EQUAL_AREA).array)) / 1e6


#: WGS 84 semi-major axis (m) and first eccentricity squared.
_A = 6378137.0
_E2 = 6.69437999014e-3


def utm_zones(lon: np.ndarray | float) -> np.ndarray:
    """The UTM zone number (1-60) of each longitude (degrees); 180 falls in zone 60."""
    zone = np.floor((np.asarray(lon, dtype=float) + 180.0) / 6.0).astype("int64") + 1
    return np.asarray(np.clip(zone, 1, 60), dtype="int64")


def utm_epsg(zone: np.ndarray | int, *, south: np.ndarray | bool) -> np.ndarray:
    """EPSG code of the WGS 84 UTM CRS of each zone: 326zz north, 327zz south."""
    base = np.where(np.asarray(south, dtype=bool), 32700, 32600)
    return np.asarray(base + np.asarray(zone, dtype="int64"), dtype="int64")


def utm_zone_west(zone: int) -> float:
    """Western edge (degrees of longitude) of a UTM zone; the zone is 6 degrees wide."""
    return -180.0 + 6.0 * (int(zone) - 1)


def ecef_m(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Earth-centred coordinates (m), shape (n, 3), of points on the WGS 84 ellipsoid."""
    lam, phi = np.radians(lon), np.radians(lat)
    sin_phi = np.sin(phi)
    n = _A / np.sqrt(1.0 - _E2 * sin_phi * sin_phi)
    cos_phi = np.cos(phi)
    return np.column_stack(
        (n * cos_phi * np.cos(lam), n * cos_phi * np.sin(lam), n * (1.0 - _E2) * sin_phi)
    )
