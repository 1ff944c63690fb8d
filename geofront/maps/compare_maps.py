"""Disagreement map: where a control table and a reference disagree on one date.

:func:`disagreement_map` draws every district in one of :data:`DISAGREEMENT_CLASSES`
(agreement in light grey, each kind of disagreement in its own colour, districts the
reference makes no claim about hatched) with province and country borders, scale bar,
north arrow, a legend with counts, a subtitle with the date and that date's agreement
and kappa, and the credits of what is drawn. Save it with
:func:`geofront.maps.save_figure` (byte-stable).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from geofront.boundaries import AdminBoundaries
from geofront.compare import ComparisonResult
from geofront.crs import WGS84
from geofront.defaults import MAP_DPI
from geofront.errors import InputError
from geofront.maps import furniture as fu
from geofront.maps import layers as ly
from geofront.maps import legend as lg
from geofront.maps import style
from geofront.maps.page import (
    finish_page,
    page_for,
    units_per_px,
)
from geofront.maps.scene import boundary_section, place_name, titled
from geofront.maps.style import Z
from geofront.maps.view import (
    _lonlat_bounds,
    _pad,
    _projected_bounds,
    drawn_credits,
    is_bundled,
    map_crs_for,
)
from geofront.schema import CONTESTED, GOVERNMENT, INSURGENT, UNKNOWN

AGREE: Final = "agree"
NOT_SCORED: Final = "not scored"
#: Classes of a district on the map, in legend order, with their legend labels. Colours
#: are Okabe-Ito (colour-blind safe); the two "wrong holder" classes use the side
#: colours of :data:`geofront.maps.style.SIDE_COLORS` (ours' side).
DISAGREEMENT_CLASSES: Final[dict[str, str]] = {
    AGREE: "Agree",
    "ours insurgent, reference government": "Ours insurgent, reference government",
    "ours government, reference insurgent": "Ours government, reference insurgent",
    "ours contested, reference held": "Ours contested, reference held",
    "ours held, reference contested": "Ours held, reference contested",
    "ours unknown, reference known": "Ours unknown, reference known",
    NOT_SCORED: "Not scored (no reference status)",
}
DISAGREEMENT_COLORS: Final[dict[str, str]] = {
    AGREE: "#e3e3e3",
    "ours insurgent, reference government": "#D55E00",
    "ours government, reference insurgent": "#0072B2",
    "ours contested, reference held": "#F0E442",
    "ours held, reference contested": "#CC79A7",
    "ours unknown, reference known": "#8c8c8c",
    NOT_SCORED: "#ffffff",
}


def disagreement_class(ours: pd.Series, reference: pd.Series) -> pd.Series:
    """Class of :data:`DISAGREEMENT_CLASSES` of each (ours, reference) pair.

    ``reference`` values outside government/contested/insurgent (missing, ``unknown``)
    give ``not scored``.
    """
    o = ours.astype("string").fillna(UNKNOWN).to_numpy(dtype=object)
    r = reference.astype("string").fillna("").to_numpy(dtype=object)
    held = (GOVERNMENT, INSURGENT)
    out = np.select(
        [
            ~np.isin(r, (GOVERNMENT, CONTESTED, INSURGENT)),
            o == r,
            o == UNKNOWN,
            (o == INSURGENT) & (r == GOVERNMENT),
            (o == GOVERNMENT) & (r == INSURGENT),
            (o == CONTESTED) & np.isin(r, held),
            np.isin(o, held) & (r == CONTESTED),
        ],
        [
            NOT_SCORED,
            AGREE,
            "ours unknown, reference known",
            "ours insurgent, reference government",
            "ours government, reference insurgent",
            "ours contested, reference held",
            "ours held, reference contested",
        ],
        NOT_SCORED,
    )
    return pd.Series(out, index=ours.index, dtype=object)


def disagreement_map(
    comparison: ComparisonResult,
    *,
    boundaries: AdminBoundaries,
    date: Any = None,
    title: str | None = None,
    sources: Sequence[str] = ("boundaries",),
    width_in: float = 10.0,
    dpi: float = MAP_DPI,
    ax: Axes | None = None,
) -> tuple[Figure, Axes]:
    """Map the districts where ours and the reference disagree on one date.

    Parameters
    ----------
    comparison : ComparisonResult
        From :func:`geofront.compare.compare_control`.
    boundaries : AdminBoundaries
        The districts compared (their ids are those of the comparison).
    date : date-like, optional
        One of the compared dates; default the last one.
    title : str, optional
        Default ``"Control compared with the reference, <place>"``.
    sources : sequence of str
        Credit keys of :data:`geofront.maps.furniture.CREDITS` or literal lines.
    width_in, dpi : float
        Page width in inches; the resolution geometry is simplified for.

    ax : matplotlib Axes, optional
        Draw the map into this Axes (its view grown to the Axes' shape) instead of a new
        page: title and subtitle on the Axes, the source line under it; the legend panel
        and locator inset are left to the caller.

    Returns
    -------
    (Figure, Axes)
        The districts are one PathCollection (gid ``"districts"``, attribute
        ``geofront_ids`` the district ids, ``geofront_classes`` their classes, in
        boundaries order); ``districts:not-scored`` hatches the unscored ones; borders,
        legend (gid ``"legend"``), title, subtitle and attribution as in
        :func:`geofront.maps.control_map`.

    Raises
    ------
    InputError
        A date that was not compared.
    """
    days = pd.DatetimeIndex(comparison.by_date["date"])
    if len(days) == 0:
        raise InputError("the comparison has no compared date: nothing to map")
    day = days[-1] if date is None else pd.Timestamp(date).normalize()
    if day not in days:
        raise InputError(
            f"date {day:%Y-%m-%d} was not compared: choose one of "
            f"{', '.join(f'{d:%Y-%m-%d}' for d in days[:10])}" + (" ..." if len(days) > 10 else "")
        )
    d = boundaries.districts
    ids = d["district_id"].astype(str)
    p = comparison.pairs
    p = p[pd.DatetimeIndex(p["date"]) == day].set_index("district_id")
    classes = disagreement_class(
        p["ours"].reindex(ids).reset_index(drop=True),
        p["reference"].reindex(ids).reset_index(drop=True),
    ).to_numpy(dtype=object)
    counts = {k: int((classes == k).sum()) for k in DISAGREEMENT_CLASSES}
    row = comparison.by_date[days == day].iloc[0]

    with style.map_style():
        ll = _lonlat_bounds(d)
        crs = map_crs_for(ll)
        view = _pad(_projected_bounds(shapely.box(*ll), WGS84, crs), 0.015)
        sections = [
            _class_section(counts),
            boundary_section(zoomed=False, international=is_bundled(boundaries)),
        ]
        page = page_for(view, ax=ax, width_in=width_in, inset=False, sections=sections)
        ax = page.ax
        ax.geofront_crs = crs  # type: ignore[attr-defined]
        tol = 0.5 * units_per_px(page, dpi)
        v = page.view
        m = 0.15 * max(v[2] - v[0], v[3] - v[1])
        clip = (v[0] - m, v[1] - m, v[2] + m, v[3] + m)
        geoms = ly._prepared(ly._in_crs(d, crs), simplify_m=tol, clip=clip)
        paths = ly.polygon_paths(geoms)
        coll = PathCollection(
            paths,
            facecolors=[DISAGREEMENT_COLORS[c] for c in classes],
            edgecolors=style.DISTRICT_EDGE,
            linewidths=0.3,
            zorder=Z["districts"],
            gid="districts",
        )
        coll.geofront_ids = ids.tolist()  # type: ignore[attr-defined]
        coll.geofront_classes = list(classes)  # type: ignore[attr-defined]
        ax.add_collection(coll, autolim=False)
        unscored = classes == NOT_SCORED
        if unscored.any():
            ax.add_collection(
                PathCollection(
                    [path for path, u in zip(paths, unscored, strict=True) if u],
                    facecolors="none",
                    edgecolors=style.RC["hatch.color"],
                    linewidths=0.0,
                    hatch=style.NO_DATA_HATCH,
                    zorder=Z["districts"] + 0.01,
                    gid="districts:not-scored",
                ),
                autolim=False,
            )
        provinces = boundaries.provinces
        ly.plot_outlines(ax, provinces, crs=crs, gid="provinces", simplify_m=tol, clip=clip)
        pm = provinces.to_crs(crs)
        outline = shapely.union_all(
            shapely.simplify(np.asarray(pm.geometry.array, dtype=object), tol)
        )
        ly.plot_outlines(
            ax,
            gpd.GeoSeries([outline], crs=crs),
            crs=crs,
            gid="country",
            color=style.COUNTRY_EDGE,
            linewidth=1.1,
            clip=clip,
        )
        fu.add_scale_bar(ax, crs=crs, avoid=outline)
        fu.add_north_arrow(ax, crs=crs)
        subtitle = (
            f"{fu.as_of_text(day)} · agreement {_pct(row['agreement'])} of "
            f"{int(row['scored'])} districts scored · Cohen's kappa {_num(row['kappa'])}"
        )
        finish_page(
            page,
            crs=crs,
            title=title or titled("Control compared with the reference", place_name(boundaries)),
            subtitle=subtitle,
            credits=drawn_credits(sources, boundaries=boundaries, outlines=False, places=False),
            sections=sections,
        )
    return page.fig, ax


def _class_section(counts: dict[str, int]) -> lg.LegendSection:
    entries = []  # only the classes drawn
    for k, label in DISAGREEMENT_CLASSES.items():
        if not counts.get(k, 0):
            continue
        st: dict[str, Any] = {"facecolor": DISAGREEMENT_COLORS[k], "edgecolor": "#8c8c8c"}
        if k == NOT_SCORED:
            st["hatch"] = style.NO_DATA_HATCH
        entries.append(lg.LegendEntry(f"{label} ({counts.get(k, 0)})", "patch", st))
    return lg.LegendSection("Districts", tuple(entries), (f"{sum(counts.values())} districts",))


def _pct(x: Any) -> str:
    return "n/a" if pd.isna(x) else f"{100 * float(x):.1f} %"


def _num(x: Any) -> str:
    return "n/a" if pd.isna(x) else f"{float(x):.2f}"
