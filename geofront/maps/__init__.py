"""Print-ready static maps: control, siege, events, timeline and small multiples.

``geofront.maps.figures`` builds whole figures from frames that are already computed
and returns ``(fig, ax)``; :func:`save_figure` writes PNG, SVG or PDF atomically and
byte-stable. ``layers`` draws single layers on an Axes, ``furniture`` the scale bar,
north arrow, legend, inset and source line, ``style`` the fixed palette and rcParams.
"""

from __future__ import annotations

from geofront.maps.figures import (
    bundled_context,
    control_map,
    map_crs_for,
    save_figure,
)
from geofront.maps.style import map_style

__all__ = [
    "bundled_context",
    "control_map",
    "map_crs_for",
    "map_style",
    "save_figure",
]
