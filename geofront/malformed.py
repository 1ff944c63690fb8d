"""Malformed CSV records: found by line number, rejected as rows, never a lost file.

The fast CSV reader (Arrow) skips a record whose number of fields differs from the
header's (a "ragged" row) but cannot say where it was. When it skipped any,
:func:`locate_malformed` reads the file once more with Python's :mod:`csv` module --
streaming, keeping only the bad records -- to find each one's position among the data
records, its first line and its fields; :func:`insert_malformed` puts them back in place
(fields padded or cut to the header's width) so that source row numbers stay right, and
the events reader rejects them with reason ``malformed_row``
(:data:`geofront.schema.MALFORMED_ROW`) and a detail such as ``line 12 has 33 fields
where the header has 31 (extra: 'x', 'y'); check its quotes and separators``.

A quote that is never closed makes the rest of the file one value: that is refused as
a whole, naming the line (:func:`locate_malformed` for ragged files,
:func:`check_unclosed_quote` on the last row of a well-formed one).
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from geofront.errors import DataFileError


@dataclass
class Malformed:
    """Records whose number of fields differs from the header's.

    Attributes
    ----------
    positions : list of int
        0-based index of each bad record among the data records (blank lines skipped).
    lines : list of int
        The line each bad record starts on (1-based, the header is line 1).
    fields : list of list of str
        Its fields, padded with "" or cut to the header's width.
    details : list of str
        One sentence each: the line, the number of fields, what to check.
    n_records : int
        Data records in the file, good and bad.
    """

    positions: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    fields: list[list[str]] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    n_records: int = 0


@contextlib.contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    old = csv.field_size_limit()
    csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(old)


def locate_malformed(
    src: Path, *, delimiter: str, n_columns: int, header_records: int, what: str = "events"
) -> Malformed:
    """Find the records of ``src`` whose field count differs from ``n_columns``.

    Streams the file with :mod:`csv` (the same quoting rules as Arrow's reader: ``"``
    quotes, ``""`` inside quotes); blank lines are skipped as Arrow does.

    Raises
    ------
    DataFileError
        A quote that is never closed (the rest of the file would be one value).
    """
    out = Malformed()
    last_record: tuple[list[str], int, int] | None = None
    with (
        _field_limit(2**31 - 1),
        open(src, encoding="utf-8-sig", newline="") as fh,
    ):
        reader = csv.reader(fh, delimiter=delimiter)
        last_line = 0
        index = -header_records
        for record in reader:
            first_line = last_line + 1
            last_line = reader.line_num
            if not record:  # a blank line
                continue
            if index < 0:
                index += 1
                continue
            last_record = None
            if len(record) != n_columns:
                last_record = (record, first_line, last_line)
                out.positions.append(index)
                out.lines.append(first_line)
                out.fields.append((record + [""] * n_columns)[:n_columns])
                out.details.append(_detail(record, n_columns, first_line, last_line))
            index += 1
        out.n_records = max(index, 0)
    if last_record is not None:  # the last record is ragged: does it run to the end?
        record, first, last = last_record
        if last > first and any("\n" in v for v in record):
            raise DataFileError(
                f'{what} file {src}: a quote (") opened on line {first} is never closed, '
                f"so lines {first}-{last} would be one value: close the quote (or double "
                'it, "", inside a quoted value)'
            )
    return out


def _detail(record: list[str], n_columns: int, first: int, last: int) -> str:
    lines = f"line {first}" if first == last else f"lines {first}-{last}"
    text = (
        f"{lines} {'has' if first == last else 'have'} {len(record)} field(s) where the "
        f"header has {n_columns}"
    )
    if len(record) > n_columns:
        extra = ", ".join(repr(v[:40]) for v in record[n_columns : n_columns + 3])
        more = ", ..." if len(record) > n_columns + 3 else ""
        text += f" (extra: {extra}{more})"
    return text + "; check the quotes and separators of that row"


def insert_malformed(frame: pd.DataFrame, bad: Malformed, *, src: Path) -> pd.DataFrame:
    """Return ``frame`` (the good records, in order) with the bad records put back at their
    positions, as text; ``attrs["malformed"]`` holds (positions, details).

    Raises
    ------
    DataFileError
        When the two readers disagree on the number of records (a file too irregular to
        be read row by row with confidence).
    """
    n = len(frame) + len(bad.positions)
    if n != bad.n_records:
        raise DataFileError(
            f"cannot read events file {src} row by row: it has {bad.n_records} records "
            f"by one reading and {n} by another (irregular quotes?); check the quotes of "
            f"the rows near line {bad.lines[0] if bad.lines else '?'}"
        )
    columns = list(frame.columns)
    good = pa.Table.from_pandas(frame.astype("string"), preserve_index=False)
    extra = pa.table(
        {
            c: pa.array([row[i] for row in bad.fields], type=pa.string())
            for i, c in enumerate(columns)
        }
    )
    both = pa.concat_tables([good.cast(extra.schema), extra])
    order = np.empty(n, dtype=np.int64)
    is_bad = np.zeros(n, dtype=bool)
    is_bad[bad.positions] = True
    order[~is_bad] = np.arange(len(frame))
    order[is_bad] = len(frame) + np.arange(len(bad.positions))
    out: pd.DataFrame = both.take(pa.array(order)).to_pandas(types_mapper=pd.ArrowDtype)
    out = out.astype("string")
    out.columns = columns
    out.attrs = dict(frame.attrs)
    out.attrs["malformed"] = (list(bad.positions), list(bad.details))
    return out


def check_unclosed_quote(
    frame: pd.DataFrame, src: Path, *, delimiter: str, what: str = "events"
) -> None:
    """Refuse a file whose last value swallowed the rows after it (an unclosed quote).

    Arrow reads a quote that is never closed as one last value running to the end of
    the file. The tell: a value of the last row holding further lines with at least as
    many separators as a row has.
    """
    if len(frame) == 0:
        return
    need = max(len(frame.columns) - 1, 1)
    last = frame.iloc[-1]
    for col, value in last.items():
        if not isinstance(value, str) or "\n" not in value:
            continue
        lines = value.split("\n")[1:]
        if any(line.count(delimiter) >= need for line in lines):
            raise DataFileError(
                f"{what} file {src}: the {col!r} value of the last row runs over "
                f'{len(lines) + 1} lines that look like rows of their own: a quote (") '
                'is probably never closed; close it (or double it, "", inside a value)'
            )
