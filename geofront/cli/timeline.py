"""``geofront timeline``: districts, area and people per control status, date by date."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from geofront.cli._common import summary
from geofront.cli._evidence import (
    assessment_options,
    events_or_empty,
    load_assessments_from_options,
    require_evidence,
)
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    control_rule_options,
    control_rules_from_options,
    control_window_option,
    date_option,
    every_option,
    input_name,
    input_path,
    load_boundaries_from_options,
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
@click.argument("events", type=input_path, required=False)
@click.option(
    "--dates",
    callback=_dates_cb,
    default=None,
    metavar="D1,D2,...",
    help="Comma-separated days (YYYY-MM-DD).",
)
@date_option("--start", default=None, help="First day of a regular series.")
@date_option("--end", default=None, help="Last day of a regular series (always included).")
@every_option
@control_window_option
@control_rule_options
@click.option(
    "--population",
    type=input_name,
    default=None,
    metavar="RASTER",
    help="People-per-cell raster (path or bundled name, e.g. afg-population) to count "
    "people per status.",
)
@click.option("-o", "--output", type=output_path, required=True, help="Timeline table (.csv).")
@click.option(
    "--districts-out",
    type=output_path,
    default=None,
    help="Also write the status of every district on every date (.csv or .parquet: date, "
    "district_id, district, province_id, province, status, rule, since).",
)
@assessment_options
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    events: Path | None,
    dates: tuple[pd.Timestamp, ...] | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    every_days: int,
    window_days: int,
    population: str | None,
    output: Path,
    districts_out: Path | None,
    **kwargs: Any,
) -> None:
    """Count districts, area (km², equal-area) and people per control status over time.

    One row per date and status (government, contested, insurgent, unknown). EVENTS and
    the assessment options are as for `geofront control`: EVENTS may be left out when
    --assessments are given.

    Example: geofront timeline seed-events --assessments seed-assessments
    --start 2021-06-01 --end 2021-07-07 --every 7d -o timeline.csv
    """
    from geofront.control import control_history, timeline_from_history

    require_evidence(events, kwargs)
    days = timeline_dates(dates, start, end, every_days)
    rule_kw = control_rules_from_options(kwargs)
    boundaries = load_boundaries_from_options(kwargs)
    assessments = load_assessments_from_options(kwargs, boundaries)
    joined = events_or_empty(events, boundaries, ctx)
    history = control_history(
        joined,
        boundaries,
        dates=days,
        window_days=window_days,
        assessments=assessments,
        **rule_kw,
    )
    table = timeline_from_history(history, boundaries, population=population)
    if districts_out is not None:
        write_table(history, districts_out)
    from geofront.exposure import round_people

    write_table(round_people(table), output)  # people as whole people
    last = table[table["date"] == table["date"].max()].set_index("status")
    summary(
        ctx,
        f"timeline: {len(days)} date(s) from {days[0]:%Y-%m-%d} to {days[-1]:%Y-%m-%d}; "
        f"on the last: "
        + ", ".join(f"{s} {int(n)}" for s, n in last["districts"].items())
        + " districts",
    )
