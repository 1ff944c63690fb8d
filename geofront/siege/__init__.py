"""Sieges: encirclement metrics and a status for every city, from events and control.

The rings and sectors around each city (true metres, sector 0 centred on north, numbered
clockwise) are drawn by :mod:`geofront.siege.rings` (:func:`outskirt_rings`). The package's
modules: ``rings`` (geometry), ``assess`` (:func:`assess_sieges`, :func:`siege_status`),
and the internals ``_window`` (events and holders), ``_sectors`` (events binned, control
shares, arcs) and ``_ladder`` (:class:`SiegeThresholds` and the status ladder).

Siege assessment
----------------
:func:`assess_sieges` (and its shortcut :func:`siege_status`) judges every city at once
from joined events and a control table (:data:`geofront.schema.CONTROL_COLUMNS`):

* **defender and hostile side.** Each city has a *defender*, the side whose city it is:
  the ``defender`` column of ``cities`` when present, else the ``defender`` keyword
  (default ``government``, the incumbent of provincial capitals). The *hostile side* is
  the opposing side among ``government``/``insurgent``. The *holder* is the control status
  of the city's own district in the control table (``unknown`` if the district is not in
  it); hostility is relative to the defender, not to the holder, so that a city whose
  district the hostile side now holds can be called ``fallen``.
* **events in the window.** An event counts if its period ``[date, date_end]`` overlaps
  the window ``(as_of - window_days, as_of]`` and its ``location_precision`` is one of
  ``location_precisions`` (region-precision events are placed at a provincial centre and
  would fake fighting in the core, so they are left out by default). An event is
  *hostile* if ``side1`` or ``side2`` is the hostile side; it is *friendly* if it involves
  the defender and not the hostile side. *Fighting* is ground fighting
  (:attr:`SiegeThresholds.fighting_event_types`: ACLED ``Battles``, takeovers included,
  and UCDP ``State-based conflict``): bombs, air strikes and attacks on civilians show
  the hostile side is around, not that it is at the gates. Bearing and geodesic distance
  from the city come from :class:`pyproj.Geod` (WGS 84), binned with numpy.
* **density-aware thresholds.** A city's *background* is its hostile fighting per ring
  and sector over the ``rate_days`` before the window (only days with data count; the
  window itself is not background). A count is *significant* when it reaches
  ``max(floor, ceil(factor x background per window), k)``: ``core_events`` /
  ``assault_factor`` in the core, ``sector_events`` / ``sector_factor`` per sector,
  ``threatened_events`` / ``threatened_factor`` beyond the core, and ``k`` the smallest
  count a Poisson process at the background rate reaches with probability at most
  ``significance`` (0.001), so that a noisy background of one or two events a window does
  not cross a factor-based bar by chance. On sparse data the floors apply; in a city that always sees fighting (Kabul) only a surge counts, so a high
  national event rate never puts every capital under assault. The thresholds are written
  per city (``core_threshold``, ``sector_threshold``, ``threatened_threshold``).
* **sectors.** For each ring x sector: hostile and friendly event counts, and the share of
  its area held by the hostile side, contested, and held by the defender (sectors
  intersected with the control polygons in the city's local AEQD). A sector is *hostile*
  if its hostile fighting is significant or its hostile-held share is at least
  ``thresholds.held_share``.
* **metrics** on the encirclement ring (``thresholds.encirclement_ring``, default 1, the
  outskirts): ``encirclement_index`` = share of its sectors that are hostile;
  ``max_hostile_arc_deg`` = longest run of contiguous hostile sectors times the sector
  width, circular (a run may cross north); ``open_corridors`` = the runs of non-hostile
  sectors as ``from-to`` bearings, clockwise, ``;``-separated (``0-360`` if the ring is
  entirely open, empty if closed); ``nearest_hostile_m`` = geodesic distance to the
  nearest hostile event of the window, anywhere.
* **status ladder**, first match wins (:data:`geofront.schema.SIEGE_STATUSES`, most
  severe first):

  1. ``fallen``: the city's district is held by the hostile side, unless that hold rests
     on initiative alone (control rule ``dominance``): attackers initiate most of the
     fighting of an assault and the district is more than the city, so such a city is
     judged on the rest of the ladder (a takeover, an assessment, sole presence or a
     collapse makes it fallen) and its reason says the hostile side dominates its
     district;
  2. ``under assault``: significant hostile fighting in the core (ring 0);
  3. ``besieged``: ``encirclement_index >= thresholds.encirclement_index`` or
     ``max_hostile_arc_deg >= thresholds.arc_deg``;
  4. ``threatened``: significant hostile fighting beyond the core, or a hostile-held
     sector beyond the core;
  5. ``secure``: none of the above, and evidence that the defender is there: events
     involving it up to the encirclement ring, or its hold on the city's district decided
     by evidence (not by the baseline);
  6. ``no evidence``: none of that: nothing hostile, no sign of the defender near the
     city and a holder that is unknown or only the baseline's assumption. Not the same
     as safe.

  ``evidence_events`` and ``evidence_districts`` list the event ids and district ids that
  triggered the status (``;``-separated, sorted) and ``reason`` says it in one sentence.
"""

from __future__ import annotations

from geofront.schema import (
    BESIEGED,
    FALLEN,
    NO_EVIDENCE,
    SECURE,
    SIEGE_STATUSES,
    THREATENED,
    UNDER_ASSAULT,
)
from geofront.siege._ladder import SiegeThresholds
from geofront.siege.assess import (
    SECTOR_METRIC_COLUMNS,
    SiegeAssessment,
    SiegeResult,
    assess_sieges,
    siege_status,
)
from geofront.siege.rings import (
    DEFAULT_RADII_M,
    RING_COLUMNS,
    RING_NAMES,
    check_ring_options,
    outskirt_rings,
)

__all__ = [
    "BESIEGED",
    "DEFAULT_RADII_M",
    "FALLEN",
    "NO_EVIDENCE",
    "RING_COLUMNS",
    "RING_NAMES",
    "SECTOR_METRIC_COLUMNS",
    "SECURE",
    "SIEGE_STATUSES",
    "THREATENED",
    "UNDER_ASSAULT",
    "SiegeAssessment",
    "SiegeResult",
    "SiegeThresholds",
    "assess_sieges",
    "check_ring_options",
    "outskirt_rings",
    "siege_status",
]
