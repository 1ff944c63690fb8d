"""Territorial control: who holds each district as of a date, since when, and why.

:func:`control_from_events` decides, for every district and date, one of
:data:`geofront.schema.CONTROL_STATUSES`, with the rule that decided, the date of the
last change, the evidence (event ids, assessment references or the baseline), a graded
score and Kalyvas's five zones. :func:`control_history` gives the same answer for many
dates at once (one row per district and date) and :func:`control_timeline` counts it.

The rules
---------
The rules follow the logic of ACLED's own coding of territorial change (its transfer
sub-event types, "Non-state actor overtakes territory", "Government regains territory",
"Non-violent transfer of territory", and its actor order: ``actor1`` initiates) and of the
territorial-control literature: control is what one side can hold and the other cannot
contest (Kalyvas 2006, *The Logic of Violence in Civil War*, ch. 7: the five zones);
insurgents fight conventionally where they hold ground and use remote violence where they
do not (Anders 2020, "Territorial control in civil wars: theory and measurement using
machine learning", *Journal of Peace Research* 57(6)). Every threshold is a field of
:class:`ControlRules`, defined there once, exposed as a CLI option and a case-file key,
and written to ``parameters.toml``.

For a district ``d`` on a day ``t``, with the window ``(t - window_days, t]`` (cut at the
last baseline or assessment of ``d``: evidence before it is what it summarised):

0. **Baseline and assessments.** The state starts from the ``baseline`` (every district
   not assessed at or before ``baseline_date``; rule ``baseline``) and from analyst
   assessments, each of which sets its district's state on its date (rule ``assessment``;
   several disagreeing assessments of one day make it contested).
1. **Takeover.** A side with at least :attr:`~ControlRules.takeover_ratio` (2) times as
   many territory-transfer events in the window as all others together takes the district
   (rule ``territory_transfer``). Transfers that do not reach the ratio make it contested
   while they are in the window (rule ``conflicting_transfers``), over the side of the
   latest transfer.
2. **Dominance.** A side that initiates at least :attr:`~ControlRules.dominance_share`
   (two thirds) of the armed events of the window holds the district (rule
   ``dominance``), provided the window has at least the day's dominance minimum of such
   events (below): initiative decides only in fighting of some weight, never in sporadic
   attacks (in a government-held district the insurgents start most of the few clashes
   there are). Only ground fighting (:attr:`~ControlRules.initiative_event_types`: ACLED
   ``Battles``) counts as initiative: air strikes, shelling and bombs are delivered into
   ground the attacker does *not* hold (Anders 2020), so counting them as the attacker's
   control would hand every bombed district to the air force. Events with no initiator
   on record (UCDP: ``side_a`` is only the dyad's first party) count in the total for
   neither side. On few events the share must also be more than chance
   (:attr:`~ControlRules.dominance_significance`, a one-sided binomial test against an
   even split at 0.05: 5 of 5, 7 of 8, 9 of 10 events): where insurgents start 60 % of
   the clashes as a matter of course, 2 of 3 is a coin toss, and on a sparse export it
   handed districts and capitals over by the dozen.
3. **Sole presence and collapse.** A side that takes part in at least
   :attr:`~ControlRules.min_sole_events` armed events of the window (fighting and remote
   violence) while the other takes part in none holds the district (rule
   ``sole_presence``). And when a side's share of the whole country's armed events in the
   window falls below :attr:`~ControlRules.collapse_ratio` of its share over the trailing
   rate window (with at least :attr:`~ControlRules.collapse_events` events nationally), it
   has collapsed: it holds no district where it took part in no armed event of the window
   (rule ``sole_presence``). This is how a state that vanishes (Kabul, 15 August 2021)
   loses the districts that fell without a reported fight.
4. **Persistence.** Otherwise the last holder persists (historical control). As evidence
   leaves the window the state follows the most recent evidence; once none is left, the
   last state holds.
5. **Contested.** A district is contested while fighting is *sustained* and no rule above
   decides: at least the day's fighting threshold of ground-fighting events
   (:attr:`~ControlRules.fighting_event_types`) in the window, with both sides in them
   (rule ``sustained_fighting``). When the fighting stops without a decision, the holder
   underneath is back.
6. **No evidence.** No baseline, assessment or deciding event yet: ``unknown``.

*Density-aware thresholds.* One clash in a month proves nothing on a dense export where
every district sees fighting. The fighting threshold of a day is
``max(min_fighting_events, ceil(fighting_factor x expected))`` and the dominance minimum
``max(min_dominance_events, ceil(dominance_factor x expected))``, where ``expected`` is
the number of ground-fighting events in a window at the larger of two rates: the typical
district's over the trailing :attr:`~ControlRules.rate_days` (the
:attr:`~ControlRules.reference_quantile` over districts, the median by default) and the
district's own over the ``rate_days`` before the window (none without history). Both
rules need that norm: they start once the events hold
:attr:`~ControlRules.warm_up_days` of history before the window. Only
events up to that day count, so the answer for a date never depends
on later events. On sparse data the floors apply; on a dense export the bar rises with
the data, and in a district that always sees fighting (a capital) only a surge above its
own normal decides anything: the chance balance of its everyday attacks never hands it
over. Both figures are written per district (``fighting_threshold``,
``dominance_minimum``).

*Defaults and how they were chosen.* A 14-day window (``window_days``), a fighting
threshold of 4 and a dominance minimum of 3.5 times the expected fighting (at least 3
events), two thirds for dominance and more than a coin toss (binomial, 0.05), 14 days of
history before the density rules judge, twice the transfers for a takeover, 3 events for
sole presence, a collapse below half a side's usual share (0.3 before: it showed the
August 2021 collapse five weeks late, 0.5 two, with no change before it). They were
chosen on the seeded synthetic war of ``benchmarks/make_acled_like.py``, whose ground truth is known, with
``benchmarks/validate_control.py`` (figures in the README), and they follow the logic
above, not the generator: the generator's own parameters were set before the rules.

*Score and zones.* ``score`` in [-1, 1] (-1 government ... +1 insurgent) is
``(I - G) / (I + G)``, where ``G`` and ``I`` add, for each side, its initiated fighting
and its transfers since the last reset, weighted by recency (half-life
:attr:`~ControlRules.score_half_life_days`; a transfer weighs as much as the fighting
threshold), plus the fighting threshold for the holder (half to each for an assessed
contest). ``zone`` (:data:`geofront.schema.CONTROL_ZONES`, after Kalyvas) is ``full
government`` / ``government dominant`` for a government holder (score at most
``-full_zone_score`` or not), ``parity`` when contested, and the insurgent pair
symmetrically; ``unknown`` without evidence.

``since`` is the first day of the current status's run; NaT when the status has been the
same since the district's first state and that state came from the baseline or an
assessment (a first state is recorded, not a change). Events whose ``district_id`` is
missing (region precision) never decide a district. Only evidence dated on or before the
day counts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geofront import control_model as M
from geofront.assessments import AssessmentsRead
from geofront.boundaries import AdminBoundaries
from geofront.control_table import (
    BASELINES,
    as_dates,
    as_day,
    evidence_of,
    read_control,
    run_rules,
    table_at,
    zones,
)
from geofront.crs import equal_area_km2
from geofront.defaults import CONTROL_WINDOW_DAYS
from geofront.errors import InputError
from geofront.schema import (
    CONTROL_STATUSES,
    DISTRICT_COLUMNS,
)
from geofront.sides import SOURCES_WITHOUT_INITIATOR
from geofront.validate import check_frame

__all__ = [
    "BASELINES",
    "DEFAULT_WINDOW_DAYS",
    "HISTORY_COLUMNS",
    "REQUIRED_EVENT_COLUMNS",
    "RULES",
    "THRESHOLD_FIELDS",
    "TIMELINE_COLUMNS",
    "ControlRules",
    "ControlSeries",
    "control_from_events",
    "control_history",
    "control_series",
    "control_timeline",
    "evidence_dates",
    "read_control",
    "timeline_from_history",
    "zones",
]

log = logging.getLogger(__name__)

#: Rule names written to the ``rule`` column.
RULE_NONE, RULE_BASELINE, RULE_ASSESSMENT, RULE_TRANSFER = M.RULE_NAMES[:4]
RULE_CONFLICTING, RULE_DOMINANCE, RULE_FIGHTING, RULE_SOLE = M.RULE_NAMES[4:]
RULES: tuple[str, ...] = tuple(M.RULE_NAMES)

#: Event columns :func:`control_from_events` needs.
REQUIRED_EVENT_COLUMNS = M.REQUIRED_EVENT_COLUMNS
#: Columns of :func:`control_timeline`; ``last_evidence`` is the last day with evidence
#: (an event the rules count, or an assessment) anywhere, on or before the date;
#: ``assumed_*`` are the part of the districts, area and people whose status only the
#: baseline assumes (rule ``baseline``).
TIMELINE_COLUMNS = (
    "date",
    "status",
    "districts",
    "area_km2",
    "people",
    "last_evidence",
    "assumed_districts",
    "assumed_area_km2",
    "assumed_people",
)
#: Columns of :func:`control_history`.
HISTORY_COLUMNS = (
    "date",
    "district_id",
    "district",
    "province_id",
    "province",
    "status",
    "rule",
    "since",
    "last_evidence",
)
#: Days of the window the control rules look at, up to the date judged (the default of
#: every function, command and case file: :data:`geofront.defaults.CONTROL_WINDOW_DAYS`).
DEFAULT_WINDOW_DAYS = CONTROL_WINDOW_DAYS


@dataclass(frozen=True)
class ControlRules:
    """The rule set of :func:`control_from_events`; every default is defined here, once.

    Attributes
    ----------
    transfer_to_actor1 : tuple of str
        ``sub_event_type`` values that give the district to the side of ``actor1``.
    transfer_to_government : tuple of str
        ``sub_event_type`` values that give the district to the government.
    fighting_event_types : tuple of str
        ``event_type`` values counted as ground fighting (sustained fighting and the
        density reference): ACLED ``Battles``, UCDP ``State-based conflict``.
    initiative_event_types : tuple of str
        ``event_type`` values whose initiator (``actor1``) counts for dominance. Add
        ``Explosions/Remote violence`` for ACLED's literal reading ("clashes, attacks,
        remote violence"); see the module docstring for why the default leaves it out.
    sources_without_initiator : tuple of str
        ``source_dataset`` values whose ``actor1`` is not an initiator (UCDP's ``side_a``).
    takeover_ratio : float
        A side takes a district with at least this many times the transfer events of all
        others in the window (2: ACLED's "twice as many").
    dominance_share : float
        Share of the initiated armed events a side must initiate to dominate (2/3).
    min_dominance_events : int
        Floor of the dominance minimum: armed events in the window needed before any side
        can dominate.
    dominance_factor : float
        Dominance minimum relative to the typical district's events per window.
    dominance_significance : float
        A side dominates only if its count of initiated events is also more than a coin
        would give: ``P(X >= k) <= dominance_significance`` for ``X ~ Binomial(n, 1/2)``
        (0.05: 5 of 5 events, 7 of 8, 9 of 10, 15 of 20; from 28 events on the share rule
        alone decides). Where a side starts 60 % of the fighting as a matter of course, 2
        of 3 events are chance, not control. 0 turns the test off.
    min_fighting_events : int
        Floor of the sustained-fighting threshold (ground-fighting events in the window).
    fighting_factor : float
        Sustained-fighting threshold relative to the typical district's events per window.
    armed_event_types : tuple of str
        ``event_type`` values counted as armed events for sole presence and collapse
        (ground fighting and remote violence).
    min_sole_events : int
        Armed events of one side in a window in which the other side takes part in none
        that hand the district to the first (sole presence).
    collapse_ratio : float
        A side has collapsed when its share of the country's armed events in the window
        falls below this fraction of its share over the trailing rate window.
    collapse_events : int
        Armed events the country's window needs before a collapse can be judged (a gap in
        the data is not a collapse).
    reference_quantile : float
        Which district is "typical": the quantile over districts of their fighting rate.
    rate_days : int
        Days over which the reference rate is measured (trailing, up to the day judged).
    warm_up_days : int
        Days of events before a window that dominance and sustained fighting need: until
        the data hold that much history a district's own norm is unknown, and a city that
        always fights would be judged against the typical district alone and flip on
        noise. Before then only assessments, the baseline, transfers, sole presence and
        collapse decide (a warning says from when the rules apply). 0: from the first day.
    score_half_life_days : float
        Half-life of the recency weights of the score.
    full_zone_score : float
        ``|score|`` from which a holder's zone is "full" rather than "dominant".
    max_evidence : int
        At most this many references per district in ``evidence`` (the rest counted as
        ``+N more``).
    """

    transfer_to_actor1: tuple[str, ...] = (
        "Non-state actor overtakes territory",
        "Non-violent transfer of territory",
    )
    transfer_to_government: tuple[str, ...] = ("Government regains territory",)
    fighting_event_types: tuple[str, ...] = ("Battles", "State-based conflict")
    armed_event_types: tuple[str, ...] = (
        "Battles",
        "Explosions/Remote violence",
        "State-based conflict",
    )
    initiative_event_types: tuple[str, ...] = ("Battles",)
    sources_without_initiator: tuple[str, ...] = SOURCES_WITHOUT_INITIATOR
    takeover_ratio: float = 2.0
    dominance_share: float = 2 / 3
    min_dominance_events: int = 3
    dominance_factor: float = 3.5
    dominance_significance: float = 0.05
    min_fighting_events: int = 3
    fighting_factor: float = 4.0
    reference_quantile: float = 0.5
    rate_days: int = 365
    warm_up_days: int = 14
    score_half_life_days: float = 15.0
    full_zone_score: float = 0.6
    min_sole_events: int = 3
    collapse_ratio: float = 0.5
    collapse_events: int = 10
    max_evidence: int = 20

    def __post_init__(self) -> None:
        problems = []
        for name in (
            "min_dominance_events",
            "min_fighting_events",
            "min_sole_events",
            "collapse_events",
            "rate_days",
            "max_evidence",
        ):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
                problems.append(f"{name}={v!r}: give a whole number >= 1")
        v = self.warm_up_days
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 0:
            problems.append(f"warm_up_days={v!r}: give a whole number >= 0")
        for name, lo, hi in (
            ("takeover_ratio", 1.0, 1e6),
            ("dominance_share", 0.5, 1.0),
            ("dominance_factor", 0.0, 1e6),
            ("dominance_significance", 0.0, 0.5),
            ("fighting_factor", 0.0, 1e6),
            ("reference_quantile", 0.0, 1.0),
            ("score_half_life_days", 1e-6, 1e6),
            ("collapse_ratio", 0.0, 1.0),
            ("full_zone_score", 0.0, 1.0),
        ):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi:
                problems.append(f"{name}={v!r}: give a number in [{lo:g}, {hi:g}]")
        if problems:
            raise InputError("control rules: " + "; ".join(problems))

    def as_dict(self) -> dict[str, Any]:
        """The rules as plain values (tuples as lists), in field order: for parameters.toml."""
        return {
            f.name: list(v) if isinstance(v := getattr(self, f.name), tuple) else v
            for f in fields(self)
        }


#: The numeric thresholds of :class:`ControlRules` (exposed as CLI options and case keys).
THRESHOLD_FIELDS = (
    "takeover_ratio",
    "dominance_share",
    "min_dominance_events",
    "dominance_factor",
    "dominance_significance",
    "min_fighting_events",
    "fighting_factor",
    "reference_quantile",
    "rate_days",
    "warm_up_days",
    "min_sole_events",
    "collapse_ratio",
    "collapse_events",
    "score_half_life_days",
)


def control_from_events(
    joined: pd.DataFrame | None,
    boundaries: AdminBoundaries | gpd.GeoDataFrame,
    *,
    as_of: str | pd.Timestamp,
    window_days: int = CONTROL_WINDOW_DAYS,
    assessments: AssessmentsRead | pd.DataFrame | None = None,
    rules: ControlRules | None = None,
    baseline: str | None = None,
    baseline_date: str | pd.Timestamp | None = None,
) -> gpd.GeoDataFrame:
    """Return who holds each district as of ``as_of`` (see the module docstring for rules).

    Parameters
    ----------
    joined : DataFrame or GeoDataFrame or None
        Joined events (canonical events plus :data:`geofront.schema.JOIN_COLUMNS`);
        needs :data:`REQUIRED_EVENT_COLUMNS`. Not modified. ``None``: no events
        (assessments and the baseline alone).
    boundaries : AdminBoundaries or GeoDataFrame
        The districts the events were joined to (a GeoDataFrame with
        :data:`geofront.schema.DISTRICT_COLUMNS`).
    as_of : str or Timestamp
        The day to decide for; events and assessments after it are ignored.
    window_days : int
        Length of the window ending on ``as_of`` (inclusive) that the rules look at.
    assessments : AssessmentsRead or DataFrame, optional
        Analyst assessments (:func:`geofront.assessments.read_assessments`), or a frame
        with ``district_id``, ``date``, ``status`` and ``ref``.
    rules : ControlRules, optional
        The rule set; default :class:`ControlRules`.
    baseline : {"government", "insurgent", "unknown"}, optional
        The state of every district not assessed at or before ``baseline_date``.
        ``None``: no baseline (districts start ``unknown`` and the evidence before the
        first deciding event is all there is).
    baseline_date : str or Timestamp, optional
        The day the baseline describes; default the day before the first evidence.

    Returns
    -------
    GeoDataFrame
        One row per district of ``boundaries``, in its order and CRS, indexed by
        ``district_id``: :data:`geofront.schema.CONTROL_COLUMNS` and geometry.
        ``status`` is one of :data:`geofront.schema.CONTROL_STATUSES`; ``since``
        datetime64 or NaT; ``rule`` one of :data:`RULES`; ``evidence`` the
        ``;``-separated event ids / assessment references (oldest first) or
        ``baseline:YYYY-MM-DD``; ``score`` float in [-1, 1] (NaN without evidence);
        ``zone`` one of :data:`geofront.schema.CONTROL_ZONES`; the window's
        ``fighting_events``, ``gov_initiated``, ``ins_initiated`` and ``transfers``, and
        the day's ``fighting_threshold`` and ``dominance_minimum``.
    """
    day = as_day(as_of, "as_of")
    series = control_series(
        joined,
        boundaries,
        dates=[day],
        window_days=window_days,
        assessments=assessments,
        rules=rules,
        baseline=baseline,
        baseline_date=baseline_date,
    )
    return series.table(day)


def _credits(joined: pd.DataFrame | None, assessments: Any) -> list[str]:
    """Credits of the evidence (``attrs["credits"]``: maps of the table credit it)."""
    from geofront.credits import assessments_credit, events_credit

    out = events_credit(joined)
    if isinstance(assessments, AssessmentsRead):
        out.append(assessments_credit(assessments))
    return out


def control_history(
    joined: pd.DataFrame | None,
    boundaries: AdminBoundaries | gpd.GeoDataFrame,
    *,
    dates: Iterable[str | pd.Timestamp],
    window_days: int = CONTROL_WINDOW_DAYS,
    assessments: AssessmentsRead | pd.DataFrame | None = None,
    rules: ControlRules | None = None,
    baseline: str | None = None,
    baseline_date: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Return the status of every district on every date: one row per date and district.

    The answer for each date is the one :func:`control_from_events` gives for it (the
    rules run once, day by day, up to the last date).

    Parameters
    ----------
    joined, boundaries, window_days, assessments, rules, baseline, baseline_date
        As for :func:`control_from_events`.
    dates : iterable of str or Timestamp
        The days to decide for (sorted and de-duplicated in the output).

    Returns
    -------
    DataFrame
        :data:`HISTORY_COLUMNS`, sorted by date then in the boundaries' district order.
    """
    return control_series(
        joined,
        boundaries,
        dates=dates,
        window_days=window_days,
        assessments=assessments,
        rules=rules,
        baseline=baseline,
        baseline_date=baseline_date,
    ).history()


class ControlSeries:
    """Control on several dates from one run of the rules (:func:`control_series`).

    The rules run once, day by day, from the first evidence to the last date; the table
    of any of the dates is then read off the run: :meth:`table` is what
    :func:`control_from_events` returns for that date and :meth:`history` what
    :func:`control_history` returns for all of them. Use it when one analysis needs
    control on many dates (a case run: the as-of date, the small multiples and the
    timeline).

    Attributes
    ----------
    dates : tuple of Timestamp
        The dates, sorted, without repeats.
    """

    def __init__(
        self,
        ev: M.Evidence,
        states: M.States,
        districts: gpd.GeoDataFrame,
        dates: Sequence[pd.Timestamp],
        credits: list[str],
    ) -> None:
        self._ev, self._states, self._districts = ev, states, districts
        self.dates: tuple[pd.Timestamp, ...] = tuple(dates)
        self._credits = credits

    def table(self, day: str | pd.Timestamp) -> gpd.GeoDataFrame:
        """The control table of ``day``, one of :attr:`dates` (as :func:`control_from_events`)."""
        d = as_day(day, "day")
        if d not in self.dates:
            raise InputError(
                f"{d.date()} is not one of the dates of this control series "
                f"({', '.join(str(x.date()) for x in self.dates)}): add it to dates"
            )
        out = table_at(self._ev, self._states, self._districts, d)
        frame = gpd.GeoDataFrame(
            out, geometry=self._districts.geometry.array, crs=self._districts.crs
        )
        frame.attrs["credits"] = list(self._credits)
        return frame

    def history(self, dates: Iterable[str | pd.Timestamp] | None = None) -> pd.DataFrame:
        """The status of every district on each date (as :func:`control_history`).

        ``dates``: a subset of :attr:`dates` (default: all of them).
        """
        days = list(self.dates) if dates is None else _dates(dates)
        missing = [d for d in days if d not in self.dates]
        if missing:
            raise InputError(
                f"{missing[0].date()} is not one of the dates of this control series: "
                "add it to dates"
            )
        last = M.last_evidence_days(self._ev, M.to_days(days))
        parts = []
        for j, day in enumerate(days):
            t = table_at(self._ev, self._states, self._districts, day, detail=False)
            t.insert(0, "date", day)
            t["last_evidence"] = as_dates(last[:, j])
            parts.append(t)
        out = pd.concat(parts, ignore_index=True)
        return out[list(HISTORY_COLUMNS)]


def control_series(
    joined: pd.DataFrame | None,
    boundaries: AdminBoundaries | gpd.GeoDataFrame,
    *,
    dates: Iterable[str | pd.Timestamp],
    window_days: int = CONTROL_WINDOW_DAYS,
    assessments: AssessmentsRead | pd.DataFrame | None = None,
    rules: ControlRules | None = None,
    baseline: str | None = None,
    baseline_date: str | pd.Timestamp | None = None,
) -> ControlSeries:
    """Run the control rules once for several dates; read each date's table off the run.

    Parameters
    ----------
    joined, boundaries, window_days, assessments, rules, baseline, baseline_date
        As for :func:`control_from_events`.
    dates : iterable of str or Timestamp
        The days to decide for (sorted and de-duplicated).

    Returns
    -------
    ControlSeries
        ``.table(day)`` is :func:`control_from_events` of that day and ``.history()``
        :func:`control_history` of all the dates, from the one run.
    """
    districts = _districts(boundaries)
    days = _dates(dates)
    rules = rules or ControlRules()
    ev = evidence_of(joined, districts, assessments, rules)
    states = run_rules(ev, days[0], days[-1], window_days, baseline, baseline_date)
    return ControlSeries(ev, states, districts, days, _credits(joined, assessments))


def control_timeline(
    joined: pd.DataFrame | None,
    boundaries: AdminBoundaries | gpd.GeoDataFrame,
    *,
    dates: Iterable[str | pd.Timestamp],
    window_days: int = CONTROL_WINDOW_DAYS,
    assessments: AssessmentsRead | pd.DataFrame | None = None,
    rules: ControlRules | None = None,
    baseline: str | None = None,
    baseline_date: str | pd.Timestamp | None = None,
    population: Any = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Return, for each date and status, the number of districts, their area and people.

    Parameters
    ----------
    joined, boundaries, window_days, assessments, rules, baseline, baseline_date
        As for :func:`control_from_events`.
    dates : iterable of str or Timestamp
        The days to decide for (sorted and de-duplicated in the output).
    population : optional
        A population raster (path or bundled dataset name, or ``True`` for the bundled
        WorldPop raster) to count people per status with
        :func:`geofront.exposure.population_by_zone` (each district summed once, partial
        cells counted by covered fraction); ``None`` leaves ``people`` empty (NaN).
    progress : bool
        Accepted for symmetry with other long steps; the rules run once for all dates.

    Returns
    -------
    DataFrame
        :data:`TIMELINE_COLUMNS`, one row per date and status (every status of
        :data:`geofront.schema.CONTROL_STATUSES`, zeros included), sorted by date
        then status in legend order. ``area_km2`` in an equal-area CRS (EPSG:6933);
        ``people`` float.
    """
    districts = _districts(boundaries)
    history = control_history(
        joined,
        districts,
        dates=dates,
        window_days=window_days,
        assessments=assessments,
        rules=rules,
        baseline=baseline,
        baseline_date=baseline_date,
    )
    return timeline_from_history(history, districts, population=population)


def evidence_dates(
    joined: pd.DataFrame | None,
    *,
    assessments: AssessmentsRead | pd.DataFrame | None = None,
    districts: Iterable[str] | None = None,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    max_dates: int = 4,
) -> list[pd.Timestamp]:
    """The days with evidence (an event or an assessment) in an area, for small multiples.

    Parameters
    ----------
    joined : DataFrame or None
        Joined events (``date``, ``district_id``).
    assessments : AssessmentsRead or DataFrame, optional
        Their ``date`` and ``district_id`` count too.
    districts : iterable of str, optional
        The area's district ids (default: everywhere).
    start, end : date-like, optional
        Only days in ``[start, end]``.
    max_dates : int
        At most this many days: evenly spread over the days found, the last always kept.

    Returns
    -------
    list of Timestamp
        Sorted days (midnight); empty when there is no evidence.
    """
    frames = []
    if joined is not None and len(joined) and "date" in joined.columns:
        frames.append(joined[["date", "district_id"]])
    table = assessments.table if isinstance(assessments, AssessmentsRead) else assessments
    if table is not None and len(table):
        frames.append(table[["date", "district_id"]])
    if not frames:
        return []
    ev = pd.concat(frames, ignore_index=True)
    if districts is not None:
        ev = ev[ev["district_id"].astype(str).isin({str(d) for d in districts})]
    days = pd.to_datetime(ev["date"], errors="coerce").dropna().dt.normalize()
    if start is not None:
        days = days[days >= pd.Timestamp(start).normalize()]
    if end is not None:
        days = days[days <= pd.Timestamp(end).normalize()]
    found = sorted(pd.Timestamp(d) for d in days.unique())
    if len(found) <= max_dates:
        return found
    pick = np.unique(np.round(np.linspace(0, len(found) - 1, max_dates)).astype(int))
    return [found[i] for i in pick]


def timeline_from_history(
    history: pd.DataFrame, boundaries: AdminBoundaries | gpd.GeoDataFrame, *, population: Any
) -> pd.DataFrame:
    """Count a :func:`control_history` table per date and status (see :func:`control_timeline`)."""
    districts = _districts(boundaries)
    n = len(districts)
    area = np.asarray(equal_area_km2(districts.geometry), dtype=float)
    people = _people(districts, population)
    days = pd.Index(pd.unique(history["date"]))
    status = history["status"].to_numpy().reshape(len(days), n)
    assumed = (
        history["rule"].to_numpy().reshape(len(days), n) == RULE_BASELINE
        if "rule" in history.columns
        else np.zeros((len(days), n), dtype=bool)
    )
    if "last_evidence" in history.columns:
        last = pd.to_datetime(history["last_evidence"]).groupby(history["date"]).max()
    else:
        last = pd.Series(pd.NaT, index=days)
    rows = []
    for i, day in enumerate(days):
        for st in CONTROL_STATUSES:
            mask = status[i] == st
            part = mask & assumed[i]
            rows.append(
                (
                    day,
                    st,
                    int(mask.sum()),
                    float(area[mask].sum()),
                    float(people[mask].sum()) if people is not None else np.nan,
                    last.get(day, pd.NaT),
                    int(part.sum()),
                    float(area[part].sum()),
                    float(people[part].sum()) if people is not None else np.nan,
                )
            )
    return pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))


# --- small helpers --------------------------------------------------------------------------


def _districts(boundaries: AdminBoundaries | gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    d = boundaries.districts if isinstance(boundaries, AdminBoundaries) else boundaries
    check_frame(
        d,
        what="boundaries",
        columns=DISTRICT_COLUMNS,
        fix="read them with geofront.boundaries.read_boundaries",
    )
    return d


def _dates(dates: Iterable[str | pd.Timestamp]) -> list[pd.Timestamp]:
    days = sorted({as_day(d, "dates") for d in dates})
    if not days:
        raise InputError("no dates given: pass at least one date (YYYY-MM-DD)")
    return days


def _people(districts: gpd.GeoDataFrame, population: Any) -> np.ndarray | None:
    if population is None or population is False:
        return None
    from geofront.exposure import population_by_zone

    raster = None if population is True else population
    zones_ = gpd.GeoDataFrame(geometry=districts.geometry.array, crs=districts.crs)
    counts = population_by_zone(zones_, raster)
    return np.asarray(counts["population"].to_numpy(dtype=float))
