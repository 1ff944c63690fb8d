"""Whole figures, re-exported from the modules that draw them (kept for old imports).

The figures live in :mod:`geofront.maps.control_maps` (``control_map``,
``control_small_multiples``), :mod:`geofront.maps.siege_maps` (``siege_map``),
:mod:`geofront.maps.event_maps` (``events_map``), :mod:`geofront.maps.timeline`
(``timeline_figure``); the projection, view, selection and saving in
:mod:`geofront.maps.view`. Import them from :mod:`geofront.maps`.
"""

from __future__ import annotations

from geofront.maps.control_maps import control_map, control_small_multiples
from geofront.maps.event_maps import events_map
from geofront.maps.page import (
    FIGURE_EXTENSIONS,
    check_figure_path,
    save_figure,
)
from geofront.maps.siege_maps import siege_map
from geofront.maps.timeline import timeline_figure
from geofront.maps.view import (
    BBox,
    bundled_context,
    describe_crs,
    map_crs_for,
    select_province,
)

__all__ = [
    "FIGURE_EXTENSIONS",
    "BBox",
    "bundled_context",
    "check_figure_path",
    "control_map",
    "control_small_multiples",
    "describe_crs",
    "events_map",
    "map_crs_for",
    "save_figure",
    "select_province",
    "siege_map",
    "timeline_figure",
]
