"""Reading conflict events into one canonical table, with every bad row accounted for.

:func:`read_events` reads an ACLED export, a UCDP GED (or UCDP Candidate) CSV, or a
generic table (CSV, GeoJSON, GeoPackage, GeoParquet, ...) and returns an
:class:`EventsRead`: the good rows as canonical events (see :mod:`geofront.schema`), the
bad rows with a reason from :data:`geofront.schema.REJECT_REASONS`, and the number of
rows read. ``n_read == len(events) + len(rejected)`` always holds (checked in code).

How each source maps to the canonical columns
---------------------------------------------
==================  ==========================  ====================================
canonical           ACLED                       UCDP GED / Candidate
==================  ==========================  ====================================
event_id            event_id_cnty (older:       id
                    event_id_no_cnty, data_id)
date, date_end      event_date (both)           date_start, date_end
date_precision      time_precision 1/2/3 ->     date_prec 1 day, 2 week, 3 month,
                    day/week/month              4/5 year
event_type          event_type                  type_of_violence 1/2/3 -> "State-based
                                                conflict"/"Non-state conflict"/
                                                "One-sided violence"
sub_event_type      sub_event_type ("" if none) ""
actor1, actor2      actor1, actor2              side_a, side_b
fatalities          fatalities                  best
location_precision  geo_precision 1/2/3 ->      where_prec 1 exact; 2, 3, 5 near;
                    exact/near/region           4 region; 6, 7 country
==================  ==========================  ====================================

UCDP ``where_prec``: 1 is the exact place; 2 is within about 25 km of a known point, 3
is a second-order unit (a district: the coordinates are the district's, so the district
is still right) and 5 is a road or river between places -- all "near"; 4 is a
first-order unit (province) -- only the region is known; 6 the country and 7
international waters or airspace -- only the country is known, so the join gives such
events neither a district nor a province. Unknown precision codes give ``day`` / ``exact``.

Rows are checked (:mod:`geofront.event_checks`) in this order and rejected for the first
problem found: ``malformed_row`` (a CSV record with more or fewer fields than the
header; the detail names its line), ``missing_coordinates`` (coordinates ``(0, 0)``,
"Null Island", count as missing), ``invalid_coordinates`` (text, NaN, infinity, out of
range, a non-point geometry, or coordinates that look swapped), ``unparseable_date``
(also dates in the future), ``duplicate_event_id`` (the first good row with an id is
kept; later good rows with the same id are rejected naming it).

Which layout was read, and from which columns, is in :attr:`EventsRead.layout`; a file
that looks like an ACLED export or a UCDP file but lacks a column that layout needs is
refused rather than read as a generic table (:mod:`geofront.table_checks`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import dataclasses
import io
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import shapely

from geofront import datasets, schema
from geofront.errors import AccountingError, CRSError, DataFileError, InputError, SchemaError
from geofront.event_checks import (
    GeometryXY,
    check_coordinates,
    check_dates,
    check_event_ids,
    check_malformed,
    fatality_counts,
    parse_numbers,
    text_column,
)
from geofront.io import check_input_file, read_vector
from geofront.malformed import check_unclosed_quote, insert_malformed, locate_malformed
from geofront.sides import read_side_mapping, sides_for
from geofront.table_checks import check_known_layout, describe_layout

logger = logging.getLogger(__name__)

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

_UCDP_REQUIRED = ("id", "date_start", "latitude", "longitude", "side_a", "side_b", "best")
#: The columns of an ACLED export in the post-2023 layout, in order (31).
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
    "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
    "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
    "source_scale", "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
_ACLED_REQUIRED = ("event_date", "latitude", "longitude", "actor1")
_ACLED_IDS = ("event_id_cnty", "event_id_no_cnty", "data_id")
_UCDP_VIOLENCE = {1: "State-based conflict", 2: "Non-state conflict", 3: "One-sided violence"}
_ACLED_TIME = {1: "day", 2: "week", 3: "month"}
_ACLED_GEO = {1: "exact", 2: "near", 3: "region"}
_UCDP_DATE = {1: "day", 2: "week", 3: "month", 4: "year", 5: "year"}
_UCDP_WHERE = {1: "exact", 2: "near", 3: "near", 5: "near", 4: "region", 6: "country", 7: "country"}

#: Names tried, in order, when a generic table's column is not given.
_GUESS = {
    "latitude": ("latitude", "lat", "y"),
    "longitude": ("longitude", "lon", "lng", "long", "x"),
    "date": ("event_date", "date"),
    "event_id": ("event_id", "id"),
    "actor1": ("actor1", "actor_1"),
    "actor2": ("actor2", "actor_2"),
    "event_type": ("event_type",),
    "fatalities": ("fatalities", "deaths"),
}


@dataclass(frozen=True)
class EventsRead:
    """The result of :func:`read_events`.

    Attributes
    ----------
    events : geopandas.GeoDataFrame
        Good rows: :data:`geofront.schema.EVENT_COLUMNS` then ``src_<original>``
        columns, point geometry in EPSG:4326, in file order, RangeIndex.
    rejected : pandas.DataFrame
        Bad rows: :data:`geofront.schema.REJECT_COLUMNS` then the ``src_*`` columns,
        in file order, RangeIndex.
    n_read : int
        Data rows read from the source (``len(events) + len(rejected)``).
    source : str
        The file read.
    format : str
        ``acled``, ``ucdp`` or ``csv`` (any generic table, vector files included).
    layout : str
        Which layout was read and from which columns, in one phrase (e.g. ``an ACLED
        export (event_id_cnty, event_date, latitude, longitude)``).
    """

    events: gpd.GeoDataFrame
    rejected: pd.DataFrame
    n_read: int
    source: str
    format: str
    layout: str = ""

    def reject_counts(self) -> dict[str, int]:
        """Return the number of rejected rows per reason, every reason listed, in order."""
        counts = self.rejected["reason"].value_counts()
        return {r: int(counts.get(r, 0)) for r in schema.REJECT_REASONS}


def read_events(
    path: str | os.PathLike[str],
    *,
    format: str = "auto",
    latitude: str | None = None,
    longitude: str | None = None,
    date: str | None = None,
    event_id: str | None = None,
    actor1: str | None = None,
    actor2: str | None = None,
    event_type: str | None = None,
    fatalities: str | None = None,
    sides: pd.DataFrame | str | os.PathLike[str] | None = None,
    layer: str | None = None,
    progress: bool = False,
) -> EventsRead:
    """Read conflict events into the canonical schema, rejecting bad rows with a reason.

    Parameters
    ----------
    path : path-like or str
        An events file, or the name of a bundled dataset (``"seed-events"``,
        ``"ucdp-ged-sample"``).
    format : {"auto", "acled", "ucdp", "csv"}
        ``auto`` recognises ACLED and UCDP by their columns (and a header-less UCDP
        Candidate file by its 49 fields); anything else is a generic table.
    latitude, longitude, date, event_id, actor1, actor2, event_type, fatalities : str, optional
        Column names in the file, overriding the format's own (or the guesses made for
        a generic table: ``lat``/``latitude``/``y``, ``lon``/``lng``/``long``/
        ``longitude``/``x``, ``date``/``event_date``, ``id``/``event_id``). A generic
        table without an id column gets ids ``row<N>`` from the source row number; so
        do rows whose id is blank. Vector files take coordinates from their point
        geometry (reprojected to EPSG:4326) unless ``latitude``/``longitude`` are given.
    sides : DataFrame or path-like, optional
        Actor -> side rules (:func:`geofront.sides.read_side_mapping`) or a user
        mapping file, tried before the defaults. ``None``: the default mapping.
    layer : str, optional
        Layer of a multi-layer vector file (a GeoPackage with several layers is refused
        without one).
    progress : bool, default False
        Show a progress bar.

    Returns
    -------
    EventsRead
        ``events`` (GeoDataFrame, EPSG:4326) with columns, in order:
        ``event_id`` string, ``date`` and ``date_end`` datetime64[us] (day),
        ``date_precision`` string, ``event_type`` string, ``sub_event_type`` string,
        ``actor1``/``actor2`` string ("" if none), ``side1``/``side2`` string (one of
        SIDES), ``fatalities`` int64 (thousands separators such as ``1,060`` read; blank -> 0;
        non-numeric, negative or above 10 million -> 0, fractional -> rounded, each with a
        logged warning that counts them), ``location_precision`` string, ``latitude``/``longitude`` float64, ``source_dataset`` string,
        ``source_row`` int64, then ``src_<original>`` columns (strings exactly as
        written for CSV; as read for vector files) and ``geometry``.
        ``rejected``: ``source_row`` int64, ``event_id``, ``reason``, ``detail``
        (strings), then the ``src_*`` columns.

    Raises
    ------
    DataFileError
        Missing file, a directory, an empty file, a header without data rows, a file
        that is not UTF-8 text, a quote that is never closed, a vector file whose
        content is not what its extension says, or several layers and no ``layer``. (A
        CSV record with more or fewer fields than the header is rejected as a row,
        ``malformed_row``, naming its line.)
    SchemaError
        Required columns missing (the message names them and the columns found), or a
        file that looks like an ACLED export or UCDP file but lacks a column that layout
        needs (read it with ``format="csv"`` to take it as a generic table).
    CRSError
        A vector file without a CRS.
    InputError
        An unknown ``format``.
    """
    if format not in FORMATS:
        raise InputError(f"unknown events format {format!r}: choose one of {', '.join(FORMATS)}")
    src = check_input_file(datasets.resolve(os.fspath(path)), "events")
    options = {
        "latitude": latitude,
        "longitude": longitude,
        "date": date,
        "event_id": event_id,
        "actor1": actor1,
        "actor2": actor2,
        "event_type": event_type,
        "fatalities": fatalities,
    }
    rules = sides if isinstance(sides, pd.DataFrame) else read_side_mapping(sides)
    with _steps_bar(progress, total=5, desc="events") as bar:
        geometry_xy: GeometryXY | None = None
        if src.suffix.lower() in VECTOR_SUFFIXES:
            raw, geometry_xy = _read_vector_table(src, layer=layer)
            headerless = False
        else:
            raw, headerless = _read_csv_strings(src, allow_headerless=format in ("auto", "ucdp"))
        bar.update()
        fmt = "ucdp" if headerless else _detect(raw, format, src)
        check_known_layout(
            raw.columns,
            detected=fmt,
            requested=format,
            acled=(_ACLED_REQUIRED, _ACLED_IDS),
            ucdp=_UCDP_REQUIRED,
            src=src,
        )
        fields = _fields(raw, fmt, src, options, has_geometry=geometry_xy is not None)
        layout = describe_layout(
            fmt,
            fields,
            headerless=headerless,
            from_geometry=geometry_xy is not None and fields["latitude"] is None,
        )
        logger.info("events file %s: read as %s", src, layout)
        bar.update()
        result = _normalise(raw, fields, fmt, src, geometry_xy, rules, bar)
    return dataclasses.replace(result, layout=layout)


# --- reading ----------------------------------------------------------------------


def _read_csv_strings(src: Path, *, allow_headerless: bool) -> tuple[pd.DataFrame, bool]:
    """Read a delimited text file once, every column as text. Return (frame, headerless)."""
    with open(src, "rb") as fh:
        head = fh.read(1 << 16)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
        raise DataFileError(
            f"events file {src} is not UTF-8 text (UTF-16 or binary data): "
            "save it as CSV UTF-8 and retry"
        )
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"events file {src} is not UTF-8 text (byte {exc.start}): "
            "save it as CSV UTF-8 and retry"
        ) from exc
    first_line = text.splitlines()[0] if text.strip() else ""
    if not first_line.strip():
        raise DataFileError(f"events file {src} has no header row: give a CSV with a header")
    delimiter = max((",", ";", "\t"), key=first_line.count)
    header = next(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter))
    known = (
        {c.lower() for c in UCDP_GED_COLUMNS}
        | set(_ACLED_REQUIRED)
        | {n for names in _GUESS.values() for n in names}
    )
    headerless = (
        allow_headerless
        and len(header) == len(UCDP_GED_COLUMNS)
        and not any(h.strip().lower() in known for h in header)
        and header[0].strip().isdigit()  # a UCDP id ...
        and re.match(r"^\d{4}-\d{2}-\d{2}", header[UCDP_GED_COLUMNS.index("date_start")].strip())
        is not None  # ... and a start date where GED has them
    )
    names = list(UCDP_GED_COLUMNS) if headerless else _unique_names(header)
    ragged: list[int] = []  # Arrow skips records of another width; they are found below

    def skip(row: Any) -> str:
        ragged.append(1)
        return "skip"

    for block_size in (1 << 20, 1 << 28):  # a value longer than a block needs a bigger one
        try:
            table = pacsv.read_csv(
                src,
                read_options=pacsv.ReadOptions(
                    column_names=names,
                    skip_rows=0 if headerless else 1,
                    encoding="utf8",
                    block_size=block_size,
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter, newlines_in_values=True, invalid_row_handler=skip
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    null_values=[],
                ),
            )
            break
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            msg = " ".join(str(exc).split())[:200]
            if "UTF8" in msg or isinstance(exc, UnicodeDecodeError):
                raise DataFileError(
                    f"events file {src} is not UTF-8 text: save it as CSV UTF-8 and retry"
                ) from exc
            if "straddl" in msg and block_size < (1 << 28):
                ragged.clear()
                continue
            if "straddl" in msg:
                raise DataFileError(
                    f"events file {src} has a value longer than 256 MiB, usually a quote "
                    '(") that is never closed: check the quotes in the file'
                ) from exc
            raise DataFileError(f"cannot read events file {src}: {msg}") from exc
    frame = table.to_pandas()
    frame.columns = names
    if ragged:  # find them by line number and put them back, to be rejected as rows
        bad = locate_malformed(
            src, delimiter=delimiter, n_columns=len(names), header_records=0 if headerless else 1
        )
        frame = insert_malformed(frame, bad, src=src)
    check_unclosed_quote(frame, src, delimiter=delimiter)
    if len(frame) == 0:
        raise DataFileError(
            f"events file {src} has a header but no data rows: give a file with events"
        )
    frame.attrs["delimiter"] = delimiter
    return frame, headerless


def _unique_names(header: list[str]) -> list[str]:
    """Column names from a header row: BOM and blanks handled, duplicates numbered."""
    out: list[str] = []
    seen: set[str] = set()
    for i, h in enumerate(header):
        name = h.strip() or f"unnamed_{i + 1}"
        base, k = name, 1
        while name in seen:
            name, k = f"{base}.{k}", k + 1
        seen.add(name)
        out.append(name)
    return out


def _read_vector_table(
    src: Path, *, layer: str | None = None
) -> tuple[pd.DataFrame, GeometryXY | None]:
    """Read a vector file: attributes as read, and (lon, lat, geometry type) per feature."""
    if src.suffix.lower() in (".parquet", ".geoparquet"):
        try:
            frame: pd.DataFrame = gpd.read_parquet(src)
        except ValueError:  # plain Parquet without geo metadata: a table with columns
            try:
                frame = pd.read_parquet(src)
            except Exception as exc:
                msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise DataFileError(f"cannot read events file {src}: {msg}") from exc
        except Exception as exc:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DataFileError(f"cannot read events file {src}: {msg}") from exc
    else:
        frame = read_vector(
            src,
            layer=layer,
            what="events",
            layer_hint="use geofront join --layer NAME (in a case file [events] layer, in Python layer=)",
        )
    if len(frame) == 0:
        raise DataFileError(f"events file {src} has no features: give a file with events")
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        return pd.DataFrame(frame).reset_index(drop=True), None  # a table: coordinate columns
    if frame.crs is None:
        raise CRSError(
            f"events file {src} has no CRS: write it with one (lon/lat data is EPSG:4326)"
        )
    geoms = frame.geometry
    if not geoms.crs.equals("EPSG:4326"):
        geoms = geoms.to_crs("EPSG:4326")
    arr = np.asarray(geoms.array, dtype=object)
    kind = shapely.get_type_id(arr)  # -1 missing, 0 point, others not points
    kind = np.where(shapely.is_empty(arr) & (kind >= 0), -1, kind)
    lon = np.where(kind == 0, shapely.get_x(arr), np.nan)
    lat = np.where(kind == 0, shapely.get_y(arr), np.nan)
    attrs = pd.DataFrame(frame.drop(columns=frame.geometry.name)).reset_index(drop=True)
    return attrs, (lon, lat, kind)


# --- format detection and column choice -----------------------------------------------


def _lookup(raw: pd.DataFrame) -> dict[str, str]:
    """Lower-cased column name -> actual name (the first column wins)."""
    out: dict[str, str] = {}
    for c in raw.columns:
        out.setdefault(str(c).strip().lower(), str(c))
    return out


def _detect(raw: pd.DataFrame, format: str, src: Path) -> str:
    cols = _lookup(raw)
    is_ucdp = all(c in cols for c in _UCDP_REQUIRED)
    is_acled = all(c in cols for c in _ACLED_REQUIRED) and any(c in cols for c in _ACLED_IDS)
    if format == "auto":
        return "ucdp" if is_ucdp else "acled" if is_acled else "csv"
    need = {"ucdp": _UCDP_REQUIRED, "acled": _ACLED_REQUIRED}.get(format, ())
    missing = [c for c in need if c not in cols]
    if format == "acled" and not any(c in cols for c in _ACLED_IDS):
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


def _fields(
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
            "event_id": first(*_ACLED_IDS),
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
        f = {key: first(*names) for key, names in _GUESS.items()}
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
    needed = ([] if has_geometry and options["latitude"] is None else _COORDS) + ["date"]
    missing = [k for k in needed if f.get(k) is None]
    if missing:
        looked = "; ".join(f"the {k} column (looked for {', '.join(_GUESS[k])})" for k in missing)
        cli = ", ".join(f"--{_CLI_NAMES[k]} COLUMN" for k in missing)
        hint = ", ".join(f"{k}=" for k in missing)
        raise SchemaError(
            f"events file {src}: cannot find {looked}; columns are: {_columns_text(raw)}; "
            f"name them with {cli} (geofront join; {hint} in Python)"
        )
    return f


_COORDS = ["latitude", "longitude"]
#: The options of ``geofront join`` that name a generic table's columns.
_CLI_NAMES = {"latitude": "lat-col", "longitude": "lon-col", "date": "date-col"}


# --- normalisation ----------------------------------------------------------------


class _NoBar:
    """Stands in for a progress bar when progress is off."""

    def update(self, n: int = 1) -> None:
        return None


def _steps_bar(progress: bool, *, total: int, desc: str) -> Any:
    """A tqdm bar when ``progress`` is on, else a no-op (tqdm.auto is imported lazily:
    importing it in a notebook without ipywidgets prints a warning)."""
    if not progress:
        return contextlib.nullcontext(_NoBar())
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="step", delay=0.5)


def _normalise(
    raw: pd.DataFrame,
    f: dict[str, str | None],
    fmt: str,
    src: Path,
    geometry_xy: GeometryXY | None,
    rules: pd.DataFrame,
    bar: Any,
) -> EventsRead:
    n = len(raw)
    rows = np.arange(1, n + 1, dtype=np.int64)
    reason = np.full(n, "", dtype=object)
    detail = np.full(n, "", dtype=object)

    check_malformed(raw, reason, detail)
    decimal_comma = raw.attrs.get("delimiter") in (";", "\t")
    lat, lon = check_coordinates(raw, f, geometry_xy, reason, detail, decimal_comma=decimal_comma)
    day, end = check_dates(raw, f, reason, detail)
    bar.update()

    ids = check_event_ids(raw, f, rows, reason, detail)
    bar.update()

    keep = np.flatnonzero(reason == "")
    drop = np.flatnonzero(reason != "")
    src_cols = {c: schema.SOURCE_PREFIX + str(c) for c in raw.columns}
    canonical = _events_frame(raw, f, fmt, keep, ids, day, end, lat, lon, rows, rules)
    kept_src = _rows(raw, reason == "").rename(columns=src_cols)
    rejected = pd.DataFrame(
        {
            "source_row": rows[drop],
            "event_id": ids.iloc[drop].reset_index(drop=True),
            "reason": pd.array(reason[drop].astype(str), dtype="string"),
            "detail": pd.array(detail[drop].astype(str), dtype="string"),
        }
    )
    dropped_src = _rows(raw, reason != "").rename(columns=src_cols)
    sizes = (len(canonical), len(kept_src), len(rejected), len(dropped_src))
    if sizes[0] != sizes[1] or sizes[2] != sizes[3] or sizes[0] + sizes[2] != n:
        raise AccountingError(
            f"events from {src}: read {n} rows but kept {sizes[0]} (source columns "
            f"{sizes[1]}) + rejected {sizes[2]} (source columns {sizes[3]}); "
            "please report this bug"
        )
    events = gpd.GeoDataFrame(
        pd.concat([canonical, kept_src], axis=1),
        geometry=gpd.points_from_xy(canonical["longitude"], canonical["latitude"]),
        crs="EPSG:4326",
    )
    rejected = pd.concat([rejected, dropped_src], axis=1)
    bar.update()
    if len(rejected):
        logger.info("%s: %d of %d rows rejected", src, len(rejected), n)
    return EventsRead(events=events, rejected=rejected, n_read=n, source=str(src), format=fmt)


def _events_frame(
    raw: pd.DataFrame,
    f: dict[str, str | None],
    fmt: str,
    keep: np.ndarray,
    ids: pd.Series,
    day: np.ndarray,
    end: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    rows: np.ndarray,
    rules: pd.DataFrame,
) -> pd.DataFrame:
    """Build the canonical columns for the kept rows."""
    mask = np.zeros(len(raw), dtype=bool)
    mask[keep] = True
    needed = list(dict.fromkeys(c for c in f.values() if c is not None))
    sub = _rows(raw[needed], mask)
    m = len(keep)

    def text(key: str) -> pd.Series:
        col = f.get(key)
        return (
            text_column(sub, col, m).str.strip()
            if col
            else pd.Series("", index=range(m), dtype="string")
        )

    if fmt == "ucdp":
        date_precision = _coded(sub, f["date_precision"], _UCDP_DATE, "day")
        location_precision = _coded(sub, f["location_precision"], _UCDP_WHERE, "exact")
        event_type = _coded(sub, f["event_type"], _UCDP_VIOLENCE, "")
        if f["event_type"]:  # keep unknown codes visible rather than blank
            event_type = event_type.where(event_type != "", text("event_type"))
    elif fmt == "acled":
        date_precision = _coded(sub, f["date_precision"], _ACLED_TIME, "day")
        location_precision = _coded(sub, f["location_precision"], _ACLED_GEO, "exact")
        event_type = text("event_type")
    else:
        date_precision = _vocabulary(text("date_precision"), schema.DATE_PRECISIONS, "day")
        location_precision = _vocabulary(
            text("location_precision"), schema.LOCATION_PRECISIONS, "exact"
        )
        event_type = text("event_type")
    actor1, actor2 = text("actor1"), text("actor2")
    dates = pd.Series(day[keep])
    if f.get("fatalities"):
        fatalities = fatality_counts(
            sub[f["fatalities"]], name=str(f["fatalities"]), rows=rows[keep]
        )
    else:
        fatalities = np.zeros(m, dtype=np.int64)
    out = pd.DataFrame(
        {
            "event_id": ids.iloc[keep].reset_index(drop=True),
            "date": day[keep].astype("datetime64[us]"),
            "date_end": end[keep].astype("datetime64[us]"),
            "date_precision": date_precision,
            "event_type": event_type,
            "sub_event_type": text("sub_event_type"),
            "actor1": actor1,
            "actor2": actor2,
            "side1": sides_for(actor1, rules, dates=dates),
            "side2": sides_for(actor2, rules, dates=dates),
            "fatalities": fatalities,
            "location_precision": location_precision,
            "latitude": lat[keep].astype("float64"),
            "longitude": lon[keep].astype("float64"),
            "source_dataset": _labels(np.zeros(m, dtype=np.int64), [fmt]),
            "source_row": rows[keep],
        }
    )
    return out[list(schema.EVENT_COLUMNS)]


def _coded(sub: pd.DataFrame, col: str | None, codes: dict[int, str], default: str) -> pd.Series:
    """Map integer codes (as text or numbers) to labels; unknown or blank -> default."""
    m = len(sub)
    if col is None:
        return pd.Series(default, index=range(m), dtype="string")
    _, values, _, _ = parse_numbers(sub[col])
    labels = [default, *codes.values()]
    idx = np.zeros(m, dtype=np.int64)
    for i, code in enumerate(codes, start=1):
        idx[values == code] = i
    return _labels(idx, labels)


def _labels(idx: np.ndarray, labels: list[str]) -> pd.Series:
    """A ``string`` Series of ``labels[idx]`` built in Arrow (fast for millions of rows)."""
    arr = pa.array(labels, type=pa.string()).take(pa.array(idx))
    return pd.Series(pd.array(arr, dtype="string"))


def _rows(raw: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
    """Rows of ``raw`` where ``mask`` (index reset); Arrow filter when all columns are text."""
    if mask.all():
        return raw.reset_index(drop=True)
    if all(isinstance(t, pd.StringDtype) for t in raw.dtypes):
        table = pa.Table.from_pandas(raw, preserve_index=False)
        out = table.filter(pa.array(mask)).to_pandas()
        out.columns = raw.columns
        return out
    return raw[mask].reset_index(drop=True)


def _vocabulary(text: pd.Series, allowed: tuple[str, ...], default: str) -> pd.Series:
    low = text.str.lower()
    return low.where(low.isin(allowed), default).astype("string")
