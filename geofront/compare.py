"""Compare district control with a reference: agreement, confusion matrix, Cohen's kappa.

:func:`compare_control` scores a control table or timeline ("ours", e.g. from
:func:`geofront.control.control_from_events`) against a reference (the ground truth of a
synthetic world, an analyst's hand-made table, another method's output). Both are *status
tables*: one row per district and date with ``date``, ``district_id`` and ``status`` (one
of :data:`geofront.schema.CONTROL_STATUSES`). :func:`status_table` turns a single-date
control table (no ``date`` column: its ``as_of`` column or a given date) into one;
:func:`read_status_table` reads one from a file, matching district names to the
boundaries when the file has no ids.

What is scored
--------------
* **Dates**: only the dates present in both tables (the others are listed in
  :attr:`ComparisonResult.dates_only_ours` / :attr:`ComparisonResult.dates_only_reference`).
* **District-dates**: every district the reference gives a *known* status
  (``government``, ``contested``, ``insurgent``) on a compared date.
* **``unknown``** is never counted as agreement. Where the reference says ``unknown`` it
  makes no claim: those district-dates are not scored and are counted in
  ``reference_unknown``. Where *ours* says ``unknown`` (no evidence), or ours lacks the
  district altogether (counted again in ``ours_missing``), the district-date is scored as
  a disagreement in ``agreement`` and ``kappa``, and counted in ``ours_unknown``;
  ``agreement_known`` and ``kappa_known`` score only the district-dates where ours is
  known, so coverage and accuracy can be told apart. Districts ours has and the
  reference lacks are not scored (``not_in_reference``).
* **Cohen's kappa** over the four statuses: ``(p_o - p_e) / (1 - p_e)`` with ``p_o`` the
  share of agreement and ``p_e = sum_k p_ours(k) * p_reference(k)`` the agreement two
  independent raters with these marginals would reach by chance (Cohen 1960, Educational
  and Psychological Measurement 20(1)). NaN when ``p_e`` is 1 (both tables give every
  district the same status: kappa is undefined) or nothing is scored. The overall kappa
  pools all scored district-dates.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geofront.boundaries import AdminBoundaries
from geofront.errors import InputError, SchemaError
from geofront.schema import CONTESTED, CONTROL_STATUSES, GOVERNMENT, INSURGENT, UNKNOWN
from geofront.validate import check_frame

log = logging.getLogger(__name__)

#: Columns of a status table.
STATUS_TABLE_COLUMNS = ("date", "district_id", "status")
#: Statuses a reference can claim (scored); ``unknown`` is not a claim.
KNOWN_STATUSES = (GOVERNMENT, CONTESTED, INSURGENT)
#: Columns of :attr:`ComparisonResult.by_date` (and of :func:`agreement_table`).
AGREEMENT_COLUMNS = (
    "date",
    "scored",
    "agree",
    "agreement",
    "kappa",
    "ours_unknown",
    "ours_missing",
    "agreement_known",
    "kappa_known",
    "reference_unknown",
    "not_in_reference",
    *(f"{s}_{who}" for s in KNOWN_STATUSES for who in ("ours", "reference")),
)
#: Columns of :attr:`ComparisonResult.pairs` and :attr:`ComparisonResult.disagreements`.
PAIR_COLUMNS = ("date", "district_id", "district", "province", "ours", "reference")
#: Columns of :func:`confusion_table`: the reference status, then one count per status
#: of ours.
CONFUSION_COLUMNS = ("date", "reference", *CONTROL_STATUSES)


@dataclass(frozen=True)
class ComparisonResult:
    """Result of :func:`compare_control`.

    Attributes
    ----------
    pairs : DataFrame
        Every scored district-date: :data:`PAIR_COLUMNS` (``ours`` is ``unknown`` where
        ours lacks the district), sorted by date then district id.
    by_date : DataFrame
        One row per compared date: :data:`AGREEMENT_COLUMNS` (counts as int, shares and
        kappas as float in [0, 1] and [-1, 1]; ``<status>_ours`` / ``<status>_reference``
        count the scored districts ours / the reference give that status).
    overall : Series
        The same fields over all compared dates (``date`` is None): counts summed, shares
        and kappas pooled over all scored district-dates.
    confusion : DataFrame
        Scored district-dates by reference status (index, :data:`KNOWN_STATUSES`) and our
        status (columns, :data:`geofront.schema.CONTROL_STATUSES`), all dates pooled.
    dates_only_ours, dates_only_reference : tuple of Timestamp
        Dates present in one table only (not compared).
    """

    pairs: pd.DataFrame
    by_date: pd.DataFrame
    overall: pd.Series
    confusion: pd.DataFrame
    dates_only_ours: tuple[pd.Timestamp, ...]
    dates_only_reference: tuple[pd.Timestamp, ...]

    @property
    def disagreements(self) -> pd.DataFrame:
        """The scored district-dates where ours differs from the reference."""
        p = self.pairs
        return p[p["ours"] != p["reference"]].reset_index(drop=True)

    def summary(self) -> str:
        """One line: dates, scored district-dates, agreement, kappa, unknowns."""
        o = self.overall
        text = (
            f"{len(self.by_date)} date(s), {int(o['scored'])} district-date(s) scored: "
            f"agreement {_pct(o['agreement'])}, kappa {_num(o['kappa'])}"
        )
        if o["ours_unknown"]:
            text += (
                f"; ours unknown on {int(o['ours_unknown'])} (agreement where known "
                f"{_pct(o['agreement_known'])}, kappa {_num(o['kappa_known'])})"
            )
        if o["reference_unknown"]:
            text += f"; reference unknown on {int(o['reference_unknown'])} (not scored)"
        skipped = len(self.dates_only_ours) + len(self.dates_only_reference)
        if skipped:
            text += f"; {skipped} date(s) in one table only (not compared)"
        return text


#: The earlier name of :class:`ComparisonResult`, still importable.
Comparison = ComparisonResult


def _pct(x: float) -> str:
    return "n/a" if pd.isna(x) else f"{100 * x:.1f} %"


def _num(x: float) -> str:
    return "n/a" if pd.isna(x) else f"{x:.3f}"


# --- status tables ----------------------------------------------------------------------


def status_table(
    frame: pd.DataFrame, *, as_of: str | pd.Timestamp | None = None, what: str = "control table"
) -> pd.DataFrame:
    """Return ``frame`` as a status table (:data:`STATUS_TABLE_COLUMNS`).

    Parameters
    ----------
    frame : DataFrame
        With ``district_id`` and ``status``, and the date in a ``date`` column, an
        ``as_of`` column, or ``as_of``. A control table of
        :func:`geofront.control.control_from_events` qualifies (with ``as_of``).
        Not modified.
    as_of : str or Timestamp, optional
        The date of every row, for a table without a ``date`` or ``as_of`` column. If the
        table has one, ``as_of`` must agree with it.
    what : str
        How to name the table in error messages (``"control table"``).

    Returns
    -------
    DataFrame
        ``date`` (datetime64, day), ``district_id`` (str), ``status`` (str, lower case),
        one row per (date, district) (exact duplicate rows dropped), sorted by date then
        district id, on a RangeIndex.

    Raises
    ------
    SchemaError
        Missing columns or no date at all.
    InputError
        A status that is not a control status, an unreadable date, or the same district
        and date with different statuses (one line naming the row).
    """
    check_frame(
        frame,
        what=what,
        columns=("district_id", "status"),
        fix="give district_id and status columns (a table written by geofront control or timeline)",
    )
    dates = _dates_of(frame, as_of, what)
    status = frame["status"].astype("string").str.strip().str.lower()
    bad = ~status.isin(CONTROL_STATUSES).fillna(False).to_numpy(dtype=bool)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{what} row {row + 1}: status {frame['status'].iloc[row]!r} is not one of "
            f"{', '.join(CONTROL_STATUSES)}"
        )
    ids = frame["district_id"].astype("string").str.strip()
    if ids.isna().any() or (ids == "").any():
        row = int(np.flatnonzero((ids.isna() | (ids == "")).to_numpy(dtype=bool))[0])
        raise InputError(f"{what} row {row + 1}: district_id is empty; give every row an id")
    out = pd.DataFrame(
        {
            "date": dates,
            "district_id": ids.to_numpy(dtype=object),
            "status": status.to_numpy(dtype=object),
        }
    )
    return _deduplicate(out, what)


def _dates_of(frame: pd.DataFrame, as_of: Any, what: str) -> np.ndarray:
    col = "date" if "date" in frame.columns else "as_of" if "as_of" in frame.columns else None
    given = None if as_of is None else _parse_day(as_of, f"{what} as_of")
    if col is None:
        if given is None:
            raise SchemaError(
                f"{what} has no date or as_of column: give its date (--as-of / as_of=)"
            )
        return np.full(len(frame), given.to_datetime64(), dtype="datetime64[ns]")
    parsed = pd.to_datetime(frame[col], errors="coerce", format="ISO8601")
    if isinstance(parsed, pd.Series):
        parsed = parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed
    bad = pd.isna(parsed).to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{what} row {row + 1}: {col} {frame[col].iloc[row]!r} is not a date: write YYYY-MM-DD"
        )
    days = pd.DatetimeIndex(parsed).normalize()
    if given is not None and not (days == given).all():
        other = days[days != given][0]
        raise InputError(
            f"{what} is dated {other:%Y-%m-%d} in its {col} column but as_of is "
            f"{given:%Y-%m-%d}: drop the date option or give the table's own date"
        )
    return np.asarray(days.to_numpy(dtype="datetime64[ns]"))


def _parse_day(value: Any, what: str) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise InputError(f"{what} {value!r} is not a date: write YYYY-MM-DD") from None
    if pd.isna(day):
        raise InputError(f"{what} is missing: give a date (YYYY-MM-DD)")
    return day.normalize()


def _deduplicate(table: pd.DataFrame, what: str) -> pd.DataFrame:
    table = table.sort_values(["date", "district_id"], kind="stable")
    key = table.duplicated(["date", "district_id"], keep=False).to_numpy()
    if key.any():
        dup = table[key]
        clash = dup.groupby(["date", "district_id"], sort=True)["status"].nunique()
        clash = clash[clash > 1]
        if len(clash):
            (day, did) = clash.index[0]
            values = sorted(
                set(dup.loc[(dup["date"] == day) & (dup["district_id"] == did), "status"])
            )
            raise InputError(
                f"{what} gives district {did} on {pd.Timestamp(day):%Y-%m-%d} several "
                f"statuses ({', '.join(values)}): keep one row per district and date"
            )
        table = table.drop_duplicates(["date", "district_id"], keep="first")
    return table.reset_index(drop=True)


def read_status_table(
    path: str | os.PathLike[str],
    *,
    boundaries: AdminBoundaries | None = None,
    as_of: str | pd.Timestamp | None = None,
    what: str = "control",
) -> pd.DataFrame:
    """Read a status table (a control table, a timeline or a reference) from a file.

    Parameters
    ----------
    path : path
        CSV, Parquet, GeoPackage, GeoJSON or Shapefile (geometry ignored) with a
        ``status`` column and either ``district_id`` or a district name column
        (``district``, ``district_name``, ``name`` or ``admin2``, with ``province`` or
        ``admin1`` if present), and a ``date`` or ``as_of`` column or ``as_of``.
        Column names are matched case-insensitively. Statuses may be written as the
        analyst words :data:`geofront.assessments.STATUS_WORDS` knows ("Taliban",
        "controlled", "govt"...).
    boundaries : AdminBoundaries, optional
        The districts names are matched against (bundled Afghanistan when None); ids are
        checked against them when given.
    as_of : str or Timestamp, optional
        Date of a single-date table without a date column.
    what : str
        Name of the table in messages.

    Returns
    -------
    DataFrame
        A status table (see :func:`status_table`).

    Raises
    ------
    InputError
        Unreadable file, missing columns, names that match no district or several, bad
        statuses or dates (one line).
    """
    from geofront import datasets
    from geofront.io import check_input_file, read_vector

    src = check_input_file(datasets.resolve(path), what)
    suffix = src.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        from geofront.files import csv_header

        csv_header(src, what=what)  # UTF-8 text with a header, or one line saying what it is
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            raw = pd.read_csv(
                src, dtype=str, keep_default_na=False, sep="\t" if suffix == ".tsv" else ","
            )
        elif suffix == ".parquet":
            raw = pd.read_parquet(src)
        else:
            raw = read_vector(src, what=what)
    except InputError:
        raise
    except Exception as exc:  # pandas/pyarrow raise many types; report them in one line
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"cannot read {what} file {src}: {msg}") from exc
    if isinstance(raw, gpd.GeoDataFrame):
        raw = pd.DataFrame(raw.drop(columns=raw.geometry.name))
    raw = pd.DataFrame(raw.drop(columns=["geometry"], errors="ignore"))
    if len(raw) == 0:
        raise InputError(f"{what} file {src} has no rows: give a table with one row per district")
    cols = {str(c).strip().lower(): c for c in reversed(list(raw.columns))}
    frame = pd.DataFrame(index=raw.index)
    status_col = cols.get("status")
    if status_col is None:
        raise SchemaError(
            f"{what} file {src} has no status column: the file has "
            f"{', '.join(map(str, raw.columns[:20]))}"
        )
    frame["status"] = _status_words(raw[status_col].astype("string"), src, what)
    for name in ("date", "as_of"):
        if name in cols:
            frame[name] = raw[cols[name]].to_numpy()
            break
    if "district_id" in cols:
        frame["district_id"] = raw[cols["district_id"]].astype("string").str.strip()
        known = None if boundaries is None else boundaries.districts["district_id"].astype(str)
        unknown = frame["district_id"].notna() & ~frame["district_id"].isin(
            pd.Index([] if known is None else known)
        )
        if known is not None and unknown.any():
            row = int(np.flatnonzero(unknown.to_numpy())[0])
            raise SchemaError(
                f"{what} file {src}, row {row + 1}: district_id "
                f"{frame['district_id'].iloc[row]!r} is not in the boundaries: pass the "
                "boundaries the table was made with (--boundaries)"
            )
    else:
        frame["district_id"] = _match_district_names(raw, cols, boundaries, src, what)
    return status_table(frame, as_of=as_of, what=f"{what} file {src}")


def _status_words(values: pd.Series, src: Path, what: str) -> pd.Series:
    """Control statuses from words; values that are no known word are left as given."""
    from geofront.assessments import STATUS_WORDS
    from geofront.names import normalise_name

    text = values.fillna("").str.strip()
    low = text.str.lower()
    known = low.isin(CONTROL_STATUSES)
    if known.all():
        return low
    words = normalise_name(text[~known].astype(object))
    mapped = words.map(dict(STATUS_WORDS))
    out = low.copy()
    ok = mapped.notna()
    out[mapped.index[ok]] = mapped[ok].to_numpy()
    return out


#: Column names tried for district and province names, in order.
_NAME_COLUMNS = ("district", "district_name", "name", "admin2")
_PROVINCE_COLUMNS = ("province", "province_name", "admin1")


def _match_district_names(
    raw: pd.DataFrame,
    cols: dict[str, Any],
    boundaries: AdminBoundaries | None,
    src: Path,
    what: str,
) -> pd.Series:
    from geofront.boundaries import read_boundaries
    from geofront.names import AMBIGUOUS, UNMATCHED, match_names

    name_col = next((cols[c] for c in _NAME_COLUMNS if c in cols), None)
    if name_col is None:
        raise SchemaError(
            f"{what} file {src} has neither a district_id nor a district name column "
            f"({', '.join(_NAME_COLUMNS)}): add one"
        )
    prov_col = next((cols[c] for c in _PROVINCE_COLUMNS if c in cols), None)
    b = boundaries if boundaries is not None else read_boundaries()
    d = b.districts
    candidates = pd.Series(d["district"].astype(str).to_numpy(), index=d["district_id"].astype(str))
    query = raw[name_col].astype("string").fillna("").astype(object)
    if prov_col is not None:
        provs = match_names(
            raw[prov_col].astype("string").fillna("").astype(object),
            pd.Series(
                b.provinces["province"].astype(str).to_numpy(),
                index=b.provinces["province_id"].astype(str),
            ),
        )
        groups = provs["match"]
        matched = match_names(
            query,
            candidates,
            query_groups=groups,
            candidate_groups=d["province_id"].astype(str).to_numpy(),
        )
    else:
        matched = match_names(query, candidates)
    bad = matched["method"].isin([UNMATCHED, AMBIGUOUS]).to_numpy()
    if bad.any():
        rows = np.flatnonzero(bad)
        first = matched.iloc[rows[0]]
        hint = (
            f" (candidates {first['candidates']})"
            if first["method"] == AMBIGUOUS
            else " (no district of that name)"
        )
        raise InputError(
            f"{what} file {src}: {len(rows)} row(s) name no single district; first, row "
            f"{rows[0] + 1}: {first['query']!r} is {first['method']}{hint}: add a province "
            "column or use district_id"
        )
    fuzzy = matched["method"].isin(["phonetic", "skeleton", "fuzzy"]).to_numpy()
    if fuzzy.any():
        log.info(
            "%s: %d row(s) matched by spelling variants (first: %r -> %r)",
            src,
            int(fuzzy.sum()),
            matched["query"].iloc[int(np.flatnonzero(fuzzy)[0])],
            matched["matched_name"].iloc[int(np.flatnonzero(fuzzy)[0])],
        )
    return matched["match"].astype("string")


# --- comparison ----------------------------------------------------------------------


def compare_control(
    ours: pd.DataFrame,
    reference: pd.DataFrame,
    *,
    boundaries: AdminBoundaries | None = None,
    ours_as_of: str | pd.Timestamp | None = None,
    reference_as_of: str | pd.Timestamp | None = None,
) -> ComparisonResult:
    """Score ``ours`` against ``reference`` date by date (see the module docstring).

    Parameters
    ----------
    ours, reference : DataFrame
        Status tables, or frames :func:`status_table` accepts (a single-date control
        table with an ``as_of`` column or the matching ``*_as_of``). Not modified.
    boundaries : AdminBoundaries, optional
        When given, every district id must be one of its districts, and the output
        carries district and province names.
    ours_as_of, reference_as_of : str or Timestamp, optional
        Dates of single-date tables without a date column.

    Returns
    -------
    ComparisonResult

    Raises
    ------
    InputError
        Bad tables (see :func:`status_table`), ids not in ``boundaries``, or no date in
        common (the message lists each table's dates).
    """
    o = status_table(ours, as_of=ours_as_of, what="control table")
    r = status_table(reference, as_of=reference_as_of, what="reference table")
    names = None
    if boundaries is not None:
        d = boundaries.districts
        names = pd.DataFrame(
            {"district": d["district"].to_numpy(), "province": d["province"].to_numpy()},
            index=pd.Index(d["district_id"].astype(str).to_numpy()),
        )
        for table, what in ((o, "control"), (r, "reference")):
            unknown = ~table["district_id"].isin(names.index)
            if unknown.any():
                raise InputError(
                    f"{what} table: district_id {table['district_id'][unknown].iloc[0]!r} is "
                    "not in the boundaries: compare tables made with the same boundaries"
                )
    o_days = pd.DatetimeIndex(o["date"].unique())
    r_days = pd.DatetimeIndex(r["date"].unique())
    common = o_days.intersection(r_days).sort_values()
    if len(common) == 0:
        raise InputError(
            f"no date in common: control has {_date_span(o_days)}, reference has "
            f"{_date_span(r_days)}; compare tables of the same dates"
        )
    o = o[o["date"].isin(common)]
    r = r[r["date"].isin(common)]
    merged = r.merge(o, on=["date", "district_id"], how="outer", suffixes=("_ref", "_ours"))
    in_ref = merged["status_ref"].notna().to_numpy()
    missing = in_ref & merged["status_ours"].isna().to_numpy()
    ref_status = merged["status_ref"].fillna("").to_numpy(dtype=object)
    ours_status = merged["status_ours"].fillna(UNKNOWN).to_numpy(dtype=object)
    scored = in_ref & (ref_status != UNKNOWN)
    flags = pd.DataFrame(
        {
            "date": merged["date"].to_numpy(),
            "scored": scored,
            "agree": scored & (ours_status == ref_status),
            "ours_unknown": scored & (ours_status == UNKNOWN),
            "ours_missing": scored & missing,
            "reference_unknown": in_ref & (ref_status == UNKNOWN),
            "not_in_reference": ~in_ref,
        }
    )
    for s in KNOWN_STATUSES:
        flags[f"{s}_ours"] = scored & (ours_status == s)
        flags[f"{s}_reference"] = scored & (ref_status == s)
    pairs = pd.DataFrame(
        {
            "date": merged["date"].to_numpy()[scored],
            "district_id": merged["district_id"].to_numpy(dtype=object)[scored],
            "ours": ours_status[scored],
            "reference": ref_status[scored],
        }
    )
    if names is not None:
        pairs["district"] = names["district"].reindex(pairs["district_id"]).to_numpy()
        pairs["province"] = names["province"].reindex(pairs["district_id"]).to_numpy()
    else:
        pairs["district"] = None
        pairs["province"] = None
    pairs = pairs[list(PAIR_COLUMNS)].sort_values(["date", "district_id"], kind="stable")
    pairs = pairs.reset_index(drop=True)

    by_date = _scores(flags.groupby("date", sort=True), pairs.groupby("date", sort=True))
    by_date = by_date.reindex(common).rename_axis("date").reset_index()
    overall = _overall(flags, pairs)
    confusion = _confusion(pairs)
    return ComparisonResult(
        pairs=pairs,
        by_date=by_date[list(AGREEMENT_COLUMNS)],
        overall=overall,
        confusion=confusion,
        dates_only_ours=tuple(o_days.difference(r_days).sort_values()),
        dates_only_reference=tuple(r_days.difference(o_days).sort_values()),
    )


def _date_span(days: pd.DatetimeIndex) -> str:
    days = days.sort_values()
    if len(days) == 1:
        return f"{days[0]:%Y-%m-%d}"
    return f"{len(days)} dates {days[0]:%Y-%m-%d}..{days[-1]:%Y-%m-%d}"


_COUNT_FIELDS = (
    "scored",
    "agree",
    "ours_unknown",
    "ours_missing",
    "reference_unknown",
    "not_in_reference",
    *(f"{s}_{who}" for s in KNOWN_STATUSES for who in ("ours", "reference")),
)


def _scores(flag_groups: Any, pair_groups: Any) -> pd.DataFrame:
    counts = flag_groups[list(_COUNT_FIELDS)].sum().astype(np.int64)
    kappa = pair_groups.apply(lambda p: kappa_of(p["ours"], p["reference"]), include_groups=False)
    known = pair_groups.apply(
        lambda p: kappa_of(p["ours"][p["ours"] != UNKNOWN], p["reference"][p["ours"] != UNKNOWN]),
        include_groups=False,
    )
    out: pd.DataFrame = counts.copy()
    out["agreement"] = _share(counts["agree"], counts["scored"])
    out["agreement_known"] = _share(counts["agree"], counts["scored"] - counts["ours_unknown"])
    out["kappa"] = kappa.reindex(counts.index).astype(float)
    out["kappa_known"] = known.reindex(counts.index).astype(float)
    return out


def _share(num: Any, den: Any) -> Any:
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _overall(flags: pd.DataFrame, pairs: pd.DataFrame) -> pd.Series:
    counts = flags[list(_COUNT_FIELDS)].sum().astype(np.int64)
    known = pairs["ours"] != UNKNOWN
    values: dict[str, Any] = {"date": None}
    values.update({str(k): int(v) for k, v in counts.items()})
    values["agreement"] = float(_share(counts["agree"], counts["scored"]))
    values["agreement_known"] = float(
        _share(counts["agree"], counts["scored"] - counts["ours_unknown"])
    )
    values["kappa"] = kappa_of(pairs["ours"], pairs["reference"])
    values["kappa_known"] = kappa_of(pairs["ours"][known], pairs["reference"][known])
    return pd.Series(values, dtype=object)[list(AGREEMENT_COLUMNS)]


def kappa_of(ours: Sequence[str] | pd.Series, reference: Sequence[str] | pd.Series) -> float:
    """Cohen's kappa of two equally long sequences of statuses (NaN if undefined).

    ``(p_o - p_e) / (1 - p_e)``: ``p_o`` the share of equal pairs, ``p_e`` the sum over
    statuses of the product of the two marginal shares. NaN for no pairs or ``p_e == 1``.
    """
    a = np.asarray(ours, dtype=object)
    b = np.asarray(reference, dtype=object)
    if len(a) != len(b):
        raise ValueError(f"kappa_of: {len(a)} and {len(b)} values; give equally long sequences")
    n = len(a)
    if n == 0:
        return float("nan")
    p_o = float(np.mean(a == b))
    cats = np.union1d(np.unique(a.astype(str)), np.unique(b.astype(str)))
    pa = np.array([np.mean(a == c) for c in cats])
    pb = np.array([np.mean(b == c) for c in cats])
    p_e = float((pa * pb).sum())
    if np.isclose(p_e, 1.0):
        return float("nan")
    return (p_o - p_e) / (1.0 - p_e)


def _confusion(pairs: pd.DataFrame) -> pd.DataFrame:
    table = pd.crosstab(
        pd.Categorical(pairs["reference"], categories=list(KNOWN_STATUSES)),
        pd.Categorical(pairs["ours"], categories=list(CONTROL_STATUSES)),
        dropna=False,
    )
    table.index = pd.Index(list(KNOWN_STATUSES), name="reference")
    table.columns = pd.Index(list(CONTROL_STATUSES), name="ours")
    return table.astype(np.int64)


# --- tables for files -------------------------------------------------------------------


def agreement_table(comparison: ComparisonResult) -> pd.DataFrame:
    """:attr:`ComparisonResult.by_date` with dates as ``YYYY-MM-DD`` text and a final ``all`` row
    (:attr:`ComparisonResult.overall`): the table ``geofront compare`` writes."""
    rows = comparison.by_date.copy()
    rows["date"] = pd.DatetimeIndex(rows["date"]).strftime("%Y-%m-%d")
    total = comparison.overall.copy()
    total["date"] = "all"
    out = pd.concat([rows, total.to_frame().T], ignore_index=True)
    for c in _COUNT_FIELDS:
        out[c] = out[c].astype(np.int64)
    for c in ("agreement", "kappa", "agreement_known", "kappa_known"):
        out[c] = out[c].astype(float).round(6)
    return out[list(AGREEMENT_COLUMNS)]


def confusion_table(comparison: ComparisonResult) -> pd.DataFrame:
    """Confusion matrices per date and for all dates (``date`` = ``all``), long by
    reference status: :data:`CONFUSION_COLUMNS`, counts of scored district-dates."""
    p = comparison.pairs
    parts = []
    for day in pd.DatetimeIndex(p["date"].unique()).sort_values():
        part = _confusion(p[p["date"] == day]).reset_index()
        parts.append(part.assign(date=f"{day:%Y-%m-%d}"))
    parts.append(comparison.confusion.reset_index().assign(date="all"))
    out = pd.concat(parts, ignore_index=True)
    out.columns.name = None
    return out[list(CONFUSION_COLUMNS)]


def disagreement_table(comparison: ComparisonResult) -> pd.DataFrame:
    """:attr:`ComparisonResult.disagreements` with dates as ``YYYY-MM-DD`` text."""
    out = comparison.disagreements.copy()
    out["date"] = pd.DatetimeIndex(out["date"]).strftime("%Y-%m-%d")
    return out
