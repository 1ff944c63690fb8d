"""Shared click options (geofront.cli.options): text parsed once, names and defaults taken
from the library, earlier spellings kept."""

from __future__ import annotations

from dataclasses import fields

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from geofront import defaults as D
from geofront.cli.main import cli
from geofront.cli.options import (
    _RULE_OPTIONS,
    _SIEGE_OPTIONS,
    parse_date,
    parse_days,
    parse_distance_m,
)
from geofront.control import THRESHOLD_FIELDS, ControlRules
from geofront.siege import SiegeThresholds


@pytest.mark.parametrize(
    ("text", "metres"),
    [("5km", 5000.0), ("500m", 500.0), ("2.5 km", 2500.0), ("750", 750.0), (" .5KM ", 500.0)],
)
def test_distances(text, metres):
    assert parse_distance_m(text) == metres


@pytest.mark.parametrize(("text", "days"), [("30d", 30), ("2w", 14), ("14", 14), ("1W", 7)])
def test_durations(text, days):
    assert parse_days(text) == days


def test_dates_and_bad_text():
    assert parse_date("2021-07-07") == pd.Timestamp("2021-07-07")
    for fn, bad, hint in (
        (parse_distance_m, "5 miles", "write e.g. 5km"),
        (parse_days, "3 months", "write e.g. 30d"),
        (parse_date, "7/7/2021", "write YYYY-MM-DD"),
    ):
        with pytest.raises(click.BadParameter, match=hint):
            fn(bad)


def _params(*path: str) -> dict[str, click.Parameter]:
    cmd: click.Command = cli
    for name in path:
        assert isinstance(cmd, click.Group)
        cmd = cmd.commands[name]
    return {p.name: p for p in cmd.params if p.name}


def test_threshold_options_are_named_after_their_fields():
    assert {name for name, *_ in _SIEGE_OPTIONS} <= {f.name for f in fields(SiegeThresholds)}
    assert {name for name, *_ in _RULE_OPTIONS} <= set(THRESHOLD_FIELDS)
    for name, opts, *_ in (*_RULE_OPTIONS, *_SIEGE_OPTIONS):
        assert opts[0] == "--" + name.replace("_", "-"), opts
    params = _params("siege")
    assert params["encirclement_index"].opts == ["--encirclement-index", "--besieged-index"]
    assert params["arc_deg"].opts == ["--arc-deg", "--besieged-arc"]
    assert _params("control")["rate_days"].opts == ["--rate-days", "--rate-window"]
    assert _params("join")["snap_distance_m"].opts == ["--snap-distance", "--snap"]


def _default(param: click.Parameter) -> object:
    """The value a command receives when the option is left out (callbacks applied)."""
    ctx = click.Context(click.Command("x"))
    value = param.get_default(ctx)
    return param.process_value(ctx, value) if value is not None else None


@pytest.mark.parametrize(
    ("command", "option", "expected"),
    [
        (("siege",), "window_days", D.SIEGE_WINDOW_DAYS),
        (("siege",), "control_window_days", D.CONTROL_WINDOW_DAYS),
        (("siege",), "radii_m", D.SIEGE_RADII_M),
        (("siege",), "sectors", D.SIEGE_SECTORS),
        (("siege",), "defender", D.DEFENDER),
        (("map", "siege"), "sectors", D.SIEGE_SECTORS),
        (("map", "siege"), "radii_m", D.SIEGE_RADII_M),
        (("map", "control"), "siege_window_days", D.SIEGE_WINDOW_DAYS),
        (("map", "control"), "dpi", D.MAP_DPI),
        (("map", "timeline"), "every_days", D.TIMELINE_EVERY_DAYS),
        (("control",), "window_days", D.CONTROL_WINDOW_DAYS),
        (("timeline",), "every_days", D.TIMELINE_EVERY_DAYS),
        (("exposure",), "radii_m", D.SIEGE_RADII_M),
        (("exposure",), "radius_m", (D.EVENT_RADIUS_M,)),
        (("join",), "snap_distance_m", D.SNAP_DISTANCE_M),
        (("compare",), "dpi", D.MAP_DPI),
    ],
)
def test_defaults_come_from_geofront_defaults(command, option, expected):
    assert _default(_params(*command)[option]) == expected


def test_the_same_option_has_the_same_type_in_every_command():
    # --sectors: the library checks its range, so every command says the same thing
    for path in (("siege",), ("map", "siege")):
        assert _params(*path)["sectors"].type == click.INT


def test_threshold_defaults_are_the_dataclasses():
    for name, *_ in _RULE_OPTIONS:
        help_text = _params("control")[name].help or ""
        assert f"[default: {getattr(ControlRules(), name):g}]" in help_text, name
    for name, *_ in _SIEGE_OPTIONS:
        help_text = _params("siege")[name].help or ""
        assert f"[default: {getattr(SiegeThresholds(), name):g}]" in help_text, name


def test_old_and_new_spellings_give_the_same_answer(tmp_path):
    base = ["siege", "Qala-i-Naw", "--events", "seed-events", "--as-of", "2021-07-07"]
    runner = CliRunner()
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    old = runner.invoke(cli, ["-q", *base, "--besieged-index", "0.5", "-o", str(a)])
    new = runner.invoke(cli, ["-q", *base, "--encirclement-index", "0.5", "-o", str(b)])
    assert old.exit_code == new.exit_code == 0, old.output + new.output
    assert a.read_bytes() == b.read_bytes()
