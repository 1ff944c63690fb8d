"""Administrative boundaries: districts and the provinces that contain them.

:func:`read_boundaries` loads the bundled Afghanistan set (398 districts, 34 provinces) or
any user file, normalises the columns to :data:`geofront.schema.DISTRICT_COLUMNS`, checks
the CRS, repairs invalid polygons (with a warning that counts them) and derives the
province layer by dissolving districts when none is given, so that the hierarchy is
always consistent: every district lies in exactly one province.
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geofront import datasets
from geofront.errors import CRSError, GeofrontWarning, InputError, SchemaError
from geofront.io import read_vector
from geofront.schema import DISTRICT_COLUMNS, PROVINCE_COLUMNS


@dataclass(frozen=True)
class AdminBoundaries:
    """Districts and provinces of one country, consistent with each other.

    Attributes
    ----------
    districts : GeoDataFrame
        One row per district: ``district_id``, ``district``, ``province_id``, ``province``
        and geometry, indexed by ``district_id``, sorted by it. Ids are strings.
    provinces : GeoDataFrame
        One row per province: ``province_id``, ``province`` and geometry, indexed by
        ``province_id``.
    name : str
        A label for the set (file name, or ``"afghanistan"`` for the bundled set).
    """

    districts: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    name: str = ""

    @property
    def crs(self) -> CRS:
        """The CRS shared by both layers."""
        return CRS.from_user_input(self.districts.crs)

    def outline(self) -> shapely.Geometry:
        """Return the union of all provinces (the country outline)."""
        return shapely.union_all(self.provinces.geometry.array)

    def to_crs(self, crs: CRS | str | int) -> AdminBoundaries:
        """Return the same boundaries in another CRS."""
        return AdminBoundaries(self.districts.to_crs(crs), self.provinces.to_crs(crs), self.name)


def read_boundaries(
    path: str | Path | None = None,
    *,
    layer: str | None = None,
    district_name: str = "district",
    district_id: str | None = None,
    province_name: str | None = "province",
    province_id: str | None = None,
    provinces_path: str | Path | None = None,
    provinces_layer: str | None = None,
    crs: str | int | CRS | None = None,
) -> AdminBoundaries:
    """Read district (and province) boundaries.

    Parameters
    ----------
    path : path, optional
        A GeoPackage, Shapefile, GeoJSON or GeoParquet of districts (or of any lowest
        administrative unit). ``None`` loads the bundled Afghanistan 398-district set.
    layer : str, optional
        Layer to read from a multi-layer file.
    district_name, district_id : str
        Columns holding the unit name and a stable unit id. If ``district_id`` is None,
        ids are made from the parent id and the name (``"<province_id>/<name>"``).
    province_name, province_id : str or None
        Columns holding the parent unit (province) name and id. If ``province_name`` is
        None, the file is treated as a single level: every unit is its own province,
        with the unit's id and name. If ``province_id`` is None, the province name is used
        as its id.
    provinces_path, provinces_layer : optional
        A separate province file whose ``province_id``/``province_name`` columns match.
        By default provinces are the dissolve of the districts.
    crs : optional
        CRS to assume when the file has none. A file without a CRS is refused unless
        this is given; a file with a CRS different from ``crs`` is refused too.

    Returns
    -------
    AdminBoundaries
    """
    if path is None:
        return _bundled_copy()
    src = Path(path)
    raw = read_vector(
        src,
        layer=layer,
        what="boundaries",
        layer_hint="use --boundaries-layer NAME (in a case file [boundaries] layer, in Python layer=)",
    )
    raw = _with_crs(raw, crs, src)
    if len(raw) == 0:
        raise InputError(f"boundaries file {src} has no features: give a file with polygons")
    districts = _normalise_districts(
        raw,
        src,
        district_name=district_name,
        district_id=district_id,
        province_name=province_name,
        province_id=province_id,
    )
    districts = _repair(districts, src)
    if provinces_path is not None:
        praw = _with_crs(
            read_vector(provinces_path, layer=provinces_layer, what="provinces"),
            crs,
            Path(provinces_path),
        )
        provinces = _normalise_provinces(
            praw,
            Path(provinces_path),
            districts,
            province_name=province_name or district_name,
            province_id=province_id,
        )
        provinces = _repair(provinces, Path(provinces_path)).to_crs(districts.crs)
    else:
        provinces = _dissolve(districts)
    return AdminBoundaries(districts, provinces, src.name)


def _bundled_copy() -> AdminBoundaries:
    """The bundled boundaries, read and checked once per process; every call gets its own
    frames (copies: a caller that changes them changes nothing for the next one)."""
    b = _bundled()
    return AdminBoundaries(b.districts.copy(), b.provinces.copy(), b.name)


@functools.lru_cache(maxsize=1)
def _bundled() -> AdminBoundaries:
    d = read_vector(datasets.get_path("afg-districts"), what="bundled districts")
    p = read_vector(datasets.get_path("afg-provinces"), what="bundled provinces")
    districts = gpd.GeoDataFrame(
        {
            "district_id": d["esoc_distid"].astype(str),
            "district": d["district"].astype(str),
            "province_id": d["esoc_provid"].astype(str),
            "province": d["province"].astype(str),
        },
        geometry=d.geometry.values,
        crs=d.crs,
    )
    provinces = gpd.GeoDataFrame(
        {"province_id": p["esoc_provid"].astype(str), "province": p["province"].astype(str)},
        geometry=p.geometry.values,
        crs=p.crs,
    )
    return AdminBoundaries(
        _finish(districts, "district_id"), _finish(provinces, "province_id"), "afghanistan"
    )


def _with_crs(frame: gpd.GeoDataFrame, crs: str | int | CRS | None, src: Path) -> gpd.GeoDataFrame:
    if frame.crs is None:
        if crs is None:
            raise CRSError(
                f"boundaries file {src} has no CRS: add a .prj / CRS to the file, "
                "or state it (--crs EPSG:4326 at the command line, crs= in Python)"
            )
        return frame.set_crs(crs)
    if crs is not None and CRS.from_user_input(crs) != CRS.from_user_input(frame.crs):
        raise CRSError(
            f"boundaries file {src} is in {frame.crs.to_string()} but crs={crs} was given: "
            "drop the crs option or reproject the file"
        )
    return frame


def _need(frame: pd.DataFrame, src: Path, **cols: str | None) -> None:
    missing = [
        f"{col!r} (--{opt.replace('_', '-')}, {opt}= in Python)"
        for opt, col in cols.items()
        if col and col not in frame.columns
    ]
    if missing:
        have = ", ".join(c for c in frame.columns if c != frame.geometry.name)
        raise SchemaError(
            f"boundaries file {src} lacks column(s) {', '.join(missing)}: "
            f"name the right ones; the file has {have}"
        )


def _normalise_districts(
    raw: gpd.GeoDataFrame,
    src: Path,
    *,
    district_name: str,
    district_id: str | None,
    province_name: str | None,
    province_id: str | None,
) -> gpd.GeoDataFrame:
    _need(
        raw,
        src,
        district_name=district_name,
        district_id=district_id,
        province_name=province_name,
        province_id=province_id,
    )
    geoms = raw.geometry.array
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        row = int(np.flatnonzero(missing)[0])
        name = raw[district_name].iloc[row] if district_name in raw.columns else "?"
        raise SchemaError(
            f"boundaries file {src}: feature {row} ({district_name} {name!r}) has no geometry "
            f"(null or empty; {int(missing.sum())} such feature(s)): draw it or drop it"
        )
    polys = raw.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
    if not polys.all():
        bad = raw.index[~polys.to_numpy()][0]
        raise SchemaError(
            f"boundaries file {src}: feature {bad} is a {raw.geometry.geom_type[bad]}, "
            "not a polygon; give a polygon layer"
        )
    name = _text(raw[district_name], src, district_name)
    pname = name if province_name is None else _text(raw[province_name], src, province_name)
    if province_name is None:
        # a single level: each unit is its own province, with the unit's id
        did = _text(raw[district_id], src, district_id) if district_id else name
        pid = _text(raw[province_id], src, province_id) if province_id else did
    else:
        pid = _text(raw[province_id], src, province_id) if province_id else pname
        did = _text(raw[district_id], src, district_id) if district_id else pid + "/" + name
    dup = did[did.duplicated()]
    if len(dup):
        raise SchemaError(
            f"boundaries file {src}: unit id {dup.iloc[0]!r} occurs more than once; "
            "name a unique id column (district_id=...) or dissolve the file first"
        )
    frame = gpd.GeoDataFrame(
        {
            "district_id": did.to_numpy(),
            "district": name.to_numpy(),
            "province_id": pid.to_numpy(),
            "province": pname.to_numpy(),
        },
        geometry=raw.geometry.values,
        crs=raw.crs,
    )
    # A province id must have one name.
    names_per_id = frame.groupby("province_id")["province"].nunique()
    if (names_per_id > 1).any():
        bad_id = names_per_id[names_per_id > 1].index[0]
        raise SchemaError(
            f"boundaries file {src}: province id {bad_id!r} carries several names; "
            "check the province name/id columns"
        )
    return _finish(frame, "district_id")


def _normalise_provinces(
    raw: gpd.GeoDataFrame,
    src: Path,
    districts: gpd.GeoDataFrame,
    *,
    province_name: str,
    province_id: str | None,
) -> gpd.GeoDataFrame:
    _need(raw, src, province_name=province_name, province_id=province_id)
    pname = _text(raw[province_name], src, province_name)
    pid = _text(raw[province_id], src, province_id) if province_id else pname
    frame = gpd.GeoDataFrame(
        {"province_id": pid.to_numpy(), "province": pname.to_numpy()},
        geometry=raw.geometry.values,
        crs=raw.crs,
    )
    unknown = sorted(set(districts["province_id"]) - set(frame["province_id"]))
    if unknown:
        raise SchemaError(
            f"provinces file {src} has no province with id {unknown[0]!r} that districts "
            "refer to: use matching files"
        )
    return _finish(frame, "province_id")


def _text(col: pd.Series, src: Path, name: str) -> pd.Series:
    if col.isna().any():
        row = int(np.flatnonzero(col.isna().to_numpy())[0])
        raise SchemaError(
            f"boundaries file {src}: column {name!r} is empty in feature {row}; fill it in"
        )
    if pd.api.types.is_float_dtype(col) and (col == col.round()).all():
        col = col.astype("int64")
    return col.astype(str).str.strip()


def _repair(frame: gpd.GeoDataFrame, src: Path) -> gpd.GeoDataFrame:
    geoms = frame.geometry.array
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return frame
    fixed = shapely.make_valid(geoms[invalid])
    # make_valid may return collections with lines or points: keep the polygonal part.
    fixed = np.array([_polygonal(g) for g in fixed], dtype=object)
    out = frame.copy()
    out.loc[out.index[invalid], out.geometry.name] = fixed
    warnings.warn(
        f"{src}: repaired {int(invalid.sum())} invalid polygon(s) with make_valid",
        GeofrontWarning,
        stacklevel=3,
    )
    return out


def _polygonal(geom: Any) -> Any:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _dissolve(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    g = districts.reset_index(drop=True)
    codes, uniques = pd.factorize(g["province_id"], sort=True)
    geoms = [shapely.union_all(g.geometry.array[codes == i]) for i in range(len(uniques))]
    names = g.groupby("province_id", sort=True)["province"].first()
    frame = gpd.GeoDataFrame(
        {"province_id": list(uniques), "province": names.loc[list(uniques)].to_numpy()},
        geometry=geoms,
        crs=districts.crs,
    )
    return _finish(frame, "province_id")


def _finish(frame: gpd.GeoDataFrame, key: str) -> gpd.GeoDataFrame:
    cols = DISTRICT_COLUMNS if key == "district_id" else PROVINCE_COLUMNS
    frame = frame[[*cols, frame.geometry.name]]
    frame = frame.sort_values(key, kind="stable").set_index(key, drop=False)
    frame.index.name = None
    return frame
