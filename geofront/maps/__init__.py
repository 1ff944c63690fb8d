"""Print-ready static maps: control, siege, events, timeline, small multiples, comparison.

Each figure function takes frames that are already computed and returns ``(fig, ax)``:
:func:`control_map` and :func:`control_small_multiples` (``control_maps``),
:func:`siege_map` (``siege_maps``), :func:`events_map` (``event_maps``),
:func:`timeline_figure` and :func:`chronology_figure` (``timeline``),
:func:`disagreement_map` (``compare_maps``).
:func:`save_figure` writes PNG, SVG or PDF atomically and byte-stable (``view``, which also chooses the map projection and view).
``layers`` and ``points`` draw single layers on an Axes, ``labels`` places labels without
overlaps, ``furniture`` draws the scale bar, north arrow, legend, inset and source line,
``style`` holds the fixed palette and rcParams.

Examples
--------
>>> from geofront.maps import control_map, save_figure  # doctest: +SKIP
>>> fig, ax = control_map(control, boundaries=b, province="Badghis")  # doctest: +SKIP
>>> save_figure(fig, "badghis.png", dpi=200)  # doctest: +SKIP
"""

from __future__ import annotations

from geofront.maps.compare_maps import disagreement_map
from geofront.maps.control_maps import control_map, control_small_multiples
from geofront.maps.event_maps import events_map
from geofront.maps.siege_maps import siege_map
from geofront.maps.style import map_style
from geofront.maps.timeline import chronology_figure, timeline_figure
from geofront.maps.view import (
    bundled_context,
    check_figure_path,
    map_crs_for,
    save_figure,
    select_province,
)

__all__ = [
    "bundled_context",
    "check_figure_path",
    "chronology_figure",
    "control_map",
    "control_small_multiples",
    "disagreement_map",
    "events_map",
    "map_crs_for",
    "map_style",
    "save_figure",
    "select_province",
    "siege_map",
    "timeline_figure",
]
