"""The timeline figure: districts (or area, people) per control status over time, stacked,
and frontline length over time below.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from geofront import __version__
from geofront.errors import InputError, SchemaError
from geofront.maps import furniture as fu
from geofront.maps import legend as lg
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
        order (bottom: government) for each status with districts at some date
        (``timeline:unknown`` only when unknown is stacked), then
        ``timeline:<status>:assumed`` for the pale part only the baseline assumes (table
        column ``assumed_<measure>``); the shaded span after the last evidence has gid
        ``timeline:after-evidence``.
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
    # the part of each status only the baseline assumes (drawn pale), when the table says
    assumed_col = f"assumed_{measure}" if measure != "districts" else "assumed_districts"
    if assumed_col in timeline.columns:
        pale = (
            timeline.assign(date=pd.to_datetime(timeline["date"]))
            .pivot_table(
                index="date", columns="status", values=assumed_col, aggfunc="sum", fill_value=0
            )
            .reindex(index=wide.index, columns=list(CONTROL_STATUSES), fill_value=0)
            .fillna(0)
        )
    else:
        pale = wide * 0
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
        # a status holds from its date until the next one: steps, not ramps; the last date
        # holds for one more step (the usual spacing), so that its state is drawn too
        step = np.median(np.diff(x)) if len(x) > 1 else np.timedelta64(1, "D")
        x_end = x[-1] + step
        xs = np.append(x, x_end)

        def held(values: np.ndarray) -> np.ndarray:
            return np.append(values, values[-1])

        lower = np.zeros(len(x))
        for s in order:
            found = (wide[s] - pale[s]).to_numpy(dtype=float)
            for part, colour, gid in (
                (found, style.STATUS_COLORS[s], f"timeline:{s}"),
                (pale[s].to_numpy(dtype=float), style.assumed_color(s), f"timeline:{s}:assumed"),
            ):
                if not part.any():
                    continue  # nothing of it: nothing drawn, nothing in the legend
                upper = lower + part
                poly = ax.fill_between(
                    xs,
                    held(lower),
                    held(upper),
                    step="post",
                    facecolor=colour,
                    edgecolor="white",
                    linewidth=0.4,
                )
                poly.set_gid(gid)
                lower = upper
        ax.set_xlim(x.min(), x_end)
        evidence_end = _evidence_end(timeline)
        if evidence_end is not None and len(x) > 1 and evidence_end < x.max():
            # after the last evidence the statuses are only carried forward: say so
            for a in (ax, ax2) if ax2 is not None else (ax,):
                a.axvspan(
                    float(mdates.date2num(evidence_end)),
                    float(mdates.date2num(x_end)),
                    facecolor="#f2f2f2",
                    edgecolor="#bdbdbd",
                    hatch="////",
                    linewidth=0.0,
                    alpha=0.85,
                    zorder=3,
                    gid="timeline:after-evidence",
                )
            ax.text(
                (mdates.date2num(evidence_end) + mdates.date2num(x_end)) / 2,
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
                np.append(fl["date"].to_numpy(), x_end),
                held(fl["length_km"].to_numpy(dtype=float)),
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
        drawn = {s: int(((wide[s] - pale[s]) > 0).any()) for s in order}
        legend = lg.status_section(
            counts=drawn,
            assumed={s: int((pale[s] > 0).any()) for s in order},
            show_counts=False,
        )
        if not stack_unknown:
            unit = {"districts": "districts", "area_km2": "km²", "people": "people"}.get(
                measure, measure
            )
            lo, hi = float(unknown.min()), float(unknown.max())
            span = f"{lo:,.0f}" if lo == hi else f"{lo:,.0f}–{hi:,.0f}"
            legend = lg.LegendSection(
                legend.title,
                tuple(e for e in legend.entries if e.label != style.STATUS_LABELS[UNKNOWN]),
                ("Not stacked: unknown (no evidence),", f"{span} {unit}"),
            )
        lg.build_legend(panel, [legend])
        start, end = wide.index.min(), wide.index.max()
        fu.add_title_block(
            fig,
            title
            or {"area_km2": "Area by control status", "people": "People by control status"}.get(
                measure, "Districts by control status"
            ),
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
    """Day-month tick labels (``May``, ``15 May``), the year under the first one only; no
    label after the last date (the axis runs one step further, where its state holds)."""
    from matplotlib.dates import DAILY, AutoDateLocator, DayLocator, num2date
    from matplotlib.ticker import FuncFormatter

    span_days = (pd.Timestamp(dates.max()) - pd.Timestamp(dates.min())).days if len(dates) else 0
    if span_days <= 12:
        ax.xaxis.set_major_locator(DayLocator(interval=max(1, int(np.ceil(span_days / 6)))))
    else:
        loc = AutoDateLocator(minticks=4, maxticks=10)
        loc.intervald[DAILY] = [1, 7, 14]  # days 1, 7 or 14 apart, never odd steps
        ax.xaxis.set_major_locator(loc)

    last = float(mdates.date2num(pd.Timestamp(dates.max()))) if len(dates) else np.inf

    def label(value: float, pos: int | None) -> str:
        if value > last + 1e-6:
            return ""
        d = num2date(value)
        # a month alone only on an axis of months; daily ticks say "1 Jul", not "Jul"
        text = f"{d:%b}" if d.day == 1 and span_days > 31 else f"{d.day} {d:%b}"
        if pos == 0 or (d.month == 1 and d.day == 1):
            text += f"\n{d.year}"
        return text

    ax.xaxis.set_major_formatter(FuncFormatter(label))


def chronology_figure(
    events: pd.DataFrame,
    *,
    labels: dict[str, str] | None = None,
    start: Any = None,
    end: Any = None,
    title: str | None = None,
    sources: Sequence[str] = (),
    width_in: float = 9.0,
) -> tuple[Figure, Axes]:
    """A chronology strip: each event a marker on a day axis, with a short caption.

    Events are coloured by type (:func:`geofront.maps.style.event_type_colors`), shaped by
    the initiating side (:data:`geofront.maps.points.SIDE_MARKERS`) and sized by reported
    fatalities; one row per event, earliest on top, each with its caption
    (``labels[event_id]``, else the event's ``src_location`` or sub-event type) to the
    right of its marker, so captions never overlap.

    Parameters
    ----------
    events : DataFrame
        Canonical events (``event_id``, ``date``, ``event_type``; ``side1``/``actor1`` for
        the initiator, ``fatalities``).
    labels : dict, optional
        event id -> caption.
    start, end : date-like, optional
        The axis's first and last day (default: the events' own).
    sources : sequence of str
        Credit lines (keys of :data:`geofront.credits.CREDITS` or text); the events'
        credit is added.

    Returns
    -------
    (Figure, Axes)
        Markers with gid ``chronology:<event_id>``, captions ``chronology-label``.
    """
    from geofront.credits import events_credit
    from geofront.maps import points as pn

    if len(events) == 0:
        raise InputError("no events to draw: give at least one")
    ev = pn.with_initiator(events.copy(), "initiator")
    ev["date"] = pd.to_datetime(ev["date"]).dt.normalize()
    ev = ev.sort_values(["date", "event_id"], kind="stable").reset_index(drop=True)
    first = pd.Timestamp(start).normalize() if start is not None else ev["date"].min()
    last = pd.Timestamp(end).normalize() if end is not None else ev["date"].max()
    colours = style.event_type_colors(ev["event_type"].astype(str))
    level = (len(ev) - 1 - np.arange(len(ev))).astype(float)  # earliest on top
    height = 1.5 + 0.3 * len(ev)
    with style.map_style():
        fig = Figure(figsize=(width_in, height))
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.03, 0.8 / height, 0.94, 1 - 1.35 / height))
        ax.set_xlim(
            mdates.date2num(first - pd.Timedelta(hours=12)),
            mdates.date2num(last + pd.Timedelta(days=2, hours=12)),  # room for captions
        )
        ax.set_ylim(-0.6, int(level.max()) + 0.8)
        ax.axhline(-0.6, color=style.MUTED_TEXT, linewidth=0.8)
        for d in pd.date_range(first, last, freq="D"):
            ax.axvline(mdates.date2num(d), color="#e6e6e6", linewidth=0.6, zorder=0)
        ax.set_yticks([])
        for sp in ("top", "right", "left"):
            ax.spines[sp].set_visible(False)
        ax.spines["bottom"].set_visible(False)
        days = pd.date_range(first, last, freq="D")
        ax.set_xticks(mdates.date2num(days))
        ax.set_xticklabels([f"{d.day} {d:%b}" for d in days])
        ax.tick_params(axis="x", length=0)
        area = pn.fatality_marker_area(
            ev["fatalities"] if "fatalities" in ev else np.zeros(len(ev))
        )
        for i, row in enumerate(ev.to_dict("records")):
            x = mdates.date2num(row["date"]) + 0.08
            marker = pn.SIDE_MARKERS.get(str(row.get("initiator", "unknown")), "o")
            ax.scatter(
                [x],
                [level[i]],
                s=float(area[i]),
                marker=marker,
                c=colours[str(row["event_type"])],
                edgecolors="white",
                linewidths=0.6,
                zorder=3,
                gid=f"chronology:{row['event_id']}",
            )
            text = (labels or {}).get(str(row["event_id"])) or str(
                row.get("src_location") or row.get("sub_event_type") or row["event_type"]
            )
            ax.annotate(
                text,
                (x, level[i]),
                xytext=(7, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize=7.0,
                gid="chronology-label",
            )
        fu.add_title_block(
            fig,
            title or "Chronology",
            fu.window_text(ev, first, last) or None,
            x_in=0.3,
            top_in=0.12,
            title_size=11.0,
        )
        fu.add_attribution(
            fig,
            fu.attribution_text(
                list(sources) + events_credit(events), extra=[f"Chart: geofront {__version__}"]
            ),
            x_in=0.3,
            y_in=0.3,
            width_in=width_in - 0.6,
        )
    return fig, ax
