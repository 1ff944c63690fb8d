"""Each default is defined once (geofront.defaults): the library's signatures, the case
file and the command line (tests/test_cli_options.py) all take it from there."""

from __future__ import annotations

import inspect

import pytest

import geofront as gf
from geofront import defaults as D
from geofront.case import Case, read_case
from geofront.control import control_series
from geofront.siege.rings import check_ring_options


def _default(fn, name):
    return inspect.signature(fn).parameters[name].default


@pytest.mark.parametrize(
    ("fn", "name", "value"),
    [
        (gf.join_events, "snap_distance_m", D.SNAP_DISTANCE_M),
        (gf.load_joined_events, "snap_distance_m", D.SNAP_DISTANCE_M),
        (gf.join_file, "snap_distance_m", D.SNAP_DISTANCE_M),
        (gf.control_from_events, "window_days", D.CONTROL_WINDOW_DAYS),
        (gf.control_history, "window_days", D.CONTROL_WINDOW_DAYS),
        (gf.control_timeline, "window_days", D.CONTROL_WINDOW_DAYS),
        (control_series, "window_days", D.CONTROL_WINDOW_DAYS),
        (gf.assess_sieges, "window_days", D.SIEGE_WINDOW_DAYS),
        (gf.assess_sieges, "radii_m", D.SIEGE_RADII_M),
        (gf.assess_sieges, "sectors", D.SIEGE_SECTORS),
        (gf.assess_sieges, "defender", D.DEFENDER),
        (gf.assess_sieges, "location_precisions", D.LOCATION_PRECISIONS),
        (gf.outskirt_rings, "radii_m", D.SIEGE_RADII_M),
        (gf.outskirt_rings, "sectors", D.SIEGE_SECTORS),
        (gf.event_exposure, "radius_m", D.EVENT_RADIUS_M),
        (gf.event_exposure, "location_precisions", D.LOCATION_PRECISIONS),
        (gf.maps.control_map, "dpi", D.MAP_DPI),
        (gf.maps.siege_map, "dpi", D.MAP_DPI),
        (gf.maps.events_map, "dpi", D.MAP_DPI),
        (gf.maps.save_figure, "dpi", D.MAP_DPI),
    ],
)
def test_signatures_take_the_defaults(fn, name, value):
    assert _default(fn, name) == value


def test_siege_status_takes_every_option_of_assess_sieges():
    # one signature: siege_status passes its options on, never re-declares them
    params = inspect.signature(gf.siege_status).parameters
    assert list(params)[-1] == "options" and params["options"].kind is params["options"].VAR_KEYWORD


def test_a_case_file_that_says_nothing_gets_the_library_defaults(tmp_path):
    (tmp_path / "c.toml").write_text(
        '[case]\nname = "x"\n[data]\nevents = ["seed-events"]\n[control]\nas_of = "2021-07-07"\n'
    )
    case = read_case(tmp_path / "c.toml")
    expected = {
        "snap_distance_m": D.SNAP_DISTANCE_M,
        "window_days": D.CONTROL_WINDOW_DAYS,
        "timeline_every_days": D.TIMELINE_EVERY_DAYS,
        "siege_window_days": D.SIEGE_WINDOW_DAYS,
        "siege_radii_m": D.SIEGE_RADII_M,
        "siege_sectors": D.SIEGE_SECTORS,
        "event_radius_m": D.EVENT_RADIUS_M,
        "frontline_distance_m": D.FRONTLINE_DISTANCE_M,
        "dpi": D.CASE_MAP_DPI,
    }
    assert {k: getattr(case, k) for k in expected} == expected
    bare = Case(name="x", source=tmp_path / "c.toml")
    assert {k: getattr(bare, k) for k in expected} == expected
    assert case.siege_thresholds == gf.SiegeThresholds()
    assert case.control_rules == gf.ControlRules()


def test_case_siege_keys_are_the_field_names_and_the_old_ones_still_read(tmp_path):
    base = '[case]\nname = "x"\n[data]\nevents = ["seed-events"]\n[siege]\n'
    (tmp_path / "new.toml").write_text(base + "encirclement_index = 0.5\narc_deg = 180\n")
    (tmp_path / "old.toml").write_text(base + "besieged_index = 0.5\nbesieged_arc = 180\n")
    new = read_case(tmp_path / "new.toml").siege_thresholds
    old = read_case(tmp_path / "old.toml").siege_thresholds
    assert new == old == gf.SiegeThresholds(encirclement_index=0.5, arc_deg=180.0)
    (tmp_path / "both.toml").write_text(base + "besieged_index = 0.5\nencirclement_index = 0.6\n")
    with pytest.raises(gf.InputError, match="give siege.encirclement_index once"):
        read_case(tmp_path / "both.toml")


def test_sectors_are_bounded_alike_everywhere(tmp_path):
    with pytest.raises(gf.InputError, match=f"at most {D.MAX_SECTORS}"):
        check_ring_options(D.SIEGE_RADII_M, sectors=D.MAX_SECTORS + 1)
    check_ring_options(D.SIEGE_RADII_M, sectors=D.MAX_SECTORS)
    (tmp_path / "c.toml").write_text(
        '[case]\nname = "x"\n[data]\nevents = ["seed-events"]\n'
        f"[siege]\nsectors = {D.MAX_SECTORS + 1}\n"
    )
    with pytest.raises(gf.InputError, match=f"siege.sectors .* to {D.MAX_SECTORS}"):
        read_case(tmp_path / "c.toml")
