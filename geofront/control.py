"""Territorial control: who holds each district as of a date, since when, and why.

:func:`control_from_events` applies a small, documented rule set (:class:`ControlRules`)
modelled on ACLED's territorial-control coding to joined events (and, optionally, analyst
assessments) and returns one row per district with its status (one of
:data:`geofront.schema.CONTROL_STATUSES`), the date of the last change, the rule that
decided and the evidence (event ids and assessment references).

The rules, in order of precedence, for a district ``d`` as of a date ``T``:

1. **State-setting evidence** — territory transfers and assessments dated on or before
   ``T`` form a sequence of states. A transfer sets the holder: "Non-state actor
   overtakes territory" and "Non-violent transfer of territory" give the district to
   the side of ``actor1`` (``side1``); "Government regains territory" gives it to the
   government. A transfer whose new holder is not ``government`` or ``insurgent``
   (e.g. an ``other`` or ``unknown`` side) sets nothing. An assessment sets its status
   at its date. On the same date an assessment overrides transfers (it is read as the
   analyst's synthesis of that day, events included); several transfers on one date
   naming different holders make the district ``contested`` (rule
   ``conflicting_transfers``). The *last* state is the base state (rules
   ``territory_transfer`` / ``assessment``).
2. **Armed activity by both sides** — armed events (:attr:`ControlRules.armed_event_types`
   other than transfers) in the window ``(T - window_days, T]`` that involve the
   government side (as ``side1`` or ``side2``) and armed events that involve the
   insurgent side, both dated after the base state (on the same day as a transfer too,
   when :attr:`ControlRules.same_day_activity_contests`; strictly after an assessment's
   date), make the district ``contested`` (rule ``armed_activity``), provided there are
   at least :attr:`ControlRules.min_armed_events` such events (default 1). When the window
   passes without such activity the base state applies again: the last known state
   persists.
3. **No evidence** — ``unknown`` (rule ``no_evidence``).

Events whose ``district_id`` is missing (region-precision events) never decide a
district. Only events and assessments dated on or before ``T`` count.

``since`` is the date the current status began: the first date of the last run of equal
base states, or the day both sides had been active for an activity-contested district.
It is NaT when the current status has been the same since the first evidence and that
evidence is an assessment (a first assessment records a state, not a change).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geofront.assessments import AssessmentsRead
from geofront.boundaries import AdminBoundaries
from geofront.crs import equal_area_km2
from geofront.errors import InputError, SchemaError
from geofront.schema import (
    CONTESTED,
    CONTROL_COLUMNS,
    CONTROL_STATUSES,
    DISTRICT_COLUMNS,
    GOVERNMENT,
    INSURGENT,
    UNKNOWN,
)

log = logging.getLogger(__name__)

#: Rule names written to the ``rule`` column.
RULE_TRANSFER = "territory_transfer"
RULE_CONFLICTING = "conflicting_transfers"
RULE_ASSESSMENT = "assessment"
RULE_ACTIVITY = "armed_activity"
RULE_NONE = "no_evidence"
RULES = (RULE_TRANSFER, RULE_CONFLICTING, RULE_ASSESSMENT, RULE_ACTIVITY, RULE_NONE)

#: Event columns :func:`control_from_events` needs.
REQUIRED_EVENT_COLUMNS = (
    "event_id",
    "date",
    "event_type",
    "sub_event_type",
    "side1",
    "side2",
    "district_id",
)
#: Columns of :func:`control_timeline`.
TIMELINE_COLUMNS = ("date", "status", "districts", "area_km2", "people")


@dataclass(frozen=True)
class ControlRules:
    """The configurable rule set of :func:`control_from_events` (defaults follow ACLED).

    Attributes
    ----------
    transfer_to_actor1 : tuple of str
        ``sub_event_type`` values that give the district to the side of ``actor1``.
    transfer_to_government : tuple of str
        ``sub_event_type`` values that give the district to the government.
    armed_event_types : tuple of str
        ``event_type`` values counted as armed activity (ACLED ``Battles`` and
        ``Explosions/Remote violence``; UCDP ``State-based conflict``).
    min_armed_events : int
        A district is contested by activity only with at least this many armed events
        in the window after its base state (default 1: any fighting between the sides).
        Raise it for dense event data, where one clash in a month would otherwise
        contest most districts.
    same_day_activity_contests : bool
        Whether armed activity by both sides on the day of a transfer (other than the
        transfer itself) makes the district contested; the order of events within a
        day is unknown, so the default is yes.
    max_evidence : int
        At most this many references per district in ``evidence`` (the rest are
        counted as ``+N more``).
    """

    transfer_to_actor1: tuple[str, ...] = (
        "Non-state actor overtakes territory",
        "Non-violent transfer of territory",
    )
    transfer_to_government: tuple[str, ...] = ("Government regains territory",)
    armed_event_types: tuple[str, ...] = (
        "Battles",
        "Explosions/Remote violence",
        "State-based conflict",
    )
    same_day_activity_contests: bool = True
    max_evidence: int = 20
    min_armed_events: int = 1

    def __post_init__(self) -> None:
        if int(self.min_armed_events) != self.min_armed_events or self.min_armed_events < 1:
            raise InputError(
                f"min_armed_events={self.min_armed_events!r}: give a whole number >= 1"
            )


def control_from_events(
    joined: pd.DataFrame,
    boundaries: AdminBoundaries | gpd.GeoDataFrame,
    *,
    as_of: str | pd.Timestamp,
    window_days: int = 30,
    assessments: AssessmentsRead | pd.DataFrame | None = None,
    rules: ControlRules | None = None,
) -> gpd.GeoDataFrame:
    """Return who holds each district as of ``as_of`` (see the module docstring for rules).

    Parameters
    ----------
    joined : DataFrame or GeoDataFrame
        Joined events (canonical events plus :data:`geofront.schema.JOIN_COLUMNS`);
        needs :data:`REQUIRED_EVENT_COLUMNS`. Not modified.
    boundaries : AdminBoundaries or GeoDataFrame
        The districts the events were joined to (a GeoDataFrame with
        :data:`geofront.schema.DISTRICT_COLUMNS`).
    as_of : str or Timestamp
        The day to decide for; events and assessments after it are ignored.
    window_days : int
        Length of the armed-activity window ending on ``as_of`` (inclusive).
    assessments : AssessmentsRead or DataFrame, optional
        Analyst assessments (:func:`geofront.assessments.read_assessments`), or a frame
        with ``district_id``, ``date``, ``status`` and ``ref``.
    rules : ControlRules, optional
        The rule set; default :class:`ControlRules`.

    Returns
    -------
    GeoDataFrame
        One row per district of ``boundaries``, in its order and CRS, indexed by
        ``district_id``: :data:`geofront.schema.CONTROL_COLUMNS` and geometry.
        ``status`` is one of :data:`geofront.schema.CONTROL_STATUSES`; ``since``
        datetime64 or NaT; ``rule`` one of :data:`RULES`; ``evidence`` the
        ``;``-separated event ids / assessment references, oldest first.
    """
    districts = _districts(boundaries)
    prepared = _prepare(joined, districts, assessments, rules or ControlRules())
    return _control_at(prepared, districts, _day(as_of, "as_of"), _window(window_days))


def control_timeline(
    joined: pd.DataFrame,
    boundaries: AdminBoundaries | gpd.GeoDataFrame,
    *,
    dates: Iterable[str | pd.Timestamp],
    window_days: int = 30,
    assessments: AssessmentsRead | pd.DataFrame | None = None,
    rules: ControlRules | None = None,
    population: Any = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Return, for each date and status, the number of districts, their area and people.

    The events are prepared once (sorted by date); each date then costs only its
    window, so long timelines over many events stay fast.

    Parameters
    ----------
    joined, boundaries, window_days, assessments, rules
        As for :func:`control_from_events`.
    dates : iterable of str or Timestamp
        The days to decide for (sorted and de-duplicated in the output).
    population : optional
        A population raster (path or bundled dataset name, or ``True`` for the bundled
        WorldPop raster) to count people per status with
        :func:`geofront.exposure.population_by_zone` (each district summed once, partial
        cells counted by covered fraction); ``None`` leaves ``people`` empty (NaN).
    progress : bool
        Show a progress bar over the dates.

    Returns
    -------
    DataFrame
        :data:`TIMELINE_COLUMNS`, one row per date and status (every status of
        :data:`geofront.schema.CONTROL_STATUSES`, zeros included), sorted by date
        then status in legend order. ``area_km2`` in an equal-area CRS (EPSG:6933);
        ``people`` float.
    """
    districts = _districts(boundaries)
    days = sorted({_day(d, "dates") for d in dates})
    if not days:
        raise InputError("no dates given: pass at least one date (YYYY-MM-DD)")
    prepared = _prepare(joined, districts, assessments, rules or ControlRules())
    window = _window(window_days)
    area = pd.Series(equal_area_km2(districts.geometry), index=districts.index)
    people = _people(districts, population)
    rows = []
    iterator: Iterable[pd.Timestamp] = days
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(days, desc="control timeline", unit="date", delay=0.5)
    for day in iterator:
        status = _control_at(prepared, districts, day, window, geometry=False)["status"]
        for st in CONTROL_STATUSES:
            mask = (status == st).to_numpy()
            rows.append(
                (
                    day,
                    st,
                    int(mask.sum()),
                    float(area.to_numpy()[mask].sum()),
                    float(people.to_numpy()[mask].sum()) if people is not None else np.nan,
                )
            )
    return pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))


# --- preparation -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Prepared:
    # state-setting evidence, aggregated per (district, date, kind), sorted
    base: pd.DataFrame
    # armed activity, sorted by day: day (int64), code, gov, ins, ref
    act_day: np.ndarray
    act_code: np.ndarray
    act_gov: np.ndarray
    act_ins: np.ndarray
    act_pos: np.ndarray  # row positions in the events, for the evidence ids
    event_ids: pd.Series
    rules: ControlRules


def _districts(boundaries: AdminBoundaries | gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    d = boundaries.districts if isinstance(boundaries, AdminBoundaries) else boundaries
    missing = [c for c in DISTRICT_COLUMNS if c not in d.columns]
    if missing:
        raise SchemaError(
            f"boundaries lack column(s) {', '.join(missing)}: read them with "
            "geofront.boundaries.read_boundaries"
        )
    return d


def _day(value: Any, what: str) -> pd.Timestamp:
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


def _window(window_days: int) -> int:
    if int(window_days) != window_days or window_days < 1:
        raise InputError(f"window_days={window_days!r}: give a whole number of days >= 1")
    return int(window_days)


def _days(values: Any) -> np.ndarray:
    return np.asarray(pd.to_datetime(values).to_numpy().astype("datetime64[D]").astype(np.int64))


def _prepare(
    joined: pd.DataFrame,
    districts: gpd.GeoDataFrame,
    assessments: AssessmentsRead | pd.DataFrame | None,
    rules: ControlRules,
) -> _Prepared:
    missing = [c for c in REQUIRED_EVENT_COLUMNS if c not in joined.columns]
    if missing:
        raise SchemaError(
            f"events lack column(s) {', '.join(missing)}: join them to the boundaries first "
            "(geofront.join.join_events or load_joined_events)"
        )
    ids = pd.Index(districts["district_id"].astype(str))
    # Masks and codes straight from the columns: no per-event Python strings, so that
    # 10^7 events fit in memory and time (see benchmarks/bench_control.py).
    has_district = joined["district_id"].notna().to_numpy()
    n_region = int((~has_district).sum())
    if n_region:
        log.debug("%d event(s) without a district (region precision) ignored", n_region)
    pos = np.flatnonzero(has_district)
    undated = joined["date"].isna().to_numpy() & has_district
    if undated.any():
        bad = joined["event_id"].iloc[int(np.flatnonzero(undated)[0])]
        raise InputError(
            f"event {bad!r} has no date: read events with geofront.events.read_events, "
            "which rejects undated rows"
        )
    codes, uniques = pd.factorize(joined["district_id"].iloc[pos])
    lookup = ids.get_indexer(pd.Index(pd.Series(uniques).astype(str)))
    if (lookup < 0).any():
        bad = str(pd.Series(uniques).astype(str).to_numpy()[lookup < 0][0])
        raise InputError(
            f"event district_id {bad!r} is not in the boundaries: join the events to the same "
            "boundaries you pass here"
        )
    code = lookup[codes].astype(np.int32)
    day = _days(joined["date"].iloc[pos])

    def col_isin(name: str, values: Sequence[str]) -> np.ndarray:
        return np.asarray(joined[name].iloc[pos].isin(list(values)).to_numpy(), dtype=bool)

    def col_eq(name: str, value: str) -> np.ndarray:
        return np.asarray((joined[name].iloc[pos] == value).to_numpy(), dtype=bool)

    to_actor1 = col_isin("sub_event_type", rules.transfer_to_actor1)
    to_gov = col_isin("sub_event_type", rules.transfer_to_government)
    gov1, ins1 = col_eq("side1", GOVERNMENT), col_eq("side1", INSURGENT)
    gov = gov1 | col_eq("side2", GOVERNMENT)
    ins = ins1 | col_eq("side2", INSURGENT)
    transfer = to_actor1 | to_gov
    holder = np.full(len(pos), None, dtype=object)
    holder[to_actor1 & gov1] = GOVERNMENT
    holder[to_actor1 & ins1] = INSURGENT
    holder[to_gov] = GOVERNMENT
    valid = to_gov | (to_actor1 & (gov1 | ins1))
    if (transfer & ~valid).any():
        log.info(
            "%d transfer event(s) ignored: the new holder's side is neither %s nor %s",
            int((transfer & ~valid).sum()),
            GOVERNMENT,
            INSURGENT,
        )
    base_parts = [
        pd.DataFrame(
            {
                "code": code[valid],
                "day": day[valid],
                "kind": 0,
                "status": holder[valid],
                "ref": joined["event_id"].iloc[pos[valid]].astype(str).to_numpy(dtype=object),
            }
        )
    ]
    if assessments is not None:
        base_parts.append(_assessment_base(assessments, ids))
    base = _aggregate_base(pd.concat(base_parts, ignore_index=True))

    act = col_isin("event_type", rules.armed_event_types) & ~transfer & (gov | ins)
    # Oldest first; events of one day in input order (deterministic, no string sort).
    order = np.argsort(day[act], kind="stable")
    return _Prepared(
        base=base,
        act_day=day[act][order],
        act_code=code[act][order],
        act_gov=gov[act][order],
        act_ins=ins[act][order],
        act_pos=pos[act][order],
        event_ids=joined["event_id"],
        rules=rules,
    )


def _assessment_base(assessments: AssessmentsRead | pd.DataFrame, ids: pd.Index) -> pd.DataFrame:
    table = assessments.table if isinstance(assessments, AssessmentsRead) else assessments
    need = [c for c in ("district_id", "date", "status", "ref") if c not in table.columns]
    if need:
        raise SchemaError(
            f"assessments lack column(s) {', '.join(need)}: read them with "
            "geofront.assessments.read_assessments"
        )
    bad_status = ~table["status"].isin(CONTROL_STATUSES)
    if bad_status.any():
        raise InputError(
            f"assessment {table['ref'][bad_status].iloc[0]} has status "
            f"{table['status'][bad_status].iloc[0]!r}: use one of {', '.join(CONTROL_STATUSES)}"
        )
    code = ids.get_indexer(pd.Index(table["district_id"].astype(str)))
    if (code < 0).any():
        bad = table["district_id"].astype(str).to_numpy()[code < 0][0]
        raise InputError(
            f"assessment district_id {bad!r} is not in the boundaries: read the assessments "
            "with the same boundaries"
        )
    return pd.DataFrame(
        {
            "code": code,
            "day": _days(table["date"]),
            "kind": 1,
            "status": table["status"].astype(str).to_numpy(dtype=object),
            "ref": table["ref"].astype(str).to_numpy(dtype=object),
        }
    )


def _aggregate_base(base: pd.DataFrame) -> pd.DataFrame:
    """One row per (district, day, kind): agreed status, or contested if they disagree."""
    base = base.sort_values(["code", "day", "kind", "ref"], kind="stable")
    g = base.groupby(["code", "day", "kind"], sort=True)
    agg = g.agg(
        status=("status", "first"),
        nstatus=("status", "nunique"),
        refs=("ref", list),
    ).reset_index()
    conflict = agg["nstatus"].to_numpy() > 1
    agg.loc[conflict, "status"] = CONTESTED
    agg["rule"] = np.where(
        agg["kind"].to_numpy() == 1,
        RULE_ASSESSMENT,
        np.where(conflict, RULE_CONFLICTING, RULE_TRANSFER),
    )
    return agg.drop(columns="nstatus")


# --- decision at one date ---------------------------------------------------------------


def _control_at(
    p: _Prepared,
    districts: gpd.GeoDataFrame,
    as_of: pd.Timestamp,
    window_days: int,
    *,
    geometry: bool = True,
) -> gpd.GeoDataFrame:
    n = len(districts)
    t = int(np.datetime64(as_of.date(), "D").astype(np.int64))
    status = np.full(n, UNKNOWN, dtype=object)
    rule = np.full(n, RULE_NONE, dtype=object)
    since = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)  # NaT
    ev_text = np.full(n, "", dtype=object)
    base_day = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    base_kind = np.full(n, -1, dtype=np.int64)

    # 1. base state: last run of equal statuses among evidence dated <= as_of.
    b = p.base[p.base["day"].to_numpy() <= t]
    if len(b):
        codes = b["code"].to_numpy()
        st = b["status"].to_numpy(dtype=object)
        first_of_district = np.r_[True, codes[1:] != codes[:-1]]
        new_run = first_of_district | np.r_[True, st[1:] != st[:-1]]
        run_id = np.cumsum(new_run)
        last_run = run_id == pd.Series(run_id).groupby(codes).transform("max").to_numpy()
        lr = b[last_run]
        lr_first = lr.groupby("code", sort=True).head(1)
        lr_last = lr.groupby("code", sort=True).tail(1)
        c = lr_last["code"].to_numpy()
        status[c] = lr_last["status"].to_numpy(dtype=object)
        rule[c] = lr_last["rule"].to_numpy(dtype=object)
        base_day[c] = lr_last["day"].to_numpy()
        base_kind[c] = lr_last["kind"].to_numpy()
        # A run that starts with the district's first evidence, an assessment, is no change.
        run_starts_first = first_of_district[last_run][
            np.r_[True, lr["code"].to_numpy()[1:] != lr["code"].to_numpy()[:-1]]
        ]
        is_change = ~(run_starts_first & (lr_first["kind"].to_numpy() == 1))
        cf = lr_first["code"].to_numpy()
        since[cf[is_change]] = lr_first["day"].to_numpy()[is_change]
        refs = lr.groupby("code", sort=True)["refs"].agg(lambda s: [r for x in s for r in x])
        ev_text[refs.index.to_numpy()] = [_cap(r, p.rules.max_evidence) for r in refs]

    # 2. armed activity by both sides in the window, after the base state.
    lo = np.searchsorted(p.act_day, t - window_days + 1, side="left")
    hi = np.searchsorted(p.act_day, t, side="right")
    if hi > lo:
        day = p.act_day[lo:hi]
        code = p.act_code[lo:hi]
        bd = base_day[code]
        bk = base_kind[code]
        after = (bk < 0) | (day > bd)
        if p.rules.same_day_activity_contests:
            after |= (bk == 0) & (day == bd)
        if after.any():
            a = pd.DataFrame(
                {
                    "code": code[after],
                    "gov_day": np.where(p.act_gov[lo:hi][after], day[after], np.nan),
                    "ins_day": np.where(p.act_ins[lo:hi][after], day[after], np.nan),
                    "pos": p.act_pos[lo:hi][after],
                }
            )
            grouped = a.groupby("code", sort=True)
            first = grouped[["gov_day", "ins_day"]].min()
            enough = grouped.size() >= p.rules.min_armed_events
            both = first.notna().all(axis=1) & enough
            contested_codes = first.index.to_numpy()[both.to_numpy()]
            if len(contested_codes):
                became = first.loc[both].max(axis=1).to_numpy().astype(np.int64)
                already = status[contested_codes] == CONTESTED
                acts = _activity_evidence(
                    a[a["code"].isin(contested_codes)], p.event_ids, p.rules.max_evidence
                )
                prior = ev_text[contested_codes]
                ev_text[contested_codes] = np.where(
                    already & (prior != ""), prior + ";" + acts, acts
                )
                new = contested_codes[~already]
                status[new] = CONTESTED
                rule[new] = RULE_ACTIVITY
                since[new] = became[~already]
    since_dt = pd.to_datetime(
        np.where(
            since == np.iinfo(np.int64).min, np.datetime64("NaT"), since.astype("datetime64[D]")
        )
    ).astype("datetime64[s]")
    out = pd.DataFrame(
        {
            "district_id": districts["district_id"].astype(str).to_numpy(),
            "district": districts["district"].to_numpy(),
            "province_id": districts["province_id"].astype(str).to_numpy(),
            "province": districts["province"].to_numpy(),
            "status": status.astype(str),
            "since": since_dt,
            "rule": rule.astype(str),
            "evidence": ev_text.astype(str),
        },
        index=pd.Index(districts["district_id"].astype(str).to_numpy()),
    )
    out = out[list(CONTROL_COLUMNS)]
    if not geometry:
        return out
    return gpd.GeoDataFrame(out, geometry=districts.geometry.array, crs=districts.crs)


def _activity_evidence(sub: pd.DataFrame, event_ids: pd.Series, limit: int) -> np.ndarray:
    """``;``-joined ids of the first ``limit`` events per district (sorted by code)."""
    g = sub.groupby("code", sort=True)
    n = g.size()
    head = g.head(limit)
    ref = event_ids.iloc[head["pos"].to_numpy()].astype(str).to_numpy(dtype=object)
    text = pd.Series(ref, index=head["code"].to_numpy()).groupby(level=0, sort=True).agg(";".join)
    more = (n - limit).clip(lower=0)
    extra = np.where(more.to_numpy() > 0, ";+" + more.astype(str) + " more", "")
    return (text.to_numpy(dtype=object) + extra).astype(object)


def _cap(refs: Sequence[str], limit: int) -> str:
    if len(refs) <= limit:
        return ";".join(refs)
    return ";".join(refs[:limit]) + f";+{len(refs) - limit} more"


def _people(districts: gpd.GeoDataFrame, population: Any) -> pd.Series | None:
    if population is None or population is False:
        return None
    from geofront.exposure import population_by_zone

    raster = None if population is True else population
    zones = gpd.GeoDataFrame(geometry=districts.geometry.array, crs=districts.crs)
    counts = population_by_zone(zones, raster)
    return pd.Series(counts["population"].to_numpy(dtype=float), index=districts.index)


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
    missing = [c for c in ("district_id", "status") if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"control file {src} lacks column(s) {', '.join(missing)}: give a table written "
            "by geofront control"
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
