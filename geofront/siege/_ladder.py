"""The siege status ladder: its parameters (:class:`SiegeThresholds`), a city's
significant counts and the first status that matches (see :mod:`geofront.siege`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geofront.schema import (
    BESIEGED,
    FALLEN,
    NO_EVIDENCE,
    SECURE,
    THREATENED,
    UNDER_ASSAULT,
)
from geofront.siege._sectors import CityEvents, EventWindow, circular_runs
from geofront.siege.rings import RingFrame


@dataclass(frozen=True)
class SiegeThresholds:
    """Parameters of the siege status ladder (see :mod:`geofront.siege`); defaults once, here.

    Attributes
    ----------
    held_share : float
        A sector is hostile if at least this share of its area is held by the hostile side.
    core_events : int
        Floor of the hostile fighting events in the core that make a city ``under assault``.
    assault_factor : float
        Core threshold relative to the city's background hostile fighting per window.
    sector_events : int
        Floor of the hostile fighting events that make a sector hostile.
    sector_factor : float
        Sector threshold relative to the sector's background per window.
    encirclement_index : float
        Encirclement index at or above which a city is ``besieged``.
    arc_deg : float
        Longest contiguous hostile arc (degrees) at or above which a city is ``besieged``.
    threatened_events : int
        Floor of the hostile fighting events beyond the core that make a city
        ``threatened``.
    threatened_factor : float
        Threatened threshold relative to the background beyond the core per window.
    significance : float
        Largest probability that a count called significant is the city's background
        alone: every threshold is also at least the smallest count a Poisson process at
        the background rate reaches with at most this probability (0.001: one false
        alarm in a thousand city-windows; 0 leaves only floor and factor).
    rate_days : int
        Days before the window whose events make the background.
    fighting_event_types : tuple of str
        ``event_type`` values that count as ground fighting.
    encirclement_ring : int
        Index of the ring the encirclement metrics are measured on (1: outskirts).
    """

    held_share: float = 0.5
    core_events: int = 3
    assault_factor: float = 4.0
    sector_events: int = 1
    sector_factor: float = 3.0
    encirclement_index: float = 0.75
    arc_deg: float = 270.0
    threatened_events: int = 3
    threatened_factor: float = 3.0
    significance: float = 0.001
    rate_days: int = 365
    fighting_event_types: tuple[str, ...] = ("Battles", "State-based conflict")
    encirclement_ring: int = 1


def join_ids(values: np.ndarray | list[str]) -> str:
    return ";".join(sorted(set(map(str, values))))


@dataclass(frozen=True)
class CityThresholds:
    """One city's significant counts (see the module docstring)."""

    core: int
    sector: np.ndarray  # per template cell
    threatened: int


def poisson_bar(expected: np.ndarray, significance: float) -> np.ndarray:
    """Smallest count ``k`` with ``P(X >= k) <= significance`` for ``X ~ Poisson(expected)``.

    Element-wise; 0 where ``significance`` is 0 (no such bar). With an expected count of 0
    the bar is 1.
    """
    e = np.asarray(expected, dtype=float)
    if significance <= 0 or e.size == 0:
        return np.zeros(e.shape)
    from scipy.special import pdtrc  # P(X > k) of a Poisson variable

    top = float(e.max())
    ks = np.arange(1, int(np.ceil(top + 12 * np.sqrt(top) + 30)) + 1, dtype=float)
    tail = pdtrc(ks[:, None] - 1, e.reshape(1, -1))  # P(X >= k) per k, per expectation
    ok = tail <= significance
    first = np.where(ok.any(axis=0), ok.argmax(axis=0), len(ks) - 1)
    return ks[first].reshape(e.shape)


def thresholds_for(
    t: SiegeThresholds, fr: RingFrame, background: np.ndarray, span_days: float, window: int
) -> CityThresholds:
    """Thresholds of a city from its background hostile fighting per template cell."""
    per_window = background * (window / span_days) if span_days > 0 else background * 0.0

    def bar(floor: int, factor: float, expected: float | np.ndarray) -> np.ndarray:
        e = np.asarray(expected, dtype=float)
        by_factor = np.maximum(floor, np.ceil(factor * e - 1e-9))
        out: np.ndarray = np.maximum(by_factor, poisson_bar(e, t.significance))
        return out.astype(np.int64)

    core = per_window[fr.ring_of == 0].sum()
    outer = per_window[fr.ring_of >= 1].sum()
    return CityThresholds(
        core=int(bar(t.core_events, t.assault_factor, core)),
        sector=bar(t.sector_events, t.sector_factor, per_window),
        threatened=int(bar(t.threatened_events, t.threatened_factor, outer)),
    )


def ladder(
    *,
    thresholds: SiegeThresholds,
    bars: CityThresholds,
    fr: RingFrame,
    names: tuple[str, ...],
    ev: CityEvents,
    win: EventWindow,
    sector_hostile: np.ndarray,
    held_share: np.ndarray,
    hostile_districts: list[list[str]],
    holder: str,
    holder_rule: str,
    hostile_side: str,
    defender: str,
    district_id: str | None,
    control_evidence: str,
    window_days: int,
    day: pd.Timestamp,
) -> tuple[str, str, str, str]:
    """Status, reason, evidence events and evidence districts of one city."""
    t = thresholds
    # a hold that rests on initiative alone ("dominance") does not take a city: attackers
    # initiate most of the fighting of an assault, and the district is more than the city
    # (the fall of a provincial capital is a reported takeover, an assessment or the end
    # of the defence); the city is judged on the rest of the ladder, and the reason says so
    if holder == hostile_side and holder_rule != "dominance":
        return (
            FALLEN,
            f"the city's district {district_id} is held by the {hostile_side} side",
            join_ids([e for e in control_evidence.split(";") if e]),
            join_ids([str(district_id)]),
        )
    # ...and says so whatever the status below
    note = (
        f"; the {hostile_side} side dominates the fighting in the city's district "
        f"{district_id}, but a city does not fall on initiative alone"
        if holder == hostile_side
        else ""
    )
    er = t.encirclement_ring
    ring_mask = fr.ring_of == er
    flags = sector_hostile[ring_mask]
    index = float(flags.mean())
    arc = float(max((n for _, n in circular_runs(flags)), default=0) * fr.width)
    fight = ev.hostile & ev.fighting
    core = fight & (ev.ring == 0)
    outer = fight & (ev.ring >= 1)
    held_outer = (fr.ring_of >= 1) & (held_share >= t.held_share)
    e_ids: list[str] | np.ndarray
    d_ids: list[str]
    if core.sum() >= bars.core:
        return (
            UNDER_ASSAULT,
            f"{int(core.sum())} hostile ground-fighting event(s) within {fr.radii[0]:g} m of "
            f"the city in the {window_days} days to {day.date()} (significant from "
            f"{bars.core}){note}",
            join_ids(win.ids[ev.pos[core]]),
            "",
        )
    if index >= t.encirclement_index or arc >= t.arc_deg:
        hot = np.flatnonzero(ring_mask & sector_hostile)
        e_ids = win.ids[ev.pos[fight & np.isin(ev.cell, hot)]]
        d_ids = [d for k in hot for d in hostile_districts[k]]
        return (
            BESIEGED,
            f"{int(flags.sum())} of {fr.sectors} {names[er]} sectors hostile "
            f"(index {index:.2f}), longest hostile arc {arc:g} deg{note}",
            join_ids(e_ids),
            join_ids(d_ids),
        )
    if outer.sum() >= bars.threatened or held_outer.any():
        d_ids = [d for k in np.flatnonzero(held_outer) for d in hostile_districts[k]]
        return (
            THREATENED,
            f"{int(outer.sum())} hostile ground-fighting event(s) (significant from "
            f"{bars.threatened}) and {int(held_outer.sum())} hostile-held sector(s) between "
            f"{fr.radii[0]:g} and {fr.radii[-1]:g} m{note}",
            join_ids(win.ids[ev.pos[outer]]),
            join_ids(d_ids),
        )
    # evidence the defender is there: its events near the city (up to the encirclement
    # ring), or its hold on the city's district decided by evidence, not assumed
    near = ev.friendly & (ev.ring <= er)
    held_by_evidence = holder == defender and holder_rule not in ("baseline", "no_evidence", "")
    if not near.any() and not held_by_evidence:
        return (
            NO_EVIDENCE,
            f"no sign of the {defender} side within {fr.radii[er]:g} m in the {window_days} "
            f"days to {day.date()} and the city's district is {holder}"
            + (" by the baseline assumption" if holder_rule == "baseline" else "")
            + note,
            "",
            "",
        )
    return (
        SECURE,
        f"no significant hostile fighting or hostile-held sector within {fr.radii[-1]:g} m; "
        + (
            f"{int(near.sum())} event(s) involving the {defender} side within {fr.radii[er]:g} m"
            if near.any()
            else f"the city's district held by the {defender} side ({holder_rule})"
        )
        + note,
        join_ids(win.ids[ev.pos[near]]),
        "",
    )
