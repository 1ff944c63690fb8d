"""Event files as streams of Arrow record batches: one file, or the parts of one export.

:func:`open_source` works out what a path names -- one file, a folder of parts or a glob
pattern (parts are read in sorted order, as one export) -- and, for delimited text,
the delimiter, the header and the encoding. :func:`raw_batches` then yields the rows
in order, in batches of about ``batch_rows`` rows:

- **CSV** (and other delimited text) is parsed by ``pyarrow.csv`` in blocks, every
  column as text, exactly as written. A row with the wrong number of fields does not
  stop the read: it is handed back as a *malformed* row with its record number.
- **Parquet / GeoParquet** is read row group by row group (``pyarrow.parquet``); the
  point coordinates of a GeoParquet geometry column (WKB or GeoArrow points) are decoded
  without making geometry objects.
- **Other vector files** (GeoPackage, GeoJSON, Shapefile, FlatGeobuf) are read whole
  through :func:`geofront.io.read_vector` and cut into batches: they are not the format
  of large data.

Rows are numbered per file from 1 (the first data row), malformed rows included, so
``source_row`` is the record a user finds in the file.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import glob
import io
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from geofront.errors import CRSError, DataFileError
from geofront.io import check_input_file

log = logging.getLogger(__name__)

#: Rows per batch by default: bounds memory (well under 1 GB for a process joining ACLED
#: rows) and keeps the buffers of a batch small enough to be reused rather than mapped
#: afresh (larger batches measured slower here, not faster).
BATCH_ROWS = 100_000
#: Extensions of files read as delimited text.
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".geoparquet")
_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class Source:
    """A file, or the parts of one export, ready to read in batches.

    Attributes
    ----------
    label : str
        The path as the user gave it (for messages).
    parts : tuple of Path
        The files, in reading order (one for a plain file).
    kind : {"csv", "parquet", "vector"}
    names : tuple of str
        Column names (without a vector file's geometry column).
    delimiter : str
        CSV delimiter ("" for other kinds).
    headerless : bool
        A CSV without a header row (UCDP Candidate), named by ``names``.
    geometry : str or None
        The GeoParquet geometry column, if any (vector files always have geometry).
    row_bytes : float
        Estimated bytes per CSV row (sizes the parse blocks).
    """

    label: str
    parts: tuple[Path, ...]
    kind: str
    names: tuple[str, ...]
    delimiter: str = ""
    headerless: bool = False
    geometry: str | None = None
    geo: dict[str, Any] = field(default_factory=dict)
    row_bytes: float = 400.0
    layer: str | None = None

    @property
    def multipart(self) -> bool:
        """Several files read as one export (rows then carry their file)."""
        return len(self.parts) > 1

    def part_label(self, part: int) -> str:
        """The name of part ``part`` as written in ``source_file`` and messages."""
        if not self.multipart:
            return self.parts[0].name
        root = Path(os.path.commonpath([str(p.parent) for p in self.parts]))
        return self.parts[part].relative_to(root).as_posix()


@dataclass
class RawBatch:
    """Rows of one part, as read: ``table`` (text for CSV), their source rows, and the
    malformed rows met while reading them (``(source_row, fields, detail)``)."""

    table: pa.Table
    part: int
    rows: np.ndarray
    malformed: list[tuple[int, list[str], str]]
    xy: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def resolve_parts(path: str | os.PathLike[str], what: str = "events") -> tuple[Path, ...]:
    """The files a path names: itself, the data files in a folder, or a glob's matches.

    A folder holds parts of one format (``.csv`` or ``.parquet``, searched recursively,
    hidden and ``_``-prefixed files ignored); parts are sorted by path.
    """
    text = os.fspath(path)
    p = Path(text)
    if p.is_dir():
        found = sorted(
            q
            for q in p.rglob("*")
            if q.is_file()
            and not any(s.startswith((".", "_")) for s in q.relative_to(p).parts)
            and q.suffix.lower() in (*CSV_SUFFIXES, *PARQUET_SUFFIXES)
        )
        if not found:
            raise DataFileError(
                f"{what} {p} is a directory with no .csv or .parquet parts in it: "
                "give a file, or a folder of the parts of one export"
            )
        parts: tuple[Path, ...] = tuple(found)
    elif not p.exists() and _GLOB_CHARS.search(text):
        matches = sorted(Path(m) for m in glob.glob(text, recursive=True) if Path(m).is_file())
        if not matches:
            raise DataFileError(f"{what} pattern {text} matches no file: check the pattern")
        parts = tuple(matches)
    else:
        return (check_input_file(p, what),)
    suffixes = {q.suffix.lower() for q in parts}
    kinds = {"csv" if s in CSV_SUFFIXES else "parquet" for s in suffixes}
    if len(kinds) > 1:
        raise DataFileError(f"{what} {text} mixes CSV and Parquet files: give parts of one format")
    for q in parts:
        check_input_file(q, what)
    return parts


def open_source(
    path: str | os.PathLike[str],
    *,
    allow_headerless: bool,
    known_names: set[str],
    headerless_names: tuple[str, ...],
    what: str = "events",
    layer: str | None = None,
) -> Source:
    """Open an events file (or parts): decide its kind and read its column names.

    ``known_names`` (lower case) and ``headerless_names`` let a header-less UCDP
    Candidate file be told from a file with a header.
    """
    parts = resolve_parts(path, what)
    label = os.fspath(path)
    suffix = parts[0].suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return _open_parquet(label, parts)
    if suffix in _VECTOR_SUFFIXES:
        return Source(label=label, parts=parts, kind="vector", names=(), layer=layer)
    first = _sniff_csv(parts[0], allow_headerless, known_names, headerless_names)
    for q in parts[1:]:
        other = _sniff_csv(q, allow_headerless, known_names, headerless_names)
        if other[:3] != first[:3]:
            raise DataFileError(
                f"{what} part {q} has another header or delimiter than {parts[0]}: "
                "parts of one export must share their layout"
            )
    delimiter, headerless, names, row_bytes = first
    return Source(
        label=label,
        parts=parts,
        kind="csv",
        names=tuple(names),
        delimiter=delimiter,
        headerless=headerless,
        row_bytes=row_bytes,
    )


_VECTOR_SUFFIXES = (".gpkg", ".geojson", ".json", ".fgb", ".shp")


def _sniff_csv(
    src: Path, allow_headerless: bool, known: set[str], headerless_names: tuple[str, ...]
) -> tuple[str, bool, list[str], float]:
    """(delimiter, headerless, column names, bytes per row) from the head of a file."""
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
    date_at = headerless_names.index("date_start") if "date_start" in headerless_names else -1
    headerless = (
        allow_headerless
        and len(header) == len(headerless_names)
        and not any(h.strip().lower() in known for h in header)
        and header[0].strip().isdigit()  # a UCDP id ...
        and date_at >= 0
        and re.match(r"^\d{4}-\d{2}-\d{2}", header[date_at].strip()) is not None
    )
    names = list(headerless_names) if headerless else unique_names(header)
    whole = len(head) < (1 << 16)  # the head is the whole file
    if whole and not headerless and sum(1 for ln in text.splitlines() if ln.strip()) <= 1:
        raise DataFileError(
            f"events file {src} has a header but no data rows: give a file with events"
        )
    lines = max(head.count(b"\n"), 1)
    row_bytes = len(head) / lines if len(head) == (1 << 16) else 400.0
    return delimiter, headerless, names, max(row_bytes, 16.0)


def unique_names(header: list[str]) -> list[str]:
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


# --- reading batches -------------------------------------------------------------------


def raw_batches(
    source: Source,
    *,
    parts: list[int] | None = None,
    columns: list[str] | None = None,
    batch_rows: int = BATCH_ROWS,
    layouts: dict[int, PartLayout] | None = None,
) -> Iterator[RawBatch]:
    """Yield the rows of every part (or of ``parts``) in order, in batches of about
    ``batch_rows``.

    ``columns`` limits CSV and Parquet reads to those columns (plus the geometry).
    ``layouts`` holds, per CSV part, what a first pass found (:class:`PartLayout`);
    a part with malformed records or a value longer than a parse block raises
    :class:`NeedLayout` when it has none.
    """
    layouts = layouts or {}
    for part in range(len(source.parts)) if parts is None else parts:
        if source.kind == "csv":
            try:
                yield from _csv_batches(source, part, columns, batch_rows, layouts.get(part))
            except _BlockTooSmall as exc:
                raise NeedLayout(part, block_bytes=exc.block_bytes) from None
        elif source.kind == "parquet":
            yield from _parquet_batches(source, part, columns, batch_rows)
        else:
            yield from _vector_batches(source, part, batch_rows)


def _csv_batches(
    source: Source,
    part: int,
    columns: list[str] | None,
    batch_rows: int,
    layout: PartLayout | None,
) -> Iterator[RawBatch]:
    path = source.parts[part]
    names = list(source.names)
    layout = layout or PartLayout()
    # Small parse blocks (pyarrow parses blocks in parallel, each in one thread), unless a
    # first pass met a value longer than a block: then blocks big enough for it.
    block = layout.block_bytes
    skipped = [0]

    def on_bad_row(row: Any) -> str:
        skipped[0] += 1
        return "skip"

    include = [c for c in names if columns is None or c in columns]
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names,
                skip_rows=0 if source.headerless else 1,
                encoding="utf8",
                block_size=block,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=source.delimiter,
                newlines_in_values=True,
                invalid_row_handler=on_bad_row,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                include_columns=include,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise _csv_error(path, exc, 0, block) from exc
    bad = layout.malformed
    bad_numbers = [] if bad is None else [p + 1 for p in bad.positions]
    waiting = [] if bad is None else [
        (p + 1, fields, detail)
        for p, fields, detail in zip(bad.positions, bad.fields, bad.details, strict=True)
    ]  # fmt: skip
    good_done = 0  # good rows delivered so far
    held: list[pa.RecordBatch] = []
    held_rows = 0
    last_row: pa.Table | None = None
    finished = False
    while not finished:
        try:
            batch = reader.read_next_batch()
            held.append(batch)
            held_rows += batch.num_rows
        except StopIteration:
            finished = True
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise _csv_error(path, exc, good_done + held_rows, block) from exc
        if skipped[0] and bad is None:
            raise NeedLayout(part)  # find the malformed rows by line first
        if held_rows < batch_rows and not finished:
            continue
        table = (
            pa.Table.from_batches(held)  # chunked as parsed: filtered, never combined
            if held
            else pa.table({c: pa.array([], pa.string()) for c in include})
        )
        held, held_rows = [], 0
        if table.num_rows:
            last_row = table.slice(table.num_rows - 1)
        start = 0
        while table.num_rows - start >= batch_rows or (finished and start < table.num_rows):
            n = min(batch_rows, table.num_rows - start)
            rows = _good_rows(good_done, n, bad_numbers)
            good_done += n
            end = finished and start + n == table.num_rows
            mine = [w for w in waiting if end or w[0] < rows[-1]]
            waiting = [w for w in waiting if not (end or w[0] < rows[-1])]
            if end:
                _check_last_row(last_row, source, path)
            yield RawBatch(table.slice(start, n), part, rows, mine)
            start += n
        if start < table.num_rows:  # a remainder waits for the next block
            held = table.slice(start).to_batches()
            held_rows = table.num_rows - start
        elif finished:
            _check_last_row(last_row, source, path)
            if waiting:  # malformed rows after the last good row
                yield RawBatch(table.slice(0, 0), part, np.zeros(0, dtype=np.int64), waiting)
                waiting = []
    if bad is not None and good_done + len(bad.positions) != bad.n_records:
        raise DataFileError(
            f"cannot read events file {path} row by row: it has {bad.n_records} records "
            f"by one reading and {good_done + len(bad.positions)} by another (irregular "
            f"quotes?); check the quotes of the rows near line {bad.lines[0] if bad.lines else '?'}"
        )


def _check_last_row(last_row: pa.Table | None, source: Source, path: Path) -> None:
    """A quote never closed makes the last value swallow the rows after it: refuse it."""
    from geofront.malformed import check_unclosed_quote

    if last_row is not None and last_row.num_rows:
        check_unclosed_quote(last_row.to_pandas(), path, delimiter=source.delimiter)


@dataclass
class PartLayout:
    """What a first pass found about one CSV part: the parse block size a value needs,
    and its malformed records (by line), when it has any."""

    block_bytes: int = 1 << 20
    malformed: Any = None  # geofront.malformed.Malformed


def part_layout(source: Source, part: int, *, block_bytes: int) -> PartLayout:
    """Find the malformed records of a CSV part (Python's csv module, one streaming pass)."""
    from geofront.malformed import locate_malformed

    bad = locate_malformed(
        source.parts[part],
        delimiter=source.delimiter,
        n_columns=len(source.names),
        header_records=0 if source.headerless else 1,
    )
    return PartLayout(block_bytes=block_bytes, malformed=bad)


def _good_rows(n_good_before: int, n: int, bad: list[int]) -> np.ndarray:
    """Source rows of the next ``n`` good rows, given the malformed rows' numbers.

    The g-th good row (from 0) is record ``g + 1 + #{malformed rows before it}``.
    """
    g = np.arange(n_good_before, n_good_before + n, dtype=np.int64)
    if not bad:
        return g + 1
    r = np.sort(np.asarray(bad, dtype=np.int64))
    shift = np.searchsorted(r - np.arange(len(r)), g + 1, side="right")
    return g + 1 + shift


class NeedLayout(Exception):
    """A part has malformed records (or a value longer than a parse block): find them
    (:func:`part_layout`) and read the part again."""

    def __init__(self, part: int, *, block_bytes: int | None = None) -> None:
        super().__init__(part)
        self.part = part
        self.block_bytes = block_bytes


#: The largest parse block tried for a value longer than the default block.
MAX_BLOCK_BYTES = 1 << 28


def _csv_error(path: Path, exc: BaseException, done: int, block: int) -> Exception:
    msg = " ".join(str(exc).split())
    where = f" after source row {done}" if done else ""
    if "UTF8" in msg or isinstance(exc, UnicodeDecodeError):
        return DataFileError(
            f"events file {path} is not UTF-8 text{where}: save it as CSV UTF-8 and retry"
        )
    if "straddl" in msg or "block size" in msg:
        if block < MAX_BLOCK_BYTES:  # a long value: read again with blocks that hold it
            return _BlockTooSmall(MAX_BLOCK_BYTES)
        return DataFileError(
            f"events file {path} has a value longer than {MAX_BLOCK_BYTES >> 20} MiB{where}, "
            'usually a quote (") that is never closed: check the quotes in the file'
        )
    return DataFileError(f"cannot read events file {path}{where}: {msg[:200]}")


class _BlockTooSmall(Exception):
    def __init__(self, block_bytes: int) -> None:
        super().__init__(block_bytes)
        self.block_bytes = block_bytes


def _open_parquet(label: str, parts: tuple[Path, ...]) -> Source:
    import pyarrow.parquet as pq

    from geofront.files import check_content

    for q in parts:  # Parquet by its content too, not only its name
        check_content(q, what="events")
    try:
        schema = pq.read_schema(parts[0])
    except Exception as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataFileError(f"cannot read events file {parts[0]}: {msg}") from exc
    for q in parts[1:]:
        try:
            other = pq.read_schema(q)
        except Exception as exc:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DataFileError(f"cannot read events file {q}: {msg}") from exc
        if other.names != schema.names:
            raise DataFileError(
                f"events part {q} has other columns than {parts[0]}: "
                "parts of one export must share their columns"
            )
    geo: dict[str, Any] = {}
    meta = schema.metadata or {}
    if b"geo" in meta:
        with contextlib.suppress(ValueError):
            geo = json.loads(meta[b"geo"])
    column = geo.get("primary_column") if geo else None
    if column is not None and column not in schema.names:
        column = None
    names = tuple(n for n in schema.names if n != column and not n.startswith("__index_level_"))
    return Source(label=label, parts=parts, kind="parquet", names=names, geometry=column, geo=geo)


def _parquet_batches(
    source: Source, part: int, columns: list[str] | None, batch_rows: int
) -> Iterator[RawBatch]:
    import pyarrow.parquet as pq

    path = source.parts[part]
    wanted = [c for c in source.names if columns is None or c in columns]
    if source.geometry:
        wanted.append(source.geometry)
    try:
        pf = pq.ParquetFile(path)
        done = 0
        for batch in pf.iter_batches(batch_size=batch_rows, columns=wanted):
            table = pa.Table.from_batches([batch])
            xy = None
            if source.geometry:
                xy = _decode_points(table.column(source.geometry), source, path)
                table = table.drop_columns([source.geometry])
            n = table.num_rows
            yield RawBatch(table, part, np.arange(done + 1, done + n + 1, dtype=np.int64), [], xy)
            done += n
    except (CRSError, DataFileError):
        raise
    except Exception as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataFileError(f"cannot read events file {path}: {msg}") from exc


def _decode_points(
    col: pa.ChunkedArray, source: Source, path: Path
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lon, lat, type id) of a GeoParquet geometry column, in EPSG:4326.

    Type id as shapely's: -1 missing or empty, 0 point, > 0 another geometry type.
    WKB points (21 bytes, either byte order) and GeoArrow points are decoded with numpy;
    anything else goes through shapely.
    """
    import shapely

    spec = source.geo.get("columns", {}).get(source.geometry, {})
    arr = col.combine_chunks()
    n = len(arr)
    if pa.types.is_struct(arr.type):  # GeoArrow "point" encoding: struct<x, y>
        x = np.asarray(arr.field(0).to_numpy(zero_copy_only=False), dtype=float)
        y = np.asarray(arr.field(1).to_numpy(zero_copy_only=False), dtype=float)
        valid = np.asarray(arr.is_valid())
        kind = np.where(valid & np.isfinite(x) & np.isfinite(y), 0, -1)
    else:
        fast = _wkb_points(arr)
        if fast is not None:
            x, y, kind = fast
        else:
            geoms = shapely.from_wkb(np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object))
            kind = shapely.get_type_id(geoms)
            kind = np.where(shapely.is_empty(geoms) & (kind >= 0), -1, kind)
            x = np.where(kind == 0, shapely.get_x(geoms), np.nan)
            y = np.where(kind == 0, shapely.get_y(geoms), np.nan)
    # GeoParquet: no "crs" key means OGC:CRS84 (lon/lat); an explicit null, unknown
    crs_spec = spec.get("crs", "OGC:CRS84")
    if crs_spec is None:
        raise CRSError(
            f"events file {path} has no CRS: write it with one (lon/lat data is EPSG:4326)"
        )
    from pyproj import CRS, Transformer

    crs = (
        CRS.from_json_dict(crs_spec)
        if isinstance(crs_spec, dict)
        else CRS.from_user_input(crs_spec)
    )
    if not crs.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        tr = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        ok = kind == 0
        if ok.any():
            x2, y2 = tr.transform(x[ok], y[ok])
            x, y = x.copy(), y.copy()
            x[ok], y[ok] = x2, y2
    assert len(x) == n
    return x, y, kind.astype(np.int64)


def _wkb_points(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(x, y, type id) of a WKB column made only of 2D points, without geometry objects.

    None when some value is not a plain little- or big-endian 2D point (or is null):
    the caller then decodes with shapely.
    """
    if arr.null_count or not len(arr):
        return None
    arr = arr.cast(pa.large_binary())
    offsets = np.frombuffer(
        arr.buffers()[1], dtype=np.int64, count=len(arr) + 1, offset=arr.offset * 8
    )
    if not (np.diff(offsets) == 21).all():
        return None
    start = int(offsets[0])
    raw = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[start : start + 21 * len(arr)]
    rec = raw.reshape(-1, 21)
    order = rec[:, 0]
    if (order == 1).all():
        typ = rec[:, 1:5].copy().view("<u4").ravel()
        xy = rec[:, 5:21].copy().view("<f8")
    elif (order == 0).all():
        typ = rec[:, 1:5].copy().view(">u4").ravel()
        xy = rec[:, 5:21].copy().view(">f8").astype("<f8")
    else:
        return None
    if not (typ == 1).all():
        return None
    x, y = xy[:, 0].copy(), xy[:, 1].copy()
    kind = np.where(np.isnan(x) & np.isnan(y), -1, 0)  # POINT EMPTY is NaN NaN in WKB
    return x, y, kind


def _vector_batches(source: Source, part: int, batch_rows: int) -> Iterator[RawBatch]:
    import geopandas as gpd
    import pandas as pd
    import shapely

    from geofront.io import read_vector

    path = source.parts[part]
    frame = read_vector(
        path,
        layer=source.layer,
        what="events",
        layer_hint="use geofront join --layer NAME (in a case file [events] layer, in Python layer=)",
    )
    if len(frame) == 0:
        raise DataFileError(f"events file {path} has no features: give a file with events")
    xy = None
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        if frame.crs is None:
            raise CRSError(
                f"events file {path} has no CRS: write it with one (lon/lat data is EPSG:4326)"
            )
        geoms = frame.geometry
        if not geoms.crs.equals("EPSG:4326"):
            geoms = geoms.to_crs("EPSG:4326")
        arr = np.asarray(geoms.array, dtype=object)
        kind = shapely.get_type_id(arr)
        kind = np.where(shapely.is_empty(arr) & (kind >= 0), -1, kind)
        lon = np.where(kind == 0, shapely.get_x(arr), np.nan)
        lat = np.where(kind == 0, shapely.get_y(arr), np.nan)
        xy = (lon, lat, kind.astype(np.int64))
        frame = frame.drop(columns=frame.geometry.name)
    table = pa.Table.from_pandas(pd.DataFrame(frame).reset_index(drop=True), preserve_index=False)
    n = table.num_rows
    for s in range(0, n, batch_rows):
        e = min(s + batch_rows, n)
        part_xy = None if xy is None else tuple(a[s:e] for a in xy)
        yield RawBatch(
            table.slice(s, e - s),
            part,
            np.arange(s + 1, e + 1, dtype=np.int64),
            [],
            part_xy,  # type: ignore[arg-type]
        )


def read_csv_strings(
    src: Path,
    *,
    allow_headerless: bool,
    known_names: set[str],
    headerless_names: tuple[str, ...],
) -> tuple[Any, bool]:
    """Read a whole delimited text file, every column as text. Return (frame, headerless).

    Malformed records are put back in place (:func:`geofront.malformed.insert_malformed`:
    their positions and details in ``frame.attrs["malformed"]``), the delimiter is in
    ``frame.attrs["delimiter"]``. For tables read whole (joined tables read back).
    """
    from geofront.malformed import insert_malformed

    source = open_source(
        src,
        allow_headerless=allow_headerless,
        known_names=known_names,
        headerless_names=headerless_names,
    )
    layouts: dict[int, PartLayout] = {}
    for attempt in range(3):
        try:
            tables = [b.table for b in raw_batches(source, layouts=layouts, batch_rows=1 << 40)]
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
    names = list(source.names)
    table = (
        pa.concat_tables(tables)
        if tables
        else pa.table({n: pa.array([], pa.string()) for n in names})
    )
    frame = table.to_pandas()
    frame.columns = names
    bad = layouts.get(0, PartLayout()).malformed
    if bad is not None and bad.positions:
        frame = insert_malformed(frame, bad, src=source.parts[0])
    if len(frame) == 0:
        raise DataFileError(
            f"events file {src} has a header but no data rows: give a file with events"
        )
    frame.attrs["delimiter"] = source.delimiter
    return frame, source.headerless


def prefetch(items: Iterator[Any], *, depth: int = 1) -> Iterator[Any]:
    """Yield ``items``, produced ``depth`` ahead in a background thread.

    Reading a batch (Arrow parses with the GIL released) then overlaps with the work
    done on the previous one. Errors are raised where the item would have been; closing
    the generator stops the thread.
    """
    import queue
    import threading

    box: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def run() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        box.put(("item", item), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put(("end", None))
        except BaseException as exc:  # handed to the consumer
            box.put(("error", exc))

    thread = threading.Thread(target=run, name="geofront-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = box.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        while thread.is_alive():
            with contextlib.suppress(queue.Empty):
                box.get(timeout=0.1)
        thread.join()
