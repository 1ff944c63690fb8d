"""``geofront control``: who holds each district as of a date, with the evidence behind it."""

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
    status_counts,
)
from geofront.cli.options import (
    GeofrontCommand,
    boundary_options,
    control_rule_options,
    control_rules_from_options,
    control_window_option,
    date_option,
    events_format_option,
    input_path,
    load_boundaries_from_options,
    output_path,
)
from geofront.io import write_table


@click.command("control", cls=GeofrontCommand)
@click.argument("events", type=input_path, required=False)
@date_option("--as-of", "as_of", required=True, help="Decide control as of this day.")
@control_window_option
@control_rule_options
@click.option(
    "-o",
    "--output",
    type=output_path,
    required=True,
    help="Control table, one row per district (.gpkg, .parquet, .geojson, or .csv "
    "without geometry).",
)
@events_format_option
@assessment_options
@boundary_options
@click.pass_context
def command(
    ctx: click.Context,
    /,
    events: Path | None,
    as_of: pd.Timestamp,
    window_days: int,
    output: Path,
    fmt: str,
    **kwargs: Any,
) -> None:
    """Decide who holds each district as of a date, from EVENTS and/or assessments.

    EVENTS is a file written by `geofront join`, a raw ACLED/UCDP/CSV events file (joined
    on the fly) or a bundled dataset name; it may be left out when --assessments are
    given (a control spreadsheet alone is enough: assessed districts get their status,
    the others their baseline or `unknown`). From the --baseline and assessments on, a
    side with twice the territory transfers of all others takes a district; a side
    starting two thirds of heavy ground fighting holds it; a side alone in the window's
    armed events, or the only one left where the other collapsed across the province,
    holds it; sustained fighting that nobody dominates makes it contested; otherwise the
    last holder persists. Thresholds rise with the density of the data (see
    geofront.control); the `rule`, `evidence`, `score` and `zone` columns say why and how
    firmly. Units of the assessments are matched by id
    or by name, also through other names of the districts (--aliases).

    Examples: geofront control seed-events --assessments seed-assessments
    --as-of 2021-07-07 -o control.gpkg

    geofront control --assessments my-control-sheet.csv --as-of 2021-07-07 -o control.csv
    """
    from geofront.control import control_from_events

    require_evidence(events, kwargs)
    rule_kw = control_rules_from_options(kwargs)
    boundaries = load_boundaries_from_options(kwargs)
    assessments = load_assessments_from_options(kwargs, boundaries)
    joined = events_or_empty(events, boundaries, ctx, fmt=fmt)
    control = control_from_events(
        joined,
        boundaries,
        as_of=as_of,
        window_days=window_days,
        assessments=assessments,
        **rule_kw,
    )
    if output.suffix.lower() == ".csv":
        write_table(pd.DataFrame(control.drop(columns=control.geometry.name)), output)
    else:
        write_table(control, output)
    n_assess = 0 if assessments is None else len(assessments.table)
    summary(
        ctx,
        f"control as of {as_of:%Y-%m-%d}: {status_counts(control['status'])} districts "
        f"(from {len(joined)} events, {n_assess} assessments)",
    )
