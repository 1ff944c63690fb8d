"""``geofront frontline``: frontline lines of a control table, and how they moved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd

from geofront.cli.main import summary
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    input_path,
    load_boundaries_from_options,
    output_path,
)
from geofront.io import write_table


@click.command("frontline", cls=GeofrontCommand)
@click.argument("control", type=input_path)
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
    help="With --compare-to: districts, area and frontline length per status/class, "
    "before and after (.csv).",
)
@click.option(
    "--changes",
    type=output_path,
    default=None,
    help="With --compare-to: the districts that changed status (.csv, .gpkg, ...).",
)
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    control: Path,
    output: Path,
    compare_to: Path | None,
    by: str,
    include_unknown: bool,
    shift_out: Path | None,
    changes: Path | None,
    **kwargs: Any,
) -> None:
    """Draw the frontline of CONTROL (a table written by `geofront control`).

    Lines run only along borders shared by two districts of different status
    (government-insurgent, contested-government, contested-insurgent), never along the
    international border; lengths are geodesic km. A CSV control table takes its
    geometry from the boundaries (default: the bundled 398 districts).

    Example: geofront frontline control-07-07.gpkg --compare-to control-06-01.gpkg
    -o frontline.gpkg --shift shift.csv
    """
    from geofront.control import read_control
    from geofront.frontline import frontline_lines, frontline_shift

    if compare_to is None and (shift_out or changes):
        raise click.UsageError("--shift and --changes need --compare-to CONTROL")
    cache: dict[str, Any] = {}

    def boundaries() -> Any:
        if "b" not in cache:
            cache["b"] = load_boundaries_from_options(kwargs)
        return cache["b"]

    after = read_control(control, boundaries)
    lines = frontline_lines(after, by=by, include_unknown=include_unknown)  # type: ignore[arg-type]
    write_table(lines, output)
    total = lines["length_km"].sum()
    per = lines.groupby("frontline_class", sort=False)["length_km"].sum()
    text = f"frontline: {len(lines)} line(s), {total:,.1f} km" + (
        " (" + ", ".join(f"{c} {km:,.1f} km" for c, km in per.items()) + ")" if len(per) else ""
    )
    if compare_to is not None:
        before = read_control(compare_to, boundaries)
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
        text += f"; since {Path(compare_to).name}: {shift.summary()}"
    summary(ctx, text)
