"""geofront: geospatial frontline analysis of armed conflicts.

The public API, in the order data flows through it::

    import geofront as gf

    b = gf.read_boundaries()                          # bundled Afghanistan, or your file
    read = gf.read_events("seed-events")              # ACLED, UCDP GED or a generic table
    joined = gf.join_events(read.events, b).joined    # one district and province each
    control = gf.control_from_events(joined, b, as_of="2021-07-07")
    lines = gf.frontline_lines(control)
    sieges = gf.siege_status(gf.read_cities(boundaries=b), joined, control, as_of="2021-07-07")
    people = gf.population_by_status(control)           # the bundled WorldPop raster

Large files, in bounded memory: ``gf.join_file(path, b, output="joined.parquet")``
(and ``gf.iter_events``, ``gf.summarize_file``); ``join_events`` and ``summarize`` also
take a dask DataFrame (:mod:`geofront.scale`, ``pip install 'geofront[dask]'``).

Maps live in :mod:`geofront.maps` (``gf.maps.control_map``, ``gf.maps.siege_map``...);
bundled data in :mod:`geofront.datasets`; every default in :mod:`geofront.defaults`; the
command line is ``geofront --help``.

Conventions of the whole API:

* **names**: ``read_*`` read files (rows they cannot use come back as ``rejected``, never
  dropped); ``noun_from_source`` and nouns of measures compute (``control_from_events``,
  ``population_by_zone``); ``*_map`` / ``*_figure`` draw (:mod:`geofront.maps`).
* **results**: a function that returns several tables returns a frozen dataclass named
  after what it holds: ``<Noun>Read`` for readers (``EventsRead``: ``.events`` and
  ``.rejected``), ``<Noun>Result`` for analyses (``JoinResult``, ``SiegeResult``,
  ``ShiftResult``, ``PopulationResult``, ``ComparisonResult``); every one is exported
  here. A function that returns one table returns a (Geo)DataFrame.
* **arguments**: ``joined`` is a table of joined events (:func:`join_events` output),
  ``events`` any canonical events (joined or not); ``boundaries`` an
  :class:`AdminBoundaries`; ``population`` a population raster (path or bundled name,
  ``None`` for the bundled one); options are keyword-only, units in their names
  (``radius_m``, ``window_days``).
* **time windows**: ``window_days`` ending on a day, both ends included; ``start`` and
  ``end`` both included (:mod:`geofront.windows`).
* **maps** return ``(fig, ax)``; ``ax=`` draws a map into an existing Axes.

The names are imported on first use (``import geofront`` itself is instant), so that the
``geofront`` command can take over Ctrl-C and SIGTERM before the heavy libraries load.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> module that defines it.
_EXPORTS = {
    "AdminBoundaries": "geofront.boundaries",
    "AssessmentsRead": "geofront.assessments",
    "Case": "geofront.case",
    "ComparisonResult": "geofront.compare",
    "ControlRules": "geofront.control",
    "ControlSeries": "geofront.control",
    "EventStream": "geofront.events",
    "EventsRead": "geofront.events",
    "GeofrontError": "geofront.errors",
    "GeofrontWarning": "geofront.errors",
    "InputError": "geofront.errors",
    "JoinResult": "geofront.join",
    "JoinRun": "geofront.engine",
    "PopulationResult": "geofront.exposure",
    "ShiftResult": "geofront.frontline",
    "SiegeResult": "geofront.siege",
    "SiegeThresholds": "geofront.siege",
    "assess_sieges": "geofront.siege",
    "compare_control": "geofront.compare",
    "control_from_events": "geofront.control",
    "control_history": "geofront.control",
    "control_series": "geofront.control",
    "control_timeline": "geofront.control",
    "date_series": "geofront.windows",
    "empty_joined": "geofront.join",
    "event_exposure": "geofront.exposure",
    "evidence_dates": "geofront.control",
    "find_city": "geofront.places",
    "frontline_lines": "geofront.frontline",
    "frontline_shift": "geofront.frontline",
    "iter_events": "geofront.events",
    "join_events": "geofront.join",
    "join_file": "geofront.engine",
    "load_joined_events": "geofront.join",
    "outskirt_rings": "geofront.siege",
    "population_by_status": "geofront.exposure",
    "population_by_unit": "geofront.exposure",
    "population_by_zone": "geofront.exposure",
    "population_near": "geofront.exposure",
    "read_aliases": "geofront.aliases",
    "read_assessments": "geofront.assessments",
    "read_boundaries": "geofront.boundaries",
    "read_case": "geofront.case",
    "read_cities": "geofront.places",
    "read_control": "geofront.control",
    "read_events": "geofront.events",
    "read_side_mapping": "geofront.sides",
    "read_status_table": "geofront.compare",
    "run_case": "geofront.pipeline",
    "sides_for": "geofront.sides",
    "siege_status": "geofront.siege",
    "summarize": "geofront.summary",
    "summarize_file": "geofront.summary",
    "window_bounds": "geofront.windows",
}
#: Subpackages reachable as attributes (``gf.maps``, ``gf.datasets``, ``gf.defaults``).
_SUBMODULES = ("datasets", "defaults", "maps")

__all__ = [
    "AdminBoundaries",
    "AssessmentsRead",
    "Case",
    "ComparisonResult",
    "ControlRules",
    "ControlSeries",
    "EventStream",
    "EventsRead",
    "GeofrontError",
    "GeofrontWarning",
    "InputError",
    "JoinResult",
    "JoinRun",
    "PopulationResult",
    "ShiftResult",
    "SiegeResult",
    "SiegeThresholds",
    "__version__",
    "assess_sieges",
    "compare_control",
    "control_from_events",
    "control_history",
    "control_series",
    "control_timeline",
    "datasets",
    "date_series",
    "defaults",
    "empty_joined",
    "event_exposure",
    "evidence_dates",
    "find_city",
    "frontline_lines",
    "frontline_shift",
    "iter_events",
    "join_events",
    "join_file",
    "load_joined_events",
    "maps",
    "outskirt_rings",
    "population_by_status",
    "population_by_unit",
    "population_by_zone",
    "population_near",
    "read_aliases",
    "read_assessments",
    "read_boundaries",
    "read_case",
    "read_cities",
    "read_control",
    "read_events",
    "read_side_mapping",
    "read_status_table",
    "run_case",
    "sides_for",
    "siege_status",
    "summarize",
    "summarize_file",
    "window_bounds",
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"geofront.{name}")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'geofront' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from geofront import datasets, defaults, maps
    from geofront.aliases import read_aliases
    from geofront.assessments import AssessmentsRead, read_assessments
    from geofront.boundaries import AdminBoundaries, read_boundaries
    from geofront.case import Case, read_case
    from geofront.compare import ComparisonResult, compare_control, read_status_table
    from geofront.control import (
        ControlRules,
        ControlSeries,
        control_from_events,
        control_history,
        control_series,
        control_timeline,
        evidence_dates,
        read_control,
    )
    from geofront.engine import JoinRun, join_file
    from geofront.errors import GeofrontError, GeofrontWarning, InputError
    from geofront.events import EventsRead, EventStream, iter_events, read_events
    from geofront.exposure import (
        PopulationResult,
        event_exposure,
        population_by_status,
        population_by_unit,
        population_by_zone,
        population_near,
    )
    from geofront.frontline import ShiftResult, frontline_lines, frontline_shift
    from geofront.join import JoinResult, empty_joined, join_events, load_joined_events
    from geofront.pipeline import run_case
    from geofront.places import find_city, read_cities
    from geofront.sides import read_side_mapping, sides_for
    from geofront.siege import (
        SiegeResult,
        SiegeThresholds,
        assess_sieges,
        outskirt_rings,
        siege_status,
    )
    from geofront.summary import summarize, summarize_file
    from geofront.windows import date_series, window_bounds
