"""The layouts of event files: which column of an ACLED, UCDP or generic table is which.

:func:`detect_format` recognises ACLED exports (the current 31-column layout and older
ones) and UCDP GED / Candidate files by their columns; :func:`choose_fields` maps each
canonical field (:mod:`geofront.schema`) to a column of the file, or raises a one-line
:class:`~geofront.errors.SchemaError` naming what is missing and the columns found. The
mapping of each source is tabulated in :mod:`geofront.events`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geofront.errors import SchemaError

#: Formats :func:`read_events` understands (``auto`` detects one of the others).
FORMATS = ("auto", "acled", "ucdp", "csv")
#: Extensions read as vector data (coordinates from point geometry).
VECTOR_SUFFIXES = (".gpkg", ".geojson", ".json", ".parquet", ".geoparquet", ".fgb", ".shp")

#: The 49 columns of UCDP GED 23.1 (and of UCDP Candidate files, which may have no header).
UCDP_GED_COLUMNS = (
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
)

UCDP_REQUIRED = ("id", "date_start", "latitude", "longitude", "side_a", "side_b", "best")
#: The columns of an ACLED export in the post-2023 layout, in order (31).
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
ACLED_REQUIRED = ("event_date", "latitude", "longitude", "actor1")
ACLED_IDS = ("event_id_cnty", "event_id_no_cnty", "data_id")
UCDP_VIOLENCE = {1: "State-based conflict", 2: "Non-state conflict", 3: "One-sided violence"}
ACLED_TIME = {1: "day", 2: "week", 3: "month"}
ACLED_GEO = {1: "exact", 2: "near", 3: "region"}
UCDP_DATE = {1: "day", 2: "week", 3: "month", 4: "year", 5: "year"}
UCDP_WHERE = {1: "exact", 2: "near", 3: "near", 5: "near", 4: "region", 6: "country", 7: "country"}

#: Names tried, in order, when a generic table's column is not given.
GUESS = {
    "latitude": ("latitude", "lat", "y"),
    "longitude": ("longitude", "lon", "lng", "long", "x"),
    "date": ("event_date", "date"),
    "event_id": ("event_id", "id"),
    "actor1": ("actor1", "actor_1"),
    "actor2": ("actor2", "actor_2"),
    "event_type": ("event_type",),
    "fatalities": ("fatalities", "deaths"),
}


# --- format detection and column choice -----------------------------------------------


def _lookup(raw: pd.DataFrame) -> dict[str, str]:
    """Lower-cased column name -> actual name (the first column wins)."""
    out: dict[str, str] = {}
    for c in raw.columns:
        out.setdefault(str(c).strip().lower(), str(c))
    return out


def detect_format(raw: pd.DataFrame, format: str, src: Path) -> str:
    cols = _lookup(raw)
    is_ucdp = all(c in cols for c in UCDP_REQUIRED)
    is_acled = all(c in cols for c in ACLED_REQUIRED) and any(c in cols for c in ACLED_IDS)
    if format == "auto":
        return "ucdp" if is_ucdp else "acled" if is_acled else "csv"
    need = {"ucdp": UCDP_REQUIRED, "acled": ACLED_REQUIRED}.get(format, ())
    missing = [c for c in need if c not in cols]
    if format == "acled" and not any(c in cols for c in ACLED_IDS):
        missing.append("event_id_cnty")
    if missing:
        raise SchemaError(
            f"events file {src} is not a {format.upper()} file: missing column(s) "
            f"{', '.join(missing)}; found: {_columns_text(raw)}"
        )
    return format


def _columns_text(raw: pd.DataFrame, limit: int = 40) -> str:
    names = [str(c) for c in raw.columns]
    more = f" ... (+{len(names) - limit})" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def choose_fields(
    raw: pd.DataFrame, fmt: str, src: Path, options: dict[str, str | None], *, has_geometry: bool
) -> dict[str, str | None]:
    """Return canonical field -> source column (None when the source has none)."""
    cols = _lookup(raw)

    def first(*names: str) -> str | None:
        return next((cols[n] for n in names if n in cols), None)

    if fmt == "ucdp":
        f = {
            "event_id": first("id"),
            "date": first("date_start"),
            "date_end": first("date_end"),
            "date_precision": first("date_prec"),
            "event_type": first("type_of_violence"),
            "sub_event_type": None,
            "actor1": first("side_a"),
            "actor2": first("side_b"),
            "fatalities": first("best"),
            "location_precision": first("where_prec"),
            "latitude": first("latitude"),
            "longitude": first("longitude"),
            "country": first("country"),
        }
    elif fmt == "acled":
        f = {
            "event_id": first(*ACLED_IDS),
            "date": first("event_date"),
            "date_end": None,
            "date_precision": first("time_precision"),
            "event_type": first("event_type"),
            "sub_event_type": first("sub_event_type"),
            "actor1": first("actor1"),
            "actor2": first("actor2"),
            "fatalities": first("fatalities"),
            "location_precision": first("geo_precision"),
            "latitude": first("latitude"),
            "longitude": first("longitude"),
            "country": first("country"),
        }
    else:
        f = {key: first(*names) for key, names in GUESS.items()}
        f.update(
            {
                "date_end": first("date_end"),
                "date_precision": first("date_precision"),
                "sub_event_type": first("sub_event_type"),
                "location_precision": first("location_precision"),
                "country": first("country"),
            }
        )
        if has_geometry:
            f["latitude"] = f["longitude"] = None
    for key, name in options.items():
        if name is None:
            continue
        if name not in raw.columns:
            raise SchemaError(
                f"events file {src} has no column {name!r} (given as {key}); "
                f"columns are: {_columns_text(raw)}"
            )
        f[key] = name
    if has_geometry and (options["latitude"] is None) != (options["longitude"] is None):
        raise SchemaError(
            f"events file {src}: give both latitude and longitude columns, or neither "
            "to use the point geometry"
        )
    needed = ([] if has_geometry and options["latitude"] is None else COORDS) + ["date"]
    missing = [k for k in needed if f.get(k) is None]
    if missing:
        looked = "; ".join(f"the {k} column (looked for {', '.join(GUESS[k])})" for k in missing)
        cli = {"latitude": "--lat-col", "longitude": "--lon-col", "date": "--date-col"}
        hint = (
            "geofront join FILE "
            + " ".join(f"{cli[k]} COLUMN" for k in missing)
            + ", then use the joined table it writes ("
            + ", ".join(f"{k}=..." for k in missing)
            + " in Python)"
        )
        raise SchemaError(
            f"events file {src}: cannot find {looked}; columns are: {_columns_text(raw)}; "
            f"name them: {hint}"
        )
    return f


COORDS = ["latitude", "longitude"]
