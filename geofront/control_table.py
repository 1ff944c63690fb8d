"""The control table: built from the rule machine's states for one day, and read back
from a file (:func:`read_control`).

:mod:`geofront.control` decides (the rules, their defaults, the public functions); this
module turns the machine's day-by-day states (:mod:`geofront.control_model`) into the
table's columns (:data:`geofront.schema.CONTROL_COLUMNS`): status, since, rule, evidence,
score and zone, and the window's counts.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geofront import control_model as M
from geofront.assessments import AssessmentsRead
from geofront.boundaries import AdminBoundaries
from geofront.errors import InputError, SchemaError
from geofront.schema import (
    CONTESTED,
    CONTROL_COLUMNS,
    CONTROL_STATUSES,
    CONTROL_ZONES,
    GOVERNMENT,
    INSURGENT,
    UNKNOWN,
)
from geofront.validate import check_frame

if TYPE_CHECKING:
    from geofront.control import ControlRules

log = logging.getLogger(__name__)

#: Values of ``baseline``.
BASELINES = (GOVERNMENT, INSURGENT, UNKNOWN)

__all__ = ["BASELINES", "read_control", "zones"]


def evidence_of(
    joined: pd.DataFrame | None,
    districts: gpd.GeoDataFrame,
    assessments: AssessmentsRead | pd.DataFrame | None,
    rules: ControlRules,
) -> M.Evidence:
    ids = pd.Index(districts["district_id"].astype(str))
    table = assessments.table if isinstance(assessments, AssessmentsRead) else assessments
    if joined is None:
        joined = _no_events()
    groups = pd.factorize(districts["province_id"].astype(str))[0]
    return M.prepare(joined, ids, groups, table, rules)


def _no_events() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in M.REQUIRED_EVENT_COLUMNS}).assign(
        date=pd.Series(dtype="datetime64[s]")
    )


def run_rules(
    ev: M.Evidence,
    first: pd.Timestamp,
    last: pd.Timestamp,
    window_days: int,
    baseline: str | None,
    baseline_date: str | pd.Timestamp | None,
) -> M.States:
    window = check_window(window_days)
    if baseline is not None and baseline not in BASELINES:
        raise InputError(f"baseline {baseline!r}: use one of {', '.join(BASELINES)}")
    if baseline_date is not None and baseline is None:
        raise InputError("baseline_date without baseline: give the baseline status too")
    last_day = int(M.to_days([last])[0])
    baseline_day: int | None = None
    if baseline is not None:
        if baseline_date is not None:
            baseline_day = int(M.to_days([as_day(baseline_date, "baseline_date")])[0])
        elif ev.first_day is not None:
            baseline_day = min(ev.first_day, last_day + 1) - 1
        else:
            baseline_day = last_day
        if baseline_day > last_day:
            log.info("the baseline date is after %s: no baseline applies yet", last.date())
    latest = max([int(ev.ev_day.max())] if len(ev.ev_day) else [], default=None)
    if latest is not None and last_day - latest > window:
        log.warning(
            "%s is %d days after the last event (%s): every status there only persists "
            "from evidence up to then (see last_evidence)",
            last.date(),
            last_day - latest,
            np.datetime64(latest, "D"),
        )
    return M.run(
        ev,
        first_day=int(M.to_days([first])[0]),
        last_day=last_day,
        window_days=window,
        baseline=baseline,
        baseline_day=baseline_day,
    )


def table_at(
    ev: M.Evidence,
    s: M.States,
    districts: gpd.GeoDataFrame,
    day: pd.Timestamp,
    *,
    detail: bool = True,
) -> pd.DataFrame:
    """The control table of one day from the machine's states."""
    c = s.column(int(M.to_days([day])[0]))
    status_code = s.status[:, c]
    rule_code = s.rule[:, c]
    out = pd.DataFrame(
        {
            "district_id": districts["district_id"].astype(str).to_numpy(),
            "district": districts["district"].to_numpy(),
            "province_id": districts["province_id"].astype(str).to_numpy(),
            "province": districts["province"].to_numpy(),
            "status": M.STATUS_OF_CODE[status_code].astype(str),
            "since": _since(s, c),
            "rule": M.RULE_NAMES[rule_code].astype(str),
        },
        index=pd.Index(districts["district_id"].astype(str).to_numpy()),
    )
    if not detail:
        return out
    out["evidence"] = _evidence_text(ev, s, c, rule_code)
    out["as_of"] = day
    score = _score(ev, s, c)
    out["score"] = score
    out["zone"] = zones(out["status"], score, full=ev.rules.full_zone_score)
    win = s.window
    out["fighting_events"] = win[M.K_FIGHT][:, c].astype(np.int64)
    out["gov_initiated"] = win[M.K_INIT_GOV][:, c].astype(np.int64)
    out["ins_initiated"] = win[M.K_INIT_INS][:, c].astype(np.int64)
    out["transfers"] = (win[M.K_T_GOV] + win[M.K_T_INS] + win[M.K_T_OTHER])[:, c].astype(np.int64)
    out["last_evidence"] = as_dates(M.last_evidence_days(ev, np.array([s.day0 + c]))[:, 0])
    out["fighting_threshold"] = s.threshold[:, c].astype(np.int64)
    out["dominance_minimum"] = s.dom_min[:, c].astype(np.int64)
    return out[list(CONTROL_COLUMNS)]


def _since(s: M.States, c: int) -> np.ndarray:
    """First day of each district's current run of equal status (NaT: a first state)."""
    st = s.status[:, : c + 1]
    now = st[:, -1:]
    differs = st != now
    any_diff = differs.any(axis=1)
    last_diff = c - np.argmax(differs[:, ::-1], axis=1)  # index of the last differing day
    start = np.where(any_diff, last_diff + 1, 0)
    nd = st.shape[0]
    prev_unknown = np.where(
        start > 0, s.status[np.arange(nd), np.clip(start - 1, 0, None)] == M.S_UNKNOWN, True
    )
    first_rule = s.rule[np.arange(nd), start]
    recorded = prev_unknown & np.isin(first_rule, (M.R_BASELINE, M.R_ASSESSMENT))
    nat = (now[:, 0] == M.S_UNKNOWN) | recorded
    days = (start + s.day0).astype("datetime64[D]")
    return np.where(nat, np.datetime64("NaT"), days).astype("datetime64[s]")


def as_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers (``_NAT`` for none) as datetime64[s]."""
    nat = days == np.iinfo(np.int64).min
    out = np.where(nat, 0, days).astype("datetime64[D]").astype("datetime64[s]")
    out[nat] = np.datetime64("NaT")
    return out


def _evidence_text(ev: M.Evidence, s: M.States, c: int, rule_code: np.ndarray) -> np.ndarray:
    """The references behind each district's rule (oldest first, capped)."""
    limit = ev.rules.max_evidence
    text = np.full(len(rule_code), "", dtype=object)
    as_index = {
        (int(a), int(d)): i for i, (a, d) in enumerate(zip(ev.as_code, ev.as_day, strict=True))
    }
    transfer_kinds = (M.K_T_GOV, M.K_T_INS, M.K_T_OTHER)
    for d in (int(i) for i in np.flatnonzero(rule_code != M.R_NONE)):
        rc = int(rule_code[d])
        t = c if rc in (M.R_FIGHTING, M.R_CONFLICT) else int(s.decided[d, c])
        day = s.day0 + t
        lo = s.day0 + max(t - s.window_days, int(s.reset[d, t]))
        if rc == M.R_BASELINE:
            text[d] = f"baseline:{np.datetime64(day, 'D')}"
            continue
        if rc == M.R_ASSESSMENT:
            text[d] = _cap(ev.as_refs[as_index[(d, day)]], limit)
            continue
        if rc in (M.R_TAKEOVER, M.R_CONFLICT):
            kinds: tuple[int, ...] = transfer_kinds
        elif rc == M.R_DOMINANCE:
            kinds = (M.K_INIT_GOV if s.status[d, t] == M.S_GOV else M.K_INIT_INS,)
        elif rc == M.R_SOLE:
            kinds = (M.K_GOV_ANY if s.status[d, t] == M.S_GOV else M.K_INS_ANY,)
        else:
            kinds = (M.K_FIGHT,)
        pos = np.sort(np.concatenate([ev.slice(k, d, lo, day) for k in kinds]))
        text[d] = _cap(ev.event_ids.iloc[pos].astype(str).tolist(), limit)
    return text


def _score(ev: M.Evidence, s: M.States, c: int) -> np.ndarray:
    """Recency-weighted balance of initiative and transfers plus the holder (see module)."""
    nd = s.status.shape[0]
    t_day = s.day0 + c
    reset_day = s.day0 + s.reset[:, c]  # reset index -1 -> before day0: no cut
    mass = s.threshold[:, c].astype(float)
    half = float(ev.rules.score_half_life_days)
    side = {M.K_INIT_GOV: 0, M.K_T_GOV: 0, M.K_INIT_INS: 1, M.K_T_INS: 1}
    sums = np.zeros((2, nd))
    for k, sd in side.items():
        m = (ev.ev_kind == k) & (ev.ev_day <= t_day)
        code = ev.ev_code[m]
        dday = ev.ev_day[m]
        keep = dday > reset_day[code]
        w = np.power(0.5, (t_day - dday[keep]) / half)
        if k in (M.K_T_GOV, M.K_T_INS):  # a transfer weighs as much as the fighting bar
            w = w * mass[code[keep]]
        sums[sd] += np.bincount(code[keep], weights=w, minlength=nd)
    held = s.status[:, c]
    holder = np.take_along_axis(s.status, np.clip(s.decided[:, c : c + 1], 0, None), axis=1)[:, 0]
    holder = np.where(s.decided[:, c] >= 0, holder, M.S_UNKNOWN)
    sums[0] += np.where(holder == M.S_GOV, mass, 0.0) + np.where(
        holder == M.S_CONTESTED, mass / 2, 0
    )
    sums[1] += np.where(holder == M.S_INS, mass, 0.0) + np.where(
        holder == M.S_CONTESTED, mass / 2, 0
    )
    total = sums.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(total > 0, (sums[1] - sums[0]) / total, np.nan)
    score[held == M.S_UNKNOWN] = np.nan
    return np.round(score, 6)


def zones(status: pd.Series, score: np.ndarray | pd.Series, *, full: float = 0.6) -> np.ndarray:
    """Kalyvas's five zones from status and score (see the module docstring).

    Returns an array of :data:`geofront.schema.CONTROL_ZONES` values (``unknown`` for
    districts without evidence).
    """
    st = np.asarray(status, dtype=object)
    sc = np.asarray(score, dtype=float)
    full_gov, gov_dom, parity, ins_dom, full_ins, unknown = CONTROL_ZONES
    out = np.full(st.shape, unknown, dtype=object)
    gov = st == GOVERNMENT
    ins = st == INSURGENT
    out[gov] = np.where(sc[gov] <= -full, full_gov, gov_dom)
    out[ins] = np.where(sc[ins] >= full, full_ins, ins_dom)
    out[st == CONTESTED] = parity
    return out


def as_day(value: Any, what: str) -> pd.Timestamp:
    try:
        if isinstance(value, str):
            day = pd.to_datetime(value.strip(), format="ISO8601")
        else:
            day = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise InputError(f"{what} {value!r} is not a date: write YYYY-MM-DD") from None
    if pd.isna(day):
        raise InputError(f"{what} is missing: give a date (YYYY-MM-DD)")
    return day.normalize()


def check_window(window_days: int) -> int:
    if (
        isinstance(window_days, bool)
        or int(window_days) != window_days
        or not 1 <= window_days <= 3650
    ):
        raise InputError(f"window_days={window_days!r}: give a whole number of days in [1, 3650]")
    return int(window_days)


def _cap(refs: Sequence[str], limit: int) -> str:
    if len(refs) <= limit:
        return ";".join(refs)
    return ";".join(refs[:limit]) + f";+{len(refs) - limit} more"


def _read_control_csv(src: Any) -> pd.DataFrame:
    """A control table CSV as text, checked to be UTF-8 CSV (one-line errors)."""
    from geofront.errors import DataFileError
    from geofront.files import csv_header

    csv_header(src, what="control")
    try:
        frame = pd.read_csv(src, dtype=str, keep_default_na=False, na_values=[""])
    except (ValueError, pd.errors.ParserError) as exc:
        msg = " ".join(str(exc).split()) or type(exc).__name__
        raise DataFileError(f"cannot read control file {src}: {msg}") from exc
    if len(frame) == 0:
        raise DataFileError(f"control file {src} has a header but no rows: give a control table")
    return frame


def read_control(
    path: str | os.PathLike[str],
    boundaries: AdminBoundaries | Callable[[], AdminBoundaries] | None = None,
) -> gpd.GeoDataFrame:
    """Read a control table written by ``geofront control`` (or :func:`control_from_events`).

    GeoPackage, GeoParquet and GeoJSON carry their geometry; a CSV gets the district
    geometry from ``boundaries`` by ``district_id`` (the bundled set when None; a callable
    is called only when needed, so callers can load boundaries lazily).

    Returns
    -------
    GeoDataFrame
        The table with ids as strings, ``since`` as datetime, indexed by ``district_id``.

    Raises
    ------
    SchemaError
        Missing ``district_id``/``status`` columns, an unknown status, or a district id
        that is not in the boundaries (for a CSV).
    """
    from geofront import datasets
    from geofront.boundaries import read_boundaries
    from geofront.io import check_input_file, read_vector

    src = check_input_file(datasets.resolve(path), "control")
    if src.suffix.lower() == ".csv":
        frame: pd.DataFrame = _read_control_csv(src)
    else:
        frame = read_vector(src, what="control")
    check_frame(
        frame,
        what="control file",
        source=src,
        columns=("district_id", "status"),
        fix="give a table written by geofront control",
    )
    if frame["district_id"].isna().any():
        row = int(np.flatnonzero(frame["district_id"].isna().to_numpy())[0]) + 1
        raise SchemaError(f"control file {src}: district_id is empty in row {row}; fill it in")
    frame["district_id"] = frame["district_id"].astype(str)
    dup = frame["district_id"].duplicated()
    if dup.any():
        raise SchemaError(
            f"control file {src}: district_id {frame['district_id'][dup].iloc[0]!r} occurs "
            "twice; give one row per district (a table written by geofront control)"
        )
    bad = ~frame["status"].isin(CONTROL_STATUSES)
    if bad.any():
        raise SchemaError(
            f"control file {src}: status {frame['status'][bad].iloc[0]!r} in row "
            f"{int(np.flatnonzero(bad.to_numpy())[0]) + 1} is not one of "
            f"{', '.join(CONTROL_STATUSES)}"
        )
    if "since" in frame.columns:
        since = pd.to_datetime(frame["since"], errors="coerce", format="ISO8601")
        wrong = (
            since.isna() & frame["since"].notna() & (frame["since"].astype(str).str.strip() != "")
        )
        if wrong.any():
            row = int(np.flatnonzero(wrong.to_numpy())[0]) + 1
            raise SchemaError(
                f"control file {src}: since {frame['since'][wrong].iloc[0]!r} in row {row} "
                "is not a date (YYYY-MM-DD); fix it or leave it empty"
            )
        frame["since"] = since
    if not isinstance(frame, gpd.GeoDataFrame):
        b = boundaries() if callable(boundaries) else boundaries
        d = (b or read_boundaries()).districts
        unknown = ~frame["district_id"].isin(d["district_id"])
        if unknown.any():
            raise SchemaError(
                f"control file {src}: district_id {frame['district_id'][unknown].iloc[0]!r} is "
                "not in the boundaries: pass the boundaries the table was made with"
            )
        geoms = d.set_index("district_id").geometry.loc[frame["district_id"]].array
        frame = gpd.GeoDataFrame(frame, geometry=geoms, crs=d.crs)
    return frame.set_index(pd.Index(frame["district_id"].to_numpy()))
