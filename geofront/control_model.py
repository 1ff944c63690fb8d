"""The control model's engine: evidence per district and day, and a day-by-day state machine.

This module is the machinery behind :func:`geofront.control.control_from_events` and
:func:`geofront.control.control_history`; the rules it applies are documented there and
their parameters live in :class:`geofront.control.ControlRules`. It is written by hand
because it *is* the project's contribution: no library decides territorial control.

Design. Events are reduced once to integer counts per (district, day) of a few kinds
(transfers to each side, ground fighting, fighting initiated by each side). Window sums
come from cumulative sums along days, so every rule is evaluated for every district and
every day at once with numpy, and the state of a district on a day follows from the
decisions of the days before it by a forward fill. Control as of a date therefore never
depends on which other dates are asked for, and a 100-date timeline costs about as much
as one date.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from geofront.errors import InputError
from geofront.schema import CONTESTED, CONTROL_STATUSES, GOVERNMENT, INSURGENT, UNKNOWN
from geofront.validate import check_frame

if TYPE_CHECKING:
    from geofront.control import ControlRules

log = logging.getLogger(__name__)

# --- codes -------------------------------------------------------------------------------
#: Status codes of the state machine (index into :data:`STATUS_OF_CODE`).
S_UNKNOWN, S_GOV, S_CONTESTED, S_INS = 0, 1, 2, 3
STATUS_OF_CODE = np.array([UNKNOWN, GOVERNMENT, CONTESTED, INSURGENT], dtype=object)
CODE_OF_STATUS = {s: i for i, s in enumerate(STATUS_OF_CODE)}
assert set(CODE_OF_STATUS) == set(CONTROL_STATUSES)

#: Rule codes (index into :data:`RULE_NAMES`): which rule set a district's state.
R_NONE, R_BASELINE, R_ASSESSMENT, R_TAKEOVER, R_CONFLICT, R_DOMINANCE, R_FIGHTING, R_SOLE = range(8)
RULE_NAMES = np.array(
    [
        "no_evidence",
        "baseline",
        "assessment",
        "territory_transfer",
        "conflicting_transfers",
        "dominance",
        "sustained_fighting",
        "sole_presence",
    ],
    dtype=object,
)

# Event kinds, one count matrix each.
# Event kinds, one count matrix each: transfers to the government, to the insurgents, to
# anyone else; ground fighting involving either side; initiated by the government, by the
# insurgents, with no initiator on record (UCDP); fighting the government / insurgents
# took part in.
# Armed events (fighting and remote violence) the government / the insurgents took part
# in, for sole presence.
(
    K_T_GOV,
    K_T_INS,
    K_T_OTHER,
    K_FIGHT,
    K_INIT_GOV,
    K_INIT_INS,
    K_NO_INIT,
    K_GOV_IN,
    K_INS_IN,
    K_GOV_ANY,
    K_INS_ANY,
) = range(11)
N_KINDS = 11

REQUIRED_EVENT_COLUMNS = (
    "event_id",
    "date",
    "event_type",
    "sub_event_type",
    "side1",
    "side2",
    "district_id",
)

_NAT = np.iinfo(np.int64).min


@dataclass(frozen=True)
class Evidence:
    """Events and assessments reduced to integer arrays, prepared once per call.

    ``ev_*`` arrays hold one entry per (event, kind), sorted by kind, district code, day
    and input order, so the events of any kind, district and day range are one slice.
    """

    ids: pd.Index  # district ids, in boundaries order
    groups: np.ndarray  # province code of each district (regional collapse)
    ev_kind: np.ndarray  # int8
    ev_code: np.ndarray  # int32 district code
    ev_day: np.ndarray  # int64 days since 1970-01-01
    ev_pos: np.ndarray  # row position in the events table
    ev_key: np.ndarray  # sort key of (kind, code, day): one slice per kind and district
    event_ids: pd.Series
    # assessments, one row per (district, day): status code and references
    as_code: np.ndarray
    as_day: np.ndarray
    as_status: np.ndarray
    as_refs: list[list[str]]
    first_day: int | None  # first day with any evidence (events or assessments)
    rules: ControlRules

    def slice(self, kind: int, code: int, lo_day: int, hi_day: int) -> np.ndarray:
        """Row positions of events of ``kind`` in district ``code`` with lo < day <= hi."""
        a, b = np.searchsorted(self.ev_key, _sort_key_of(kind, code, [lo_day, hi_day]), "right")
        return np.asarray(self.ev_pos[a:b])


_DAY_SPAN = np.int64(1 << 24)  # days fit in 24 bits relative to an offset (45,000 years)
_DAY_OFFSET = np.int64(1 << 23)


def _sort_key(kind: np.ndarray, code: np.ndarray, day: np.ndarray) -> np.ndarray:
    day_part = np.clip(day.astype(np.int64) + _DAY_OFFSET, 0, _DAY_SPAN - 1)
    key: np.ndarray = (kind.astype(np.int64) << 56) | (code.astype(np.int64) << 24) | day_part
    return key


def _sort_key_of(kind: int, code: int, days: Sequence[int]) -> np.ndarray:
    d = np.asarray(days, dtype=np.int64)
    return _sort_key(np.full(d.size, kind), np.full(d.size, code), d)


def to_days(values: pd.Series | Sequence[object]) -> np.ndarray:
    """Day numbers (days since 1970-01-01, int64) of dates."""
    return np.asarray(
        pd.to_datetime(pd.Series(values)).to_numpy().astype("datetime64[D]").astype(np.int64)
    )


def prepare(
    joined: pd.DataFrame,
    ids: pd.Index,
    groups: np.ndarray,
    assessments: pd.DataFrame | None,
    rules: ControlRules,
) -> Evidence:
    """Reduce joined events (and an assessments table) to :class:`Evidence`."""
    check_frame(
        joined,
        what="events",
        columns=REQUIRED_EVENT_COLUMNS,
        fix="join them to the boundaries first (geofront.join.join_events or load_joined_events)",
    )
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
    lookup = ids.get_indexer(pd.Index(pd.Series(uniques, dtype=object).astype(str)))
    if (lookup < 0).any():
        bad = str(pd.Series(uniques, dtype=object).astype(str).to_numpy()[lookup < 0][0])
        raise InputError(
            f"event district_id {bad!r} is not in the boundaries: join the events to the same "
            "boundaries you pass here"
        )
    code = lookup[codes].astype(np.int32) if len(pos) else np.zeros(0, np.int32)
    day = to_days(joined["date"].iloc[pos]) if len(pos) else np.zeros(0, np.int64)

    def col(name: str) -> pd.Series:
        return joined[name].iloc[pos]

    def isin(name: str, values: Sequence[str]) -> np.ndarray:
        return np.asarray(col(name).isin(list(values)).to_numpy(), dtype=bool)

    def eq(name: str, value: str) -> np.ndarray:
        return np.asarray((col(name) == value).to_numpy(), dtype=bool)

    to_actor1 = isin("sub_event_type", rules.transfer_to_actor1)
    to_gov = isin("sub_event_type", rules.transfer_to_government)
    transfer = to_actor1 | to_gov
    gov1, ins1 = eq("side1", GOVERNMENT), eq("side1", INSURGENT)
    gov_in = gov1 | eq("side2", GOVERNMENT)
    ins_in = ins1 | eq("side2", INSURGENT)
    t_gov = to_gov | (to_actor1 & gov1)
    t_ins = to_actor1 & ins1 & ~to_gov
    t_other = transfer & ~t_gov & ~t_ins
    if t_other.any():
        log.info(
            "%d transfer event(s) to a side that is neither %s nor %s: they count only "
            "against a takeover (takeover ratio)",
            int(t_other.sum()),
            GOVERNMENT,
            INSURGENT,
        )
    fight = isin("event_type", rules.fighting_event_types) & ~transfer & (gov_in | ins_in)
    armed = isin("event_type", rules.armed_event_types) & ~transfer
    # the initiator is ACLED's actor1; UCDP's side_a is only the first party of a dyad
    if "source_dataset" in joined.columns:
        has_initiator = ~isin("source_dataset", rules.sources_without_initiator)
    else:
        has_initiator = np.ones(len(pos), dtype=bool)
    initiative = isin("event_type", rules.initiative_event_types) & ~transfer & has_initiator
    kinds = {
        K_T_GOV: t_gov,
        K_T_INS: t_ins,
        K_T_OTHER: t_other,
        K_FIGHT: fight,
        K_INIT_GOV: initiative & gov1,
        K_INIT_INS: initiative & ins1,
        K_NO_INIT: isin("event_type", (*rules.initiative_event_types, *rules.fighting_event_types))
        & ~transfer
        & ~has_initiator
        & (gov_in | ins_in),
        K_GOV_IN: fight & gov_in,
        K_INS_IN: fight & ins_in,
        K_GOV_ANY: armed & gov_in,
        K_INS_ANY: armed & ins_in,
    }
    parts_kind, parts_idx = [], []
    for k, mask in kinds.items():
        idx = np.flatnonzero(mask)
        parts_kind.append(np.full(idx.size, k, dtype=np.int8))
        parts_idx.append(idx)
    kind = np.concatenate(parts_kind) if parts_kind else np.zeros(0, np.int8)
    idx = np.concatenate(parts_idx) if parts_idx else np.zeros(0, np.int64)
    key = _sort_key(kind, code[idx], day[idx])
    order = np.argsort(key, kind="stable")
    as_code, as_day, as_status, as_refs = _assessment_rows(assessments, ids)
    firsts = [int(day.min())] if day.size else []
    if as_day.size:
        firsts.append(int(as_day.min()))
    return Evidence(
        ids=ids,
        groups=np.asarray(groups, dtype=np.intp),
        ev_kind=kind[order],
        ev_code=code[idx][order],
        ev_day=day[idx][order],
        ev_pos=pos[idx][order],
        ev_key=key[order],
        event_ids=joined["event_id"],
        as_code=as_code,
        as_day=as_day,
        as_status=as_status,
        as_refs=as_refs,
        first_day=min(firsts) if firsts else None,
        rules=rules,
    )


def _assessment_rows(
    assessments: pd.DataFrame | None, ids: pd.Index
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[list[str]]]:
    """One row per (district, day): status code (contested if they disagree), refs."""
    empty: tuple[np.ndarray, np.ndarray, np.ndarray, list[list[str]]] = (
        np.zeros(0, np.int32),
        np.zeros(0, np.int64),
        np.zeros(0, np.int8),
        [],
    )
    if assessments is None or len(assessments) == 0:
        return empty
    check_frame(
        assessments,
        what="assessments",
        columns=("district_id", "date", "status", "ref"),
        fix="read them with geofront.assessments.read_assessments",
    )
    bad_status = ~assessments["status"].isin(CONTROL_STATUSES)
    if bad_status.any():
        raise InputError(
            f"assessment {assessments['ref'][bad_status].iloc[0]} has status "
            f"{assessments['status'][bad_status].iloc[0]!r}: use one of "
            f"{', '.join(CONTROL_STATUSES)}"
        )
    code = ids.get_indexer(pd.Index(assessments["district_id"].astype(str)))
    if (code < 0).any():
        bad = assessments["district_id"].astype(str).to_numpy()[code < 0][0]
        raise InputError(
            f"assessment district_id {bad!r} is not in the boundaries: read the assessments "
            "with the same boundaries"
        )
    t = pd.DataFrame(
        {
            "code": code,
            "day": to_days(assessments["date"]),
            "status": assessments["status"].map(CODE_OF_STATUS).to_numpy(dtype=np.int8),
            "ref": assessments["ref"].astype(str).to_numpy(dtype=object),
        }
    ).sort_values(["code", "day", "ref"], kind="stable")
    g = t.groupby(["code", "day"], sort=True)
    agg = g.agg(status=("status", "first"), n=("status", "nunique"), refs=("ref", list))
    status = np.where(agg["n"].to_numpy() > 1, S_CONTESTED, agg["status"].to_numpy())
    idx = agg.index
    return (
        idx.get_level_values(0).to_numpy(dtype=np.int32),
        idx.get_level_values(1).to_numpy(dtype=np.int64),
        status.astype(np.int8),
        list(agg["refs"]),
    )


def last_evidence_days(ev: Evidence, days: np.ndarray) -> np.ndarray:
    """(districts x days) matrix: the last day with evidence at or before each day.

    Evidence is any event the rules count (transfers, fighting, initiative) or an
    assessment; ``_NAT`` where a district has none yet.
    """
    nd = len(ev.ids)
    code = np.concatenate([ev.ev_code.astype(np.int64), ev.as_code.astype(np.int64)])
    day = np.concatenate([ev.ev_day, ev.as_day])
    key = np.unique(code * _DAY_SPAN + (day + _DAY_OFFSET))
    out = np.full((nd, len(days)), _NAT, dtype=np.int64)
    for j, t in enumerate(np.asarray(days, dtype=np.int64)):
        # per district: the last key at or before (code, t)
        hi = np.searchsorted(key, np.arange(nd) * _DAY_SPAN + (t + _DAY_OFFSET), side="right")
        prev = key[np.clip(hi - 1, 0, None)] if key.size else np.zeros(nd, np.int64)
        same = (hi > 0) & (prev // _DAY_SPAN == np.arange(nd)) if key.size else np.zeros(nd, bool)
        out[same, j] = prev[same] % _DAY_SPAN - _DAY_OFFSET
    return out


# --- the state machine --------------------------------------------------------------------


@dataclass(frozen=True)
class States:
    """The machine's output for days ``day0 .. day0 + n_days - 1`` (all districts).

    Matrices are (districts x days): ``status`` the status code each day and ``rule`` the
    rule behind it; ``decided`` the last day (index) a rule set or confirmed the holder
    (``-1``: never); ``reset`` the last baseline/assessment day (index, ``-1`` none);
    ``window`` the window sums of each event kind. ``threshold`` (sustained fighting) and
    ``dom_min`` (dominance) are the day's density-aware minimum counts, from the
    ``reference_rate``: the country's fighting events per district-day.
    """

    day0: int
    window_days: int
    status: np.ndarray
    rule: np.ndarray
    decided: np.ndarray
    reset: np.ndarray
    window: dict[int, np.ndarray]
    threshold: np.ndarray
    dom_min: np.ndarray
    reference_rate: np.ndarray

    def column(self, day: int) -> int:
        """Index of ``day`` (a day number) in the matrices."""
        return int(day - self.day0)


def run(
    ev: Evidence,
    *,
    first_day: int,
    last_day: int,
    window_days: int,
    baseline: str | None,
    baseline_day: int | None,
) -> States:
    """Run the machine from the first evidence, baseline or ``first_day`` to ``last_day``."""
    r = ev.rules
    if baseline is not None and baseline_day is not None and baseline_day <= last_day:
        # the baseline resets every district not assessed before it: earlier evidence only
        # matters for the trailing reference rate and for those assessments
        early = [baseline_day - int(r.rate_days)]
        early += [int(d) for d in ev.as_day[ev.as_day <= baseline_day][:1]]
        starts = [max(min(early), ev.first_day if ev.first_day is not None else baseline_day)]
        starts.append(baseline_day)
    else:
        starts = [d for d in (ev.first_day,) if d is not None]
    day0 = min([*starts, first_day, last_day])
    n = int(last_day - day0 + 1)
    nd = len(ev.ids)
    w = int(window_days)
    t_idx = np.arange(n)

    # daily counts per kind -> cumulative sums along days, with a leading zero column
    keep = (ev.ev_day >= day0) & (ev.ev_day <= last_day)
    flat = (ev.ev_kind[keep].astype(np.int64) * nd + ev.ev_code[keep].astype(np.int64)) * n + (
        ev.ev_day[keep] - day0
    )
    counts = np.bincount(flat, minlength=N_KINDS * nd * n).astype(np.int32)
    counts = counts.reshape(N_KINDS, nd, n)
    cum = np.zeros((N_KINDS, nd, n + 1), dtype=np.int32)
    np.cumsum(counts, axis=2, out=cum[:, :, 1:])

    # decisions that reset the window: the baseline and assessments
    dec = np.zeros((nd, n), dtype=np.int8)
    has_dec = np.zeros((nd, n), dtype=bool)
    rule = np.zeros((nd, n), dtype=np.int8)
    reset_mark = np.full((nd, n), -1, dtype=np.int64)
    a_in = (ev.as_day >= day0) & (ev.as_day <= last_day)
    a_code = ev.as_code[a_in].astype(np.intp)
    a_t = (ev.as_day[a_in] - day0).astype(np.intp)
    if baseline is not None and baseline_day is not None and day0 <= baseline_day <= last_day:
        b = int(baseline_day - day0)
        # districts assessed at or before the baseline day keep their assessment
        assessed = np.zeros(nd, dtype=bool)
        assessed[a_code[a_t <= b]] = True
        dec[~assessed, b] = CODE_OF_STATUS[baseline]
        has_dec[~assessed, b] = True
        rule[~assessed, b] = R_BASELINE
        reset_mark[~assessed, b] = b
    dec[a_code, a_t] = ev.as_status[a_in]
    has_dec[a_code, a_t] = True
    rule[a_code, a_t] = R_ASSESSMENT
    reset_mark[a_code, a_t] = a_t
    reset = np.maximum.accumulate(reset_mark, axis=1)
    open_day = reset != t_idx[None, :]  # rules apply on days that are not reset days

    # window (lo, t] with lo = max(t - w, reset): sums = cum[t + 1] - cum[lo + 1]
    lo_col = np.clip(np.maximum(t_idx[None, :] - w, reset) + 1, 0, n)
    win = {k: cum[k][:, 1:] - np.take_along_axis(cum[k], lo_col, axis=1) for k in range(N_KINDS)}

    # density-aware minimum counts from the rates of ground fighting per district-day over
    # the trailing `rate_days` (causal: days up to t only): the country's typical district
    # and the district itself
    rate_days = int(r.rate_days)
    fc = cum[K_FIGHT]
    trailing = fc[:, t_idx + 1] - fc[:, np.clip(t_idx - rate_days + 1, 0, None)]
    first = ev.first_day if ev.first_day is not None else day0
    span = np.clip(t_idx - (first - day0) + 1, 1, rate_days)
    reference = _reference(trailing / span[None, :], r.reference_quantile)
    # expected fighting per window: the larger of the typical district's and the district's
    # own before the window (a district that always fights needs a surge to count; with no
    # history before the window, the typical district's rate alone)
    bg_hi = np.clip(t_idx - w + 1, 0, None)
    bg_lo = np.clip(t_idx - w - rate_days + 1, 0, None)
    bg_days = np.clip(bg_hi - np.maximum(bg_lo, first - day0), 0, None).astype(float)
    own = (fc[:, bg_hi] - fc[:, bg_lo]) / np.maximum(bg_days, 1.0)[None, :]
    expected = np.maximum(reference[None, :], own) * w
    # warm-up: the density-aware rules need a norm, `warm_up_days` of data before the
    # window; on the first days of an export a city that always fights would otherwise
    # be judged against the typical district alone and flip on noise
    history = np.clip(t_idx - w + 1 - (first - day0), 0, None)
    warm = (history >= r.warm_up_days)[None, :]
    rules_from = int(first) + w - 1 + int(r.warm_up_days)
    if ev.first_day is not None and r.warm_up_days > 0 and first_day < rules_from:
        start = np.datetime64(int(first), "D")
        log.info(
            "the events start on %s: dominance and sustained fighting need %d days of "
            "events before a %d-day window, so they judge from %s on; earlier dates rest on "
            "assessments, the baseline, transfers and sole presence (export events from "
            "earlier, or set warm_up_days / --warm-up-days 0)",
            start,
            int(r.warm_up_days),
            w,
            np.datetime64(rules_from, "D"),
        )
    threshold = np.maximum(r.min_fighting_events, np.ceil(r.fighting_factor * expected - 1e-9))
    dom_min = np.maximum(r.min_dominance_events, np.ceil(r.dominance_factor * expected - 1e-9))

    # (a) takeover: a side with at least `takeover_ratio` times the transfers of all others
    tg, ti, to = win[K_T_GOV], win[K_T_INS], win[K_T_OTHER]
    any_t = (tg + ti) > 0
    take_gov = any_t & (tg >= r.takeover_ratio * (ti + to))
    take_ins = any_t & (ti >= r.takeover_ratio * (tg + to)) & ~take_gov
    conflict = any_t & ~take_gov & ~take_ins
    # (b) dominance: a side initiating at least `dominance_share` of the armed events
    # (events with no initiator on record count in the total, for neither side)
    ig, ii = win[K_INIT_GOV], win[K_INIT_INS]
    total = ig + ii + win[K_NO_INIT]
    enough = (total >= dom_min) & warm
    dom_gov = enough & (ig >= r.dominance_share * total) & _beyond_chance(ig, total, r)
    dom_ins = enough & (ii >= r.dominance_share * total) & _beyond_chance(ii, total, r)
    dom_ins &= ~dom_gov
    # (b') sole presence: one side in at least `min_sole_events` armed events of the
    # window, the other in none
    sole_gov = (win[K_GOV_ANY] >= r.min_sole_events) & (win[K_INS_ANY] == 0)
    sole_ins = (win[K_INS_ANY] >= r.min_sole_events) & (win[K_GOV_ANY] == 0)
    # (b'') collapse: a side whose share of the country's armed events in the window falls
    # below `collapse_ratio` of its share over the trailing rate window has collapsed; it
    # holds no district where it took part in no armed event of the window
    gov_gone, ins_gone = _collapse(
        cum, ev.groups, t_idx, w, rate_days, r.collapse_ratio, r.collapse_events
    )
    sole_ins |= gov_gone & (win[K_GOV_ANY] == 0)
    sole_gov |= ins_gone & (win[K_INS_ANY] == 0)
    # (d) sustained fighting, both sides in it, nobody dominating: contested
    fighting = (win[K_FIGHT] >= threshold) & (win[K_GOV_IN] > 0) & (win[K_INS_IN] > 0) & warm

    def decide(mask: np.ndarray, code: np.ndarray | int, rule_code: int) -> None:
        m = mask & open_day & ~has_dec
        dec[m] = code[m] if isinstance(code, np.ndarray) else code
        has_dec[m] = True
        rule[m] = rule_code

    decide(take_gov, S_GOV, R_TAKEOVER)
    decide(take_ins, S_INS, R_TAKEOVER)
    # conflicting transfers: the last transfer's side holds underneath the contest
    last_side = _last_transfer_side(counts[K_T_GOV], counts[K_T_INS])
    decide(conflict & (last_side > 0), last_side, R_TAKEOVER)
    decide(dom_gov, S_GOV, R_DOMINANCE)
    decide(dom_ins, S_INS, R_DOMINANCE)
    decide(sole_gov, S_GOV, R_SOLE)
    decide(sole_ins, S_INS, R_SOLE)

    # the holder: the last decision, carried forward (historical control)
    decided = np.maximum.accumulate(np.where(has_dec, t_idx[None, :], -1), axis=1)
    at = np.clip(decided, 0, None)
    never = decided < 0
    status = np.where(never, S_UNKNOWN, np.take_along_axis(dec, at, axis=1)).astype(np.int8)
    out_rule = np.where(never, R_NONE, np.take_along_axis(rule, at, axis=1)).astype(np.int8)

    # contested over the holder while transfers conflict or fighting is sustained
    over_conflict = conflict & open_day
    over_fight = fighting & open_day & ~(any_t | dom_gov | dom_ins | sole_gov | sole_ins)
    status[over_conflict | over_fight] = S_CONTESTED
    out_rule[over_conflict] = R_CONFLICT
    out_rule[over_fight] = R_FIGHTING
    return States(
        day0=day0,
        window_days=w,
        status=status,
        rule=out_rule,
        decided=decided,
        reset=reset,
        window=win,
        threshold=threshold,
        dom_min=dom_min,
        reference_rate=reference,
    )


def _collapse(
    cum: np.ndarray,
    groups: np.ndarray,
    t_idx: np.ndarray,
    w: int,
    rate_days: int,
    ratio: float,
    minimum: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(districts x days): whether the government / the insurgents have collapsed.

    Judged in each district's province (``groups``) when the province's window has at
    least ``minimum`` armed events, else in the whole country.
    """
    ng = int(groups.max()) + 1 if groups.size else 0

    def sums(k: int, days: int) -> tuple[np.ndarray, np.ndarray]:
        per = np.zeros((ng, cum.shape[2]), dtype=np.int64)
        np.add.at(per, groups, cum[k])
        lo = np.clip(t_idx - days + 1, 0, None)
        region = (per[:, t_idx + 1] - per[:, lo]).astype(float)
        return region, region.sum(axis=0, keepdims=True)

    def gone(
        g_now: np.ndarray, i_now: np.ndarray, g_past: np.ndarray, i_past: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(invalid="ignore", divide="ignore"):
            share = g_now / (g_now + i_now)
            past = g_past / (g_past + i_past)
            g = (share < ratio * past) & ((g_now + i_now) >= minimum)
            i = ((1 - share) < ratio * (1 - past)) & ((g_now + i_now) >= minimum)
        return np.nan_to_num(g).astype(bool), np.nan_to_num(i).astype(bool)

    (gr, gn), (ir, inn) = sums(K_GOV_ANY, w), sums(K_INS_ANY, w)
    (gpr, gpn), (ipr, ipn) = sums(K_GOV_ANY, rate_days), sums(K_INS_ANY, rate_days)
    reg_g, reg_i = gone(gr, ir, gpr, ipr)
    nat_g, nat_i = gone(gn, inn, gpn, ipn)
    busy = (gr + ir) >= minimum
    gov_gone = np.where(busy, reg_g, nat_g)[groups]
    ins_gone = np.where(busy, reg_i, nat_i)[groups]
    return gov_gone, ins_gone


def _beyond_chance(k: np.ndarray, n: np.ndarray, r: ControlRules) -> np.ndarray:
    """Where ``k`` of ``n`` events started by one side is more than a coin would give:
    ``P(X >= k) <= r.dominance_significance`` for ``X ~ Binomial(n, 1/2)`` (all True when
    the significance is 0). On few events only a near-unanimous side dominates (5 of 5 at
    0.05), on many the share rule governs."""
    if r.dominance_significance <= 0:
        return np.ones(k.shape, dtype=bool)
    from scipy.special import bdtrc  # P(X > k) of a binomial variable

    out = np.zeros(k.shape, dtype=bool)
    some = (k > 0) & (n > 0)
    kk, nn = k[some].astype(np.int64), n[some].astype(np.int64)
    out[some] = bdtrc(kk - 1, nn, 0.5) <= r.dominance_significance
    return out


def _reference(per_day: np.ndarray, q: float) -> np.ndarray:
    """The country's reference rate on each day: the ``q`` quantile over districts."""
    if per_day.shape[0] == 0:
        return np.zeros(per_day.shape[1])
    return np.asarray(np.quantile(per_day, q, axis=0))


def _last_transfer_side(t_gov: np.ndarray, t_ins: np.ndarray) -> np.ndarray:
    """Side code of the most recent transfer day at or before each day (0: none or a tie)."""
    n = t_gov.shape[1]
    day_side = np.where(
        (t_gov > 0) & (t_ins == 0), S_GOV, np.where((t_ins > 0) & (t_gov == 0), S_INS, 0)
    ).astype(np.int8)
    last = np.maximum.accumulate(np.where((t_gov + t_ins) > 0, np.arange(n)[None, :], -1), axis=1)
    side = np.take_along_axis(day_side, np.clip(last, 0, None), axis=1)
    return np.where(last >= 0, side, 0).astype(np.int8)
