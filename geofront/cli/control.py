"""``geofront control``: who holds each district as of a date, with the evidence behind it.

Also home of the ``--assessments`` options shared with ``timeline``, ``frontline``,
``siege`` and ``map``, and of :func:`events_or_empty`: with assessments alone (no events
file) every command works on an empty events table.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import click
import pandas as pd

from geofront import datasets
from geofront.cli.main import progress_enabled, summary
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
from geofront.errors import GeofrontWarning
from geofront.io import write_table
from geofront.schema import CONTROL_STATUSES

_ASSESSMENT_OPTIONS = (
    click.option(
        "--assessments",
        type=input_path,
        default=None,
        metavar="FILE",
        help="Analyst assessments (long or wide CSV; e.g. seed-assessments). They set the "
        "state at their dates; later events update it. Enough on their own: the events "
        "may then be left out. Units are matched by id, or by name (news spellings "
        "too: see --aliases and --assessments-report).",
    ),
    click.option("--assessments-unit", default=None, help="Unit id or name column."),
    click.option("--assessments-province", default=None, help="Province column."),
    click.option("--assessments-date", default=None, help="Date column (long tables)."),
    click.option("--assessments-status", default=None, help="Status column (long tables)."),
    click.option(
        "--flag-meaning",
        default=None,
        metavar="1=STATUS,0=STATUS",
        help="Meaning of 0/1 status flags, e.g. 1=insurgent,0=government.",
    ),
    click.option(
        "--assessments-report",
        type=output_path,
        default=None,
        help="Write how each assessed unit matched a district (.csv): method (exact, "
        "normalised, phonetic, skeleton, token, fuzzy, ambiguous, unmatched), the alias "
        "used, candidates.",
    ),
    click.option(
        "--assessments-rejects",
        type=output_path,
        default=None,
        help="Write rejected assessment rows with their reasons (.csv).",
    ),
    click.option(
        "--strict-assessments",
        is_flag=True,
        help="Fail on the first bad assessment row instead of reporting it.",
    ),
    click.option(
        "--aliases",
        type=input_path,
        default=None,
        metavar="FILE",
        help="Other names of the districts (CSV: alias, district_id[, relation, source]), "
        "for matching assessment units by name; adds to the bundled Afghan aliases "
        "(afg-district-aliases, used with the bundled boundaries); 'none' for none.",
    ),
)


def assessment_options(f: Any) -> Any:
    """Attach the ``--assessments*`` options."""
    for opt in reversed(_ASSESSMENT_OPTIONS):
        f = opt(f)
    return f


def load_assessments_from_options(kwargs: dict[str, Any], boundaries: Any) -> Any:
    """Pop the assessment options from ``kwargs``; read, report and return them (or None)."""
    from geofront.assessments import read_assessments

    path = kwargs.pop("assessments", None)
    opts = {
        "unit": kwargs.pop("assessments_unit", None),
        "province": kwargs.pop("assessments_province", None),
        "date": kwargs.pop("assessments_date", None),
        "status": kwargs.pop("assessments_status", None),
        "flag_meaning": kwargs.pop("flag_meaning", None),
        "strict": kwargs.pop("strict_assessments", False),
    }
    report = kwargs.pop("assessments_report", None)
    rejects = kwargs.pop("assessments_rejects", None)
    aliases = kwargs.pop("aliases", None)
    if path is None:
        if report or rejects or aliases or any(v for k, v in opts.items() if k != "strict"):
            raise click.UsageError("--assessments-* and --aliases options need --assessments FILE")
        return None
    alias_arg = False if aliases is not None and str(aliases).strip().lower() == "none" else aliases
    read = read_assessments(datasets.resolve(path), boundaries, aliases=alias_arg, **opts)
    if report is not None:
        write_table(read.report, report)
    if rejects is not None:
        write_table(read.rejected, rejects)
    if len(read.rejected):
        first = read.rejected.iloc[0]
        warnings.warn(
            f"{read.summary()}; first: {first['ref']} {first['reason']}: {first['detail']}"
            + ("" if rejects else "; see all with --assessments-rejects FILE"),
            GeofrontWarning,
            stacklevel=2,
        )
    return read


def require_evidence(events: Any, kwargs: dict[str, Any], *, what: str = "EVENTS") -> None:
    """Fail fast (usage error) when neither an events file nor --assessments is given."""
    if events is None and kwargs.get("assessments") is None:
        raise click.UsageError(
            f"give {what} (an events file or a bundled name such as seed-events), "
            "--assessments FILE, or both"
        )


def events_or_empty(events: Any, boundaries: Any, ctx: click.Context, *, fmt: str = "auto") -> Any:
    """Joined events from ``events``, or an empty joined table when there is none."""
    from geofront.join import empty_joined, load_joined_events

    if events is None:
        return empty_joined()
    return load_joined_events(
        datasets.resolve(events), boundaries, format=fmt, progress=progress_enabled(ctx)
    )


def status_counts(status: pd.Series) -> str:
    """``government 1, contested 1, insurgent 6, unknown 390``."""
    counts = status.value_counts()
    return ", ".join(f"{s} {int(counts.get(s, 0))}" for s in CONTROL_STATUSES)


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
