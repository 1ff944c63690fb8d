"""The timeline figure: districts (or area, people) per control status over time, stacked,
and frontline length over time below.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geofront import __version__
from geofront.errors import InputError, SchemaError
from geofront.maps import furniture as fu
from geofront.maps import style
from geofront.schema import CONTROL_STATUSES, UNKNOWN


def timeline_figure(
    timeline: pd.DataFrame,
    *,
    frontline_length: pd.DataFrame | None = None,
    title: str | None = None,
    measure: str = "districts",
    width_in: float = 9.0,
    sources: Sequence[str] = ("boundaries",),
    stack_unknown: bool | None = None,
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
    stack_unknown : bool, optional
        Stack ``unknown`` (no evidence) on top of the other statuses. By default it is
        stacked unless it is more than three quarters of the total at every date: then it
        would flatten the statuses that carry information into a sliver, so it is left
        out of the stack and its range given in the legend instead.

    Each status is drawn as a step: it holds from its date to the next. When the table
    has a ``last_evidence`` column (:func:`geofront.control.control_timeline`), the
    period after the last evidence is shaded and labelled: statuses there are only
    carried forward. The date axis is labelled ``May``, ``15 May``, ``Jun``... with the
    year under the first label (no separate offset text).

    Returns
    -------
    (Figure, Axes)
        The stacked-area axes; its PolyCollections have gid ``timeline:<status>`` in legend
        order (bottom: government), ``timeline:unknown`` only when unknown is stacked; the
        shaded span after the last evidence has gid ``timeline:after-evidence``.
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
    wide = wide.reindex(columns=list(CONTROL_STATUSES), fill_value=0)
    total = wide.sum(axis=1).to_numpy(dtype=float)
    unknown = wide[UNKNOWN].to_numpy(dtype=float)
    if stack_unknown is None:
        stack_unknown = not bool(np.all(unknown > 0.75 * total))
    order = [s for s in CONTROL_STATUSES if stack_unknown or s != UNKNOWN]
    with style.map_style():
        two = frontline_length is not None and len(frontline_length) > 0
        height = 5.6 if two else 4.0
        fig = Figure(figsize=(width_in, height))
        FigureCanvasAgg(fig)
        if two:
            ax = fig.add_axes((0.08, 0.44, 0.66, 0.42))
            ax2 = fig.add_axes((0.08, 0.16, 0.66, 0.21), sharex=ax)
        else:
            ax = fig.add_axes((0.08, 0.22, 0.66, 0.6))
            ax2 = None
        x = wide.index.to_numpy()
        # a status holds from its date until the next one: steps, not ramps
        lower = np.zeros(len(x))
        for s in order:
            upper = lower + wide[s].to_numpy(dtype=float)
            poly = ax.fill_between(
                x,
                lower,
                upper,
                step="post",
                facecolor=style.STATUS_COLORS[s],
                edgecolor="white",
                linewidth=0.4,
            )
            poly.set_gid(f"timeline:{s}")
            lower = upper
        ax.set_xlim(x.min(), x.max()) if len(x) > 1 else None
        evidence_end = _evidence_end(timeline)
        if evidence_end is not None and len(x) > 1 and evidence_end < x.max():
            # after the last evidence the statuses are only carried forward: say so
            for a in (ax, ax2) if ax2 is not None else (ax,):
                a.axvspan(
                    float(mdates.date2num(evidence_end)),
                    float(mdates.date2num(x.max())),
                    facecolor="#f2f2f2",
                    edgecolor="#bdbdbd",
                    hatch="////",
                    linewidth=0.0,
                    alpha=0.85,
                    zorder=3,
                    gid="timeline:after-evidence",
                )
            ax.text(
                (mdates.date2num(evidence_end) + mdates.date2num(x.max())) / 2,
                float(lower.max()) * 0.5,
                f"No evidence after {evidence_end.day} {evidence_end:%b}:\nlast states carried forward",
                ha="center",
                va="center",
                fontsize=7,
                color=style.MUTED_TEXT,
                zorder=4,
                gid="timeline:after-evidence-label",
            )
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
            ax2.step(
                fl["date"],
                fl["length_km"],
                where="post",
                color=style.FRONTLINE_STYLES["government-insurgent"]["color"],
                linewidth=1.4,
                marker="o",
                markersize=2.5,
                gid="frontline-length",
            )
            top = float(pd.to_numeric(fl["length_km"], errors="coerce").max())
            if not np.isfinite(top) or top <= 0:
                # no frontline at any date: a flat line at 0 on a 0-1 axis, said in words
                ax2.set_ylim(0.0, 1.0)
                ax2.set_yticks([0.0])
                ax2.text(
                    0.5,
                    0.55,
                    "No government–insurgent frontline at any date",
                    transform=ax2.transAxes,
                    ha="center",
                    fontsize=7,
                    color=style.MUTED_TEXT,
                    gid="frontline-none",
                )
            else:
                ax2.set_ylim(0.0, top * 1.1)  # lengths are never negative
            ax2.set_ylabel("Frontline (km)")
            ax2.grid(axis="y", color="#e0e0e0", linewidth=0.5)
            for sp in ("top", "right"):
                ax2.spines[sp].set_visible(False)
            ax.tick_params(labelbottom=False)
        _date_axis((ax2 or ax), x)
        panel = fig.add_axes((0.77, 0.16, 0.21, 0.7))
        panel.set_axis_off()
        legend = fu.status_section(include_no_data=False)
        if not stack_unknown:
            unit = {"districts": "districts", "area_km2": "km²", "people": "people"}.get(
                measure, measure
            )
            lo, hi = float(unknown.min()), float(unknown.max())
            span = f"{lo:,.0f}" if lo == hi else f"{lo:,.0f}–{hi:,.0f}"
            legend = fu.LegendSection(
                legend.title,
                tuple(e for e in legend.entries if e.label != style.STATUS_LABELS[UNKNOWN]),
                ("Not stacked: unknown (no evidence),", f"{span} {unit}"),
            )
        fu.build_legend(panel, [legend])
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
            y_in=0.22,
            width_in=width_in - 0.6,
        )
    return fig, ax


def _evidence_end(timeline: pd.DataFrame) -> pd.Timestamp | None:
    """The last evidence date of a timeline table (its ``last_evidence`` column), if any."""
    if "last_evidence" not in timeline.columns:
        return None
    last = pd.to_datetime(timeline["last_evidence"], errors="coerce").max()
    return None if pd.isna(last) else pd.Timestamp(last)


def _date_axis(ax: Axes, dates: np.ndarray) -> None:
    """Day-month tick labels (``May``, ``15 May``), the year under the first one only."""
    from matplotlib.dates import DAILY, AutoDateLocator, DayLocator, num2date
    from matplotlib.ticker import FuncFormatter

    span_days = (pd.Timestamp(dates.max()) - pd.Timestamp(dates.min())).days if len(dates) else 0
    if span_days <= 12:
        ax.xaxis.set_major_locator(DayLocator(interval=max(1, int(np.ceil(span_days / 6)))))
    else:
        loc = AutoDateLocator(minticks=4, maxticks=10)
        loc.intervald[DAILY] = [1, 7, 14]  # days 1, 7 or 14 apart, never odd steps
        ax.xaxis.set_major_locator(loc)

    def label(value: float, pos: int | None) -> str:
        d = num2date(value)
        # a month alone only on an axis of months; daily ticks say "1 Jul", not "Jul"
        text = f"{d:%b}" if d.day == 1 and span_days > 31 else f"{d.day} {d:%b}"
        if pos == 0 or (d.month == 1 and d.day == 1):
            text += f"\n{d.year}"
        return text

    ax.xaxis.set_major_formatter(FuncFormatter(label))
