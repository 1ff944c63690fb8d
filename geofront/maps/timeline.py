"""The timeline figure: districts (or area, people) per control status over time, stacked,
and frontline length over time below.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geofront import __version__
from geofront.errors import InputError, SchemaError
from geofront.maps import furniture as fu
from geofront.maps import style
from geofront.schema import CONTROL_STATUSES


def timeline_figure(
    timeline: pd.DataFrame,
    *,
    frontline_length: pd.DataFrame | None = None,
    title: str | None = None,
    measure: str = "districts",
    width_in: float = 9.0,
    sources: Sequence[str] = ("boundaries",),
) -> tuple[Figure, Axes]:
    """Stacked area of districts per status over time, and frontline length below.

    Parameters
    ----------
    timeline : DataFrame
        Long table with ``date``, ``status`` and ``measure`` columns, one row per date and
        status (:func:`geofront.control.control_timeline`).
    frontline_length : DataFrame, optional
        ``date`` and ``length_km`` columns: drawn as a line in a second panel.
    measure : {"districts", "area_km2", "people"}
        Column stacked.

    Returns
    -------
    (Figure, Axes)
        The stacked-area axes; its PolyCollections have gid ``timeline:<status>`` in legend
        order (bottom: government).
    """
    for col in ("date", "status", measure):
        if col not in timeline.columns:
            raise SchemaError(f"timeline needs columns date, status, {measure}; missing {col!r}")
    if len(timeline) == 0:
        raise InputError("timeline is empty: give at least one date")
    wide = (
        timeline.assign(date=pd.to_datetime(timeline["date"]))
        .pivot_table(index="date", columns="status", values=measure, aggfunc="sum", fill_value=0)
        .sort_index()
    )
    order = list(CONTROL_STATUSES)
    wide = wide.reindex(columns=order, fill_value=0)
    with style.map_style():
        two = frontline_length is not None and len(frontline_length) > 0
        height = 5.6 if two else 4.0
        fig = Figure(figsize=(width_in, height))
        FigureCanvasAgg(fig)
        if two:
            ax = fig.add_axes((0.08, 0.42, 0.66, 0.44))
            ax2 = fig.add_axes((0.08, 0.12, 0.66, 0.22), sharex=ax)
        else:
            ax = fig.add_axes((0.08, 0.16, 0.66, 0.66))
            ax2 = None
        x = wide.index.to_numpy()
        polys = ax.stackplot(
            x,
            *[wide[s].to_numpy(dtype=float) for s in order],
            colors=[style.STATUS_COLORS[s] for s in order],
            edgecolor="white",
            linewidth=0.4,
        )
        for s, p in zip(order, polys, strict=True):
            p.set_gid(f"timeline:{s}")
        ax.set_xlim(x.min(), x.max()) if len(x) > 1 else None
        ax.set_ylabel(
            {"districts": "Districts", "area_km2": "Area (km²)", "people": "People"}[measure]
            if measure in ("districts", "area_km2", "people")
            else measure
        )
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.5)
        ax.set_axisbelow(True)
        for sp in ("top", "right"):
            ax.spines[sp].set_visible(False)
        if two and ax2 is not None and frontline_length is not None:
            fl = frontline_length.assign(date=pd.to_datetime(frontline_length["date"])).sort_values(
                "date"
            )
            ax2.plot(
                fl["date"],
                fl["length_km"],
                color=style.FRONTLINE_STYLES["government-insurgent"]["color"],
                linewidth=1.4,
                marker="o",
                markersize=2.5,
                gid="frontline-length",
            )
            ax2.set_ylabel("Frontline (km)")
            ax2.grid(axis="y", color="#e0e0e0", linewidth=0.5)
            for sp in ("top", "right"):
                ax2.spines[sp].set_visible(False)
            ax.tick_params(labelbottom=False)
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

        loc = AutoDateLocator()
        (ax2 or ax).xaxis.set_major_locator(loc)
        (ax2 or ax).xaxis.set_major_formatter(ConciseDateFormatter(loc))
        panel = fig.add_axes((0.77, 0.16, 0.21, 0.7))
        panel.set_axis_off()
        fu.build_legend(panel, [fu.status_section(include_no_data=False)])
        start, end = wide.index.min(), wide.index.max()
        fu.add_title_block(
            fig,
            title or "Districts by control status",
            fu.window_text(pd.DataFrame({"date": [start, end]}), None, None) or None,
            x_in=0.3,
            top_in=0.15,
        )
        fu.add_attribution(
            fig,
            fu.attribution_text(sources, extra=[f"Chart: geofront {__version__}"]),
            x_in=0.3,
            y_in=0.3,
            width_in=width_in - 0.6,
        )
    return fig, ax
