"""Matching the units of an analyst's table to districts, and the report of how each matched.

Used by :func:`geofront.assessments.read_assessments`. A unit is matched by id when its id
is a ``district_id`` of the boundaries; otherwise by name (within its province when the
table has one) with :func:`geofront.names.match_names`, through the districts' own names
and their aliases (:mod:`geofront.aliases`). The report says, for every distinct unit, how
it matched (``id``, a tier of ``match_names``, ``ambiguous`` or ``unmatched``), through
which alias, the tied candidates and a sentence saying what to do; names matched only by a
part of a name or fuzzily are named in one logged warning (:func:`warn_loose`).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from geofront.aliases import alias_series, part_notes
from geofront.boundaries import AdminBoundaries
from geofront.names import AMBIGUOUS, LOOSE_METHODS, UNMATCHED, match_names

log = logging.getLogger(__name__)

#: Columns of :attr:`geofront.assessments.AssessmentsRead.report`, one row per distinct
#: unit in the source.
REPORT_COLUMNS = (
    "unit",
    "province",
    "district_id",
    "district",
    "matched_province",
    "method",
    "matched_alias",
    "candidates",
    "rows",
    "detail",
)


def id_text(col: pd.Series) -> pd.Series:
    """Ids as text, as written: stripped, and ``"1901.0"`` (a spreadsheet's float) as ``"1901"``."""
    s = col.astype(str).str.strip()
    return s.str.replace(r"^(\d+)\.0+$", r"\1", regex=True)


def match_units(
    keys: pd.DataFrame,
    unit_cols: dict[str, Any],
    province_col: Any,
    boundaries: AdminBoundaries,
    cutoff: float,
    aliases: pd.DataFrame | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Match each source row's unit; return per-row matches and the per-unit report.

    Parameters
    ----------
    keys : DataFrame
        The source rows, indexed by their 1-based row number.
    unit_cols : dict
        ``{"id": column or None, "name": column or None}``: where the unit is written.
    province_col : column or None
        The province column, if any (restricts names to the province's districts).
    boundaries : AdminBoundaries
        The districts to match against.
    cutoff : float
        Fuzzy-tier threshold of :func:`geofront.names.match_names`.
    aliases : DataFrame or None
        Alias table (:func:`geofront.aliases.aliases_for`).

    Returns
    -------
    (DataFrame, DataFrame)
        Per source row: ``district_id``, ``match_method``, ``match_detail``; and the
        report, one row per distinct unit: :data:`REPORT_COLUMNS`.
    """
    d = boundaries.districts
    n = len(keys)
    units = pd.DataFrame(
        {
            "id": id_text(keys[unit_cols["id"]]).to_numpy(dtype=object)
            if unit_cols["id"]
            else np.full(n, "", dtype=object),
            "name": keys[unit_cols["name"]].astype(str).str.strip().to_numpy(dtype=object)
            if unit_cols["name"]
            else np.full(n, "", dtype=object),
            "province": keys[province_col].astype(str).str.strip().to_numpy(dtype=object)
            if province_col
            else np.full(n, "", dtype=object),
        },
        index=keys.index,
    )
    distinct = units.drop_duplicates().reset_index(drop=True)
    rows_per = units.groupby(["id", "name", "province"], sort=False).size()

    ids = pd.Index(d["district_id"].astype(str))
    by_id = distinct["id"].isin(ids).to_numpy()
    district_id = np.full(len(distinct), None, dtype=object)
    district_id[by_id] = distinct["id"].to_numpy(dtype=object)[by_id]
    method = np.where(by_id, "id", UNMATCHED).astype(object)
    candidates = np.full(len(distinct), "", dtype=object)
    via = np.full(len(distinct), "", dtype=object)
    detail = np.full(len(distinct), "", dtype=object)
    mprov = np.full(len(distinct), None, dtype=object)

    # Provinces: by id or name, tolerant.
    prov_group = np.full(len(distinct), None, dtype=object)
    bad_prov = np.zeros(len(distinct), dtype=bool)
    if province_col:
        p = boundaries.provinces
        ptext = distinct["province"]
        pm = match_names(
            ptext.where(~ptext.isin(p["province_id"].astype(str)), None),
            p["province"].astype(str).set_axis(p["province_id"].astype(str)),
            cutoff=cutoff,
        )
        pid = np.where(
            ptext.isin(p["province_id"].astype(str)).to_numpy(),
            ptext.to_numpy(dtype=object),
            pm["match"].to_numpy(dtype=object),
        )
        prov_group = np.array([x if isinstance(x, str) else None for x in pid], dtype=object)
        bad_prov = (ptext != "").to_numpy() & np.array([g is None for g in prov_group])

    todo = ~by_id & (distinct["name"] != "").to_numpy()
    if todo.any():
        dm = match_names(
            distinct["name"][todo],
            d["district"].astype(str).set_axis(d["district_id"].astype(str)),
            query_groups=pd.Series(prov_group[todo]),
            candidate_groups=d["province_id"].astype(str),
            aliases=alias_series(aliases),
            cutoff=cutoff,
        )
        idx = np.flatnonzero(todo)
        district_id[idx] = dm["match"].to_numpy(dtype=object)
        method[idx] = dm["method"].to_numpy(dtype=object)
        candidates[idx] = dm["candidates"].to_numpy(dtype=object)
        via[idx] = dm["matched_alias"].to_numpy(dtype=object)
    # Ids that matched nothing and have no name to fall back on.
    no_id = ~by_id & (distinct["id"] != "").to_numpy() & ~todo
    detail[no_id] = [f"no district with id {x!r}" for x in distinct["id"][no_id]]
    has = np.array([isinstance(x, str) for x in district_id])
    names = d["district"].astype(str)
    provs = d["province"].astype(str)
    district_name = np.full(len(distinct), "", dtype=object)
    district_name[has] = names.loc[list(district_id[has])].to_numpy(dtype=object)
    mprov[has] = provs.loc[list(district_id[has])].to_numpy(dtype=object)
    amb = method == AMBIGUOUS
    if amb.any():
        lookup = (names + " (" + provs + ")").to_dict()
        detail[amb] = [
            "matches "
            + ", ".join(f"{c} {lookup.get(c, '')}" for c in str(cands).split(";"))
            + "; add the province or use the district id"
            for cands in candidates[amb]
        ]
    unmatched = (method == UNMATCHED) & (detail == "")
    if unmatched.any() and aliases is not None:  # a district newer than the boundaries?
        notes = part_notes(aliases, distinct["name"][unmatched]).to_numpy(dtype=object)
        detail[np.flatnonzero(unmatched)] = notes
        unmatched &= detail == ""
    if unmatched.any():
        where = np.where(
            np.array([g is not None for g in prov_group])[unmatched],
            " in province " + distinct["province"][unmatched].astype(str),
            "",
        )
        detail[unmatched] = [
            f"no district named {u!r}{w}; check the spelling or use the district id"
            for u, w in zip(
                distinct["name"][unmatched].where(
                    distinct["name"][unmatched] != "", distinct["id"][unmatched]
                ),
                where,
                strict=True,
            )
        ]
    if bad_prov.any():  # say the province did not match, and what became of the district
        prov_text = distinct["province"].astype(str).to_numpy(dtype=object)
        for i in np.flatnonzero(bad_prov):
            head = f"province {prov_text[i]!r} matches no province"
            if method[i] == UNMATCHED:
                detail[i] = f"{head} and {detail[i]}"
            elif method[i] == AMBIGUOUS:
                detail[i] = f"{head}; district {detail[i]}"
            else:
                detail[i] = f"{head}; district matched on its name alone"
    unit_shown = distinct["name"].where(distinct["name"] != "", distinct["id"])
    report = pd.DataFrame(
        {
            "unit": unit_shown.to_numpy(dtype=object),
            "province": distinct["province"].to_numpy(dtype=object),
            "district_id": pd.Series(district_id, dtype=object).to_numpy(),
            "district": district_name,
            "matched_province": mprov,
            "method": method.astype(str),
            "matched_alias": via.astype(str),
            "candidates": candidates.astype(str),
            "rows": rows_per.loc[list(distinct.itertuples(index=False, name=None))].to_numpy(),
            "detail": detail.astype(str),
        }
    )
    per_row = units.merge(
        distinct.assign(
            district_id=district_id, match_method=method.astype(str), match_detail=detail
        ),
        on=["id", "name", "province"],
        how="left",
    ).set_index(units.index)
    return per_row[["district_id", "match_method", "match_detail"]], report[list(REPORT_COLUMNS)]


def warn_loose(report: pd.DataFrame, name: str) -> None:
    """Log a warning naming the units matched only by a part of a name or fuzzily."""
    loose = report[report["method"].isin(LOOSE_METHODS)]
    if not len(loose):
        return
    shown = "; ".join(
        f"{u!r} -> {d} ({m})"
        for u, d, m in loose[["unit", "district", "method"]].head(5).itertuples(index=False)
    )
    more = f" and {len(loose) - 5} more" if len(loose) > 5 else ""
    log.warning(
        "%s: %d unit name(s) matched only by a distinctive part of a name or by similarity: "
        "%s%s; check them in the assessments report (--assessments-report)",
        name,
        len(loose),
        shown,
        more,
    )
