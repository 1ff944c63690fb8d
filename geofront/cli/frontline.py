"""``geofront frontline``: frontline lines of a control table, and how they moved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from geofront.cli._common import summary
from geofront.cli._evidence import assessment_options, load_assessments_from_options
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    date_option,
    input_path,
    load_boundaries_from_options,
    output_path,
)
from geofront.io import write_table


@click.command("frontline", cls=GeofrontCommand)
@click.argument("control", type=input_path, required=False)
@click.option(
    "-o",
    "--output",
    type=output_path,
    required=True,
    help="Frontline lines (.gpkg, .parquet, .geojson, or .csv with WKT geometry).",
)
@click.option(
    "--compare-to",
    type=input_path,
    default=None,
    metavar="CONTROL",
    help="An earlier control table: report districts that changed hands and how the "
    "frontline moved.",
)
@click.option(
    "--by",
    type=click.Choice(["pair", "class"]),
    default="pair",
    show_default=True,
    help="One line per pair of neighbouring districts, or one per frontline class.",
)
@click.option(
    "--include-unknown",
    is_flag=True,
    help="Also draw edges between a known status and unknown (the edge of knowledge).",
)
@click.option(
    "--shift",
    "shift_out",
    type=output_path,
    default=None,
    help="With --compare-to (or --compare-to-date): districts, area and frontline length "
    "per status/class, "
    "before and after (.csv).",
)
@click.option(
    "--changes",
    type=output_path,
    default=None,
    help="With --compare-to (or --compare-to-date): the districts that changed status "
    "(.csv, .gpkg, ...).",
)
@date_option(
    "--as-of",
    "as_of",
    default=None,
    help="With --assessments (instead of CONTROL): the day whose control to draw.",
)
@date_option(
    "--compare-to-date",
    "compare_date",
    default=None,
    help="With --assessments: an earlier day to compare with (instead of --compare-to).",
)
@assessment_options
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    control: Path | None,
    output: Path,
    compare_to: Path | None,
    by: str,
    include_unknown: bool,
    shift_out: Path | None,
    changes: Path | None,
    as_of: pd.Timestamp | None,
    compare_date: pd.Timestamp | None,
    **kwargs: Any,
) -> None:
    """Draw the frontline of CONTROL (a table written by `geofront control`), or of the
    control that --assessments give as of --as-of (no events needed).

    Lines run only along borders shared by two districts of different status
    (government-insurgent, contested-government, contested-insurgent), never along the
    international border; lengths are geodesic km. A CSV control table takes its
    geometry from the boundaries (default: the bundled 398 districts).

    Examples: geofront frontline control-07-07.gpkg --compare-to control-06-01.gpkg
    -o frontline.gpkg --shift shift.csv

    geofront frontline --assessments seed-assessments --as-of 2021-07-07 -o frontline.gpkg
    """
    from geofront.control import read_control
    from geofront.frontline import frontline_lines, frontline_shift

    by_assessments = kwargs.get("assessments") is not None
    if (control is None) != by_assessments:
        raise click.UsageError(
            "give a CONTROL table, or --assessments FILE with --as-of DATE (not both)"
        )
    if by_assessments and as_of is None:
        raise click.UsageError("--assessments needs --as-of YYYY-MM-DD")
    if not by_assessments and (as_of is not None or compare_date is not None):
        raise click.UsageError("--as-of and --compare-to-date need --assessments FILE")
    if compare_to is not None and compare_date is not None:
        raise click.UsageError("give --compare-to CONTROL or --compare-to-date DATE, not both")
    if compare_to is None and compare_date is None and (shift_out or changes):
        raise click.UsageError("--shift and --changes need --compare-to CONTROL (or a date)")
    cache: dict[str, Any] = {}

    def boundaries() -> Any:
        if "b" not in cache:
            cache["b"] = load_boundaries_from_options(kwargs)
        return cache["b"]

    def from_assessments(day: pd.Timestamp) -> Any:
        from geofront.control import control_from_events
        from geofront.join import empty_joined

        if "a" not in cache:
            cache["a"] = load_assessments_from_options(kwargs, boundaries())
        return control_from_events(empty_joined(), boundaries(), as_of=day, assessments=cache["a"])

    if by_assessments:
        assert as_of is not None
        after = from_assessments(as_of)
    else:
        load_assessments_from_options(kwargs, None)  # only checks that none were given
        assert control is not None
        after = read_control(control, boundaries)
    lines = frontline_lines(after, by=by, include_unknown=include_unknown)  # type: ignore[arg-type]
    write_table(lines, output)
    total = lines["length_km"].sum()
    per = lines.groupby("frontline_class", sort=False)["length_km"].sum()
    text = f"frontline: {len(lines)} line(s), {total:,.1f} km" + (
        " (" + ", ".join(f"{c} {km:,.1f} km" for c, km in per.items()) + ")" if len(per) else ""
    )
    if compare_to is not None or compare_date is not None:
        before = (
            from_assessments(compare_date)
            if compare_date is not None
            else read_control(compare_to, boundaries)  # type: ignore[arg-type]
        )
        shift = frontline_shift(before, after, include_unknown=include_unknown)
        if shift_out is not None:
            write_table(shift.to_table(), shift_out)
        if changes is not None:
            out = shift.changes
            write_table(
                pd.DataFrame(out.drop(columns=out.geometry.name))
                if changes.suffix.lower() == ".csv"
                else out,
                changes,
            )
        since = (
            f"{compare_date:%Y-%m-%d}" if compare_date is not None else Path(str(compare_to)).name
        )
        text += f"; since {since}: {shift.summary()}"
    summary(ctx, text)
