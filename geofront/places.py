"""Cities: the bundled provincial capitals or any user file of points, and look-up by name.

:func:`read_cities` returns one row per city with the columns of :data:`CITY_COLUMNS`
and point geometry in EPSG:4326. :func:`find_city` selects cities by name, tolerant to the
many transliterations of Dari and Pashto place names ("Qala-i-Naw", "Qala-e-Naw",
"Qala i Naw", "Qal'eh-ye Now" all find the same town).

How names are matched
---------------------
Names are compared with the keys of :mod:`geofront.names` (shared with the district-name
matcher), strict to loose: the normal form (:func:`~geofront.names.normalise_name`: no
accents, case, apostrophes or hyphens), the phonetic key
(:func:`~geofront.names.phonetic_key`: ezafe particles ``-i-``/``-e-``/``-ye-`` dropped,
``q`` read as ``k``, vowels folded) and the consonant skeleton
(:func:`~geofront.names.skeleton_key`). A query matches a city if, at the first tier
where anything matches, it equals the key of the city's name or of one of its aliases
(for the bundled capitals: the GeoNames name, the district name, the English province
name and the small alias table :data:`ALIASES`); failing all tiers, if it names the
city's province (``"Badghis"`` finds Qala-i-Naw). A name matching several cities at its
tier, or none, raises a one-line :class:`~geofront.errors.InputError` listing the
candidates or the closest names (``difflib`` on normal forms). There is no fuzzy tier:
a wrong city is worse than an error that lists the right one.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from geofront import datasets
from geofront.boundaries import AdminBoundaries
from geofront.crs import WGS84
from geofront.errors import InputError, SchemaError
from geofront.files import csv_header
from geofront.io import VECTOR_EXTENSIONS, check_input_file, read_vector
from geofront.names import normalise_name, phonetic_key, skeleton_key

log = logging.getLogger(__name__)

#: Columns of :func:`read_cities` output, in order (then ``geometry``). ``district_id`` is a
#: string (``<NA>`` when unknown); ``population`` is ``<NA>`` when the file has none.
CITY_COLUMNS = (
    "city",
    "province",
    "district_id",
    "district",
    "population",
    "latitude",
    "longitude",
)

#: Extra spellings of the bundled capitals (key: the ``capital`` column of the bundled
#: file). The GeoNames name and the district name are aliases already; these are the
#: common press and gazetteer spellings seen in 2021 reporting.
ALIASES: dict[str, tuple[str, ...]] = {
    "Fayzabad": ("Faizabad", "Feyzabad", "Feyzabad-e Badakhshan"),
    "Qala-i-Naw": ("Qala-e-Naw", "Qal'eh-ye Now", "Qala Naw", "Qalai Naw", "Qala-e Now"),
    "Pul-e Khumri": ("Pol-e Khomri", "Pul-i-Khumri", "Polekhomri"),
    "Mazar-i-Sharif": ("Mazar-e Sharif", "Mazar", "Mazar-e-Sharif"),
    "Nili": ("Nilli",),
    "Maymana": ("Meymaneh", "Maimana"),
    "Chaghcharan (Firozkoh)": ("Chaghcharan", "Chakhcharan", "Firozkoh", "Feroz Koh", "Firuzkuh"),
    "Lashkar Gah": ("Lashkargah", "Lashkar Gar"),
    "Herat": ("Hirat", "Herat City"),
    "Sheberghan": ("Shibirghan", "Shiberghan", "Shebergan"),
    "Kandahar": ("Qandahar", "Kandahar City"),
    "Mahmud-i-Raqi": ("Mahmud Raqi", "Mahmood Raqi", "Makhmudraki", "Sidqabad"),
    "Khost": ("Khost (Matun)", "Matun", "Khowst"),
    "Kunduz": ("Kondoz", "Qunduz", "Konduz"),
    "Mihtarlam": ("Mehtar Lam", "Mehtarlam", "Mihtar Lam"),
    "Pul-i-Alam": ("Pul-e Alam", "Puli Alam", "Pol-e Alam"),
    "Maidan Shahr": ("Maydan Shahr", "Maidanshahr", "Maydanshakhr"),
    "Parun": ("Paroon",),
    "Sharana": ("Sharan",),
    "Gardez": ("Gardiz",),
    "Bazarak": ("Bazarak Panjshir",),
    "Charikar": ("Chaharikar",),
    "Aybak": ("Aibak", "Samangan City"),
    "Sar-e Pol": ("Sari Pul", "Sar-i-Pul", "Sar-e Pul"),
    "Taloqan": ("Taluqan", "Taleqan", "Taliqan"),
    "Tarinkot": ("Tirin Kot", "Tarin Kowt", "Tarin Kot"),
    "Qalat": ("Qalat-i-Ghilzai", "Kalat"),
}

_NAME_COLUMNS = ("city", "name", "capital", "place", "town", "location")
_LAT_COLUMNS = ("latitude", "lat", "y")
_LON_COLUMNS = ("longitude", "lon", "lng", "long", "x")


def read_cities(
    path: str | Path | None = None,
    *,
    name_column: str | None = None,
    province_column: str | None = None,
    latitude_column: str | None = None,
    longitude_column: str | None = None,
    layer: str | None = None,
    crs: str | int | CRS | None = None,
    boundaries: AdminBoundaries | None = None,
) -> gpd.GeoDataFrame:
    """Read cities: the 34 bundled provincial capitals of Afghanistan, or a user file.

    Parameters
    ----------
    path : path or bundled dataset name, optional
        ``None`` (or ``"afg-capitals"``) loads the bundled capitals (GeoNames, with their
        ESOC district ids). Otherwise a CSV with latitude/longitude columns, or a vector
        file of points (GeoPackage, GeoJSON, Shapefile, GeoParquet...).
    name_column : str, optional
        Column with the city name. Default: the first of ``city``, ``name``, ``capital``,
        ``place``, ``town``, ``location`` present (any case).
    province_column : str, optional
        Column with the province (parent unit) name. Default ``province`` if present; if
        absent and ``boundaries`` is given, the province of the containing district.
    latitude_column, longitude_column : str, optional
        CSV coordinate columns, WGS 84 degrees. Default: ``latitude``/``lat``/``y`` and
        ``longitude``/``lon``/``lng``/``long``/``x``.
    layer : str, optional
        Layer of a multi-layer vector file.
    crs : optional
        CRS of a vector file that has none (refused otherwise).
    boundaries : AdminBoundaries, optional
        If given, each city gets the ``district_id`` (and ``district``, ``province`` where
        missing) of the district that contains it (point in polygon). A ``district_id``
        column in the file is kept when its value is an id of ``boundaries``.

    Returns
    -------
    GeoDataFrame
        One row per city, :data:`CITY_COLUMNS` then ``geometry`` (points, EPSG:4326),
        with a fresh 0..n-1 index, in file order. Cities outside every district keep
        ``district_id`` ``<NA>``.

    Raises
    ------
    InputError
        Missing file, no name or coordinate column, an empty or out-of-range coordinate
        or an empty name (the message names the row).
    """
    text = None if path is None else str(path)
    if text is None or text in ("afg-capitals", "afg-capitals-csv"):
        frame = _bundled_capitals()
    else:
        src = datasets.resolve(text)
        frame = _read_user_cities(
            src,
            name_column=name_column,
            province_column=province_column,
            latitude_column=latitude_column,
            longitude_column=longitude_column,
            layer=layer,
            crs=crs,
        )
    if boundaries is not None:
        frame = _locate(frame, boundaries)
    return frame


def find_city(cities: gpd.GeoDataFrame, names: str | Iterable[str]) -> gpd.GeoDataFrame:
    """Return the rows of ``cities`` named by ``names``, tolerant to spelling.

    Parameters
    ----------
    cities : GeoDataFrame
        Output of :func:`read_cities` (needs ``city``; ``province`` and, for the bundled
        capitals, ``aliases`` are used when present).
    names : str or iterable of str
        City names in any common transliteration (see the module notes), or a province
        name standing for its capital.

    Returns
    -------
    GeoDataFrame
        The matching rows, in the order of ``names`` (a city named twice appears once),
        index kept.

    Raises
    ------
    InputError
        One line: a name matching no city (with the closest names) or several cities.
    """
    if isinstance(names, str):
        names = [names]
    queries = [str(n) for n in names]
    if not queries:
        raise InputError("no city named: give at least one city name (or --all)")
    if "city" not in cities.columns:
        raise SchemaError("cities table has no 'city' column: read it with read_cities")
    index = _name_index(cities)
    picked: list[object] = []
    for query in queries:
        for label in _match_one(query, cities, index):
            if label not in picked:
                picked.append(label)
    return cities.loc[picked]


def _match_one(query: str, cities: gpd.GeoDataFrame, index: _NameIndex) -> list[object]:
    for tier, key in index.tiers(query):
        labels = tier.get(key) if key else None
        if labels:
            if len(labels) > 1:
                found = ", ".join(
                    f"{cities.at[lb, 'city']} ({_province_of(cities, lb)})" for lb in labels
                )
                raise InputError(
                    f"city name {query!r} matches several cities: {found}; "
                    "give a more specific name or a cities file with unique names"
                )
            return list(labels)
    close = difflib.get_close_matches(
        normalise_name(query), sorted(index.display), n=20, cutoff=0.5
    )
    suggestions = list(dict.fromkeys(index.display[c] for c in close))[:5]
    hint = ", ".join(suggestions) if suggestions else "none close"
    raise InputError(
        f"unknown city {query!r}: closest names are {hint}; "
        "check the spelling or give a cities file (--cities)"
    )


def _province_of(cities: gpd.GeoDataFrame, label: object) -> str:
    if "province" in cities.columns and not pd.isna(cities.at[label, "province"]):
        return str(cities.at[label, "province"])
    return "province unknown"


class _NameIndex:
    """Maps from each key of each spelling (and from province names) to row labels."""

    _KEYS = (normalise_name, phonetic_key, skeleton_key)

    def __init__(self, labels: list[object], spellings: list[str], names: list[str]) -> None:
        text = pd.Series(spellings, dtype=object)
        self.by_key: list[dict[str, list[object]]] = []
        for fn in self._KEYS:  # each key computed once for all spellings (vectorised)
            table: dict[str, list[object]] = {}
            for key, label in zip(fn(text), labels, strict=True):
                _append(table, str(key), label)
            self.by_key.append(table)
        self.display = dict(zip(map(str, normalise_name(text)), names, strict=True))
        self.province: dict[str, list[object]] = {}

    def tiers(self, query: str) -> list[tuple[dict[str, list[object]], str]]:
        out = [(table, str(fn(query))) for table, fn in zip(self.by_key, self._KEYS, strict=True)]
        out += [(self.province, str(phonetic_key(query)))]
        return out


def _append(table: dict[str, list[object]], key: str, label: object) -> None:
    if not key:
        return
    labels = table.setdefault(key, [])
    if label not in labels:
        labels.append(label)


def _name_index(cities: gpd.GeoDataFrame) -> _NameIndex:
    labels: list[object] = []
    spellings: list[str] = []
    names: list[str] = []
    has_alias = "aliases" in cities.columns
    for label, name in zip(cities.index, cities["city"], strict=True):
        these = [str(name)]
        if has_alias and isinstance(cities.at[label, "aliases"], str):
            these += [a for a in cities.at[label, "aliases"].split(";") if a]
        labels += [label] * len(these)
        spellings += these
        names += [str(name)] * len(these)
    index = _NameIndex(labels, spellings, names)
    if "province" in cities.columns:
        prov = cities["province"]
        known = prov.notna().to_numpy()
        keys = phonetic_key(prov[known].astype(str))
        for label, key in zip(cities.index[known], keys, strict=True):
            _append(index.province, str(key), label)
    return index


def _bundled_capitals() -> gpd.GeoDataFrame:
    raw = pd.read_csv(datasets.get_path("afg-capitals-csv"), dtype={"esoc_distid": str})
    aliases = [
        ";".join(dict.fromkeys([str(g), str(d), str(pe), *ALIASES.get(str(c), ())]))
        for c, g, d, pe in zip(
            raw["capital"], raw["geonames_name"], raw["district"], raw["province_en"], strict=True
        )
    ]
    frame = pd.DataFrame(
        {
            "city": raw["capital"].astype(str),
            "province": raw["province"].astype(str),
            "district_id": raw["esoc_distid"].astype(str).astype("string"),
            "district": raw["district"].astype(str).astype("string"),
            "population": raw["population"].astype("Int64"),
            "latitude": raw["latitude"].astype(float),
            "longitude": raw["longitude"].astype(float),
            "aliases": aliases,
        }
    )
    return _to_points(frame)


def _to_points(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    out = gpd.GeoDataFrame(
        frame,
        geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]),
        crs=WGS84,
    )
    cols = [*CITY_COLUMNS, *(["aliases"] if "aliases" in frame.columns else []), "geometry"]
    return out[cols].reset_index(drop=True)


def _pick(columns: Sequence[str], wanted: str | None, defaults: Sequence[str]) -> str | None:
    if wanted is not None:
        return wanted if wanted in columns else None
    lower = {c.lower(): c for c in columns}
    for d in defaults:
        if d in lower:
            return lower[d]
    return None


def _read_user_cities(
    src: Path,
    *,
    name_column: str | None,
    province_column: str | None,
    latitude_column: str | None,
    longitude_column: str | None,
    layer: str | None,
    crs: str | int | CRS | None,
) -> gpd.GeoDataFrame:
    check_input_file(src, "cities")
    suffix = src.suffix.lower()
    if suffix in VECTOR_EXTENSIONS:
        geo = read_vector(src, layer=layer, what="cities")
        if geo.crs is None:
            if crs is None:
                raise InputError(
                    f"cities file {src} has no CRS: add one to the file, give the cities as a "
                    "CSV of WGS 84 latitude/longitude, or state it (crs= in Python)"
                )
            geo = geo.set_crs(crs)
        kinds = set(geo.geometry.geom_type.dropna())
        if not kinds <= {"Point"}:
            raise SchemaError(
                f"cities file {src} holds {', '.join(sorted(kinds))} geometries, not points: "
                "give one point per city"
            )
        geo = geo.to_crs(WGS84)
        raw = pd.DataFrame(geo.drop(columns=geo.geometry.name))
        raw["__lon"] = geo.geometry.x.to_numpy()
        raw["__lat"] = geo.geometry.y.to_numpy()
        lat_col: str | None = "__lat"
        lon_col: str | None = "__lon"
    else:
        csv_header(src, what="cities")
        try:
            raw = pd.read_csv(src, dtype=str, keep_default_na=False, na_values=[""])
        except Exception as exc:  # pandas raises several parser errors
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(f"cannot read cities file {src} as CSV: {msg}") from exc
        cols = list(raw.columns)
        lat_col = _pick(cols, latitude_column, _LAT_COLUMNS)
        lon_col = _pick(cols, longitude_column, _LON_COLUMNS)
        if lat_col is None or lon_col is None:
            raise SchemaError(
                f"cities file {src} has no latitude/longitude column: name them latitude and "
                f"longitude (or lat/lon; latitude_column= in Python); the file has "
                f"{', '.join(cols)}"
            )
    cols = [c for c in raw.columns if not c.startswith("__")]
    name_col = _pick(cols, name_column, _NAME_COLUMNS)
    if name_col is None:
        wanted = name_column or "a name column (city, name, ...)"
        raise SchemaError(
            f"cities file {src} has no column {wanted}: choose one of {', '.join(cols)} "
            "(--city-name COL, name_column=...)"
        )
    prov_col = _pick(cols, province_column, ("province",))
    if province_column is not None and prov_col is None:
        raise SchemaError(
            f"cities file {src} has no column {province_column!r}: choose one of {', '.join(cols)}"
        )
    if len(raw) == 0:
        raise InputError(f"cities file {src} has no rows: give at least one city")
    names = raw[name_col]
    empty = names.isna() | (names.astype(str).str.strip() == "")
    if empty.any():
        row = int(np.flatnonzero(empty.to_numpy())[0]) + 1
        raise InputError(f"cities file {src}, row {row}: column {name_col!r} is empty; name it")
    lat = pd.to_numeric(raw[lat_col], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(raw[lon_col], errors="coerce").to_numpy(dtype=float)
    bad = ~(np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"cities file {src}, row {i + 1} ({names.iloc[i]}): coordinates "
            f"{raw[lat_col].iloc[i]!r}, {raw[lon_col].iloc[i]!r} are missing or out of range; "
            "fix them (WGS 84 degrees)"
        )
    lower = {c.lower(): c for c in cols}
    did_col = lower.get("district_id") or lower.get("esoc_distid")
    dist_col = lower.get("district")
    pop_col = lower.get("population")
    frame = pd.DataFrame(
        {
            "city": names.astype(str).str.strip().to_numpy(),
            "province": (
                raw[prov_col].astype("string").to_numpy()
                if prov_col
                else pd.array([pd.NA] * len(raw), dtype="string")
            ),
            "district_id": _string_ids(raw[did_col]) if did_col else _na_strings(len(raw)),
            "district": (
                raw[dist_col].astype("string").to_numpy() if dist_col else _na_strings(len(raw))
            ),
            "population": (
                pd.to_numeric(raw[pop_col], errors="coerce").round().astype("Int64").to_numpy()
                if pop_col
                else pd.array([pd.NA] * len(raw), dtype="Int64")
            ),
            "latitude": lat,
            "longitude": lon,
        }
    )
    return _to_points(frame)


def _na_strings(n: int) -> pd.api.extensions.ExtensionArray:
    return pd.array([pd.NA] * n, dtype="string")


def _string_ids(col: pd.Series) -> pd.api.extensions.ExtensionArray:
    num = pd.to_numeric(col, errors="coerce")
    if num.notna().all() and (num == num.round()).all():
        return num.astype("int64").astype(str).astype("string").array
    return col.astype("string").str.strip().array


def _locate(frame: gpd.GeoDataFrame, boundaries: AdminBoundaries) -> gpd.GeoDataFrame:
    """Fill district_id / district / province from the containing district."""
    districts = boundaries.districts.to_crs(WGS84)
    known = set(districts["district_id"])
    hit = gpd.sjoin(
        frame[["geometry"]], districts[["district_id", "geometry"]], how="left", predicate="within"
    )
    # a point on a shared edge may fall in two districts: keep the smallest id (stable)
    hit = hit.sort_values("district_id", kind="stable", na_position="last")
    pip = hit[~hit.index.duplicated(keep="first")]["district_id"].reindex(frame.index)
    out = frame.copy()
    declared = out["district_id"]
    keep = declared.notna() & declared.isin(known)
    ids = declared.where(keep, pip.astype("string"))
    out["district_id"] = ids.astype("string")
    lookup = districts.set_index("district_id")
    has = ids.notna()
    for col in ("district", "province"):
        looked = ids[has].map(lookup[col]).astype("string")
        filled = out[col].astype("string").copy()
        missing = has & filled.isna()
        filled[missing] = looked[missing[has]]
        out[col] = filled
    outside = int((~has).sum())
    if outside:
        log.info("%d of %d cities lie outside every district", outside, len(out))
    return out
