"""``geofront timeline``: districts, area and people per control status, date by date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from geofront import datasets
from geofront.cli.control import assessment_options, load_assessments_from_options
from geofront.cli.main import progress_enabled, summary
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    control_window_option,
    date_option,
    days_option,
    input_name,
    input_path,
    load_boundaries_from_options,
    min_events_option,
    output_path,
    parse_date,
)
from geofront.io import write_table


def _dates_cb(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is None:
        return None
    return tuple(parse_date(part) for part in str(value).split(",") if part.strip())


def timeline_dates(
    dates: tuple[pd.Timestamp, ...] | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    every_days: int,
) -> list[pd.Timestamp]:
    """Return the dates asked for: ``--dates``, or ``--start`` to ``--end`` every N days.

    The range always includes ``--end``.
    """
    if dates and (start is not None or end is not None):
        raise click.UsageError("give either --dates or --start/--end, not both")
    if dates:
        return sorted(set(dates))
    if start is None or end is None:
        raise click.UsageError("give --dates D1,D2,... or both --start and --end")
    if end < start:
        raise click.BadParameter(f"--end {end:%Y-%m-%d} is before --start {start:%Y-%m-%d}")
    if every_days < 1:
        raise click.BadParameter("--every must be at least 1d")
    days = list(pd.date_range(start, end, freq=f"{every_days}D"))
    if days[-1] != end:
        days.append(end)
    return days


@click.command("timeline", cls=GeofrontCommand)
@click.argument("events", type=input_path)
@click.option(
    "--dates",
    callback=_dates_cb,
    default=None,
    metavar="D1,D2,...",
    help="Comma-separated days (YYYY-MM-DD).",
)
@date_option("--start", default=None, help="First day of a regular series.")
@date_option("--end", default=None, help="Last day of a regular series (always included).")
@days_option("--every", "every_days", default="7d", show_default=True, help="Step of the series.")
@control_window_option
@min_events_option
@click.option(
    "--population",
    type=input_name,
    default=None,
    metavar="RASTER",
    help="People-per-cell raster (path or bundled name, e.g. afg-population) to count "
    "people per status.",
)
@click.option("-o", "--output", type=output_path, required=True, help="Timeline table (.csv).")
@assessment_options
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    events: Path,
    dates: tuple[pd.Timestamp, ...] | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    every_days: int,
    window_days: int,
    min_armed_events: int,
    population: str | None,
    output: Path,
    **kwargs: Any,
) -> None:
    """Count districts, area (km², equal-area) and people per control status over time.

    One row per date and status (government, contested, insurgent, unknown). EVENTS and
    the assessment options are as for `geofront control`.

    Example: geofront timeline seed-events --assessments seed-assessments
    --start 2021-06-01 --end 2021-07-07 --every 7d -o timeline.csv
    """
    from geofront.control import ControlRules, control_timeline
    from geofront.join import load_joined_events

    days = timeline_dates(dates, start, end, every_days)
    boundaries = load_boundaries_from_options(kwargs)
    assessments = load_assessments_from_options(kwargs, boundaries)
    joined = load_joined_events(
        datasets.resolve(events), boundaries, progress=progress_enabled(ctx)
    )
    table = control_timeline(
        joined,
        boundaries,
        dates=days,
        window_days=window_days,
        assessments=assessments,
        rules=ControlRules(min_armed_events=min_armed_events),
        population=population,
        progress=progress_enabled(ctx),
    )
    write_table(table, output)
    last = table[table["date"] == table["date"].max()].set_index("status")
    summary(
        ctx,
        f"timeline: {len(days)} date(s) from {days[0]:%Y-%m-%d} to {days[-1]:%Y-%m-%d}; "
        f"on the last: "
        + ", ".join(f"{s} {int(n)}" for s, n in last["districts"].items())
        + " districts",
    )
