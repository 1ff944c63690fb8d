"""Fixed cartographic style: palettes keyed by name, and one rcParams context.

Every colour is looked up by the *name* of a class (a control status, a side, a siege
status, an event type), never by its position in the data, so the same class always has
the same colour on every map, whatever is present.

Palettes are colour-blind safe:

* control statuses use the ColorBrewer ``RdYlBu`` diverging scheme (blue government,
  pale yellow contested, red-orange insurgent), rated safe for deuteranopia,
  protanopia and tritanopia, plus neutral greys for ``unknown`` and ``no data``;
* sides and ACLED event types use the Okabe-Ito qualitative palette, UCDP's types of
  violence three more colours distinct from those (Paul Tol's wine and olive, black);
* siege statuses use a light-to-dark purple ramp (ColorBrewer ``Purples``) ending in
  black, so they read by lightness alone and never clash with the control fills.

:func:`map_style` is the only place rcParams are set (inside a context manager, never
globally): DejaVu Sans (shipped with matplotlib, so maps render the same offline on any
machine), fixed sizes, and a fixed SVG hash salt for byte-stable output.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterable, Iterator
from typing import Any, Final

import matplotlib as mpl

from geofront.schema import (
    CONTESTED,
    CONTROL_STATUSES,
    CONTROL_ZONES,
    GOVERNMENT,
    INSURGENT,
    SIDES,
    UNKNOWN,
)

#: Legend class for districts that are not in the control table at all.
NO_DATA: Final = "no data"

#: Fill colour of each district status (ColorBrewer RdYlBu 9-class #3, #7, #8 + greys).
STATUS_COLORS: Final[dict[str, str]] = {
    GOVERNMENT: "#74add1",
    CONTESTED: "#fee090",
    INSURGENT: "#f46d43",
    UNKNOWN: "#d9d9d9",
    NO_DATA: "#ffffff",
}
#: Legend label of each district status, in legend order.
STATUS_LABELS: Final[dict[str, str]] = {
    GOVERNMENT: "Government control",
    CONTESTED: "Contested",
    INSURGENT: "Insurgent control",
    UNKNOWN: "Unknown (no evidence)",
    NO_DATA: "No data",
}
#: A status that only the baseline assumes (rule ``baseline``: no evidence since) is drawn
#: in a pale version of its colour, its share of white:
ASSUMED_WHITE: Final = 0.6
#: Legend label suffix of a baseline-assumed status.
ASSUMED_LABEL: Final = "assumed"
#: Legend note explaining the pale, assumed classes.
ASSUMED_NOTE: Final = ("Pale: assumed by the baseline,", "no evidence since")
#: Hatch drawn over ``no data`` districts so they never read as a status.
NO_DATA_HATCH: Final = "////"
#: Legend order of district statuses: :data:`geofront.schema.CONTROL_STATUSES` + no data.
STATUS_ORDER: Final = (*CONTROL_STATUSES, NO_DATA)
#: Contested areas are hatched over their fill, the convention of the Institute for the
#: Study of War's control maps (diagonal lines in a dark contrasting colour), so they read
#: as contested also in greyscale and for colour-blind readers.
CONTESTED_HATCH: Final = "\\\\\\"
CONTESTED_HATCH_COLOR: Final = "#b35806"

#: Graded control after Kalyvas (:data:`geofront.schema.CONTROL_ZONES`): a five-class
#: diverging ColorBrewer RdYlBu (9-class #2, #4, #5, #7, #9 darkened at the ends), full
#: control dark, dominance light; parity takes the contested colour (and its hatch).
ZONE_COLORS: Final[dict[str, str]] = {
    "full government": "#4575b4",
    "government dominant": "#abd9e9",
    "parity": "#fee090",
    "insurgent dominant": "#fdae61",
    "full insurgent": "#d73027",
    UNKNOWN: "#d9d9d9",
    NO_DATA: "#ffffff",
}
ZONE_LABELS: Final[dict[str, str]] = {
    "full government": "Full government control",
    "government dominant": "Government dominant",
    "parity": "Parity (contested)",
    "insurgent dominant": "Insurgent dominant",
    "full insurgent": "Full insurgent control",
    UNKNOWN: "Unknown (no evidence)",
    NO_DATA: "No data",
}
#: Legend order of the zones: :data:`geofront.schema.CONTROL_ZONES` + no data.
ZONE_ORDER: Final = (*CONTROL_ZONES, NO_DATA)
#: Zones and statuses drawn hatched as contested.
CONTESTED_CLASSES: Final = frozenset({CONTESTED, "parity"})


def class_color(name: str) -> str:
    """Fill colour of a district class: a control status or a zone (``no data`` else)."""
    key = str(name)
    if key in STATUS_COLORS:
        return STATUS_COLORS[key]
    return ZONE_COLORS.get(key, STATUS_COLORS[NO_DATA])


def class_label(name: str) -> str:
    """Legend label of a district class (status or zone)."""
    key = str(name)
    return STATUS_LABELS.get(key) or ZONE_LABELS.get(key, key)


def hatch_color_kwargs(color: str) -> dict[str, Any]:
    """Keywords giving a patch or collection hatch lines of ``color``.

    Matplotlib 3.10 added ``hatchcolor`` (and takes the hatch colour from rcParams
    otherwise); older versions take it from the edge colour.
    """
    from matplotlib.patches import Patch

    if hasattr(Patch, "set_hatchcolor"):
        return {"hatchcolor": color}
    return {"edgecolor": color}


#: Okabe-Ito colour of each side (events, actors).
SIDE_COLORS: Final[dict[str, str]] = {
    GOVERNMENT: "#0072B2",
    INSURGENT: "#D55E00",
    "other": "#009E73",
    "civilians": "#CC79A7",
    UNKNOWN: "#999999",
}
SIDE_ORDER: Final = SIDES

#: Colour of each known event type, in legend order: ACLED's six types (Okabe-Ito, in
#: ACLED's own order), then UCDP GED's three types of violence (Paul Tol's wine, black and
#: Tol's dark olive). All nine differ, also under simulated protanopia, deuteranopia and
#: tritanopia (CIELAB distance >= 16 between any two; see tests/test_maps.py).
EVENT_TYPE_COLORS: Final[dict[str, str]] = {
    "Battles": "#D55E00",
    "Violence against civilians": "#CC79A7",
    "Explosions/Remote violence": "#E69F00",
    "Riots": "#56B4E9",
    "Protests": "#009E73",
    "Strategic developments": "#0072B2",
    "State-based conflict": "#882255",
    "Non-state conflict": "#666633",
    "One-sided violence": "#000000",
}
#: Legend order of the known event types (other types follow, sorted by name).
EVENT_TYPE_ORDER: Final = tuple(EVENT_TYPE_COLORS)
#: Colours for event types not above, none of them used by a known type; a type's first
#: choice is fixed by a hash of its name (:func:`event_type_color`).
_FALLBACK: Final = ("#F0E442", "#88CCEE", "#44AA99", "#DDCC77", "#332288", "#999933", "#117733")

#: Label prefix of the class that lumps the rarest event types when a map would show more
#: than :data:`MAX_EVENT_TYPE_CLASSES` (drawn in :data:`OTHER_EVENT_TYPES_COLOR`, last).
OTHER_EVENT_TYPES: Final = "Other types"
OTHER_EVENT_TYPES_COLOR: Final = "#a6a6a6"
#: Most event-type colour classes on one map (nine tell apart, also for colour-blind eyes).
MAX_EVENT_TYPE_CLASSES: Final = 9

#: Siege statuses of a city, from no evidence and safest to worst (``geofront.siege``).
SIEGE_STATUSES: Final = (
    "no evidence",
    "secure",
    "threatened",
    "besieged",
    "under assault",
    "fallen",
)
#: Fill colour of a capital's marker by siege status (ColorBrewer Purples, then black);
#: ``no evidence`` is hollow: nothing is known, which is not the white of "secure".
SIEGE_COLORS: Final[dict[str, str]] = {
    "no evidence": "none",
    "secure": "#ffffff",
    "threatened": "#cbc9e2",
    "besieged": "#9e9ac8",
    "under assault": "#54278f",
    "fallen": "#000000",
}
#: Outline of a capital's marker by siege status (grey for no evidence).
SIEGE_EDGES: Final[dict[str, str]] = {"no evidence": "#969696"}
#: Marker of a capital whose siege status is not known.
CAPITAL_NO_STATUS_COLOR: Final = "#ffffff"

#: Style of each frontline class (``frontline_class`` of ``geofront.frontline``; the pair of
#: statuses in the order contested, government, insurgent, unknown).
FRONTLINE_STYLES: Final[dict[str, dict[str, Any]]] = {
    f"{GOVERNMENT}-{INSURGENT}": {"color": "#1a1a1a", "linewidth": 2.0, "linestyle": "-"},
    f"{CONTESTED}-{INSURGENT}": {"color": "#7f2704", "linewidth": 1.3, "linestyle": (0, (4, 2))},
    f"{CONTESTED}-{GOVERNMENT}": {"color": "#08306b", "linewidth": 1.3, "linestyle": (0, (4, 2))},
}
_FRONTLINE_DEFAULT: Final[dict[str, Any]] = {
    "color": "#4d4d4d",
    "linewidth": 1.0,
    "linestyle": (0, (1, 1.5)),
}
FRONTLINE_LABELS: Final[dict[str, str]] = {
    f"{GOVERNMENT}-{INSURGENT}": "Frontline (government | insurgent)",
    f"{CONTESTED}-{INSURGENT}": "Edge of contested area (insurgent side)",
    f"{CONTESTED}-{GOVERNMENT}": "Edge of contested area (government side)",
}

#: Main roads (context): a thin warm grey line, under frontlines and events.
ROAD_STYLE: Final[dict[str, Any]] = {"color": "#9c7c5b", "linewidth": 0.8, "linestyle": "-"}
#: Airports (context): a small dark-grey plus in a white circle, unlike any event or city.
AIRPORT_STYLE: Final[dict[str, Any]] = {
    "marker": "P",
    "facecolor": "#4d4d4d",
    "edgecolor": "white",
    "markersize": 6.0,
}

#: z-order of each layer, bottom to top.
Z: dict[str, float] = {
    "neighbours": 1.0,
    "graticule": 1.2,
    "population": 1.5,
    "districts": 2.0,
    "rings": 2.5,
    "veil": 2.8,
    "district_edges": 3.0,
    "provinces": 3.2,
    "country": 3.4,
    "roads": 3.6,
    "hexbin": 4.0,
    "frontlines": 5.0,
    "events": 6.0,
    "airports": 6.9,
    "capitals": 7.0,
    "labels": 8.0,
    "furniture": 9.0,
}

# --- neutral ink -------------------------------------------------------------------
WATER: Final = "#f4f6f7"  # axes background: outside any land polygon
NEIGHBOUR_FILL: Final = "#f1f0ec"
NEIGHBOUR_EDGE: Final = "#c9c9c6"
NEIGHBOUR_TEXT: Final = "#9a9a9a"
DISTRICT_EDGE: Final = "#ffffff"
PROVINCE_EDGE: Final = "#5a5a5a"
COUNTRY_EDGE: Final = "#262626"
TEXT: Final = "#262626"
MUTED_TEXT: Final = "#595959"
HALO: Final = "#ffffff"


def status_color(status: str) -> str:
    """Return the fill colour of a district status (``no data`` for unknown names)."""
    return STATUS_COLORS.get(str(status), STATUS_COLORS[NO_DATA])


def assumed_color(status: str) -> str:
    """The pale fill of a status (or zone) the baseline assumes (no evidence since)."""
    from matplotlib.colors import to_hex, to_rgb

    r, g, b = to_rgb(class_color(status))
    w = ASSUMED_WHITE
    return to_hex((r + (1 - r) * w, g + (1 - g) * w, b + (1 - b) * w))


def side_color(side: str) -> str:
    """Return the Okabe-Ito colour of a side (grey for unmapped names)."""
    return SIDE_COLORS.get(str(side), SIDE_COLORS[UNKNOWN])


def event_type_color(event_type: str) -> str:
    """Return the colour of an event type; unknown types get a stable colour by name.

    Two unknown types may hash to the same colour: a figure showing several types uses
    :func:`event_type_colors`, which keeps them apart.
    """
    name = str(event_type)
    if name in EVENT_TYPE_COLORS:
        return EVENT_TYPE_COLORS[name]
    return _FALLBACK[zlib.crc32(name.encode("utf-8")) % len(_FALLBACK)]


def event_type_order(event_types: Iterable[str]) -> list[str]:
    """Sort event types in legend order: known types as in :data:`EVENT_TYPE_ORDER`,
    then the others by name."""
    rank = {n: i for i, n in enumerate(EVENT_TYPE_ORDER)}
    names = {str(n) for n in event_types}
    return sorted(
        names,
        key=lambda n: (n.startswith(OTHER_EVENT_TYPES), rank.get(n, len(rank)), n),
    )


def event_type_colors(event_types: Iterable[str]) -> dict[str, str]:
    """Return a distinct colour for each of ``event_types``, in legend order.

    Known types always get their colour of :data:`EVENT_TYPE_COLORS`. Unknown types get
    :func:`event_type_color` unless another type shown already has it; then the next free
    fallback colour (in a fixed cycle), then a known type's colour that the map does not
    use, so the nine classes a map shows at most (:func:`geofront.maps.event_maps.lump_event_types`)
    each have their own colour.
    """
    out: dict[str, str] = {}
    names = event_type_order(event_types)
    used = {EVENT_TYPE_COLORS[n] for n in names if n in EVENT_TYPE_COLORS}
    for name in names:
        if name in EVENT_TYPE_COLORS:
            out[name] = EVENT_TYPE_COLORS[name]
            continue
        if name.startswith(OTHER_EVENT_TYPES):
            out[name] = OTHER_EVENT_TYPES_COLOR
            continue
        first = _FALLBACK.index(event_type_color(name))
        cycle = [_FALLBACK[(first + k) % len(_FALLBACK)] for k in range(len(_FALLBACK))]
        # then the known types' colours that this map does not use
        cycle += [c for c in EVENT_TYPE_COLORS.values() if c not in cycle]
        colour = next((c for c in cycle if c not in used), cycle[0])
        used.add(colour)
        out[name] = colour
    return out


def siege_color(status: str | None) -> str:
    """Return the marker fill of a siege status (white when unknown)."""
    if status is None:
        return CAPITAL_NO_STATUS_COLOR
    return SIEGE_COLORS.get(str(status), CAPITAL_NO_STATUS_COLOR)


def siege_edge(status: str | None) -> str:
    """Return the marker outline of a siege status (grey for no evidence)."""
    return SIEGE_EDGES.get(str(status), TEXT)


def frontline_style(line_class: str) -> dict[str, Any]:
    """Return ``color``, ``linewidth``, ``linestyle`` for a frontline class."""
    return dict(FRONTLINE_STYLES.get(str(line_class), _FRONTLINE_DEFAULT))


def frontline_label(line_class: str) -> str:
    """Return the legend label of a frontline class."""
    text = str(line_class)
    return FRONTLINE_LABELS.get(text, "Boundary " + text.replace("-", " | "))


#: rcParams of every geofront figure.
RC: Final[dict[str, Any]] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 8.0,
    "axes.titlesize": 11.0,
    "axes.labelsize": 8.0,
    "axes.edgecolor": "#8c8c8c",
    "axes.linewidth": 0.6,
    "xtick.labelsize": 7.0,
    "ytick.labelsize": 7.0,
    "legend.fontsize": 7.5,
    "legend.title_fontsize": 8.0,
    "legend.frameon": False,
    "figure.dpi": 100.0,
    "savefig.dpi": 200.0,
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
    "text.color": TEXT,
    "hatch.color": "#9a9a9a",
    "hatch.linewidth": 0.5,
    "path.simplify": True,
    "svg.hashsalt": "geofront",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "image.interpolation": "nearest",
    "image.resample": False,
}


@contextlib.contextmanager
def map_style() -> Iterator[None]:
    """Apply geofront's fixed rcParams inside a ``with`` block (never globally).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> with map_style():
    ...     fig = plt.figure()
    """
    with mpl.rc_context(RC):  # type: ignore[arg-type]
        yield


__all__ = [
    "NO_DATA",
    "RC",
    "SIDE_COLORS",
    "SIEGE_COLORS",
    "SIEGE_STATUSES",
    "STATUS_COLORS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "Z",
    "EVENT_TYPE_COLORS",
    "EVENT_TYPE_ORDER",
    "event_type_color",
    "event_type_colors",
    "event_type_order",
    "frontline_label",
    "frontline_style",
    "map_style",
    "side_color",
    "siege_color",
    "status_color",
]
