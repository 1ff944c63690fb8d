"""Every default parameter of an analysis, defined once.

The library's signatures take their defaults from here; case files
(:mod:`geofront.case`) and the command line (:mod:`geofront.cli.options`) derive theirs
from the same names, and ``parameters.toml`` records the values a run used. Change a
default here and every layer follows. The thresholds of the rules are not here but in
their own dataclasses, each field with its default: :class:`geofront.control.ControlRules`
and :class:`geofront.siege.SiegeThresholds`.

Time windows follow one convention everywhere (:mod:`geofront.windows`): a window of
``N`` days *ending on* a day ``D`` is the ``N`` days ``D - N + 1`` to ``D``, both included,
that is ``(D - N, D]``.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "CASE_MAP_DPI",
    "CONTROL_WINDOW_DAYS",
    "DEFENDER",
    "EVENT_RADIUS_M",
    "FRONTLINE_DISTANCE_M",
    "LOCATION_PRECISIONS",
    "MAP_DPI",
    "MAX_SECTORS",
    "SIEGE_RADII_M",
    "SIEGE_SECTORS",
    "SIEGE_WINDOW_DAYS",
    "SNAP_DISTANCE_M",
    "TIMELINE_EVERY_DAYS",
]

# --- join -------------------------------------------------------------------------------
#: Events outside every district but within this distance (metres) of one are snapped to
#: it (coastlines, rivers, boundary slivers): :func:`geofront.join.join_events`.
SNAP_DISTANCE_M: Final[float] = 2000.0

# --- control ----------------------------------------------------------------------------
#: Days of the window the control rules weigh, ending on the date judged
#: (:func:`geofront.control.control_from_events`; see "Defaults" in :mod:`geofront.control`).
CONTROL_WINDOW_DAYS: Final[int] = 14
#: Step in days of a control timeline (the end date is always included).
TIMELINE_EVERY_DAYS: Final[int] = 7

# --- siege ------------------------------------------------------------------------------
#: Days of events, ending on the date judged, that count for a siege.
SIEGE_WINDOW_DAYS: Final[int] = 14
#: Outer radius (metres) of each ring around a city: core, outskirts, approaches.
SIEGE_RADII_M: Final[tuple[float, ...]] = (5000.0, 20000.0, 50000.0)
#: Equal angular sectors per ring (sector 0 centred on north, clockwise).
SIEGE_SECTORS: Final[int] = 16
#: Most sectors a ring may be split into (5 degrees each).
MAX_SECTORS: Final[int] = 72
#: The side defending a city unless the cities table says otherwise.
DEFENDER: Final[str] = "government"
#: Event location precisions that count around a city (region-precision events sit at a
#: provincial centre and would fake fighting at its gates).
LOCATION_PRECISIONS: Final[tuple[str, ...]] = ("exact", "near")

# --- exposure ---------------------------------------------------------------------------
#: People within this distance (metres) of an event count as exposed to it.
EVENT_RADIUS_M: Final[float] = 5000.0
#: People within this distance (metres) of the frontline count as near it.
FRONTLINE_DISTANCE_M: Final[float] = 10000.0

# --- maps -------------------------------------------------------------------------------
#: Resolution (dots per inch) a single map is drawn for.
MAP_DPI: Final[float] = 200.0
#: Resolution of the maps of a whole case run (several maps: lighter files).
CASE_MAP_DPI: Final[float] = 150.0
