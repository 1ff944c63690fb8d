"""Row checks of event tables: coordinates, swapped latitude/longitude, dates, event ids.

Package-internal: :func:`geofront.events.read_events` runs these on every row at once
(vectorised), in this order, and a row is rejected for the first problem found, with a
reason from :data:`geofront.schema.REJECT_REASONS` and a one-sentence ``detail``:

0. ``malformed_row``: a CSV record with more or fewer fields than the header
   (:mod:`geofront.malformed` finds them; the detail gives the line);
1. ``missing_coordinates``: latitude and/or longitude empty, a missing or empty geometry,
   or coordinates ``(0, 0)`` ("Null Island", in the Gulf of Guinea: ACLED and UCDP never
   code an event there, and it is what a blank cell becomes in many tools);
2. ``invalid_coordinates``: text, NaN or infinity, a non-point geometry, out of range
   (flagged "looks like latitude and longitude are swapped" when swapping them would
   fit), or in range but outside the extent of the other events of the same country
   while the swapped point lies inside it (:func:`_check_swapped`). A decimal comma
   (``34,5``) is read as a decimal point in files separated by ``;`` or tabs (Excel in
   many locales); in comma-separated files it is rejected with a hint;
3. ``unparseable_date``: an empty or unparseable ``date`` (``YYYY-MM-DD``, ISO date-times,
   ``dd Month YYYY``, spreadsheet dates ``dd.mm.yyyy`` and ``dd/mm/yyyy`` or
   ``mm/dd/yyyy`` -- the order of the latter decided for the whole column by a day above
   12, and rejected as ambiguous when no value tells or both orders occur), an
   unparseable ``date_end``, ``date_end`` before ``date``, or a date in the future
   (after today) or before 1900 (typos in the year), or outside the years 1678-2261 that
   dates can be computed for (a placeholder such as 9999-12-31);
4. ``duplicate_event_id``: the first good row with an id is kept; later good rows with
   the same id are rejected naming it.

Each check fills the ``reason`` and ``detail`` arrays (one entry per source row, ``""``
while a row is good) and leaves rows already rejected alone.

Fatalities are not a reason to reject an event (its place and date still count):
:func:`fatality_counts` reads them and reports, with a logged warning that counts the
rows and names the first, counts that are not numbers, negative, fractional (rounded)
or beyond :data:`MAX_FATALITIES` (an overflow or a typo).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geofront import schema
from geofront.idhash import hash_strings

logger = logging.getLogger("geofront.events")

_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_DECIMAL_COMMA = r"^([+-]?\d+),(\d+)$"
_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%B-%Y", "%d-%b-%Y")
_SWAPPED = "looks like latitude and longitude are swapped"
#: Fewest good points of a country (or of the file) to judge where its events lie.
_MIN_POINTS_FOR_EXTENT = 10
#: Events before this day are typos in the year (ACLED starts in 1997, UCDP GED in 1989).
EARLIEST = np.datetime64("1900-01-01", "us")
#: More fatalities than any single recorded event: a larger count is an overflow or a typo.
MAX_FATALITIES = 10_000_000

#: Longitude, latitude and geometry type id (-1 missing, 0 point) of a vector file's rows.
GeometryXY = tuple[np.ndarray, np.ndarray, np.ndarray]


def check_coordinates(
    raw: pd.DataFrame,
    f: dict[str, str | None],
    geometry_xy: GeometryXY | None,
    reason: np.ndarray,
    detail: np.ndarray,
    *,
    decimal_comma: bool = False,
    extents: SwapExtents | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Parse and check coordinates; return latitude and longitude (float, NaN if bad).

    From the ``latitude``/``longitude`` columns named in ``f`` when there are both, else
    from ``geometry_xy``. ``f["country"]`` (optional) groups rows for the swap check.
    ``decimal_comma``: read ``34,5`` as 34.5 (files separated by ``;`` or tabs); else such
    a value is rejected with a hint to write a decimal point. ``extents``: the countries'
    extents for the swap check, from the whole file when ``raw`` is one batch of it
    (:class:`SwapSample`); None computes them from ``raw``.
    """
    lat, lon, lat_text, lon_text = parse_coordinates(
        raw, f, geometry_xy, reason, detail, decimal_comma=decimal_comma
    )
    country = raw[f["country"]] if f.get("country") else None
    if extents is None:
        sample = SwapSample()
        sample.add(np.arange(len(raw)), reason == "", country_keys(country, len(raw)), lat, lon)
        extents = sample.extents()
    _check_swapped(reason, detail, lat, lon, lat_text, lon_text, country, extents)
    return lat, lon


def parse_coordinates(
    raw: pd.DataFrame,
    f: dict[str, str | None],
    geometry_xy: GeometryXY | None,
    reason: np.ndarray,
    detail: np.ndarray,
    *,
    decimal_comma: bool = False,
) -> tuple[np.ndarray, np.ndarray, pd.Series, pd.Series]:
    """The row-by-row part of :func:`check_coordinates` (everything but the swap check).

    Returns latitude, longitude and their text.
    """
    n = len(raw)
    if f["latitude"] is not None and f["longitude"] is not None:
        lat_text, lat, lat_empty, lat_num = parse_numbers(
            raw[f["latitude"]], decimal_comma=decimal_comma
        )
        lon_text, lon, lon_empty, lon_num = parse_numbers(
            raw[f["longitude"]], decimal_comma=decimal_comma
        )
        kind = np.zeros(n, dtype=np.int64)
    else:
        assert geometry_xy is not None
        lon, lat, kind = geometry_xy
        lat_empty = lon_empty = np.zeros(n, dtype=bool)
        lat_num = lon_num = np.ones(n, dtype=bool)
        lat_text = pd.Series(lat, dtype="float64").astype("string")
        lon_text = pd.Series(lon, dtype="float64").astype("string")
    _coordinate_rejects(
        reason, detail, lat, lon, lat_text, lon_text, lat_empty, lon_empty, lat_num, lon_num, kind
    )
    return lat, lon, lat_text, lon_text


def country_keys(country: pd.Series | None, n: int) -> np.ndarray:
    """The swap check's grouping key per row: the country text ("" without a column)."""
    if country is None:
        return np.full(n, "", dtype=object)
    codes, uniques = pd.factorize(pd.Series(country.to_numpy(), dtype="string").fillna(""))
    return np.asarray(uniques, dtype=object)[codes]


def check_malformed(raw: pd.DataFrame, reason: np.ndarray, detail: np.ndarray) -> None:
    """Reject the records :mod:`geofront.malformed` put back into ``raw`` (in
    ``raw.attrs["malformed"]``: positions and details)."""
    positions, details = raw.attrs.get("malformed", ((), ()))
    if len(positions):
        pos = np.asarray(positions, dtype=np.int64)
        reason[pos] = schema.MALFORMED_ROW
        detail[pos] = np.asarray(details, dtype=object)


def today() -> np.datetime64:
    """Today's date (local), the last day an event can have happened."""
    return np.datetime64(dt.date.today(), "us")


def check_dates(
    raw: pd.DataFrame,
    f: dict[str, str | None],
    reason: np.ndarray,
    detail: np.ndarray,
    *,
    orders: dict[str, str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Parse and check ``date`` and ``date_end``; return both as datetime64[us] days.

    A blank ``date_end`` (or none in the file) is the ``date``; NaT marks a bad date. Dates
    after :func:`today` are rejected (a typo in the year; events are reported after they
    happen). ``orders``: the day/month order (:func:`slash_order`) of the ``date`` and
    ``date_end`` columns of the whole file when ``raw`` is one batch of it; None decides
    it from ``raw``.
    """
    n = len(raw)
    orders = orders or {}
    date_text = text_column(raw, f["date"], n)
    order = orders.get("date")
    day = (
        _parse_dates(raw[f["date"]], order=order)
        if f["date"]
        else np.full(n, np.datetime64("NaT", "us"))
    )
    bad = (reason == "") & np.isnat(day)
    _reject(
        reason,
        detail,
        bad,
        schema.UNPARSEABLE_DATE,
        lambda: _date_detail("date", date_text, bad, order=order),
    )
    if f.get("date_end"):
        end_order = orders.get("date_end")
        end_text = text_column(raw, f["date_end"], n)
        end = _parse_dates(raw[f["date_end"]], order=end_order)
        blank = (end_text.str.strip() == "").to_numpy(dtype=bool)
        end = np.where(blank, day, end)
        bad = (reason == "") & np.isnat(end)
        _reject(
            reason,
            detail,
            bad,
            schema.UNPARSEABLE_DATE,
            lambda: _date_detail("date_end", end_text, bad, order=end_order),
        )
        bad = (reason == "") & (end < day)
        _reject(
            reason,
            detail,
            bad,
            schema.UNPARSEABLE_DATE,
            lambda: ("date_end " + end_text[bad] + " is before date " + date_text[bad]).to_numpy(),
        )
    else:
        end = day
    last = today()
    for values, text, name in ((day, date_text, "date"), (end, None, "date_end")):
        for wrong, why in (
            (values > last, f" is in the future (after {str(last.astype('datetime64[D]'))})"),
            (values < EARLIEST, " is before 1900"),
        ):
            with np.errstate(invalid="ignore"):
                bad = (reason == "") & ~np.isnat(values) & wrong
            if not bad.any():
                continue
            shown = (
                text[bad].str.strip()
                if text is not None
                else pd.Series(values[bad].astype("datetime64[D]").astype(str), dtype="string")
            )
            msg = f"{name} " + shown + why + ": check the year"
            _reject(reason, detail, bad, schema.UNPARSEABLE_DATE, msg.to_numpy())
    return day, end


def check_event_ids(
    raw: pd.DataFrame,
    f: dict[str, str | None],
    rows: np.ndarray,
    reason: np.ndarray,
    detail: np.ndarray,
    *,
    seen: DuplicateIds | None = None,
    keys: np.ndarray | None = None,
    label: Callable[[int], str] | None = None,
    made: str = "row",
) -> pd.Series:
    """Event ids (``row<N>`` where the file has none or a blank); reject duplicates.

    Only rows still good take part: the first good row with an id keeps it. ``seen``
    carries the ids of earlier batches of the same file (:class:`DuplicateIds`), and
    ``keys`` numbers the rows in the whole file and ``label`` names row ``j`` in
    messages (default: its source row); None treats ``raw`` as the whole file.
    """
    ids = event_ids(raw, f, rows, made=made)
    ok = reason == ""
    if seen is not None:
        dup, first_row = seen.mark(
            ids,
            rows if keys is None else keys,
            ok,
            label or (lambda j: str(rows[j])),
        )
        where = np.flatnonzero(dup)
        reason[where] = schema.DUPLICATE_EVENT_ID
        detail[where] = (
            "event id "
            + ids.iloc[where].to_numpy().astype(object)
            + " already used by source row "
            + first_row.astype(object)
            + " (kept)"
        )
        return ids
    ok_ids = ids[ok]
    dup = ok_ids.duplicated(keep="first").to_numpy(dtype=bool)
    if dup.any():
        shared = ok_ids.duplicated(keep=False).to_numpy(dtype=bool)  # every row of a dup id
        group = pd.Series(rows[ok][shared]).groupby(ok_ids[shared].to_numpy())
        first_row = np.zeros(len(ok_ids), dtype=np.int64)
        first_row[shared] = group.transform("first").to_numpy()
        where = np.flatnonzero(ok)[dup]
        reason[where] = schema.DUPLICATE_EVENT_ID
        detail[where] = (
            "event id "
            + ok_ids.iloc[np.flatnonzero(dup)].to_numpy().astype(object)
            + " already used by source row "
            + first_row[dup].astype(str).astype(object)
            + " (kept)"
        )
    return ids


def event_ids(
    raw: pd.DataFrame, f: dict[str, str | None], rows: np.ndarray, *, made: str = "row"
) -> pd.Series:
    """Event ids as text: the id column stripped, ``row<N>`` where blank or absent.

    ``made`` is the prefix of made-up ids (``"<file>:row"`` for the parts of one export,
    whose row numbers restart in every file).
    """
    n = len(raw)
    if f["event_id"]:
        ids = text_column(raw, f["event_id"], n).str.strip()
        blank = (ids == "").to_numpy(dtype=bool)
        if blank.any():
            made_up = pd.Series(made + rows[blank].astype(str), index=np.flatnonzero(blank))
            ids = ids.where(~blank, made_up.reindex(ids.index)).astype("string")
        return ids
    return pd.Series(made + rows.astype(str), dtype="string")


class DuplicateIds:
    """Which event ids were already used, across the batches of one file, exactly.

    A first pass counts a 64-bit hash of every id (:func:`hash_strings`); only ids whose
    hash occurs more than once (``suspects``, sorted) can be duplicates, so only those
    are remembered, by their text. The rule is that of a whole-file read: the first
    good row with an id keeps it, later good rows are duplicates. ``label`` (a
    callable: source row -> text) names rows in messages (e.g. with their file).
    """

    def __init__(self, suspects: np.ndarray) -> None:
        self.suspects = np.asarray(suspects, dtype=np.uint64)
        self.first: dict[str, tuple[int, Any]] = {}

    def mark(
        self, ids: pd.Series, keys: np.ndarray, ok: np.ndarray, label: Callable[[int], str]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the duplicate mask and, for the duplicates, the label of the row that
        kept the id. ``keys``: a number per row, unique in the whole file, in file order;
        ``label(j)``: how row ``j`` is named in messages."""
        dup = np.zeros(len(ids), dtype=bool)
        kept_by: list[Any] = []
        for j, value in self.candidates(ids, ok):
            key = int(keys[j])
            kept = self.first.get(value)
            if kept is None:
                kept = self.first[value] = (key, label(j))
            if kept[0] != key:
                dup[j] = True
                kept_by.append(kept[1])
        return dup, np.array(kept_by, dtype=object)

    def candidates(self, ids: pd.Series, ok: np.ndarray) -> list[tuple[int, str]]:
        """(row, id) of the good rows whose id hash is a suspect, in row order."""
        cand = np.flatnonzero(ok)
        if len(self.suspects) == 0 or len(cand) == 0:
            return []
        h = hash_strings(pa.array(ids.iloc[cand].array))
        pos = np.minimum(np.searchsorted(self.suspects, h), len(self.suspects) - 1)
        cand = cand[self.suspects[pos] == h]
        return list(zip(cand.tolist(), ids.iloc[cand].to_numpy(dtype=object), strict=True))


def text_column(frame: pd.DataFrame, col: str | None, n: int) -> pd.Series:
    """A column as ``string`` dtype with missing values as "" (index 0..n-1)."""
    if col is None:
        return pd.Series("", index=range(n), dtype="string")
    return frame[col].reset_index(drop=True).astype("string").fillna("")


def parse_numbers(
    s: pd.Series, *, decimal_comma: bool = False
) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    """Parse a column to float64. Return (text, values, empty, is_number).

    With ``decimal_comma``, a number written with one decimal comma (``34,5``, as Excel
    writes in locales whose CSV separator is ``;``) is read as ``34.5``.
    """
    n = len(s)
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        values = s.to_numpy(dtype="float64", na_value=np.nan)
        empty = np.isnan(values)
        return pd.Series(s.to_numpy(), dtype="string").fillna(""), values, empty, ~empty
    text = text_column(pd.DataFrame({"c": s.reset_index(drop=True)}), "c", n)
    arr = pc.utf8_trim_whitespace(pa.array(text.array, type=pa.string()))
    if decimal_comma:
        arr = pc.replace_substring_regex(arr, _DECIMAL_COMMA, "\\1.\\2")
    empty = np.asarray(pc.equal(arr, ""), dtype=bool)
    values, is_number = _to_float(arr, empty)
    return text, values, empty, is_number


def _to_float(
    arr: pa.Array, empty: np.ndarray, *, fast: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Values and is-a-number mask of trimmed text: a number matches :data:`_NUMBER`.

    Fast path: one Arrow cast of the whole column, when every non-empty value parses;
    its non-finite results ("nan", "inf") are then checked against :data:`_NUMBER`,
    which they fail. Otherwise (some value is not a number) the regular expression
    decides, row by row.
    """
    if fast:
        try:
            cleaned = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), arr)
            values = np.array(  # a copy: Arrow's buffer is read-only
                pc.cast(cleaned, pa.float64()).to_numpy(zero_copy_only=False), dtype=float
            )
        except pa.ArrowInvalid:
            pass
        else:
            is_number = ~empty
            odd = np.flatnonzero(is_number & ~np.isfinite(values))
            if len(odd):
                ok = np.asarray(pc.match_substring_regex(arr.take(pa.array(odd)), _NUMBER))
                is_number[odd[~ok]] = False
                values[odd[~ok]] = np.nan
            return values, is_number
    is_number = np.asarray(pc.match_substring_regex(arr, _NUMBER), dtype=bool)
    cleaned = pc.if_else(pa.array(is_number), arr, pa.scalar(None, pa.string()))
    values = np.asarray(pc.cast(cleaned, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)
    return values, is_number


#: A whole number written with thousands separators: ``1,060``, ``12 500``, ``1'200``.
_GROUPED = "^\\d{1,3}([, '\u00a0\u202f]\\d{3})+$"


def parse_counts(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse a count column (fatalities) to float64, thousands separators allowed.

    ``1,060``, ``12 500`` (also with a no-break space) and ``1'200`` are read as whole
    numbers. Return (values, unreadable): ``values`` is NaN where the cell is blank or not
    a number; ``unreadable`` marks the non-blank cells that are not numbers.
    """
    text, values, empty, is_number = parse_numbers(s)
    if is_number.all() or pd.api.types.is_numeric_dtype(s):
        return values, ~empty & ~is_number
    arr = pc.utf8_trim_whitespace(pa.array(text.array, type=pa.string()))
    grouped = np.asarray(pc.match_substring_regex(arr, _GROUPED), dtype=bool) & ~is_number
    if grouped.any():
        digits = pc.replace_substring_regex(arr, r"[^0-9]", "")
        as_int = np.asarray(
            pc.cast(
                pc.if_else(pa.array(grouped), digits, pa.scalar(None, pa.string())), pa.float64()
            ).to_numpy(zero_copy_only=False),
            dtype=float,
        )
        values = np.where(grouped, as_int, values)
        is_number = is_number | grouped
    return values, ~empty & ~is_number


def fatality_counts(
    column: pd.Series,
    *,
    name: str,
    rows: np.ndarray,
    among: np.ndarray | None = None,
    report: FatalityReport | None = None,
) -> np.ndarray:
    """Read a fatalities column as int64 counts, reporting what could not be taken as is.

    Blank cells are 0. Counts that are not numbers, negative, or above
    :data:`MAX_FATALITIES` (``99999999999999999999`` would otherwise wrap around to a
    negative number) are counted as 0; fractional counts are rounded to the nearest
    whole number. Each kind of problem is logged once as a warning that counts the rows
    and names the first (``rows`` are the source row numbers of ``column``'s rows).
    ``among``: report only these rows (the kept ones); ``report``: collect the problems
    there instead of logging them (a file read in batches warns once, at the end).
    """
    values, unreadable = parse_counts(column)
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(values)
        negative = finite & (values < 0)
        huge = finite & (values > MAX_FATALITIES)
        fractional = finite & ~negative & ~huge & (values != np.round(values))
    bad = unreadable | negative | huge
    counts = np.where(finite & ~bad, np.round(values), 0).astype(np.int64)
    own = FatalityReport() if report is None else report
    text = None
    for mask, what, outcome in (
        (unreadable, "are not numbers", "counted as 0"),
        (negative, "are negative", "counted as 0"),
        (huge, f"are above {MAX_FATALITIES:,} (an overflow or a typo)", "counted as 0"),
        (fractional, "are not whole numbers", "rounded"),
    ):
        if among is not None:
            mask = mask & among
        if mask.any():
            if text is None:
                text = text_column(
                    pd.DataFrame({"c": column.reset_index(drop=True)}), "c", len(column)
                )
            first = int(np.flatnonzero(mask)[0])
            own.add(name, what, outcome, int(mask.sum()), int(rows[first]), text.iloc[first])
    if report is None:
        own.log()
    return counts


class FatalityReport:
    """Fatality counts that could not be taken as is, gathered over batches, logged once."""

    def __init__(self) -> None:
        self.kinds: dict[tuple[str, str, str], list[Any]] = {}

    def add(self, name: str, what: str, outcome: str, n: int, row: int, text: Any) -> None:
        """Count ``n`` more rows of one kind (the first row met is kept)."""
        entry = self.kinds.setdefault((name, what, outcome), [0, row, str(text).strip()])
        entry[0] += n

    def log(self) -> None:
        """One warning per kind: how many rows, and the first."""
        for (name, what, outcome), (n, row, text) in self.kinds.items():
            logger.warning(
                "%d row(s) have fatalities that %s in column %s (first: source row %d, %r): %s",
                n,
                what,
                name,
                row,
                text,
                outcome,
            )
        self.kinds = {}


def _reject(reason: np.ndarray, detail: np.ndarray, mask: np.ndarray, why: str, text: Any) -> None:
    """Record ``why`` for rows in ``mask`` (``text`` aligned with mask's True rows, or a
    callable returning it: messages are built only when some row needs them)."""
    if mask.any():
        reason[mask] = why
        detail[mask] = np.asarray(text() if callable(text) else text, dtype=object)


def _coordinate_rejects(
    reason: np.ndarray,
    detail: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    lat_text: pd.Series,
    lon_text: pd.Series,
    lat_empty: np.ndarray,
    lon_empty: np.ndarray,
    lat_num: np.ndarray,
    lon_num: np.ndarray,
    kind: np.ndarray,
) -> None:
    both = (reason == "") & lat_empty & lon_empty
    _reject(
        reason,
        detail,
        both,
        schema.MISSING_COORDINATES,
        ["latitude and longitude are empty"] * int(both.sum()),
    )
    for empty, name in ((lat_empty, "latitude"), (lon_empty, "longitude")):
        m = (reason == "") & empty
        _reject(reason, detail, m, schema.MISSING_COORDINATES, [f"{name} is empty"] * int(m.sum()))
    m = (reason == "") & (kind == -1)
    _reject(
        reason,
        detail,
        m,
        schema.MISSING_COORDINATES,
        ["no geometry (empty or null)"] * int(m.sum()),
    )
    m = (reason == "") & (kind > 0)
    names = np.array(
        [
            "Point",
            "LineString",
            "LinearRing",
            "Polygon",
            "MultiPoint",
            "MultiLineString",
            "MultiPolygon",
            "GeometryCollection",
        ],
        dtype=object,
    )
    _reject(
        reason,
        detail,
        m,
        schema.INVALID_COORDINATES,
        lambda: "geometry is a " + names[np.clip(kind[m], 0, 7)] + ", not a point",
    )
    for num, text, name in ((lat_num, lat_text, "latitude"), (lon_num, lon_text, "longitude")):
        m = (reason == "") & ~num
        _reject(
            reason,
            detail,
            m,
            schema.INVALID_COORDINATES,
            lambda name=name, text=text, m=m: _not_a_number(name, text[m].str.strip()),
        )
    with np.errstate(invalid="ignore"):
        for values, text, name in ((lat, lat_text, "latitude"), (lon, lon_text, "longitude")):
            m = (reason == "") & ~np.isfinite(values)
            _reject(
                reason,
                detail,
                m,
                schema.INVALID_COORDINATES,
                lambda name=name, text=text, m=m: (
                    name + " '" + text[m].str.strip() + "' is not a finite number"
                ).to_numpy(),
            )
        null_island = (reason == "") & (lat == 0) & (lon == 0)
        _reject(
            reason,
            detail,
            null_island,
            schema.MISSING_COORDINATES,
            ["coordinates (0, 0) (Null Island) are treated as missing"] * int(null_island.sum()),
        )
        lat_bad = (reason == "") & (np.abs(lat) > 90)
        lon_bad = (reason == "") & (np.abs(lon) > 180)
        swapped = lat_bad & ~lon_bad & (np.abs(lat) <= 180) & (np.abs(lon) <= 90)
        for m, text, name, lim in (
            (lat_bad, lat_text, "latitude", 90),
            (lon_bad & ~lat_bad, lon_text, "longitude", 180),
        ):
            if not m.any():
                continue
            msg = name + " " + text[m].str.strip() + f" out of range [-{lim}, {lim}]"
            msg = msg.where(~pd.Series(swapped[m], index=msg.index), msg + "; " + _SWAPPED)
            _reject(reason, detail, m, schema.INVALID_COORDINATES, msg.to_numpy())


def _not_a_number(name: str, text: pd.Series) -> np.ndarray:
    msg = name + " '" + text + "' is not a number"
    comma = text.str.fullmatch(_DECIMAL_COMMA).fillna(False).to_numpy(dtype=bool)
    hint = msg + " (a decimal comma? write " + text.str.replace(",", ".", regex=False) + ")"
    return np.where(comma, hint.to_numpy(dtype=object), msg.to_numpy(dtype=object))


#: Most points a :class:`SwapSample` keeps (every 2**k-th row, the smallest k that fits).
_SAMPLE_LIMIT = 399_999


class SwapSample:
    """Good points of a whole file, thinned to at most :data:`_SAMPLE_LIMIT`, for extents.

    Rows are numbered from 0 in file order (across batches); the sample keeps the good
    rows whose number is a multiple of the stride, the smallest power of two that keeps
    at most :data:`_SAMPLE_LIMIT` points. It depends only on the file, not on how it is
    cut into batches; a file with fewer good points keeps them all.
    """

    def __init__(self) -> None:
        self.stride = 1
        self.n_good = 0
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self._size = 0

    def wanted(self, positions: np.ndarray) -> np.ndarray:
        """Which rows (by number) the sample can still take: parse only those."""
        return np.asarray(positions % self.stride == 0)

    def add(
        self,
        positions: np.ndarray,
        good: np.ndarray,
        key: np.ndarray,
        lat: np.ndarray,
        lon: np.ndarray,
        *,
        n_good: int | None = None,
    ) -> None:
        """Offer rows (numbers, good mask, country key, coordinates) in file order.

        ``n_good`` counts the good rows offered when only the :meth:`wanted` ones were
        parsed (others are then not in ``positions``).
        """
        self.n_good += int(good.sum()) if n_good is None else n_good
        take = good & (positions % self.stride == 0)
        self._parts.append((positions[take], key[take], lat[take], lon[take]))
        self._size += int(take.sum())
        while self._size > _SAMPLE_LIMIT:
            self.stride *= 2
            self._parts = [
                tuple(a[p % self.stride == 0] for a in (p, k, la, lo))  # type: ignore[misc]
                for p, k, la, lo in self._parts
            ]
            self._size = sum(len(p[0]) for p in self._parts)

    def merge(self, other: SwapSample) -> None:
        """Add the sample of the rows that follow (for partitions read apart)."""
        self.n_good += other.n_good
        stride = max(self.stride, other.stride)
        parts = self._parts + other._parts
        self.stride = 1
        self._size = 0
        self._parts = []
        for p, k, la, lo in parts:
            keep = p % stride == 0
            self._parts.append((p[keep], k[keep], la[keep], lo[keep]))
        self.stride = stride
        self._size = sum(len(p[0]) for p in self._parts)
        while self._size > _SAMPLE_LIMIT:
            self.stride *= 2
            self._parts = [
                tuple(a[p % self.stride == 0] for a in (p, k, la, lo))  # type: ignore[misc]
                for p, k, la, lo in self._parts
            ]
            self._size = sum(len(p[0]) for p in self._parts)

    def extents(self) -> SwapExtents:
        """Per country, the box between the 2nd and 98th percentiles, widened by 1 degree."""
        if self.n_good < _MIN_POINTS_FOR_EXTENT or self._size == 0:
            return SwapExtents(None)
        frame = pd.DataFrame(
            {
                "key": pd.array(np.concatenate([p[1] for p in self._parts]), dtype="string"),
                "lat": np.concatenate([p[2] for p in self._parts]),
                "lon": np.concatenate([p[3] for p in self._parts]),
            }
        )
        grouped = frame.groupby("key", sort=True)
        size = grouped.size()
        q = grouped[["lat", "lon"]].quantile(np.array([0.02, 0.98])).unstack()
        q = q[size.reindex(q.index) >= _MIN_POINTS_FOR_EXTENT]
        return SwapExtents(None if q.empty else pd.DataFrame(q))


class SwapExtents:
    """Where the events of each country lie (see :func:`check_coordinates`)."""

    def __init__(self, quantiles: pd.DataFrame | None) -> None:
        self.quantiles = quantiles

    def boxes(self, country: pd.Series | None, n: int) -> tuple[np.ndarray, ...] | None:
        """(lat_lo, lat_hi, lon_lo, lon_hi) per row (NaN for countries not judged)."""
        if self.quantiles is None:
            return None
        codes = np.zeros(n, dtype=np.int64)
        names: Any = [""]
        if country is not None:
            codes, names = pd.factorize(
                pd.Series(country.to_numpy(), dtype="string").fillna(""), use_na_sentinel=False
            )
        box = self.quantiles.reindex(pd.Index(np.asarray(names, dtype=object), dtype="string"))
        return (
            box[("lat", 0.02)].to_numpy()[codes] - 1,
            box[("lat", 0.98)].to_numpy()[codes] + 1,
            box[("lon", 0.02)].to_numpy()[codes] - 1,
            box[("lon", 0.98)].to_numpy()[codes] + 1,
        )


def _check_swapped(
    reason: np.ndarray,
    detail: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    lat_text: pd.Series,
    lon_text: pd.Series,
    country: pd.Series | None,
    extents: SwapExtents,
) -> None:
    """Reject in-range points that fall inside their country's extent only when swapped.

    The extent of a country (the ``country`` column of ACLED and UCDP, else the whole
    file) is the box between the 2nd and 98th percentiles of its good points, widened
    by 1 degree (percentiles from every 2**k-th row when there are more than 400,000
    good points: :class:`SwapSample`); judged only with at least
    :data:`_MIN_POINTS_FOR_EXTENT` points.
    """
    good = reason == ""
    if not good.any():
        return
    boxes = extents.boxes(country, len(lat))
    if boxes is None:
        return
    lat_lo, lat_hi, lon_lo, lon_hi = boxes
    with np.errstate(invalid="ignore"):
        inside = (lat >= lat_lo) & (lat <= lat_hi) & (lon >= lon_lo) & (lon <= lon_hi)
        inside_swapped = (lon >= lat_lo) & (lon <= lat_hi) & (lat >= lon_lo) & (lat <= lon_hi)
    m = good & ~inside & inside_swapped
    if not m.any():
        return
    msg = (
        "latitude "
        + lat_text[m].str.strip()
        + ", longitude "
        + lon_text[m].str.strip()
        + " lie outside the extent of the other events of this country; "
        + _SWAPPED
    )
    _reject(reason, detail, m, schema.INVALID_COORDINATES, msg.to_numpy())


def _parse_dates(s: pd.Series, *, order: str | None = None) -> np.ndarray:
    """Parse dates (``YYYY-MM-DD``, ISO date-times, ``dd Month YYYY``) to datetime64[us] days.

    Only the unique values are parsed. Unparseable or empty values give NaT. ``order``:
    the day/month order of the whole column (:func:`slash_order`); None decides it
    from ``s``.
    """
    if pd.api.types.is_datetime64_any_dtype(s):
        d = pd.Series(s.to_numpy()) if getattr(s.dt, "tz", None) is None else s.dt.tz_localize(None)
        return np.asarray(pd.Series(d).dt.floor("D").to_numpy(dtype="datetime64[us]"))
    text = text_column(pd.DataFrame({"c": s.reset_index(drop=True)}), "c", len(s)).str.strip()
    codes, uniques = pd.factorize(text, sort=False)
    u = pd.Series(np.asarray(uniques, dtype=object), dtype="string")
    parsed = pd.Series(pd.to_datetime(u, format="%Y-%m-%d", errors="coerce"))
    todo = parsed.isna() & u.str.match(r"^\d{4}-\d{2}-\d{2}[T ]\d").fillna(False)
    if todo.any():
        iso = pd.to_datetime(u[todo], format="ISO8601", errors="coerce", utc=True)
        parsed[todo] = iso.dt.tz_localize(None).astype(parsed.dtype)
    for fmt in _DATE_FORMATS:
        todo = parsed.isna() & (u != "")
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(u[todo], format=fmt, errors="coerce")
    todo = parsed.isna() & (u != "")
    if todo.any():
        parsed[todo] = _parse_numeric_dates(u[todo], slash_order(u) if order is None else order)
    days = parsed.dt.floor("D").to_numpy(dtype="datetime64[us]")
    out = np.append(days, np.datetime64("NaT", "us"))[codes]  # code -1 (missing) -> NaT
    return out


#: Day, month and year written with numbers, as spreadsheets do: ``07/07/2021``,
#: ``7.7.2021``, optionally followed by a time (``07/07/2021 00:00``).
_NUMERIC_DATE = r"^(\d{1,2})([/.])(\d{1,2})[/.](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"


def slash_order(values: pd.Series) -> str:
    """Order of day and month in the ``dd/mm/yyyy``-like values of a column.

    ``dmy`` or ``mdy`` when the column tells (some first field above 12 and no second
    one, or the reverse), ``ambiguous`` when no field is above 12, ``mixed`` when both
    orders occur, ``""`` when there are no such values. Dotted dates (``7.7.2021``) are
    always day first.
    """
    return order_from_stats(slash_stats(values))


def slash_stats(values: pd.Series) -> tuple[bool, bool, bool]:
    """What :func:`slash_order` needs of some values: (any ``a/b/yyyy`` value, some ``a``
    above 12, some ``b`` above 12). Combine batches with ``|`` field by field."""
    values = pd.Series(values, dtype="string").str.strip()
    values = values[values.str.contains("/", regex=False).fillna(False)]
    if values.empty:
        return (False, False, False)
    parts = values.str.extract(_NUMERIC_DATE)
    slash = (parts[1] == "/").fillna(False).to_numpy(dtype=bool)
    if not slash.any():
        return (False, False, False)
    first = pd.to_numeric(parts[0][slash]).to_numpy()
    second = pd.to_numeric(parts[2][slash]).to_numpy()
    return (True, bool((first > 12).any()), bool((second > 12).any()))


def order_from_stats(stats: tuple[bool, bool, bool]) -> str:
    """The :func:`slash_order` answer from :func:`slash_stats`."""
    any_slash, day_first, month_first = stats
    if not any_slash:
        return ""
    if day_first and month_first:
        return "mixed"
    return "dmy" if day_first else "mdy" if month_first else "ambiguous"


def _parse_numeric_dates(values: pd.Series, order: str) -> pd.Series:
    """Parse ``dd/mm/yyyy`` (in the column's ``order``) and ``dd.mm.yyyy``; else NaT."""
    parts = values.str.extract(_NUMERIC_DATE)
    slash = parts[1] == "/"
    day = parts[0].where(~slash | (order == "dmy"), parts[2] if order == "mdy" else None)
    month = parts[2].where(~slash | (order == "dmy"), parts[0] if order == "mdy" else None)
    text = parts[3] + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)
    return pd.Series(pd.to_datetime(text, format="%Y-%m-%d", errors="coerce"), index=values.index)


def _date_detail(
    name: str, text: pd.Series, mask: np.ndarray, *, order: str | None = None
) -> np.ndarray:
    if not mask.any():
        return np.array([], dtype=object)
    t = text[mask].str.strip()
    msg = name + " '" + t + "' is not a date (expected YYYY-MM-DD or dd Month YYYY)"
    year = pd.to_numeric(t.str.extract(r"^(\d{4})-\d{1,2}-\d{1,2}", expand=False), errors="coerce")
    beyond = ((year < 1678) | (year > 2261)).fillna(False)
    msg = msg.where(
        ~beyond,
        name
        + " '"
        + t
        + "' is outside the years 1678-2261 that dates can be computed for (a placeholder "
        "or a typo in the year?): give the real date",
    )
    if order is None:
        order = slash_order(pd.Series(text.str.strip().unique(), dtype="string"))
    if order in ("ambiguous", "mixed"):
        why = (
            "no day in the column is above 12, so day and month cannot be told apart"
            if order == "ambiguous"
            else "the column has both day-first and month-first dates"
        )
        numeric = t.str.match(_NUMERIC_DATE).fillna(False) & t.str.contains("/", regex=False)
        msg = msg.where(~numeric, name + " '" + t + "' is ambiguous: " + why + "; write YYYY-MM-DD")
    return msg.where(t != "", name + " is empty").to_numpy()
