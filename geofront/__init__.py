"""geofront: geospatial frontline analysis of armed conflicts.

The public API, in the order data flows through it::

    import geofront as gf

    b = gf.read_boundaries()                          # bundled Afghanistan, or your file
    read = gf.read_events("seed-events")              # ACLED, UCDP GED or a generic table
    joined = gf.join_events(read.events, b).joined    # one district and province each
    control = gf.control_from_events(joined, b, as_of="2021-07-07")
    lines = gf.frontline_lines(control)
    sieges = gf.siege_status(gf.read_cities(boundaries=b), joined, control, as_of="2021-07-07")
    people = gf.population_by_status(control)

Large files, in bounded memory: ``gf.join_file(path, b, output="joined.parquet")``
(and ``gf.iter_events``, ``gf.summarize_file``); ``join_events`` and ``summarize`` also
take a dask DataFrame (:mod:`geofront.scale`, ``pip install 'geofront[dask]'``).

Maps live in :mod:`geofront.maps` (``control_map``, ``siege_map``, ...); bundled data in
:mod:`geofront.datasets`; the command line is ``geofront --help``.

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
    "Comparison": "geofront.compare",
    "ControlRules": "geofront.control",
    "EventStream": "geofront.events",
    "EventsRead": "geofront.events",
    "GeofrontError": "geofront.errors",
    "GeofrontWarning": "geofront.errors",
    "InputError": "geofront.errors",
    "JoinResult": "geofront.join",
    "JoinRun": "geofront.engine",
    "SiegeThresholds": "geofront.siege",
    "assess_sieges": "geofront.siege",
    "compare_control": "geofront.compare",
    "control_from_events": "geofront.control",
    "control_history": "geofront.control",
    "control_timeline": "geofront.control",
    "evidence_dates": "geofront.control",
    "empty_joined": "geofront.join",
    "event_exposure": "geofront.exposure",
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
    "run_case": "geofront.case",
    "sides_for": "geofront.sides",
    "siege_status": "geofront.siege",
    "summarize": "geofront.summary",
    "summarize_file": "geofront.summary",
}

__all__ = [
    "AdminBoundaries",
    "AssessmentsRead",
    "Comparison",
    "ControlRules",
    "EventStream",
    "EventsRead",
    "GeofrontError",
    "GeofrontWarning",
    "InputError",
    "JoinResult",
    "JoinRun",
    "SiegeThresholds",
    "__version__",
    "assess_sieges",
    "compare_control",
    "control_from_events",
    "control_history",
    "control_timeline",
    "evidence_dates",
    "datasets",
    "empty_joined",
    "event_exposure",
    "find_city",
    "frontline_lines",
    "frontline_shift",
    "iter_events",
    "join_events",
    "join_file",
    "load_joined_events",
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
]


def __getattr__(name: str) -> Any:
    if name == "datasets":
        return importlib.import_module("geofront.datasets")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'geofront' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from geofront import datasets
    from geofront.aliases import read_aliases
    from geofront.assessments import AssessmentsRead, read_assessments
    from geofront.boundaries import AdminBoundaries, read_boundaries
    from geofront.case import read_case, run_case
    from geofront.compare import Comparison, compare_control, read_status_table
    from geofront.control import (
        ControlRules,
        control_from_events,
        control_history,
        control_timeline,
        evidence_dates,
        read_control,
    )
    from geofront.engine import JoinRun, join_file
    from geofront.errors import GeofrontError, GeofrontWarning, InputError
    from geofront.events import EventsRead, EventStream, iter_events, read_events
    from geofront.exposure import (
        event_exposure,
        population_by_status,
        population_by_unit,
        population_by_zone,
        population_near,
    )
    from geofront.frontline import frontline_lines, frontline_shift
    from geofront.join import JoinResult, empty_joined, join_events, load_joined_events
    from geofront.places import find_city, read_cities
    from geofront.sides import read_side_mapping, sides_for
    from geofront.siege import SiegeThresholds, assess_sieges, outskirt_rings, siege_status
    from geofront.summary import summarize, summarize_file
