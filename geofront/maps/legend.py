"""Map legends: sections of swatches drawn exactly as the layers draw their features.

A legend is a list of :class:`LegendSection` (a title and rows, or free notes); the
section builders here (:func:`status_section`, :func:`frontline_section`,
:func:`siege_section`) list only the classes a map actually draws, and
:func:`build_legend` lays them out in an Axes (the page's panel). :func:`legend_texts`
and :func:`legend_swatches` read a drawn legend back (for tests and checks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.offsetbox import (
    AnchoredOffsetbox,
    DrawingArea,
    HPacker,
    TextArea,
    VPacker,
)
from matplotlib.patches import Rectangle

from geofront.maps import style
from geofront.maps.style import Z

__all__ = [
    "SIEGE_LABELS",
    "LegendEntry",
    "LegendSection",
    "build_legend",
    "class_swatch",
    "frontline_section",
    "legend_height_in",
    "legend_swatches",
    "legend_texts",
    "siege_section",
    "status_section",
]


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a swatch kind (``patch``, ``line``, ``marker``) and its style."""

    label: str
    kind: str
    style: dict[str, Any]


@dataclass(frozen=True)
class LegendSection:
    """A titled group of legend rows, or free text lines (``notes``)."""

    title: str
    entries: tuple[LegendEntry, ...] = ()
    notes: tuple[str, ...] = ()


def class_swatch(name: str, *, assumed: bool = False) -> dict[str, Any]:
    """Legend swatch style of a district class (status or zone): its fill, the contested
    hatch or the no-data hatch, exactly as :func:`geofront.maps.layers.plot_districts`
    draws it."""
    colour = style.assumed_color(name) if assumed else style.class_color(name)
    st: dict[str, Any] = {"facecolor": colour, "edgecolor": "#8c8c8c"}
    if name in style.CONTESTED_CLASSES:
        st["hatch"] = style.CONTESTED_HATCH
        st["hatchcolor"] = style.CONTESTED_HATCH_COLOR
    elif name == style.NO_DATA:
        st["hatch"] = style.NO_DATA_HATCH
        st["hatchcolor"] = style.RC["hatch.color"]
    return st


def status_section(
    *,
    include_no_data: bool = True,
    title: str = "District control",
    counts: Mapping[str, int] | None = None,
    assumed: Mapping[str, int] | None = None,
    graded: bool = False,
    show_counts: bool = True,
) -> LegendSection:
    """The district classes a map draws, in fixed order (statuses, or zones if ``graded``).

    ``counts`` (class -> districts drawn in it, found by evidence) and ``assumed`` (class
    -> districts whose class only the baseline assumes, drawn pale) select the entries:
    only classes with at least one district are listed, so the legend lists exactly what
    is drawn. With ``show_counts`` each label ends with its count, e.g. ``"Insurgent
    control (6)"``, and a total line is added. Without ``counts`` every class is listed
    (``no data`` unless ``include_no_data`` is False).
    """
    order = style.ZONE_ORDER if graded else style.STATUS_ORDER
    entries = []
    for s in order:
        n = None if counts is None else int(counts.get(s, 0))
        n_assumed = int((assumed or {}).get(s, 0))
        if counts is None and s == style.NO_DATA and not include_no_data:
            continue
        if counts is None or n:
            label = style.class_label(s)
            if show_counts and n is not None:
                label = f"{label} ({n})"
            entries.append(LegendEntry(label, "patch", class_swatch(s)))
        if n_assumed:
            entries.append(
                LegendEntry(
                    f"{style.class_label(s)} ({style.ASSUMED_LABEL}"
                    + (f", {n_assumed})" if show_counts else ")"),
                    "patch",
                    class_swatch(s, assumed=True),
                )
            )
    total = sum(int(v) for v in (counts or {}).values()) + sum(
        int(v) for v in (assumed or {}).values()
    )
    notes: tuple[str, ...] = () if counts is None or not show_counts else (f"{total} districts",)
    if any(int(v) for v in (assumed or {}).values()):
        notes += style.ASSUMED_NOTE
    return LegendSection(title, tuple(entries), notes)


def legend_height_in(sections: Sequence[LegendSection], *, fontsize: float = 7.0) -> float:
    """Height in inches that :func:`build_legend` will take (for page layout)."""
    pt = 0.0
    for sec in sections:
        pt += (fontsize + 0.8) * 1.25 + 3.2
        for e in sec.entries:
            pt += max(9.0, fontsize * 1.25 * (1 + e.label.count("\n"))) + 3.2
        pt += len(sec.notes) * (fontsize * 1.25 + 3.2)
    pt += 11.0 * max(len(sections) - 1, 0) + 8.0
    return pt / 72.0


def frontline_section(classes: Iterable[str], *, title: str = "Lines") -> LegendSection:
    """One row per frontline class (given order of :data:`style.FRONTLINE_STYLES` first)."""
    known = [c for c in style.FRONTLINE_STYLES if c in set(classes)]
    other = sorted(set(classes) - set(known))
    return LegendSection(
        title,
        tuple(
            LegendEntry(style.frontline_label(c), "line", style.frontline_style(c))
            for c in [*known, *other]
        ),
    )


#: Legend labels of the siege statuses of capitals.
SIEGE_LABELS: dict[str, str] = {
    "no evidence": "No evidence (hollow: nothing known)",
    "secure": "Secure",
    "threatened": "Threatened",
    "besieged": "Besieged",
    "under assault": "Under assault",
    "fallen": "Fallen",
}


def siege_section(
    statuses: Iterable[str] | None = None, *, title: str = "Provincial capitals"
) -> LegendSection:
    """The siege status markers of ``statuses`` (default: all), from no evidence and
    secure to fallen; a capital without a status is a plain ``Provincial capital``."""
    present = set(style.SIEGE_STATUSES if statuses is None else (str(s) for s in statuses))
    entries = [
        LegendEntry(
            SIEGE_LABELS.get(s, s.capitalize()),
            "marker",
            {
                "marker": "s",
                "facecolor": style.SIEGE_COLORS[s],
                "edgecolor": style.siege_edge(s),
            },
        )
        for s in style.SIEGE_STATUSES
        if s in present
    ]
    if present - set(style.SIEGE_STATUSES):
        entries.append(
            LegendEntry(
                "Provincial capital (no status)",
                "marker",
                {
                    "marker": "s",
                    "facecolor": style.CAPITAL_NO_STATUS_COLOR,
                    "edgecolor": style.TEXT,
                },
            )
        )
    return LegendSection(title, tuple(entries))


def _hatch_kw(st: Mapping[str, Any]) -> dict[str, Any]:
    """``hatchcolor`` of a swatch where matplotlib supports it (else the edge colour)."""
    if not (st.get("hatch") and st.get("hatchcolor")):
        return {}
    kw = style.hatch_color_kwargs(st["hatchcolor"])
    return kw if "hatchcolor" in kw else {}


def _swatch(entry: LegendEntry) -> DrawingArea:
    w, h = 20.0, 9.0
    da = DrawingArea(w, h, 0, 0)
    st = entry.style
    if entry.kind == "patch":
        da.add_artist(
            Rectangle(
                (1, 0.5),
                w - 2,
                h - 1,
                facecolor=st.get("facecolor", "white"),
                edgecolor=st.get("edgecolor", "#8c8c8c"),
                linewidth=st.get("linewidth", 0.5),
                hatch=st.get("hatch"),
                alpha=st.get("alpha"),
                **_hatch_kw(st),
            )
        )
    elif entry.kind == "line":
        da.add_artist(
            Line2D(
                [1, w - 1],
                [h / 2, h / 2],
                color=st.get("color", style.TEXT),
                linewidth=st.get("linewidth", 1.0),
                linestyle=st.get("linestyle", "-"),
            )
        )
    else:
        da.add_artist(
            Line2D(
                [w / 2],
                [h / 2],
                marker=st.get("marker", "o"),
                markersize=st.get("markersize", 6.0),
                markerfacecolor=st.get("facecolor", "white"),
                markeredgecolor=st.get("edgecolor", style.TEXT),
                markeredgewidth=st.get("edgewidth", 0.8),
                linestyle="none",
            )
        )
    return da


def build_legend(
    ax: Axes,
    sections: Sequence[LegendSection],
    *,
    loc: str = "upper left",
    fontsize: float = 7.0,
    frame: bool = False,
) -> AnchoredOffsetbox:
    """Draw stacked legend sections (bold title, then rows) in ``ax``.

    ``ax`` is usually a bare panel axes beside the map. Returns the AnchoredOffsetbox
    (gid ``"legend"``); :func:`legend_texts` lists its strings in order.
    """
    blocks: list[Any] = []
    for sec in sections:
        rows: list[Any] = [
            TextArea(sec.title, textprops={"fontsize": fontsize + 0.8, "fontweight": "bold"})
        ]
        for e in sec.entries:
            rows.append(
                HPacker(
                    children=[_swatch(e), TextArea(e.label, textprops={"fontsize": fontsize})],
                    align="center",
                    pad=0,
                    sep=5,
                )
            )
        for note in sec.notes:
            rows.append(TextArea(note, textprops={"fontsize": fontsize, "color": style.TEXT}))
        blocks.append(VPacker(children=rows, align="left", pad=0, sep=3.2))
    box = VPacker(children=blocks, align="left", pad=0, sep=11)
    anchored = AnchoredOffsetbox(
        loc=loc,
        child=box,
        pad=0.3,
        borderpad=0.0,
        frameon=frame,
        bbox_to_anchor=(0, 1) if loc == "upper left" else None,
        bbox_transform=ax.transAxes,
    )
    anchored.set_gid("legend")
    anchored.set_zorder(Z["furniture"])
    ax.add_artist(anchored)
    return anchored


def legend_texts(artist: Any) -> list[str]:
    """All strings in a legend built by :func:`build_legend`, in reading order."""
    out: list[str] = []

    def walk(a: Any) -> None:
        if isinstance(a, TextArea):
            out.append(a.get_text())
            return
        for c in a.get_children():
            walk(c)

    walk(artist)
    return out


def legend_swatches(artist: Any) -> list[tuple[str, Any]]:
    """``(label, swatch artist)`` of each row of a legend built by :func:`build_legend`.

    The swatch is the Rectangle (patches), or Line2D (lines and markers) drawn beside the
    label: tests read its colours.
    """
    out: list[tuple[str, Any]] = []

    def walk(a: Any) -> None:
        kids = a.get_children()
        if (
            isinstance(a, HPacker)
            and len(kids) == 2
            and isinstance(kids[0], DrawingArea)
            and isinstance(kids[1], TextArea)
        ):
            out.append((kids[1].get_text(), kids[0].get_children()[0]))
            return
        for c in kids:
            walk(c)

    walk(artist)
    return out
