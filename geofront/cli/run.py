"""``geofront run``: a whole case (join, control, frontlines, sieges, exposure, maps)."""

from __future__ import annotations

from pathlib import Path

import click

from geofront.cli._common import progress_enabled, summary
from geofront.cli.options import GeofrontCommand, input_name


@click.command("run", cls=GeofrontCommand)
@click.option(
    "--case",
    "case_name",
    type=input_name,
    default="afghanistan-2021",
    show_default=True,
    help="A case file (TOML), or the name of a bundled case.",
)
@click.option(
    "-o",
    "--outdir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the outputs (tables/, maps/, parameters.toml); created if needed.",
)
@click.pass_context
def command(ctx: click.Context, case_name: str, outdir: Path) -> None:
    """Run a whole case and write every table and map under OUTDIR.

    The bundled case `afghanistan-2021` (data/cases/afghanistan-2021.toml) joins the bundled
    events, decides district control as of 7 July 2021, draws frontlines, assesses the
    siege of every provincial capital, counts people per zone, and renders the maps.
    Copy the case file to run your own; `parameters.toml` in OUTDIR records what was used.
    """
    from geofront.case import read_case
    from geofront.pipeline import run_case

    case = read_case(case_name)
    written = run_case(case, outdir, progress=progress_enabled(ctx))
    tables = sum(1 for p in written if p.parent.name == "tables")
    maps = sum(1 for p in written if p.parent.name == "maps")
    summary(ctx, f"case {case.name}: wrote {tables} tables and {maps} maps to {outdir}")
