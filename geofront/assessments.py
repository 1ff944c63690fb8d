"""Analyst assessments of district control, read from the tables analysts actually keep.

:func:`read_assessments` accepts

* **long** tables, one row per unit and date: ``unit, date, status``;
* **wide** tables, one row per unit and one column per date (headers such as
  ``2021-07-07`` or ``7 July 2021``), cells holding the status;
* statuses as words (see :data:`STATUS_WORDS`) or as 0/1 flags whose meaning is stated
  with ``flag_meaning`` (``"1=insurgent,0=government"``);
* units by id (matched exactly against ``district_id``), or by name with or without a
  province column, matched to the boundaries with
  :func:`geofront.names.match_names` (case, spaces, hyphens, apostrophes, diacritics
  and transliteration variants such as "Qala-I- Naw" / "Qala e Naw"), through the
  districts' other names (:mod:`geofront.aliases`: "Murghab" for Bala Murghab; the
  bundled Afghan table by default) and, when nothing else matches, a distinctive part of
  a name ("Archi" for Dasht-e-Archi). How each unit matched is in
  :attr:`AssessmentsRead.report`; names matched only by such a part or by fuzzy
  similarity are counted in a logged warning, never silently.

Nothing is dropped silently. A problem with the *file* (missing, unreadable, no unit or
status column, flags without a meaning) raises a one-line
:class:`~geofront.errors.InputError`. A problem with a *row* rejects that row (or
cell) into :attr:`AssessmentsRead.rejected` with one of :data:`ASSESSMENT_REJECT_REASONS`
and a sentence saying what to do:

``unmatched_unit``
    the unit id or name matches no district (within the province, when given)
``ambiguous_unit``
    the name matches several districts (e.g. "Kohistan" without a province)
``unknown_status``
    the status word is not in the vocabulary (extend it with ``vocabulary=``)
``missing_status``
    a long-table row with an empty status (empty cells of a wide table are simply
    "no assessment at that date" and are not rows)
``unparseable_date``
    the date cannot be read (write YYYY-MM-DD)
``conflicting_duplicate``
    the same district and date with different statuses: every involved row is
    rejected, since geofront cannot choose between them
``duplicate_row``
    the same district, date and status again: the first row is kept, later ones are
    listed here
``flag_without_meaning``
    a 0 flag when ``flag_meaning`` only says what 1 means

``strict=True`` raises on the first rejected row instead (one line naming the row).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geofront import datasets
from geofront.aliases import AliasesArg, aliases_for
from geofront.boundaries import AdminBoundaries
from geofront.errors import DataFileError, InputError, SchemaError
from geofront.io import check_input_file
from geofront.names import AMBIGUOUS, LOOSE_METHODS, UNMATCHED, normalise_name
from geofront.schema import CONTESTED, GOVERNMENT, INSURGENT, UNKNOWN
from geofront.unit_matching import REPORT_COLUMNS as REPORT_COLUMNS  # re-exported
from geofront.unit_matching import id_text, match_units, warn_loose

log = logging.getLogger(__name__)

#: Columns of :attr:`AssessmentsRead.table`, one row per (district, date).
ASSESSMENT_COLUMNS = (
    "district_id",
    "date",
    "status",
    "ref",
    "source_row",
    "unit",
    "province",
    "match_method",
)
#: Columns of :attr:`AssessmentsRead.rejected`, one row per rejected row or cell.
REJECTED_COLUMNS = ("source_row", "ref", "unit", "date", "status", "reason", "detail")
ASSESSMENT_REJECT_REASONS = (
    "unmatched_unit",
    "ambiguous_unit",
    "unknown_status",
    "missing_status",
    "unparseable_date",
    "conflicting_duplicate",
    "duplicate_row",
    "flag_without_meaning",
)

#: Status vocabulary: normalised word (see :func:`geofront.names.normalise_name`) ->
#: control status. "controlled" alone means insurgent-controlled, as in the Long War
#: Journal's "Controlled / Contested / Government" legend. Words such as "control",
#: "controlled", "held", "by", "under" around a side name are ignored ("Taliban
#: controlled", "held by government").
STATUS_WORDS: Mapping[str, str] = {
    **dict.fromkeys(
        (
            "insurgent",
            "insurgents",
            "insurgency",
            "taliban",
            "taleban",
            "tb",
            "iea",
            "islamic emirate",
            "rebel",
            "rebels",
            "aog",
            "armed opposition",
            "controlled",
            "ins",
        ),
        INSURGENT,
    ),
    **dict.fromkeys(
        (
            "government",
            "gov",
            "govt",
            "gov t",
            "goa",
            "gira",
            "andsf",
            "ansf",
            "state",
            "afghan government",
        ),
        GOVERNMENT,
    ),
    **dict.fromkeys(
        ("contested", "contest", "disputed", "fighting", "frontline", "front line"), CONTESTED
    ),
    **dict.fromkeys(("unknown", "unclear", "undetermined", "no data", "n a"), UNKNOWN),
}
_FILLER = re.compile(r"\b(?:controlled|control|held|hold|by|under|the|hands|of|in|area|areas)\b")

_ID_HEADERS = (
    "district_id",
    "esoc_distid",
    "distid",
    "dist_id",
    "unit_id",
    "district_code",
    "dist_code",
    "adm2_pcode",
    "pcode",
    "id",
)
_NAME_HEADERS = (
    "district",
    "district_name",
    "dist_name",
    "distname",
    "unit",
    "unit_name",
    "name",
    "admin2",
    "adm2",
    "adm2_name",
    "adm2_en",
)
_PROVINCE_HEADERS = (
    "province",
    "province_name",
    "prov_name",
    "provname",
    "admin1",
    "adm1",
    "adm1_name",
    "adm1_en",
    "prov",
)
_DATE_HEADERS = (
    "date",
    "as_of",
    "asof",
    "as_of_date",
    "assessment_date",
    "date_assessed",
    "report_date",
    "reported",
)
_STATUS_HEADERS = (
    "status",
    "control",
    "control_status",
    "controller",
    "holder",
    "held_by",
    "assessment",
)
_FLAG_TRUE = {"1", "1.0", "true", "yes", "y"}
_FLAG_FALSE = {"0", "0.0", "false", "no", "n"}


@dataclass(frozen=True)
class AssessmentsRead:
    """Result of :func:`read_assessments`.

    Attributes
    ----------
    table : DataFrame
        One row per (district, date): :data:`ASSESSMENT_COLUMNS`. ``date`` is
        datetime64, ``status`` one of :data:`geofront.schema.CONTROL_STATUSES`, ``ref``
        the source reference used as evidence (``"<file>:<row>"``; for a wide table
        ``"<file>:<row>@<date column>"``), ``source_row`` the 1-based data row,
        ``unit``/``province`` the text as given, ``match_method`` how the unit matched
        (``"id"`` or a tier of :func:`geofront.names.match_names`). Sorted by date,
        district.
    report : DataFrame
        The matching report, one row per distinct unit (and province) in the source:
        :data:`REPORT_COLUMNS`; ``method`` is ``"id"``, a match tier of
        :func:`geofront.names.match_names` (``exact``, ``normalised``, ``phonetic``,
        ``skeleton``, ``token``, ``fuzzy``), ``"ambiguous"`` or ``"unmatched"``;
        ``matched_alias`` the other name through which it matched (``""`` if through
        the district's own name); ``rows`` counts the source rows of that unit.
    rejected : DataFrame
        Rejected rows or cells: :data:`REJECTED_COLUMNS`, ``reason`` one of
        :data:`ASSESSMENT_REJECT_REASONS`.
    source : str
        The file name used in ``ref``.
    layout : str
        ``"long"`` or ``"wide"``.
    """

    table: pd.DataFrame
    report: pd.DataFrame
    rejected: pd.DataFrame
    source: str
    layout: str

    def summary(self) -> str:
        """Return a one-line description of what was read, how names matched, rejects."""
        t = self.table
        dates = t["date"].nunique()
        text = (
            f"{len(t)} assessment(s) of {t['district_id'].nunique()} district(s) on "
            f"{dates} date(s) from {self.source} ({self.layout} table)"
        )
        how = self.match_counts()
        if how:
            text += "; names matched " + ", ".join(f"{n} by {m}" for m, n in how.items())
        if len(self.rejected):
            counts = self.rejected["reason"].value_counts().sort_index()
            text += "; rejected: " + ", ".join(f"{n} {r}" for r, n in counts.items())
        return text

    def match_counts(self) -> dict[str, int]:
        """Units matched through an alias or by a loose tier (``token``, ``fuzzy``).

        Keys ``alias``, ``token``, ``fuzzy`` (only those that occur), values the number
        of distinct units of the source; exact spellings and ids are not counted.
        """
        r = self.report
        out = {}
        n_alias = int((r["matched_alias"] != "").sum())
        if n_alias:
            out["alias"] = n_alias
        for m in LOOSE_METHODS:
            n = int(((r["method"] == m) & (r["matched_alias"] == "")).sum())
            if n:
                out[m] = n
        return out


def read_assessments(
    path: str | os.PathLike[str],
    boundaries: AdminBoundaries,
    *,
    unit: str | None = None,
    province: str | None = None,
    date: str | None = None,
    status: str | None = None,
    flag_meaning: str | Mapping[Any, str] | None = None,
    wide: bool | None = None,
    vocabulary: Mapping[str, str] | None = None,
    dayfirst: bool = False,
    aliases: AliasesArg = None,
    fuzzy_cutoff: float = 0.85,
    strict: bool = False,
) -> AssessmentsRead:
    """Read a table of district control assessments and match it to ``boundaries``.

    Parameters
    ----------
    path : path or str
        A CSV (``,`` ``;`` or tab separated) or Parquet file, or a bundled dataset
        name such as ``"seed-assessments"``.
    boundaries : AdminBoundaries
        The districts to match units against.
    unit : str, optional
        Column with the unit id or name. Default: the first of ``district_id``,
        ``esoc_distid``, ``distid``, ..., then ``district``, ``district_name``,
        ``name``, ``admin2``, ... (case-insensitive). When both an id column and a name
        column exist, ids are used and names are the fallback for ids that match
        nothing. A column is treated as ids when every non-empty value is a
        ``district_id`` of the boundaries.
    province : str, optional
        Column with the province name or id, used to tell apart districts of the same
        name. Default: ``province``, ``admin1``, ... if present.
    date : str, optional
        Column with the assessment date (long table). Default: ``date``, ``as_of``, ...
        if present; otherwise the table is read as wide.
    status : str, optional
        Column with the status (long table). Default: ``status``, ``control``, ...
    flag_meaning : str or mapping, optional
        Meaning of 0/1 flags: ``"1=insurgent,0=government"``, ``{1: "insurgent",
        0: "government"}``, or one status (``"insurgent"``) meaning 1 only (0 cells
        are then rejected as ``flag_without_meaning``). Required when the statuses are
        flags.
    wide : bool, optional
        Force the layout; ``None`` detects it (long when a date column exists,
        otherwise wide when at least one column header is a date).
    vocabulary : mapping, optional
        Extra status words (``{"emirate forces": "insurgent"}``), added to :data:`STATUS_WORDS`
        and taking precedence.
    dayfirst : bool
        Read ambiguous dates such as ``07/08/2021`` as day first (7 August). ISO dates
        are always read as such.
    aliases : path, str, DataFrame or bool, optional
        Other names of the districts (see :mod:`geofront.aliases`). Default: the bundled
        Afghan alias table when ``boundaries`` are the bundled ones, none otherwise; a
        file or frame adds its aliases (for any country); ``False`` or ``"none"`` uses
        none.
    fuzzy_cutoff : float
        Similarity threshold of the fuzzy name tier (see
        :func:`geofront.names.match_names`).
    strict : bool
        Raise :class:`InputError` on the first rejected row instead of reporting it.

    Returns
    -------
    AssessmentsRead

    Raises
    ------
    InputError
        For a missing/unreadable file, missing unit or status column, no date column or
        date header, or flags without ``flag_meaning`` (one line each).
    """
    src = datasets.resolve(Path(path))
    check_input_file(src, "assessments")
    raw = _read_table(src)
    name = src.name
    if len(raw) == 0:
        raise DataFileError(f"assessments file {src} has no data rows: give a table with rows")
    headers = {_header_key(c): c for c in reversed(list(raw.columns))}
    date_col = _column(raw, date, "date", src) or _find(headers, _DATE_HEADERS)
    is_wide = wide if wide is not None else date_col is None
    province_col = _column(raw, province, "province", src) or _find(headers, _PROVINCE_HEADERS)
    unit_cols = _unit_columns(raw, unit, headers, boundaries, src)
    raw = raw.assign(_row=np.arange(1, len(raw) + 1))

    if is_wide:
        cells = _melt_wide(raw, src, skip={*unit_cols, province_col}, dayfirst=dayfirst)
        layout = "wide"
    else:
        if date_col is None:
            raise SchemaError(
                f"assessments file {src} has no date column: name it with "
                "--assessments-date COLUMN (date= in Python), or use one column per date (wide)"
            )
        status_col = _column(raw, status, "status", src) or _find(headers, _STATUS_HEADERS)
        if status_col is None:
            raise SchemaError(
                f"assessments file {src} has no status column: name it with "
                "--assessments-status COLUMN (status= in Python); "
                f"the file has {', '.join(map(str, raw.columns[:-1]))}"
            )
        cells = pd.DataFrame(
            {
                "_row": raw["_row"].to_numpy(),
                "ref": [f"{name}:{r}" for r in raw["_row"]],
                "date_text": raw[date_col].to_numpy(dtype=object),
                "date": _parse_dates(raw[date_col], dayfirst=dayfirst).to_numpy(),
                "status_text": raw[status_col].to_numpy(dtype=object),
            }
        )
        layout = "long"
    keys = raw.set_index("_row")
    cells["unit"] = _unit_text(keys, unit_cols).reindex(cells["_row"]).to_numpy(dtype=object)
    cells["province"] = (
        keys[province_col].reindex(cells["_row"]).to_numpy(dtype=object)
        if province_col
        else np.full(len(cells), "", dtype=object)
    )

    status_values, flag_reject = _statuses(cells, src, flag_meaning, vocabulary)
    cells["status"] = status_values
    alias_table = aliases_for(boundaries, aliases)
    matches, report = match_units(
        keys, unit_cols, province_col, boundaries, fuzzy_cutoff, alias_table
    )
    cells = cells.join(matches, on="_row")

    rejected = _reject(cells, flag_reject, layout)
    ok = cells[~cells.index.isin(rejected.index)]
    table, dup_rejects = _deduplicate(ok)
    rejected = pd.concat([rejected, dup_rejects]).sort_values(["source_row", "ref"], kind="stable")
    rejected = rejected[list(REJECTED_COLUMNS)].reset_index(drop=True)
    if strict and len(rejected):
        first = rejected.iloc[0]
        raise InputError(
            f"assessments file {src}, row {first['source_row']} ({first['ref']}): "
            f"{first['reason']}: {first['detail']}"
        )
    result = AssessmentsRead(table, report, rejected, name, layout)
    log.info(result.summary())
    warn_loose(report, name)
    return result


def assessment_counts(read: AssessmentsRead) -> pd.DataFrame:
    """Return the number of districts per date and status of an :class:`AssessmentsRead`.

    Columns ``date``, ``status``, ``districts``; sorted by date and status.
    """
    t = read.table
    counts = t.groupby(["date", "status"], sort=True).size().rename("districts")
    return counts.reset_index()


# --- reading ---------------------------------------------------------------------------


def _read_table(src: Path) -> pd.DataFrame:
    from geofront.files import check_content, csv_header

    if src.suffix.lower() in (".parquet", ".pq"):
        check_content(src, what="assessments")
    else:
        csv_header(src, what="assessments")
    try:
        if src.suffix.lower() in (".parquet", ".pq"):
            frame = pd.read_parquet(src)
            return frame.astype(object).where(frame.notna(), "").astype(str)
        return pd.read_csv(
            src, dtype=str, keep_default_na=False, sep=None, engine="python", encoding="utf-8-sig"
        )
    except Exception as exc:  # parsers raise many types; one line for the user
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataFileError(f"cannot read assessments file {src}: {msg}") from exc


def _header_key(col: Any) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(col).strip().lower()).strip("_")


def _find(headers: dict[str, Any], names: tuple[str, ...]) -> Any:
    for n in names:
        if n in headers:
            return headers[n]
    return None


def _column(raw: pd.DataFrame, name: str | None, what: str, src: Path) -> Any:
    if name is None:
        return None
    if name in raw.columns:
        return name
    raise SchemaError(
        f"assessments file {src} has no {what} column {name!r}: choose one of "
        f"{', '.join(map(str, raw.columns))}"
    )


def _unit_columns(
    raw: pd.DataFrame,
    unit: str | None,
    headers: dict[str, Any],
    boundaries: AdminBoundaries,
    src: Path,
) -> dict[str, Any]:
    """Return ``{"id": col or None, "name": col or None}``."""
    ids = set(boundaries.districts["district_id"].astype(str))
    if unit is not None:
        col = _column(raw, unit, "unit", src)
        values = id_text(raw[col])
        values = values[values != ""]
        return {"id": col, "name": None} if values.isin(ids).all() else {"id": None, "name": col}
    id_col = _find(headers, _ID_HEADERS)
    name_col = _find(headers, _NAME_HEADERS)
    if id_col is not None and not id_text(raw[id_col]).isin(ids).any():
        # An "id" column with no district id in it is not ours (another coding scheme).
        if name_col is None:
            return {"id": None, "name": id_col}
        id_col = None
    if id_col is None and name_col is None:
        raise SchemaError(
            f"assessments file {src} has no unit column: name it with "
            f"--assessments-unit COLUMN (unit= in Python; a district id or name column); the file has {', '.join(map(str, raw.columns))}"
        )
    return {"id": id_col, "name": name_col}


def _unit_text(keys: pd.DataFrame, unit_cols: dict[str, Any]) -> pd.Series:
    name = unit_cols["name"]
    idc = unit_cols["id"]
    text: pd.Series = keys[name if name is not None else idc].astype(str)
    return text


def _parse_dates(values: pd.Series, *, dayfirst: bool) -> pd.Series:
    text = pd.Series(values, dtype=object).astype(str).str.strip()
    iso = pd.to_datetime(text, format="ISO8601", errors="coerce")
    rest = iso.isna() & (text != "")
    if rest.any():
        other = pd.to_datetime(text[rest], format="mixed", errors="coerce", dayfirst=dayfirst)
        iso = iso.astype("datetime64[us]")
        iso[rest] = other.astype("datetime64[us]")
    return iso.astype("datetime64[us]").dt.normalize()


def _melt_wide(raw: pd.DataFrame, src: Path, *, skip: set[Any], dayfirst: bool) -> pd.DataFrame:
    cols = [c for c in raw.columns if c not in skip and c != "_row"]
    parsed = _parse_dates(pd.Series([str(c) for c in cols], dtype=object), dayfirst=dayfirst)
    date_cols = [(c, d) for c, d in zip(cols, parsed, strict=True) if not pd.isna(d)]
    if not date_cols:
        raise SchemaError(
            f"assessments file {src} has no date column and no column header that is a date: "
            "add a date column (long table) or use dates such as 2021-07-07 as headers (wide)"
        )
    parts = []
    for col, day in date_cols:
        cell = raw[col].astype(str).str.strip()
        keep = cell != ""
        parts.append(
            pd.DataFrame(
                {
                    "_row": raw["_row"][keep].to_numpy(),
                    "ref": [f"{src.name}:{r}@{col}" for r in raw["_row"][keep]],
                    "date_text": str(col),
                    "date": day,
                    "status_text": cell[keep].to_numpy(dtype=object),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


# --- statuses --------------------------------------------------------------------------


def _statuses(
    cells: pd.DataFrame,
    src: Path,
    flag_meaning: str | Mapping[Any, str] | None,
    vocabulary: Mapping[str, str] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (status per cell or None, mask of flag-0 cells without meaning)."""
    text = cells["status_text"].astype(str).str.strip()
    low = text.str.lower()
    nonblank = low[low != ""]
    is_flag = len(nonblank) > 0 and nonblank.isin(_FLAG_TRUE | _FLAG_FALSE).all()
    no_meaning = np.zeros(len(cells), dtype=bool)
    if is_flag or flag_meaning is not None:
        if flag_meaning is None:
            raise InputError(
                f"assessments file {src}: the statuses are 0/1 flags; state what they mean, "
                "e.g. flag_meaning='1=insurgent,0=government' (--flag-meaning)"
            )
        one, zero = _flag_meaning(flag_meaning, src)
        out = np.full(len(cells), None, dtype=object)
        t = low.isin(_FLAG_TRUE).to_numpy()
        f = low.isin(_FLAG_FALSE).to_numpy()
        out[t] = one
        if zero is None:
            no_meaning = f
        else:
            out[f] = zero
        return out, no_meaning
    words = {**STATUS_WORDS, **{normalise_name(k): v for k, v in (vocabulary or {}).items()}}
    bad = sorted(set((vocabulary or {}).values()) - {GOVERNMENT, INSURGENT, CONTESTED, UNKNOWN})
    if bad:
        raise InputError(
            f"vocabulary maps to {bad[0]!r}: statuses must be government, insurgent, "
            "contested or unknown"
        )
    norm = normalise_name(text)
    mapped = norm.map(words)
    stripped = norm.str.replace(_FILLER, " ", regex=True).str.replace(r"\s+", " ", regex=True)
    stripped = stripped.str.strip()
    # "Taliban controlled" -> "taliban"; a lone "controlled" keeps its own meaning.
    mapped = mapped.where(mapped.notna(), stripped.map(words))
    return mapped.astype(object).where(mapped.notna(), None).to_numpy(dtype=object), no_meaning


def _flag_meaning(meaning: str | Mapping[Any, str], src: Path) -> tuple[str, str | None]:
    valid = (GOVERNMENT, INSURGENT, CONTESTED, UNKNOWN)
    if isinstance(meaning, str):
        parts = [p.strip() for p in meaning.split(",") if p.strip()]
        if len(parts) == 1 and "=" not in parts[0]:
            pairs = {"1": parts[0]}
        else:
            try:
                pairs = dict(p.split("=", 1) for p in parts)
            except ValueError:
                pairs = {}
    else:
        pairs = {str(k): v for k, v in meaning.items()}
    pairs = {str(k).strip().lower(): str(v).strip().lower() for k, v in pairs.items()}
    pairs = {
        ("1" if k in _FLAG_TRUE else "0" if k in _FLAG_FALSE else k): v for k, v in pairs.items()
    }
    if "1" not in pairs or set(pairs) - {"0", "1"} or set(pairs.values()) - set(valid):
        raise InputError(
            f"flag meaning {meaning!r} for {src.name} is not understood: write e.g. "
            f"'1=insurgent,0=government' with statuses from {', '.join(valid)}"
        )
    return pairs["1"], pairs.get("0")


# --- rejects and duplicates ------------------------------------------------------------


def _reject(cells: pd.DataFrame, flag_no_meaning: np.ndarray, layout: str) -> pd.DataFrame:
    reason = pd.Series(None, index=cells.index, dtype=object)
    detail = pd.Series("", index=cells.index, dtype=object)

    def mark(mask: Any, why: str, text: Any) -> None:
        m = np.asarray(mask, dtype=bool) & reason.isna().to_numpy()
        reason[m] = why
        detail[m] = text[m] if isinstance(text, pd.Series) else text

    method = cells["match_method"]
    mark(method == UNMATCHED, "unmatched_unit", cells["match_detail"])
    mark(method == AMBIGUOUS, "ambiguous_unit", cells["match_detail"])
    mark(
        cells["date"].isna(),
        "unparseable_date",
        "date " + cells["date_text"].astype(str).map(repr) + " cannot be read; write YYYY-MM-DD",
    )
    blank = cells["status_text"].astype(str).str.strip() == ""
    mark(blank, "missing_status", "the status is empty; fill it in or delete the row")
    mark(
        flag_no_meaning,
        "flag_without_meaning",
        "flag 0 has no stated meaning; give flag_meaning='1=...,0=...' to use it",
    )
    mark(
        cells["status"].isna(),
        "unknown_status",
        "status "
        + cells["status_text"].astype(str).map(repr)
        + " is not a known word; use government, insurgent, contested or unknown "
        "(or extend the vocabulary)",
    )
    bad = reason.notna()
    out = pd.DataFrame(
        {
            "source_row": cells["_row"][bad],
            "ref": cells["ref"][bad],
            "unit": cells["unit"][bad],
            "date": cells["date_text"][bad].astype(str),
            "status": cells["status_text"][bad].astype(str),
            "reason": reason[bad],
            "detail": detail[bad],
        }
    )
    return out


def _deduplicate(ok: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    ok = ok.sort_values(["district_id", "date", "_row", "ref"], kind="stable")
    key = ["district_id", "date"]
    nstat = ok.groupby(key)["status"].transform("nunique").to_numpy()
    conflict = ok[nstat > 1]
    rest = ok[nstat <= 1]
    dup = rest.duplicated(key, keep="first").to_numpy()
    first_ref = rest.groupby(key)["ref"].transform("first")
    rejects = []
    if len(conflict):
        says = conflict["ref"] + " says " + conflict["status"]
        summary = says.groupby([conflict["district_id"], conflict["date"]]).transform(
            lambda s: "; ".join(s)
        )
        rejects.append(
            pd.DataFrame(
                {
                    "source_row": conflict["_row"],
                    "ref": conflict["ref"],
                    "unit": conflict["unit"],
                    "date": conflict["date"].dt.strftime("%Y-%m-%d"),
                    "status": conflict["status_text"].astype(str),
                    "reason": "conflicting_duplicate",
                    "detail": "district "
                    + conflict["district_id"].astype(str)
                    + " on "
                    + conflict["date"].dt.strftime("%Y-%m-%d")
                    + " has conflicting statuses ("
                    + summary
                    + "); keep one row",
                }
            )
        )
    if dup.any():
        d = rest[dup]
        rejects.append(
            pd.DataFrame(
                {
                    "source_row": d["_row"],
                    "ref": d["ref"],
                    "unit": d["unit"],
                    "date": d["date"].dt.strftime("%Y-%m-%d"),
                    "status": d["status_text"].astype(str),
                    "reason": "duplicate_row",
                    "detail": "same district, date and status as " + first_ref[dup] + " (kept)",
                }
            )
        )
    kept = rest[~dup]
    table = pd.DataFrame(
        {
            "district_id": kept["district_id"].astype(str),
            "date": kept["date"].astype("datetime64[us]"),
            "status": kept["status"].astype(str),
            "ref": kept["ref"].astype(str),
            "source_row": kept["_row"].astype("int64"),
            "unit": kept["unit"].astype(str),
            "province": kept["province"].astype(str),
            "match_method": kept["match_method"].astype(str),
        }
    )
    table = table.sort_values(["date", "district_id", "source_row"], kind="stable")
    table = table.reset_index(drop=True)
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in REJECTED_COLUMNS})
    return table, pd.concat(rejects) if rejects else empty
