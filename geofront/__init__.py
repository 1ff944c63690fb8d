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
    score = gf.compare_control(control.assign(as_of="2021-07-07"), reference)  # vs a truth

With a control spreadsheet and no events, pass ``gf.empty_joined()`` as the events and
``gf.read_assessments(path, b)`` as ``assessments=``; district names as the news writes
them match through :func:`read_aliases` tables (the bundled Afghan one by default).

Large files, in bounded memory: ``gf.join_file(path, b, output="joined.parquet")``
(and ``gf.iter_events``, ``gf.summarize_file``); ``join_events`` and ``summarize`` also
take a dask DataFrame (:mod:`geofront.scale`, ``pip install 'geofront[dask]'``).

Maps live in :mod:`geofront.maps` (``control_map``, ``siege_map``, ...); bundled data in
:mod:`geofront.datasets`; the command line is ``geofront --help``.
"""

from __future__ import annotations

__version__ = "0.1.0"

from geofront import datasets
from geofront.aliases import read_aliases
from geofront.assessments import AssessmentsRead, read_assessments
from geofront.boundaries import AdminBoundaries, read_boundaries
from geofront.case import read_case, run_case
from geofront.compare import Comparison, compare_control, read_status_table
from geofront.control import ControlRules, control_from_events, control_timeline
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
    "control_timeline",
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
    "read_events",
    "read_side_mapping",
    "read_status_table",
    "run_case",
    "sides_for",
    "siege_status",
    "summarize",
    "summarize_file",
]
