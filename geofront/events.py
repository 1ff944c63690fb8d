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

Files are read in batches (:mod:`geofront.event_batches`): a first pass learns what the
checks need from the whole file, so the verdicts never depend on how the file is cut.
:func:`read_events` returns the whole table; :func:`iter_events` streams it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa

from geofront import datasets, schema
from geofront.errors import InputError
from geofront.event_batches import EventReader, EventsBatch, EventStream, _events_to_pandas
from geofront.event_formats import (
    ACLED_COLUMNS,
    ACLED_REQUIRED,
    FORMATS,
    GUESS,
    UCDP_GED_COLUMNS,
    VECTOR_SUFFIXES,
)
from geofront.sides import read_side_mapping
from geofront.sources import BATCH_ROWS, open_source, read_csv_strings

logger = logging.getLogger(__name__)

__all__ = [
    "ACLED_COLUMNS",
    "FORMATS",
    "UCDP_GED_COLUMNS",
    "VECTOR_SUFFIXES",
    "EventsBatch",
    "EventsRead",
    "EventStream",
    "iter_events",
    "read_events",
]


def _read_csv_strings(src: Any, *, allow_headerless: bool) -> tuple[pd.DataFrame, bool]:
    """A whole CSV file as text, malformed records in place (for joined tables read back;
    see :func:`geofront.sources.read_csv_strings`)."""
    return read_csv_strings(
        src,
        allow_headerless=allow_headerless,
        known_names=_known_names(),
        headerless_names=UCDP_GED_COLUMNS,
    )


def _known_names() -> set[str]:
    return (
        {c.lower() for c in UCDP_GED_COLUMNS}
        | set(ACLED_REQUIRED)
        | {n for names in GUESS.values() for n in names}
    )


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
        An events file, a folder of parts or a glob pattern (``"parts/*.csv"``: the
        parts of one export, read in sorted order as one file; their rows carry a
        ``source_file`` column after ``source_row``), or the name of a bundled dataset
        (``"seed-events"``, ``"ucdp-ged-sample"``).
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
        logged warning that counts them), ``location_precision`` string,
        ``latitude``/``longitude`` float64, ``source_dataset`` string,
        ``source_row`` int64, then ``src_<original>`` columns (strings exactly as
        written for CSV; as read for vector files) and ``geometry``.
        ``rejected``: ``source_row`` int64, ``event_id``, ``reason``, ``detail``
        (strings), then the ``src_*`` columns.

    Raises
    ------
    DataFileError
        Missing file, a folder without parts, an empty file, a header without data
        rows, a file that is not UTF-8 text, a quote that is never closed (or a value
        longer than 1 MiB), a vector file whose content is not what its extension says,
        or several layers and no ``layer``. (A CSV record with more or fewer fields than
        the header is rejected as a row, ``malformed_row``, naming its line.)
    SchemaError
        Required columns missing (the message names them and the columns found), or a
        file that looks like an ACLED export or UCDP file but lacks a column that layout
        needs (read it with ``format="csv"`` to take it as a generic table).
    CRSError
        A vector file without a CRS.
    InputError
        An unknown ``format``.
    """
    stream = iter_events(
        path,
        format=format,
        latitude=latitude,
        longitude=longitude,
        date=date,
        event_id=event_id,
        actor1=actor1,
        actor2=actor2,
        event_type=event_type,
        fatalities=fatalities,
        sides=sides,
        layer=layer,
        progress=progress,
    )
    batches = list(stream)
    events = _events_to_pandas(pa.concat_tables([b.events for b in batches]))
    rejected = _events_to_pandas(pa.concat_tables([b.rejected for b in batches]))
    events = gpd.GeoDataFrame(
        events,
        geometry=gpd.points_from_xy(events["longitude"], events["latitude"]),
        crs="EPSG:4326",
    )
    return EventsRead(
        events=events,
        rejected=rejected,
        n_read=stream.n_read,
        source=stream.source.label if stream.source.multipart else str(stream.source.parts[0]),
        format=stream.fmt,
        layout=stream.reader.layout,
    )


def iter_events(
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
    batch_rows: int = BATCH_ROWS,
    progress: bool = False,
) -> EventStream:
    """Read events batch by batch, in bounded memory, with the answers of :func:`read_events`.

    A first pass over the file reads only the columns that need the whole file -- the
    day/month order of slash dates, the extent of each country's events (for swapped
    coordinates) and which event ids occur more than once -- then the returned
    :class:`EventStream` yields :class:`EventsBatch` objects of about ``batch_rows``
    rows. The events and rejects of all batches, concatenated, are exactly those of
    :func:`read_events` (which is built on this).

    Parameters are those of :func:`read_events`, plus ``batch_rows`` (rows per batch).
    Errors about the file as a whole are raised here, before any batch.
    """
    reader = _reader_for(
        path,
        format=format,
        latitude=latitude,
        longitude=longitude,
        date=date,
        event_id=event_id,
        actor1=actor1,
        actor2=actor2,
        event_type=event_type,
        fatalities=fatalities,
        sides=sides,
        layer=layer,
        batch_rows=batch_rows,
    )
    return EventStream(reader, progress=progress)


def _reader_for(
    path: str | os.PathLike[str],
    *,
    format: str = "auto",
    batch_rows: int = BATCH_ROWS,
    sides: pd.DataFrame | str | os.PathLike[str] | None = None,
    layer: str | None = None,
    **options: str | None,
) -> EventReader:
    """Open an events source and work out its layout (no pass over the rows yet)."""
    if format not in FORMATS:
        raise InputError(f"unknown events format {format!r}: choose one of {', '.join(FORMATS)}")
    if batch_rows < 1:
        raise InputError(f"batch size must be a positive number of rows, got {batch_rows}")
    target = datasets.resolve(os.fspath(path)) if isinstance(path, str) else path
    names = ("latitude", "longitude", "date", "event_id", "actor1", "actor2", "event_type")
    fields = {k: options.get(k) for k in (*names, "fatalities")}
    unknown = sorted(set(options) - set(fields))
    if unknown:
        raise TypeError(f"unknown events option(s): {', '.join(unknown)}")
    rules = sides if isinstance(sides, pd.DataFrame) else read_side_mapping(sides)
    source = open_source(
        target,
        allow_headerless=format in ("auto", "ucdp"),
        known_names=_known_names(),
        headerless_names=UCDP_GED_COLUMNS,
        layer=layer,
    )
    return EventReader(source, format, fields, rules, batch_rows=batch_rows)
