"""Which side of the conflict each actor is on: government, insurgent, other, civilians.

The mapping is a table of rules, one per row, tried in order; the first rule that
matches an actor name decides its side (one of :data:`geofront.schema.SIDES`). Names
no rule matches get ``unknown``. Matching ignores case and surrounding spaces.

Rule columns
------------
``pattern``
    The text to match.
``match``
    ``exact`` (whole name), ``prefix`` (the name starts with the pattern) or ``regex``
    (a Python regular expression that must match the whole name).
``side``
    One of :data:`geofront.schema.SIDES`.
``valid_from``, ``valid_to`` (optional)
    Inclusive ``YYYY-MM-DD`` bounds on the *event date*: the rule applies only to
    events in that period (UCDP calls whoever holds Kabul ``Government of Afghanistan``,
    so the name means the Taliban in 1996-2001 and after 15 August 2021). A dated rule
    is skipped when no dates are given.
``note`` (optional)
    Why; shown to nobody but the reader of the file.

The default mapping, ``data/sides/default_sides.csv`` (documented in
``data/sides/README.md``), covers the Afghanistan actors of ACLED and UCDP and ends with
country-agnostic rules (``Military Forces of ...`` -> government, ``Civilians (...)`` ->
civilians). A user file has the same columns; its rules are tried before the defaults.

Only the unique actor names are matched (one vectorised pass per rule), then broadcast
to the rows, so ten million events with a few thousand actors take well under a second.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from geofront import datasets, schema
from geofront.errors import SchemaError
from geofront.files import csv_header
from geofront.io import check_input_file
from geofront.validate import check_frame

logger = logging.getLogger(__name__)

#: Columns of a side-mapping table, in order.
MAPPING_COLUMNS = ("pattern", "match", "side", "valid_from", "valid_to", "note")
#: Ways a rule can match a name.
MATCH_KINDS = ("exact", "prefix", "regex")
_REQUIRED = ("pattern", "match", "side")


#: ``source_dataset`` values whose first actor is not the initiator of the event: UCDP's
#: ``side_a`` is only the first party of the dyad (ACLED's ``actor1`` initiates).
SOURCES_WITHOUT_INITIATOR: tuple[str, ...] = ("ucdp",)
#: Initiator class of events from such sources.
NO_INITIATOR = "no initiator on record"


def initiator_side(
    events: pd.DataFrame, *, sources_without_initiator: tuple[str, ...] = SOURCES_WITHOUT_INITIATOR
) -> pd.Series:
    """The side that initiated each event: ``side1``, or :data:`NO_INITIATOR` (UCDP rows).

    Returns a string Series with the index of ``events``.
    """
    side = events["side1"].astype("string").fillna("unknown")
    if "source_dataset" in events.columns:
        none = events["source_dataset"].isin(list(sources_without_initiator)).to_numpy()
        side = side.mask(none, NO_INITIATOR)
    return side.rename("initiator")


def default_mapping_path() -> Path:
    """Return the path of the bundled default mapping (``data/sides/default_sides.csv``)."""
    return datasets.data_dir() / "sides" / "default_sides.csv"


def read_side_mapping(
    path: str | os.PathLike[str] | None = None, *, include_defaults: bool = True
) -> pd.DataFrame:
    """Read actor -> side rules, the user's first, then the defaults.

    Parameters
    ----------
    path : path-like, optional
        A CSV file with columns ``pattern``, ``match``, ``side`` and optionally
        ``valid_from``, ``valid_to``, ``note``. ``None`` gives the default mapping only.
    include_defaults : bool, default True
        Append the default rules after the user's, so the user's file only needs the
        names it adds or changes.

    Returns
    -------
    pandas.DataFrame
        One row per rule in the order they are tried, columns :data:`MAPPING_COLUMNS`
        (``valid_from``/``valid_to`` as ``datetime64``, NaT when open) plus ``origin``
        (the file the rule came from).

    Raises
    ------
    SchemaError
        If a column is missing, a ``match`` or ``side`` is not in the closed list, a
        regular expression does not compile or a date does not parse (one line naming
        the file, row and field).
    """
    frames = []
    if path is not None:
        frames.append(_read_rules(Path(path)))
    if path is None or include_defaults:
        frames.append(_read_rules(default_mapping_path()))
    return pd.concat(frames, ignore_index=True)


def _read_rules(path: Path) -> pd.DataFrame:
    """The checked rules of one file (remembered per file version; a copy each call)."""
    src = check_input_file(path, "side mapping")
    try:
        st = src.stat()
        key = (str(src.resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        return _parse_rules(src)
    if key not in _RULES:
        if len(_RULES) >= 16:
            _RULES.clear()
        _RULES[key] = _parse_rules(src)
    return _RULES[key].copy()


#: (file, size, mtime) -> its checked rules: a file is parsed once per version.
_RULES: dict[tuple[str, int, int], pd.DataFrame] = {}


def _parse_rules(src: Path) -> pd.DataFrame:
    csv_header(src, what="side mapping")
    try:
        raw = pd.read_csv(src, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        msg = str(exc).splitlines()[0]
        raise SchemaError(f"side mapping {src} cannot be read as UTF-8 CSV: {msg}") from exc
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    check_frame(
        raw,
        what="side mapping",
        source=src,
        columns=_REQUIRED,
        show_columns=True,
        fix=f"give the columns {', '.join(MAPPING_COLUMNS)}",
    )
    out = pd.DataFrame(index=pd.RangeIndex(len(raw)))
    out["pattern"] = raw["pattern"].str.strip()
    out["match"] = raw["match"].str.strip().str.lower()
    out["side"] = raw["side"].str.strip().str.lower()
    for i, (pattern, kind, side) in enumerate(
        zip(out["pattern"], out["match"], out["side"], strict=True)
    ):
        where = f"side mapping {src} row {i + 1}"
        if not pattern:
            raise SchemaError(f"{where}: empty pattern; give a name or a regular expression")
        if kind not in MATCH_KINDS:
            raise SchemaError(f"{where}: match {kind!r} is not one of {', '.join(MATCH_KINDS)}")
        if side not in schema.SIDES:
            raise SchemaError(f"{where}: side {side!r} is not one of {', '.join(schema.SIDES)}")
        if kind == "regex":
            try:
                re.compile(pattern)
            except re.error as exc:
                raise SchemaError(f"{where}: bad regular expression {pattern!r}: {exc}") from exc
    for col in ("valid_from", "valid_to"):
        text = raw[col].str.strip() if col in raw.columns else pd.Series("", index=raw.index)
        parsed = pd.to_datetime(text.where(text != ""), format="%Y-%m-%d", errors="coerce")
        bad = (text != "") & parsed.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise SchemaError(
                f"side mapping {src} row {i + 1}: {col} {text.iloc[i]!r} is not a YYYY-MM-DD date"
            )
        out[col] = parsed.astype("datetime64[us]")
    out["note"] = raw["note"] if "note" in raw.columns else ""
    out["origin"] = str(src)
    return out


def sides_for(
    actors: pd.Series,
    mapping: pd.DataFrame | str | os.PathLike[str] | None = None,
    *,
    dates: pd.Series | None = None,
) -> pd.Series:
    """Return the side of each actor.

    Parameters
    ----------
    actors : pandas.Series
        Actor names (missing or empty names get ``unknown``).
    mapping : DataFrame or path-like, optional
        Rules from :func:`read_side_mapping`, or a path to a user file (read with the
        defaults after it). ``None`` uses the default mapping.
    dates : pandas.Series, optional
        Event dates aligned with ``actors``; needed for dated rules (``valid_from`` /
        ``valid_to``), which are skipped without them.

    Returns
    -------
    pandas.Series
        ``string`` dtype, values in :data:`geofront.schema.SIDES`, same index as
        ``actors``, named ``side``.
    """
    rules = mapping if isinstance(mapping, pd.DataFrame) else read_side_mapping(mapping)
    if dates is not None and len(dates) != len(actors):
        raise ValueError(f"dates has {len(dates)} values but actors has {len(actors)}")
    codes, uniques = pd.factorize(actors.astype("string").fillna(""), sort=False)
    names = pd.Series(np.asarray(uniques, dtype=object), dtype="string").str.strip().str.lower()
    n_unique = len(names)
    sides = np.asarray(rules["side"], dtype=object)
    dated = (rules["valid_from"].notna() | rules["valid_to"].notna()).to_numpy()

    # First undated rule matching each unique name (len(rules) = none).
    first = np.full(n_unique, len(rules), dtype=np.int64)
    undecided = np.ones(n_unique, dtype=bool)
    masks: dict[int, np.ndarray] = {}
    for r, (pattern, kind) in enumerate(zip(rules["pattern"], rules["match"], strict=True)):
        if not undecided.any():
            break
        if dated[r] and dates is None:
            continue
        hit = _match(names, str(pattern), str(kind)) & (names != "").to_numpy()
        if dated[r]:
            masks[r] = hit & undecided  # only names not yet decided by an earlier rule
        else:
            newly = hit & undecided
            first[newly] = r
            undecided &= ~newly
    labels = np.append(sides, schema.UNKNOWN)  # rule r -> sides[r]; len(rules) -> unknown
    side_of_unique = labels[first]
    # rule per row (as positions into labels): the text is made once, in Arrow, at the end
    out = first[codes] if n_unique else np.full(len(actors), len(rules), dtype=np.int64)

    if masks and dates is not None:
        when = pd.to_datetime(pd.Series(dates)).to_numpy(dtype="datetime64[us]")
        row_first = first[codes]
        for r in sorted(masks, reverse=True):  # earlier rules overwrite later ones
            ok = masks[r][codes] & (r < row_first)
            lo, hi = rules["valid_from"].iloc[r], rules["valid_to"].iloc[r]
            if pd.notna(lo):
                ok &= when >= np.datetime64(lo, "us")
            if pd.notna(hi):
                ok &= when <= np.datetime64(hi, "us")
            out = np.where(ok, r, out)
    n_unknown = int(np.sum(side_of_unique == schema.UNKNOWN) - (names == "").sum())
    if n_unknown:
        logger.info("%d actor name(s) match no side rule: side 'unknown'", n_unknown)
    text = pa.array(labels.astype(str), pa.large_string()).take(pa.array(out, pa.int64()))
    return pd.Series(pd.arrays.ArrowStringArray(text), index=actors.index, name="side")


def _match(names: pd.Series, pattern: str, kind: str) -> np.ndarray:
    """Return a boolean array: which lower-cased ``names`` the rule matches."""
    if kind == "exact":
        hit = names == pattern.strip().lower()
    elif kind == "prefix":
        hit = names.str.startswith(pattern.strip().lower())
    else:
        hit = names.str.fullmatch(pattern, case=False)
    return hit.fillna(False).to_numpy(dtype=bool)
