"""The evidence of control on the command line, shared by ``control``, ``timeline``,
``frontline``, ``siege`` and ``map``: the ``--assessments*`` options and the events file
(or, with assessments alone, an empty events table: :func:`events_or_empty`).
"""

from __future__ import annotations

import warnings
from typing import Any

import click
import pandas as pd
from click.decorators import FC

from geofront import datasets
from geofront.cli._common import progress_enabled
from geofront.cli.options import input_path, output_path
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


def assessment_options(f: FC) -> FC:
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
