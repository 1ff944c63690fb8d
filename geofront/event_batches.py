"""Events batch by batch: the two passes behind :func:`geofront.events.iter_events`.

An :class:`EventReader` knows how to read one source (its layout, side rules and, after
the first pass, the whole file's context). The first pass (:meth:`EventReader.scan_part`)
reads only the columns whose checks need the whole file -- the day/month order of slash
dates, the extent of each country's points (swapped coordinates), the hashes of the ids
(repeated ids) -- and :meth:`EventReader.set_context` merges what every part said. The
second pass (:meth:`EventReader.batches`) checks each batch with that context
(:mod:`geofront.event_checks`, the single source of reject reasons) and builds its
canonical columns in Arrow. :class:`EventStream` runs both passes in one process; the
dask engine (:mod:`geofront.scale`) runs them on workers, part by part.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from geofront import schema
from geofront.errors import AccountingError, DataFileError, InputError
from geofront.event_checks import (
    DuplicateIds,
    FatalityReport,
    SwapExtents,
    SwapSample,
    check_coordinates,
    check_dates,
    check_event_ids,
    country_keys,
    event_ids,
    fatality_counts,
    order_from_stats,
    parse_coordinates,
    parse_numbers,
    slash_stats,
    text_column,
)
from geofront.event_formats import (
    ACLED_GEO,
    ACLED_IDS,
    ACLED_REQUIRED,
    ACLED_TIME,
    UCDP_DATE,
    UCDP_REQUIRED,
    UCDP_VIOLENCE,
    UCDP_WHERE,
    choose_fields,
    detect_format,
)
from geofront.idhash import HashCounter, hash_strings
from geofront.progress import progress_bar
from geofront.sides import sides_for
from geofront.sources import (
    NeedLayout,
    PartLayout,
    RawBatch,
    Source,
    part_layout,
    prefetch,
    raw_batches,
)
from geofront.table_checks import check_known_layout, describe_layout

logger = logging.getLogger("geofront.events")


@dataclass(frozen=True)
class EventsBatch:
    """One batch of an :class:`EventStream`.

    Attributes
    ----------
    canonical : pyarrow.Table
        Good rows, canonical columns only (:data:`~geofront.schema.EVENT_COLUMNS`, then
        ``source_file`` for parts): text as ``large_string``, dates as
        ``timestamp[us]``.
    source : pyarrow.Table
        Every well-formed row read, its original columns as ``src_*``.
    kept : numpy.ndarray
        Positions in ``source`` of the rows of ``canonical``.
    rejected : pyarrow.Table
        Bad rows, by source row: :data:`~geofront.schema.REJECT_COLUMNS` (then
        ``source_file`` for parts) and the ``src_*`` columns.
    n_read : int
        Rows read (``canonical.num_rows + rejected.num_rows``).
    """

    canonical: pa.Table
    source: pa.Table
    kept: np.ndarray
    rejected: pa.Table
    n_read: int

    @property
    def events(self) -> pa.Table:
        """The good rows: canonical then ``src_*`` columns (as in :attr:`EventsRead.events`)."""
        rows = np.zeros(self.source.num_rows, dtype=bool)
        rows[self.kept] = True
        return _append(self.canonical, self.source.filter(pa.array(rows)))


class EventReader:
    """How to read one events source: its layout, rules and whole-file context.

    Picklable, so that the parts of a source can be read on other processes (the dask
    engine). :meth:`scan_part` is the first pass over one part; :meth:`context` merges
    the scans of all parts; :meth:`batches` is the second pass over one part.
    """

    def __init__(
        self,
        source: Source,
        format: str,
        options: dict[str, str | None],
        rules: pd.DataFrame,
        *,
        batch_rows: int,
    ) -> None:
        self.source = source
        self.rules = rules
        self.batch_rows = batch_rows
        self._vector_cache: list[RawBatch] | None = None
        names = pd.DataFrame(columns=list(source.names))
        label = Path(source.label)
        has_geometry = source.kind == "vector" or source.geometry is not None
        if source.kind == "vector":
            self._vector_cache = list(raw_batches(source, batch_rows=batch_rows))
            names = pd.DataFrame(columns=list(self._vector_cache[0].table.column_names))
            has_geometry = self._vector_cache[0].xy is not None
        self.fmt = "ucdp" if source.headerless else detect_format(names, format, label)
        check_known_layout(
            names.columns,
            detected=self.fmt,
            requested=format,
            acled=(ACLED_REQUIRED, ACLED_IDS),
            ucdp=UCDP_REQUIRED,
            src=label,
        )
        self.fields = choose_fields(names, self.fmt, label, options, has_geometry=has_geometry)
        self.layout = describe_layout(
            self.fmt,
            self.fields,
            headerless=source.headerless,
            from_geometry=has_geometry and self.fields["latitude"] is None,
        )
        logger.info("events file %s: read as %s", source.label, self.layout)
        self.decimal_comma = source.delimiter in (";", "\t")
        self.layouts: dict[int, PartLayout] = {}
        self.context: _Context | None = None
        self._fatalities = FatalityReport()

    def made_id_prefix(self, part: int) -> str:
        """Prefix of the ids made from row numbers (rows restart in every part)."""
        return f"{self.source.part_label(part)}:row" if self.source.multipart else "row"

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_fatalities"] = FatalityReport()
        return state

    def _raw(self, part: int, *, columns: list[str] | None = None) -> Iterator[RawBatch]:
        if self._vector_cache is not None:
            yield from (b for b in self._vector_cache if b.part == part)
            return
        yield from prefetch(
            raw_batches(
                self.source,
                parts=[part],
                columns=columns,
                batch_rows=self.batch_rows,
                layouts=self.layouts,
            )
        )

    # -- the first pass: what needs the whole file ------------------------------------

    def scan_part(
        self, part: int, *, counter: HashCounter | None = None, bar: Any = None
    ) -> PartScan:
        """What one part tells about the whole file (see :class:`PartScan`).

        Id hashes go to ``counter`` when given (bounded memory), else into the result.
        """
        f = self.fields
        keys = ("event_id", "latitude", "longitude", "country", "date", "date_end")
        cols = list(dict.fromkeys(str(f[k]) for k in keys if f.get(k)))
        for _ in range(3):  # at most: bigger blocks, then malformed records found
            try:
                return self._scan_part(part, cols, counter, bar)
            except NeedLayout as need:
                old = self.layouts.get(part, PartLayout())
                if need.block_bytes:  # a value longer than a parse block
                    self.layouts[part] = PartLayout(need.block_bytes, old.malformed)
                else:  # malformed records: find them by line
                    self.layouts[part] = part_layout(self.source, part, block_bytes=old.block_bytes)
                if counter is not None:
                    raise  # hashes already counted: the caller starts again
        return self._scan_part(part, cols, counter, bar)

    def _scan_part(
        self, part: int, cols: list[str], counter: HashCounter | None, bar: Any
    ) -> PartScan:
        f = self.fields
        sample = SwapSample()
        hashes: list[np.ndarray] = []
        slash = {k: (False, False, False) for k in ("date", "date_end") if f.get(k)}
        position = rows = 0
        for b in self._raw(part, columns=cols):
            raw = _frame(b.table, cols)
            m = len(raw)
            positions = np.arange(position, position + m, dtype=np.int64)
            position += m
            rows += m + len(b.malformed)
            want = sample.wanted(positions)
            sub = raw[want].reset_index(drop=True) if not want.all() else raw
            reason = np.full(len(sub), "", dtype=object)
            detail = np.full(len(sub), "", dtype=object)
            xy = None if b.xy is None else tuple(a[want] for a in b.xy)
            lat, lon, _, _ = parse_coordinates(
                sub,
                f,
                xy,  # type: ignore[arg-type]
                reason,
                detail,
                decimal_comma=self.decimal_comma,
            )
            country = sub[f["country"]] if f.get("country") else None
            sample.add(positions[want], reason == "", country_keys(country, len(sub)), lat, lon)
            for k in slash:
                stats = slash_stats(raw[f[k]]) if m else (False, False, False)
                slash[k] = tuple(x or y for x, y in zip(slash[k], stats, strict=True))  # type: ignore[assignment]
            ids = event_ids(raw, f, b.rows, made=self.made_id_prefix(part))
            h = hash_strings(pa.array(ids.array))
            if counter is not None:
                counter.add(h)
            else:
                hashes.append(h)
            if bar is not None:
                bar.update(m + len(b.malformed))
        return PartScan(
            part=part,
            rows=rows,
            slash=slash,
            sample=sample,
            hashes=np.concatenate(hashes) if hashes else np.zeros(0, np.uint64),
            layout=self.layouts.get(part),
        )

    def set_context(self, scans: list[PartScan], suspects: np.ndarray) -> None:
        """Merge the scans of all parts (in order) into the whole file's context."""
        slash: dict[str, tuple[bool, bool, bool]] = {}
        sample = SwapSample()
        rows_per_part = [0] * len(self.source.parts)
        for scan in scans:
            for k, v in scan.slash.items():
                old = slash.get(k, (False, False, False))
                slash[k] = tuple(x or y for x, y in zip(old, v, strict=True))  # type: ignore[assignment]
            sample.merge(scan.sample)
            rows_per_part[scan.part] = scan.rows
            if scan.layout is not None:
                self.layouts[scan.part] = scan.layout
        if sum(rows_per_part) == 0:
            raise DataFileError(
                f"events file {self.source.label} has a header but no data rows: "
                "give a file with events"
            )
        self.context = _Context(
            orders={k: order_from_stats(v) for k, v in slash.items()},
            extents=sample.extents(),
            suspects=np.asarray(suspects, dtype=np.uint64),
            rows_per_part=rows_per_part,
        )

    # -- the second pass: checks and canonical columns, batch by batch -----------------

    def batches(self, part: int, seen: DuplicateIds) -> Iterator[EventsBatch]:
        """The checked batches of one part (``seen``: ids of the parts before)."""
        position = 0
        for b in self._raw(part):
            yield _normalise(self, b, seen, (part << 40) + position)
            position += b.table.num_rows

    def first_good_rows(self, part: int) -> list[tuple[str, int, str]]:
        """(id, key, label) of the good rows of ``part`` whose id may repeat.

        The dask engine gathers these from every part to settle, before the second pass,
        which row keeps each repeated id (the first good one).
        """
        ctx = self.context
        assert ctx is not None
        f = self.fields
        found: list[tuple[str, int, str]] = []
        if len(ctx.suspects) == 0:
            return found
        keys = ("event_id", "latitude", "longitude", "country", "date", "date_end")
        cols = list(dict.fromkeys(str(f[k]) for k in keys if f.get(k)))
        suffix = "" if not self.source.multipart else f" of {self.source.part_label(part)}"
        position = 0
        for b in self._raw(part, columns=cols):
            n = b.table.num_rows
            raw = _frame(b.table, cols)
            ids = event_ids(raw, f, b.rows, made=self.made_id_prefix(part))
            h = hash_strings(pa.array(ids.array))
            pos = np.minimum(np.searchsorted(ctx.suspects, h), len(ctx.suspects) - 1)
            pick = np.flatnonzero(ctx.suspects[pos] == h)  # only rows whose id may repeat
            if len(pick):
                sub = raw.iloc[pick].reset_index(drop=True)
                rows = b.rows[pick]
                reason = np.full(len(pick), "", dtype=object)
                detail = np.full(len(pick), "", dtype=object)
                xy = None if b.xy is None else tuple(a[pick] for a in b.xy)
                check_coordinates(
                    sub,
                    f,
                    xy,  # type: ignore[arg-type]
                    reason,
                    detail,
                    decimal_comma=self.decimal_comma,
                    extents=ctx.extents,
                )
                check_dates(sub, f, reason, detail, orders=ctx.orders)
                good = reason == ""
                for j in np.flatnonzero(good):
                    key = (part << 40) + position + int(pick[j])
                    found.append((str(ids.iloc[pick[j]]), key, f"{rows[j]}{suffix}"))
            position += n
        return found

    def warn_fatalities(self) -> None:
        """Log, once for the whole file, the rows whose fatalities were not taken as is."""
        self._fatalities.log()


@dataclass
class PartScan:
    """The first pass over one part: its rows, slash-date statistics, coordinate sample,
    id hashes (unless counted elsewhere), and its malformed records and parse block size
    (:class:`~geofront.sources.PartLayout`) when it needed them."""

    part: int
    rows: int
    slash: dict[str, tuple[bool, bool, bool]]
    sample: SwapSample
    hashes: np.ndarray
    layout: PartLayout | None


class EventStream:
    """Batches of canonical events from one source (see :func:`iter_events`).

    Iterate once. Afterwards ``n_read``, ``n_events`` and ``n_rejected`` hold the totals
    (``n_read == n_events + n_rejected``, checked) and :meth:`reject_counts` the reasons.
    """

    def __init__(self, reader: EventReader, *, progress: bool) -> None:
        self.reader = reader
        self.source = reader.source
        self.fmt = reader.fmt
        self.fields = reader.fields
        self.n_read = self.n_events = self.n_rejected = 0
        self._reasons: dict[str, int] = dict.fromkeys(schema.REJECT_REASONS, 0)
        self._started = False
        parts = range(len(self.source.parts))
        while True:
            counter = HashCounter()
            try:
                with progress_bar(
                    enabled=progress,
                    desc="scan",
                    unit=" rows",
                    total=self._estimated_rows(),
                    unit_scale=True,
                ) as bar:
                    scans = [reader.scan_part(p, counter=counter, bar=bar) for p in parts]
                reader.set_context(scans, counter.repeated())
                break
            except NeedLayout:
                continue  # a part needed its layout worked out: scan again with it
            finally:
                counter.close()

    @property
    def _context(self) -> _Context:
        assert self.reader.context is not None
        return self.reader.context

    def _estimated_rows(self) -> int | None:
        if self.source.kind != "csv":
            return None
        size = sum(p.stat().st_size for p in self.source.parts)
        return int(size / self.source.row_bytes)

    def __iter__(self) -> Iterator[EventsBatch]:
        if self._started:
            raise InputError("an event stream can be read only once: call iter_events again")
        self._started = True
        ctx = self._context
        seen = DuplicateIds(ctx.suspects)
        rows_per_part = [0] * len(self.source.parts)
        for part in range(len(self.source.parts)):
            for batch in self.reader.batches(part, seen):
                rows_per_part[part] += batch.n_read
                self.n_read += batch.n_read
                self.n_events += batch.canonical.num_rows
                self.n_rejected += batch.rejected.num_rows
                if batch.rejected.num_rows:
                    for r in batch.rejected.column("reason").to_pylist():
                        self._reasons[r] = self._reasons.get(r, 0) + 1
                yield batch
        if rows_per_part != ctx.rows_per_part or self.n_events + self.n_rejected != self.n_read:
            raise AccountingError(
                f"events from {self.source.label}: the first pass read {sum(ctx.rows_per_part)} "
                f"rows, the second {self.n_read} ({self.n_events} kept + {self.n_rejected} "
                "rejected); was the file changed while being read? If not, please report this bug"
            )
        self.reader.warn_fatalities()
        if self.n_rejected:
            logger.info(
                "%s: %d of %d rows rejected", self.source.label, self.n_rejected, self.n_read
            )

    def reject_counts(self) -> dict[str, int]:
        """Rejected rows per reason (every reason listed, in order), once iterated."""
        return {r: self._reasons.get(r, 0) for r in schema.REJECT_REASONS}


@dataclass(frozen=True)
class _Context:
    """What the first pass learnt about the whole file."""

    orders: dict[str, str]
    extents: SwapExtents
    suspects: np.ndarray
    rows_per_part: list[int]


def _frame(table: pa.Table, columns: list[str]) -> pd.DataFrame:
    """Columns of a raw batch as pandas (text as ``string``), index 0..n-1."""
    data: dict[str, Any] = {}
    for name in columns:
        if name not in table.column_names:
            continue
        col = table.column(name)
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            data[name] = pd.arrays.ArrowStringArray(col)
        else:
            data[name] = col.to_pandas()
    return pd.DataFrame(data, index=pd.RangeIndex(table.num_rows), copy=False)


_TEXT = pd.StringDtype("pyarrow")


def _events_to_pandas(table: pa.Table) -> pd.DataFrame:
    """An events or rejects table as pandas: canonical text as ``string``, the rest as read."""
    frame: pd.DataFrame = table.to_pandas()
    for col in frame.columns:
        if not str(col).startswith(schema.SOURCE_PREFIX) and pd.api.types.is_string_dtype(
            frame[col].dtype
        ):
            frame[col] = frame[col].astype(_TEXT)
    return frame


# --- normalisation ----------------------------------------------------------------


def _normalise(stream: EventReader, b: RawBatch, seen: DuplicateIds, position: int) -> EventsBatch:
    """Check one raw batch and build its canonical events and its rejects."""
    f, ctx, source = stream.fields, stream.context, stream.source
    assert ctx is not None
    needed = list(dict.fromkeys(c for c in f.values() if c is not None))
    raw = _frame(b.table, needed)
    n = b.table.num_rows
    rows = b.rows
    keys = np.arange(position, position + n, dtype=np.int64)
    reason = np.full(n, "", dtype=object)
    detail = np.full(n, "", dtype=object)
    file = source.part_label(b.part) if source.multipart else None

    lat, lon = check_coordinates(
        raw, f, b.xy, reason, detail, decimal_comma=stream.decimal_comma, extents=ctx.extents
    )
    day, end = check_dates(raw, f, reason, detail, orders=ctx.orders)
    suffix = "" if file is None else f" of {file}"
    ids = check_event_ids(
        raw,
        f,
        rows,
        reason,
        detail,
        seen=seen,
        keys=keys,
        label=lambda j: f"{rows[j]}{suffix}",
        made=stream.made_id_prefix(b.part),
    )

    good = reason == ""
    keep = np.flatnonzero(good)
    drop = np.flatnonzero(~good)
    events = _events_frame(raw, f, stream.fmt, keep, ids, day, end, lat, lon, rows, stream)
    if events.num_rows != len(keep):
        raise AccountingError(
            f"events from {source.label}: read {n + len(b.malformed)} rows but kept "
            f"{events.num_rows} + rejected {len(drop) + len(b.malformed)}; please report this bug"
        )
    src_names = [schema.SOURCE_PREFIX + str(c) for c in b.table.column_names]
    raw_src = b.table.rename_columns(src_names)
    if file is not None:
        events = events.append_column(
            "source_file", pa.array([file] * len(keep), pa.large_string())
        )
    rejected = pa.table(
        {
            "source_row": pa.array(rows[drop], pa.int64()),
            "event_id": pa.array(ids.iloc[drop].array).cast(pa.large_string()),
            "reason": pa.array(reason[drop].astype(str), pa.large_string()),
            "detail": pa.array(detail[drop].astype(str), pa.large_string()),
        }
    )
    if file is not None:
        rejected = rejected.append_column(
            "source_file", pa.array([file] * len(drop), pa.large_string())
        )
    rejected = _append(rejected, raw_src.filter(pa.array(~good)))
    if b.malformed:
        rejected = _with_malformed(rejected, b, stream, raw_src.schema, file)
    n_read = n + len(b.malformed)
    if events.num_rows + rejected.num_rows != n_read or events.num_rows != len(keep):
        raise AccountingError(
            f"events from {source.label}: read {n_read} rows but kept {events.num_rows} + "
            f"rejected {rejected.num_rows}; please report this bug"
        )
    return EventsBatch(
        canonical=events, source=raw_src, kept=keep, rejected=rejected, n_read=n_read
    )


def _append(table: pa.Table, other: pa.Table) -> pa.Table:
    for name, col in zip(other.column_names, other.columns, strict=True):
        table = table.append_column(name, col)
    return table


def _with_malformed(
    rejected: pa.Table, b: RawBatch, stream: EventReader, src_schema: pa.Schema, file: str | None
) -> pa.Table:
    """Add the batch's malformed rows (fields kept by position) and sort by source row."""
    names = list(stream.source.names)
    id_col = stream.fields.get("event_id")
    at = names.index(id_col) if id_col in names else -1
    cols: dict[str, list[Any]] = {
        "source_row": [],
        "event_id": [],
        "reason": [],
        "detail": [],
    }
    if file is not None:
        cols["source_file"] = []
    src = {name: [] for name in src_schema.names}  # type: dict[str, list[Any]]
    for row, fields, why in b.malformed:
        padded = [*fields, *[""] * (len(names) - len(fields))]
        cols["source_row"].append(row)
        eid = padded[at].strip() if 0 <= at < len(padded) else ""
        cols["event_id"].append(eid or f"row{row}")
        cols["reason"].append(schema.MALFORMED_ROW)
        cols["detail"].append(why)
        if file is not None:
            cols["source_file"].append(file)
        by_name = dict(zip(names, padded, strict=True))
        for name in src_schema.names:
            src[name].append(by_name.get(name[len(schema.SOURCE_PREFIX) :], ""))
    extra = pa.table(
        {
            **{
                k: pa.array(v, pa.int64() if k == "source_row" else pa.large_string())
                for k, v in cols.items()
            },
            **{k: pa.array(v, src_schema.field(k).type) for k, v in src.items()},
        }
    )
    out = pa.concat_tables([rejected, extra.select(rejected.column_names)])
    order = np.argsort(np.asarray(out.column("source_row")), kind="stable")
    return out.take(pa.array(order))


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
    stream: EventReader,
) -> pa.Table:
    """Build the canonical columns for the kept rows (positions ``keep``), as Arrow.

    Columns are made for every row of the batch and the kept ones selected once at the
    end: one Arrow filter instead of selecting each source column first.
    """
    rules = stream.rules
    m = len(raw)
    mask = np.zeros(m, dtype=bool)
    mask[keep] = True
    sub = raw

    def text(key: str) -> pd.Series:
        col = f.get(key)
        return (
            text_column(sub, col, m).str.strip()
            if col
            else pd.Series("", index=range(m), dtype="string")
        )

    if fmt == "ucdp":
        date_precision = _coded(sub, f["date_precision"], UCDP_DATE, "day")
        location_precision = _coded(sub, f["location_precision"], UCDP_WHERE, "exact")
        event_type = _coded(sub, f["event_type"], UCDP_VIOLENCE, "")
        if f["event_type"]:  # keep unknown codes visible rather than blank
            event_type = event_type.where(event_type != "", text("event_type"))
    elif fmt == "acled":
        date_precision = _coded(sub, f["date_precision"], ACLED_TIME, "day")
        location_precision = _coded(sub, f["location_precision"], ACLED_GEO, "exact")
        event_type = text("event_type")
    else:
        date_precision = _vocabulary(text("date_precision"), schema.DATE_PRECISIONS, "day")
        location_precision = _vocabulary(
            text("location_precision"), schema.LOCATION_PRECISIONS, "exact"
        )
        event_type = text("event_type")
    actor1, actor2 = text("actor1"), text("actor2")
    dates = pd.Series(day)
    if f.get("fatalities"):
        fatalities = fatality_counts(
            sub[f["fatalities"]],
            name=str(f["fatalities"]),
            rows=rows,
            among=mask,  # problems of the kept rows only
            report=stream._fatalities,  # warned about once, for the whole file
        )
    else:
        fatalities = np.zeros(m, dtype=np.int64)
    out = pd.DataFrame(
        {
            "event_id": ids.reset_index(drop=True),
            "date": day.astype("datetime64[us]"),
            "date_end": end.astype("datetime64[us]"),
            "date_precision": date_precision,
            "event_type": event_type,
            "sub_event_type": text("sub_event_type"),
            "actor1": actor1,
            "actor2": actor2,
            "side1": sides_for(actor1, rules, dates=dates),
            "side2": sides_for(actor2, rules, dates=dates),
            "fatalities": fatalities,
            "location_precision": location_precision,
            "latitude": lat.astype("float64"),
            "longitude": lon.astype("float64"),
            "source_dataset": _labels(np.zeros(m, dtype=np.int64), [fmt]),
            "source_row": rows,
        }
    )
    table = pa.Table.from_pandas(out[list(schema.EVENT_COLUMNS)], preserve_index=False)
    return table.filter(pa.array(mask)) if not mask.all() else table


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


def _vocabulary(text: pd.Series, allowed: tuple[str, ...], default: str) -> pd.Series:
    low = text.str.lower()
    return low.where(low.isin(allowed), default).astype("string")
