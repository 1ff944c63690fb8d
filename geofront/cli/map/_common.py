"""What the ``geofront map`` subcommands share: figure and view options, the bundled
context layers, reading the tables other commands wrote, saving with a summary line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pandas as pd
from click.decorators import FC

from geofront import datasets
from geofront.cli._common import summary
from geofront.cli._evidence import (
    events_or_empty,
)
from geofront.cli.options import (
    dpi_option,
    input_path,
    output_path,
)
from geofront.errors import InputError
from geofront.validate import check_frame


def bbox_cb(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is None:
        return None
    try:
        parts = tuple(float(v) for v in str(value).split(","))
    except ValueError:
        parts = ()
    if len(parts) != 4:
        raise click.BadParameter(f"{value!r} is not W,S,E,N: write e.g. 62.5,34.5,64.5,36")
    return parts


def figure_options(f: FC) -> FC:
    opts = (
        click.option(
            "-o", "--output", type=output_path, required=True, help="Map file: .png, .svg or .pdf."
        ),
        dpi_option,
        click.option("--title", default=None, help="Title (default: made from the view)."),
        click.option(
            "--width",
            "width_in",
            type=click.FloatRange(min=4, max=40),
            default=10.0,
            show_default=True,
            help="Figure width in inches.",
        ),
    )
    for opt in reversed(opts):
        f = opt(f)
    return f


def view_options(f: FC) -> FC:
    opts = (
        click.option("--province", default=None, help="Zoom on one province (name or id)."),
        click.option(
            "--bbox",
            callback=bbox_cb,
            default=None,
            metavar="W,S,E,N",
            help="Zoom on a box in degrees.",
        ),
    )
    for opt in reversed(opts):
        f = opt(f)
    return f


def roads_option(f: FC) -> FC:
    return click.option(
        "--roads",
        "roads_path",
        type=input_path,
        default=None,
        metavar="FILE",
        help="Main roads (lines: .gpkg, .geojson, .shp, .parquet) drawn as context and "
        "credited by file name (no roads are bundled).",
    )(f)


def context_layers(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Bundled neighbours and capitals, when the boundaries are the bundled ones."""
    from geofront.maps import bundled_context

    return bundled_context() if kwargs.get("boundaries") is None else {}


def joined_or_empty(path: Path | None, boundaries: Any, ctx: click.Context) -> Any:
    """Joined events of ``path``; an empty table when only assessments are given."""
    return events_or_empty(path, boundaries, ctx)


def save_map(ctx: click.Context, fig: Any, output: Path, dpi: float, what: str) -> None:
    from geofront.maps import save_figure

    save_figure(fig, output, dpi=dpi)
    w, h = fig.get_size_inches()
    summary(ctx, f"{what}: wrote {output} ({int(round(w * dpi))} x {int(round(h * dpi))} px)")


def assessments_credit_lines(assessments: Any) -> list[str]:
    """The assessments' credit (their source) when the map rests on assessments."""
    from geofront.credits import assessments_credit

    return [] if assessments is None else [assessments_credit(assessments)]


def read_status_table(path: Path) -> pd.DataFrame:
    """A siege status table written by `geofront siege` (.csv or .parquet)."""
    from geofront.io import check_input_file

    src = check_input_file(datasets.resolve(path), "siege status table")
    try:
        table = pd.read_parquet(src) if src.suffix.lower() == ".parquet" else pd.read_csv(src)
    except (ValueError, OSError) as exc:
        raise InputError(f"cannot read siege table {src}: {str(exc).splitlines()[0]}") from exc
    check_frame(
        table,
        what="siege table",
        source=src,
        columns=("city", "status"),
        fix="give the table `geofront siege -o` wrote",
    )
    return table
