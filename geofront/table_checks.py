"""File-level checks of event tables: which layout a file has, and joined tables read back.

Package-internal, called by :mod:`geofront.events` and :mod:`geofront.join`.

Layouts
    :func:`describe_layout` says in one phrase which layout was read and from which
    columns (shown by ``geofront join`` and logged by the other commands).
    :func:`check_known_layout` refuses a file that looks like an ACLED export or a UCDP
    GED file -- it has several columns only those layouts have -- but lacks one they
    require: read as a generic table it would silently lose ids (``row1``...) and
    precision codes (``geo_precision`` 3 read as exact).

Joined tables read back
    A file written by ``geofront join`` can be edited by hand before other commands read
    it. :func:`check_joined` checks every row again -- the columns, ids, dates,
    coordinates, fatalities, vocabularies and (given boundaries) unit ids -- and refuses
    the file in one line that counts the bad rows and names the first.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd

from geofront import schema
from geofront.errors import SchemaError
from geofront.validate import check_frame

#: Columns only an ACLED export has (three or more make a file "look like ACLED").
ACLED_MARKERS = (
    "event_id_cnty", "time_precision", "disorder_type", "assoc_actor_1", "assoc_actor_2",
    "inter1", "inter2", "interaction", "civilian_targeting", "admin1", "admin2", "admin3",
    "geo_precision", "source_scale",
)  # fmt: skip
#: Columns only a UCDP GED / Candidate file has.
UCDP_MARKERS = (
    "relid", "code_status", "type_of_violence", "conflict_dset_id", "conflict_new_id",
    "dyad_dset_id", "side_a_dset_id", "side_b_dset_id", "where_prec", "where_coordinates",
    "adm_1", "adm_2", "priogrid_gid", "event_clarity", "date_prec", "date_start",
    "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "gwnoa", "gwnob",
)  # fmt: skip
_MIN_MARKERS = 3


def check_known_layout(
    columns: Collection[str],
    *,
    detected: str,
    requested: str,
    acled: tuple[tuple[str, ...], tuple[str, ...]],
    ucdp: tuple[str, ...],
    src: os.PathLike[str] | str,
) -> None:
    """Refuse a file that looks like ACLED or UCDP but lacks a column the layout needs.

    Only when the layout was detected (``requested == "auto"``) and the file fell back
    to a generic table; ``--format csv`` reads it as a generic table on purpose.
    ``acled`` is (required columns, id columns of which one is needed); ``ucdp`` the
    required UCDP columns.
    """
    if requested != "auto" or detected != "csv":
        return
    have = {str(c).strip().lower() for c in columns}
    required, ids = acled
    for label, markers, need in (
        ("a UCDP GED file", UCDP_MARKERS, list(ucdp)),
        ("an ACLED export", ACLED_MARKERS, [*required, *([] if have & set(ids) else ids[:1])]),
    ):
        found = [m for m in markers if m in have]
        missing = [c for c in need if c not in have]
        if len(found) < _MIN_MARKERS or not missing:
            continue
        raise SchemaError(
            f"events file {src} looks like {label} (it has {', '.join(found[:4])}"
            f"{', ...' if len(found) > 4 else ''}) but lacks {', '.join(missing)}: restore "
            "the column(s) from the original download, or read the file as a generic table "
            "with --format csv (format='csv' in Python)"
        )


def describe_layout(
    fmt: str,
    fields: dict[str, str | None],
    *,
    headerless: bool = False,
    from_geometry: bool = False,
) -> str:
    """One phrase: the layout read and the columns that gave the key fields."""
    if fmt == "ucdp" and headerless:
        return "a UCDP Candidate file without a header (49 fields, UCDP GED order)"
    if fmt in ("acled", "ucdp"):
        name = "an ACLED export" if fmt == "acled" else "a UCDP GED file"
        used = [fields.get(k) for k in ("event_id", "date", "latitude", "longitude")]
        return f"{name} ({', '.join(c for c in used if c)})"
    parts = []
    for key, label in (("event_id", "ids"), ("date", "dates")):
        col = fields.get(key)
        parts.append(f"{label} from {col!r}" if col else f"no {label[:-1]} column")
    if from_geometry:
        parts.append("coordinates from the point geometry")
    else:
        parts.append(f"coordinates from {fields.get('latitude')!r}/{fields.get('longitude')!r}")
    if not fields.get("event_id"):
        parts[0] = "ids row<N> (no id column)"
    return "a generic table (" + ", ".join(parts) + ")"


#: Columns a joined table needs to be used again (as ``geofront join`` writes them).
JOINED_REQUIRED = (*schema.EVENT_COLUMNS, *schema.JOIN_COLUMNS)


def check_joined(
    frame: pd.DataFrame,
    src: os.PathLike[str] | str,
    *,
    district_ids: Collection[str] | None = None,
    province_ids: Collection[str] | None = None,
    today: np.datetime64 | None = None,
    first_row: int = 1,
) -> None:
    """Check a joined table read back from a file; raise :class:`SchemaError` if any row
    is bad.

    ``first_row``: the row number of ``frame``'s first row in its file (a batch of it).

    ``frame`` has its canonical dtypes restored where possible (numbers and dates that
    do not parse are NaN/NaT here). Checked: every column of :data:`JOINED_REQUIRED`;
    rows ``geofront.malformed`` found ragged; ids present and unique; ``date`` (and
    ``date_end``, not before it) valid and not in the future; latitude and longitude
    finite and in range; fatalities whole numbers from 0 to
    :data:`~geofront.event_checks.MAX_FATALITIES`; ``location_precision``,
    ``join_method``, ``side1``/``side2`` in their vocabularies; ``snap_distance_m`` >= 0;
    and, when given, district and province ids among the boundaries'.

    Raises
    ------
    SchemaError
        One line: the missing columns, or the number of bad rows and the first one
        (row numbers count data rows from 1) with what is wrong and what to do.
    """
    from geofront.event_checks import MAX_FATALITIES
    from geofront.event_checks import today as _today

    check_frame(
        frame,
        what="joined events file",
        source=src,
        columns=JOINED_REQUIRED,
        fix="give a file written by geofront join, or re-join the raw events",
    )
    n = len(frame)
    problems: list[tuple[np.ndarray, object]] = []

    def flag(mask: Any, message: object) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            problems.append((mask, message))

    positions, details = frame.attrs.get("malformed", ((), ()))
    if len(positions):
        m = np.zeros(n, dtype=bool)
        m[np.asarray(positions, dtype=np.int64)] = True
        first = dict(zip(np.asarray(positions).tolist(), details, strict=True))
        flag(m, lambda i: first[i])
    ids = frame["event_id"].astype("string").str.strip()
    flag(ids.isna() | (ids == ""), "event_id is empty")
    flag(
        ids.duplicated(keep="first") & ids.notna() & (ids != ""),
        lambda i: f"event id {ids.iloc[i]!r} occurs twice",
    )
    date = pd.to_datetime(frame["date"], errors="coerce").to_numpy(dtype="datetime64[us]")
    end = pd.to_datetime(frame["date_end"], errors="coerce").to_numpy(dtype="datetime64[us]")
    last = _today() if today is None else today
    flag(np.isnat(date), lambda i: f"date {frame['date'].iloc[i]!r} is not a date")
    with np.errstate(invalid="ignore"):
        flag(
            ~np.isnat(date) & (date > last),
            lambda i: f"date {frame['date'].iloc[i]} is in the future",
        )
        flag(~np.isnat(date) & ~np.isnat(end) & (end < date), "date_end is before date")
    for col, limit in (("latitude", 90), ("longitude", 180)):
        v = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):
            flag(
                ~np.isfinite(v) | (np.abs(v) > limit),
                _value(frame, col, f"is not a {col} in [-{limit}, {limit}]"),
            )
    deaths = pd.to_numeric(frame["fatalities"], errors="coerce").to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        flag(
            ~np.isfinite(deaths)
            | (deaths < 0)
            | (deaths > MAX_FATALITIES)
            | (deaths != np.round(deaths)),
            _value(frame, "fatalities", f"is not a whole number from 0 to {MAX_FATALITIES:,}"),
        )
    for col, allowed in (
        ("location_precision", schema.LOCATION_PRECISIONS),
        ("join_method", schema.JOIN_METHODS),
        ("side1", schema.SIDES),
        ("side2", schema.SIDES),
    ):
        values = frame[col].astype("string")
        flag(
            ~values.isin(allowed).fillna(False).to_numpy(dtype=bool),
            _value(frame, col, f"is not one of {', '.join(allowed)}"),
        )
    rows = pd.to_numeric(frame["source_row"], errors="coerce").to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        flag(
            ~(rows >= 1) | (rows != np.round(rows)),
            _value(frame, "source_row", "is not a row number"),
        )
    snap = pd.to_numeric(frame["snap_distance_m"], errors="coerce").to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        flag(~(snap >= 0), _value(frame, "snap_distance_m", "is not a distance >= 0"))
    for col, known in (("district_id", district_ids), ("province_id", province_ids)):
        if known is None:
            continue
        values = frame[col].astype("string")
        unknown = values.notna() & ~values.isin(pd.Index(list(known), dtype="string"))
        flag(
            unknown.to_numpy(dtype=bool),
            lambda i, col=col: (
                f"{col} {frame[col].iloc[i]!r} is not in the boundaries "
                "(joined with other boundaries? pass those with --boundaries)"
            ),
        )
    if not problems:
        return
    bad = np.zeros(n, dtype=bool)
    for mask, _ in problems:
        bad |= mask
    row = int(np.flatnonzero(bad)[0])
    what = next(m for mask, m in problems if mask[row])
    text = what(row) if callable(what) else what
    raise SchemaError(
        f"joined events file {src}: {int(bad.sum())} of {n} row(s) fail the checks of a "
        f"joined table (first: row {row + first_row}, {text}); fix them, or re-join the raw events "
        "with geofront join"
    )


def _value(frame: pd.DataFrame, col: str, problem: str) -> object:
    def text(i: int) -> str:
        value = frame[col].iloc[i]
        shown = value.item() if isinstance(value, np.generic) else value
        return f"{col} {'empty' if pd.isna(shown) else repr(shown)} {problem}"

    return text
