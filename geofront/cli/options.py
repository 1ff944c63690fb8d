"""Click options shared by several commands, defined once.

Text such as ``5km`` or ``30d`` is parsed here, once, into numbers with units in their
names (metres, days); commands receive plain numbers.

Every file a command reads is an :data:`input_path` (or :data:`input_name`) and every
file it writes an :data:`output_path`: these types record the paths, and
:class:`GeofrontCommand` (the class of every command) refuses an output that is the same
file as an input or as another output before the command does any work.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
import pandas as pd
from click.decorators import FC

from geofront import defaults as D

_DISTANCE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(km|m)?\s*$", re.IGNORECASE)
_DURATION = re.compile(r"^\s*([0-9]+)\s*(d|w)?\s*$", re.IGNORECASE)


def parse_distance_m(text: str) -> float:
    """Parse ``"5km"``, ``"500m"`` or ``"2.5 km"`` into metres (a bare number is metres)."""
    m = _DISTANCE.match(str(text))
    if not m:
        raise click.BadParameter(f"{text!r} is not a distance: write e.g. 5km or 500m")
    value = float(m.group(1))
    return value * 1000.0 if (m.group(2) or "m").lower() == "km" else value


def parse_days(text: str) -> int:
    """Parse ``"30d"``, ``"2w"`` or ``"14"`` into a whole number of days."""
    m = _DURATION.match(str(text))
    if not m:
        raise click.BadParameter(f"{text!r} is not a duration: write e.g. 30d or 2w")
    n = int(m.group(1))
    return n * 7 if (m.group(2) or "d").lower() == "w" else n


def parse_date(text: str) -> pd.Timestamp:
    """Parse an ISO date ``YYYY-MM-DD``."""
    try:
        return pd.Timestamp(date.fromisoformat(str(text).strip()))
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date: write YYYY-MM-DD") from None


def _distance_cb(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is None:
        return None
    return parse_distance_m(value)


def _days_cb(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is None:
        return None
    return parse_days(value)


def _date_cb(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is None:
        return None
    return parse_date(value)


def _distances_cb(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value is None:
        return None
    return tuple(parse_distance_m(part) for part in str(value).split(",") if part.strip())


def distance_option(*names: str, **kwargs: Any) -> Callable[[FC], FC]:
    """An option taking a distance like ``5km``; the command receives metres (float)."""
    return click.option(*names, callback=_distance_cb, metavar="DIST", **kwargs)


def distances_option(*names: str, **kwargs: Any) -> Callable[[FC], FC]:
    """An option taking ``5km,20km,50km``; the command receives a tuple of metres."""
    return click.option(*names, callback=_distances_cb, metavar="D1,D2,...", **kwargs)


def days_option(*names: str, **kwargs: Any) -> Callable[[FC], FC]:
    """An option taking a duration like ``30d``; the command receives days (int)."""
    return click.option(*names, callback=_days_cb, metavar="DAYS", **kwargs)


def date_option(*names: str, **kwargs: Any) -> Callable[[FC], FC]:
    """An option taking ``YYYY-MM-DD``; the command receives a pandas Timestamp."""
    return click.option(*names, callback=_date_cb, metavar="YYYY-MM-DD", **kwargs)


_INPUTS, _OUTPUTS = "geofront.inputs", "geofront.outputs"


def _label(param: click.Parameter | None) -> str:
    if param is None:
        return "a file"
    if isinstance(param, click.Option):
        longs = [o for o in param.opts if o.startswith("--")]
        return (longs or param.opts)[0]
    return param.human_readable_name


def _record(ctx: click.Context | None, key: str, param: click.Parameter | None, value: Any) -> None:
    if ctx is not None and value is not None:
        ctx.meta.setdefault(key, []).append((_label(param), value))


class InputPath(click.Path):
    """A file the command reads (or a bundled dataset name); recorded for the same-file
    check of :class:`GeofrontCommand`."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        out = super().convert(value, param, ctx)
        _record(ctx, _INPUTS, param, out)
        return out


class OutputPath(click.Path):
    """A file the command writes (atomically); recorded for the same-file check."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        out = super().convert(value, param, ctx)
        _record(ctx, _OUTPUTS, param, out)
        return out


class InputName(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """A file or bundled dataset name given as text ('none' means no file); recorded."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value)
        if text.lower() != "none":
            _record(ctx, _INPUTS, param, text)
        return text


def check_paths(ctx: click.Context) -> None:
    """Refuse an output that is the same file as an input or another output (one line)."""
    from geofront import datasets
    from geofront.files import check_distinct_paths

    inputs: dict[str, list[Any]] = {}
    for label, value in ctx.meta.get(_INPUTS, []):
        inputs.setdefault(label, []).append(datasets.resolve(value))
    outputs: dict[str, list[Any]] = {}
    for label, value in ctx.meta.get(_OUTPUTS, []):
        outputs.setdefault(label, []).append(value)
    check_distinct_paths(inputs, outputs)


class GeofrontCommand(click.Command):
    """A command that checks its input and output paths before it runs (see
    :func:`check_paths`)."""

    def invoke(self, ctx: click.Context) -> Any:
        check_paths(ctx)
        return super().invoke(ctx)


class GeofrontGroup(click.Group):
    """A group whose subcommands are :class:`GeofrontCommand`."""

    command_class = GeofrontCommand


#: An input file: must exist, may be a bundled dataset name (resolved by the command).
input_path = InputPath(dir_okay=True, path_type=Path)
#: An input given as text: a path, a bundled dataset name, or 'none'.
input_name = InputName()
#: An output file (atomicity is the writer's job).
output_path = OutputPath(dir_okay=False, writable=False, path_type=Path)

boundaries_option = click.option(
    "--boundaries",
    "boundaries",
    type=input_path,
    default=None,
    metavar="PATH",
    help="District boundaries file (GeoPackage, Shapefile, GeoJSON, GeoParquet). "
    "Default: the bundled Afghanistan 398 districts.",
)
boundaries_layer_option = click.option(
    "--boundaries-layer", default=None, help="Layer of the boundaries file to read."
)
district_name_option = click.option(
    "--district-name",
    default="district",
    show_default=True,
    help="Column of the boundaries file with the district name.",
)
district_id_option = click.option(
    "--district-id",
    default=None,
    help="Column with a unique district id (default: made from province id and name).",
)
province_name_option = click.option(
    "--province-name",
    default="province",
    show_default=True,
    help="Column with the province (parent unit) name; 'none' for a single-level file.",
)
province_id_option = click.option(
    "--province-id", default=None, help="Column with the province id (default: its name)."
)
crs_option = click.option(
    "--crs",
    default=None,
    help="CRS to assume for a boundaries file that has none (e.g. EPSG:4326).",
)


def boundary_options(f: FC) -> FC:
    """Attach all options that select and describe a boundaries file."""
    for opt in reversed(
        (
            boundaries_option,
            boundaries_layer_option,
            district_name_option,
            district_id_option,
            province_name_option,
            province_id_option,
            crs_option,
        )
    ):
        f = opt(f)
    return f


def load_boundaries_from_options(kwargs: dict[str, Any]) -> Any:
    """Pop the boundary options from ``kwargs`` and return :class:`AdminBoundaries`."""
    from geofront.boundaries import read_boundaries

    path = kwargs.pop("boundaries", None)
    layer = kwargs.pop("boundaries_layer", None)
    dname = kwargs.pop("district_name", "district")
    did = kwargs.pop("district_id", None)
    pname = kwargs.pop("province_name", "province")
    pid = kwargs.pop("province_id", None)
    crs = kwargs.pop("crs", None)
    if path is None:
        return read_boundaries()
    return read_boundaries(
        path,
        layer=layer,
        district_name=dname,
        district_id=did,
        province_name=None if str(pname).lower() == "none" else pname,
        province_id=pid,
        crs=crs,
    )


#: ``--format``: the layout of an events file (commands receive ``fmt``).
events_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "acled", "ucdp", "csv"]),
    default="auto",
    show_default=True,
    help="Layout of a raw events file: ACLED export, UCDP GED/Candidate CSV or a generic "
    "table (auto-detected); files written by `geofront join` are read as they are.",
)
#: ``--window``: the window of the control rules (commands receive ``window_days``).
control_window_option = days_option(
    "--window",
    "window_days",
    default=f"{D.CONTROL_WINDOW_DAYS}d",
    show_default=True,
    help="Days up to the date whose events the control rules weigh (transfers, initiative, "
    "sustained fighting).",
)


def _rule_default(name: str) -> Any:
    from geofront.control import ControlRules

    return getattr(ControlRules(), name)


def _flags(field: str, *aliases: str) -> tuple[str, ...]:
    """The option names of a field: ``--<field-with-dashes>``, then earlier spellings."""
    return ("--" + field.replace("_", "-"), *aliases)


#: The control-rule thresholds as CLI options: (field of ControlRules, option names, type,
#: help). Each option is named after its field (earlier spellings kept as aliases);
#: defaults come from :class:`geofront.control.ControlRules`, never from here.
_RULE_OPTIONS: tuple[tuple[str, tuple[str, ...], Any, str], ...] = (
    (
        "takeover_ratio",
        _flags("takeover_ratio"),
        click.FloatRange(min=1.0),
        "A side takes a district with at least this many times the territory transfers of "
        "all others in the window.",
    ),
    (
        "dominance_share",
        _flags("dominance_share"),
        click.FloatRange(0.5, 1.0),
        "Share of the initiated armed events a side must start to hold a district.",
    ),
    (
        "min_dominance_events",
        _flags("min_dominance_events"),
        click.IntRange(min=1),
        "Floor of the armed events in the window before any side can dominate.",
    ),
    (
        "dominance_factor",
        _flags("dominance_factor"),
        click.FloatRange(min=0.0),
        "Dominance minimum relative to a typical district's fighting per window (density).",
    ),
    (
        "dominance_significance",
        _flags("dominance_significance"),
        click.FloatRange(0.0, 0.5),
        "A side dominates only if its initiated events are more than a coin would give "
        "(binomial tail probability at most this; 0: off).",
    ),
    (
        "min_fighting_events",
        _flags("min_fighting_events", "--min-events"),
        click.IntRange(min=1),
        "Floor of the ground-fighting events in the window that make a district contested.",
    ),
    (
        "fighting_factor",
        _flags("fighting_factor"),
        click.FloatRange(min=0.0),
        "Sustained-fighting threshold relative to a typical district's fighting per window.",
    ),
    (
        "reference_quantile",
        _flags("reference_quantile"),
        click.FloatRange(0.0, 1.0),
        "Which district is typical: quantile over districts of their fighting rate.",
    ),
    (
        "rate_days",
        _flags("rate_days", "--rate-window"),
        click.IntRange(min=1),
        "Days (trailing) over which the typical fighting rate is measured.",
    ),
    (
        "warm_up_days",
        _flags("warm_up_days"),
        click.IntRange(min=0),
        "Days of events before a window that dominance and sustained fighting need (a "
        "district's norm); 0: judge from the first day.",
    ),
    (
        "min_sole_events",
        _flags("min_sole_events"),
        click.IntRange(min=1),
        "Armed events of one side in a window without the other that hand it the district.",
    ),
    (
        "collapse_ratio",
        _flags("collapse_ratio"),
        click.FloatRange(0.0, 1.0),
        "A side whose share of a province's armed events falls below this fraction of its "
        "usual share has collapsed there.",
    ),
)


def control_rule_options(f: FC) -> FC:
    """Attach ``--baseline``, ``--baseline-date`` and one option per control threshold."""
    opts = [
        click.option(
            "--baseline",
            type=click.Choice(["government", "insurgent", "unknown"]),
            default=None,
            help="State of every district not assessed by --baseline-date (default: none; "
            "districts start unknown).",
        ),
        date_option(
            "--baseline-date",
            "baseline_date",
            default=None,
            help="Day the baseline describes (default: the day before the first evidence).",
        ),
    ]
    for name, names, kind, text in _RULE_OPTIONS:
        opts.append(
            click.option(
                *names,
                name,
                type=kind,
                default=None,
                help=f"{text}  [default: {_rule_default(name):g}]",
            )
        )
    for opt in reversed(opts):
        f = opt(f)
    return f


def control_rules_from_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Pop the control-rule options from ``kwargs``.

    Returns the keywords ``rules``, ``baseline`` and ``baseline_date`` of
    :func:`geofront.control.control_from_events`.
    """
    from dataclasses import replace

    from geofront.control import ControlRules

    changed = {name: v for name, *_ in _RULE_OPTIONS if (v := kwargs.pop(name, None)) is not None}
    return {
        "rules": replace(ControlRules(), **changed),
        "baseline": kwargs.pop("baseline", None),
        "baseline_date": kwargs.pop("baseline_date", None),
    }


#: The siege thresholds as CLI options: (field of SiegeThresholds, option names, type, help),
#: named after their fields (``--besieged-index`` and ``--besieged-arc``, the names of
#: earlier versions, kept as aliases). Defaults come from
#: :class:`geofront.siege.SiegeThresholds`, never from here.
_SIEGE_OPTIONS: tuple[tuple[str, tuple[str, ...], Any, str], ...] = (
    (
        "core_events",
        _flags("core_events"),
        click.IntRange(min=1),
        "Floor of the hostile ground-fighting events in the core that make a city 'under assault'.",
    ),
    (
        "assault_factor",
        _flags("assault_factor"),
        click.FloatRange(min=0.0),
        "Core threshold relative to the city's own fighting per window before it.",
    ),
    (
        "encirclement_index",
        _flags("encirclement_index", "--besieged-index"),
        click.FloatRange(min=0, max=1, min_open=True),
        "Share of hostile outskirts sectors that makes a city 'besieged'.",
    ),
    (
        "arc_deg",
        _flags("arc_deg", "--besieged-arc"),
        click.FloatRange(min=0, max=360, min_open=True),
        "Longest contiguous hostile arc (degrees) that makes a city 'besieged'.",
    ),
    (
        "threatened_events",
        _flags("threatened_events"),
        click.IntRange(min=1),
        "Floor of the hostile ground-fighting events beyond the core that make a city "
        "'threatened'.",
    ),
    (
        "significance",
        _flags("significance"),
        click.FloatRange(min=0.0, max=0.5),
        "Largest chance that a count called significant is the city's own background "
        "fighting (Poisson; 0: floors and factors only).",
    ),
)


def _siege_default(name: str) -> Any:
    from geofront.siege import SiegeThresholds

    return getattr(SiegeThresholds(), name)


def siege_threshold_options(f: FC) -> FC:
    """Attach one option per siege threshold (defaults from SiegeThresholds)."""
    for name, names, kind, text in reversed(_SIEGE_OPTIONS):
        f = click.option(
            *names,
            name,
            type=kind,
            default=None,
            help=f"{text}  [default: {_siege_default(name):g}]",
        )(f)
    return f


def siege_thresholds_from_options(kwargs: dict[str, Any]) -> Any:
    """Pop the siege threshold options from ``kwargs``; return :class:`SiegeThresholds`."""
    from dataclasses import replace

    from geofront.siege import SiegeThresholds

    changed = {name: v for name, *_ in _SIEGE_OPTIONS if (v := kwargs.pop(name, None)) is not None}
    return replace(SiegeThresholds(), **changed)


#: ``--events``: the events behind a siege judgement (commands receive ``events``, None
#: when left out: then --assessments alone decide).
siege_events_option = click.option(
    "--events",
    type=input_path,
    default=None,
    metavar="EVENTS",
    help="Events file (raw or joined) or a bundled dataset name, e.g. seed-events; may be "
    "left out when --assessments are given (control alone then decides).",
)
#: ``--window``: days of events up to the as-of date that count for a siege
#: (commands receive ``window_days``).
siege_window_option = days_option(
    "--window",
    "window_days",
    default=f"{D.SIEGE_WINDOW_DAYS}d",
    show_default=True,
    help="Events in this many days up to --as-of count for the siege.",
)
#: ``--siege-window`` (maps, whose ``--window`` is the control's): commands receive
#: ``siege_window_days``.
siege_window_for_map_option = days_option(
    "--siege-window",
    "siege_window_days",
    default=f"{D.SIEGE_WINDOW_DAYS}d",
    show_default=True,
    help="Events in this many days up to the date count for the capitals' siege status.",
)
#: ``--control-window``: the control rules' window where ``--window`` is the siege's
#: (commands receive ``control_window_days``).
control_window_for_siege_option = days_option(
    "--control-window",
    "control_window_days",
    default=f"{D.CONTROL_WINDOW_DAYS}d",
    show_default=True,
    help="Window of the district control decision (see `geofront control`).",
)


def _metres_text(values: tuple[float, ...]) -> str:
    return ",".join(f"{v / 1000:g}km" for v in values)


#: ``--radii``: the rings around a city (commands receive ``radii_m``, metres).
radii_option = distances_option(
    "--radii",
    "radii_m",
    default=_metres_text(D.SIEGE_RADII_M),
    show_default=True,
    help="Outer radius of each ring: core, outskirts, approaches.",
)
#: ``--sectors``: sectors per ring (commands receive ``sectors``; the library checks the
#: range, 1 to :data:`geofront.defaults.MAX_SECTORS`, with the same message everywhere).
sectors_option = click.option(
    "--sectors",
    type=int,
    default=D.SIEGE_SECTORS,
    show_default=True,
    help=f"Sectors per ring, 1 to {D.MAX_SECTORS} (sector 0 centred on north, numbered clockwise).",
)
#: ``--defender``: the side defending the cities (commands receive ``defender``).
defender_option = click.option(
    "--defender",
    type=click.Choice(["government", "insurgent"]),
    default=D.DEFENDER,
    show_default=True,
    help="Side defending the cities (a 'defender' column in the cities file overrides it).",
)
#: ``--every``: the step of a date series (commands receive ``every_days``).
every_option = days_option(
    "--every",
    "every_days",
    default=f"{D.TIMELINE_EVERY_DAYS}d",
    show_default=True,
    help="Step of the series (the last day is always included).",
)
#: ``--dpi``: resolution of a map (commands receive ``dpi``).
dpi_option = click.option(
    "--dpi",
    type=click.FloatRange(min=10, max=1200),
    default=D.MAP_DPI,
    show_default=True,
    help="Resolution in dots per inch: pixels of a PNG (width x dpi); SVG and PDF "
    "are vector, geometry is simplified to half a pixel at this resolution.",
)


def engine_options(f: FC) -> FC:
    """Attach ``--engine``, ``--scheduler``, ``--workers`` and ``--batch-size``.

    Commands receive ``engine`` ("stream" or "dask"), ``scheduler`` (an address or
    None), ``workers`` (int or None) and ``batch_rows`` (int).
    """
    from geofront.sources import BATCH_ROWS

    opts = (
        click.option(
            "--engine",
            type=click.Choice(["stream", "dask"]),
            default="stream",
            show_default=True,
            help="stream: this process, batch by batch in bounded memory; dask: a dask "
            "cluster (pip install 'geofront[dask]'), partition by partition.",
        ),
        click.option(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help="With --engine dask: the address of a running dask scheduler "
            "(tcp://host:8786). Default: a local cluster on this machine.",
        ),
        click.option(
            "--workers",
            type=click.IntRange(min=1),
            default=None,
            help="With --engine dask and no --scheduler: workers of the local cluster "
            "(default: one per core).",
        ),
        click.option(
            "--batch-size",
            "batch_rows",
            type=click.IntRange(min=1),
            default=BATCH_ROWS,
            show_default=True,
            metavar="ROWS",
            help="Rows read and joined at a time (by each worker with --engine dask, "
            "whose partitions are the input files): memory grows with it.",
        ),
    )
    for opt in reversed(opts):
        f = opt(f)
    return f
