"""``geofront map``: the four subcommands on bundled data, and their one-line errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from geofront.cli.main import cli

SEED = ["--events", "seed-events", "--assessments", "seed-assessments", "--as-of", "2021-07-07"]
SMALL = ["--dpi", "30", "--width", "6"]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _one_line_error(result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "Traceback" not in result.output
    for n in needles:
        assert n in lines[0]


def test_map_is_registered():
    assert "map" in cli.commands
    assert set(cli.commands["map"].commands) == {"control", "siege", "events", "timeline"}


def test_control_province_png(tmp_path):
    out = tmp_path / "badghis.png"
    result = run("map", "control", *SEED, "--province", "Badghis", *SMALL, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "control map: wrote" in result.stderr


def test_control_from_control_file_quiet(tmp_path):
    table = tmp_path / "control.gpkg"
    assert (
        run("-q", "control", "seed-events", "--as-of", "2021-07-07", "-o", str(table)).exit_code
        == 0
    )
    out = tmp_path / "control.svg"
    result = run(
        "-q",
        "map",
        "control",
        "--control",
        str(table),
        "--province",
        "Badghis",
        *SMALL,
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and result.stdout == ""
    assert out.read_text().lstrip().startswith("<?xml")


def test_unknown_province_one_line_and_old_output_kept(tmp_path):
    out = tmp_path / "map.png"
    out.write_bytes(b"old")
    result = run("-q", "map", "control", *SEED, "--province", "Badgis", *SMALL, "-o", str(out))
    _one_line_error(result, "unknown province 'Badgis'", "Badghis")
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.png"]


@pytest.mark.parametrize(
    ("name", "needle"),
    [("map.jpg", "unsupported extension .jpg"), ("nowhere/map.png", "does not exist")],
)
def test_bad_output_path(tmp_path, name, needle):
    result = run("-q", "map", "control", *SEED, *SMALL, "-o", str(tmp_path / name))
    _one_line_error(result, needle)
    assert list(tmp_path.iterdir()) == []


def test_empty_bbox_selection(tmp_path):
    result = run(
        "-q",
        "map",
        "control",
        *SEED,
        "--bbox",
        "10,10,11,11",
        *SMALL,
        "-o",
        str(tmp_path / "m.png"),
    )
    _one_line_error(result, "contains no district")
    assert list(tmp_path.iterdir()) == []


def test_control_needs_one_input(tmp_path):
    result = run("map", "control", *SMALL, "-o", str(tmp_path / "m.png"))
    assert result.exit_code == 2
    assert "--control FILE, or --events EVENTS and/or --assessments FILE" in result.output


@pytest.mark.slow
def test_siege_map(tmp_path):
    out = tmp_path / "qala.pdf"
    result = run("map", "siege", "Qala-i-Naw", *SEED, *SMALL, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:5] == b"%PDF-"
    assert "siege map of Qala-i-Naw" in result.stderr


@pytest.mark.slow
def test_events_map_with_window(tmp_path):
    out = tmp_path / "events.png"
    result = run(
        "map",
        "events",
        "ucdp-ged-sample",
        "--start",
        "2021-01-01",
        "--end",
        "2021-12-31",
        "--hexbin",
        *SMALL,
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "(13 events)" in result.stderr  # SOURCES.md: 13 of the 135 sample events are in 2021
    empty = run(
        "-q",
        "map",
        "events",
        "ucdp-ged-sample",
        "--start",
        "2030-01-01",
        *SMALL,
        "-o",
        str(tmp_path / "e.png"),
    )
    _one_line_error(empty, "no events between")


def test_timeline_from_events(tmp_path):
    out = tmp_path / "timeline.png"
    result = run(
        "map",
        "timeline",
        "--events",
        "seed-events",
        "--assessments",
        "seed-assessments",
        "--start",
        "2021-07-01",
        "--end",
        "2021-07-07",
        "--every",
        "3d",
        "--dpi",
        "30",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "timeline (3 dates)" in result.stderr  # 1, 4 and 7 July


def test_timeline_of_people_and_area_from_events(tmp_path):
    args = ["map", "timeline", "--events", "seed-events", "--assessments", "seed-assessments",
            "--start", "2021-07-06", "--end", "2021-07-07", "--every", "1d", "--dpi", "30"]  # fmt: skip
    for measure in ("people", "area_km2"):
        out = tmp_path / f"{measure}.png"
        result = run(*args, "--measure", measure, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert out.exists() and "timeline (2 dates)" in result.stderr
    # own boundaries have no bundled raster: say what to give, in one line
    bopts, epath, _ = _synthetic_files(tmp_path)
    own = run("map", "timeline", "--events", str(epath), "--start", "2021-07-01",
              "--end", "2021-07-02", "--measure", "people", *bopts, "-o", str(tmp_path / "x.png"))  # fmt: skip
    assert own.exit_code == 2 and "--population RASTER" in own.stderr
    assert "Traceback" not in own.output
    # a --timeline table brings its own people
    tl = run(*args[:2], "--timeline", str(tmp_path / "t.csv"), "--population", "afg-population",
             "-o", str(tmp_path / "y.png"))  # fmt: skip
    assert tl.exit_code == 2 and "--population counts people with --events" in tl.stderr


def _synthetic_files(tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    import world as w

    bpath = tmp_path / "synth.gpkg"
    w.districts_frame().to_file(bpath)
    rows = [{"x_km": 5 + 2 * i, "y_km": 25} for i in range(4)]
    rows += [
        {
            "x_km": 25,
            "y_km": 5 + 2 * i,
            "actor1": "Military Forces of Afghanistan (2004-2021)",
            "actor2": "Taliban",
            "side1": "government",
            "side2": "insurgent",
        }
        for i in range(4)
    ]
    ev = w.events_frame(rows)
    epath = tmp_path / "events.csv"
    ev.drop(columns="geometry").to_csv(epath, index=False)
    lon, lat = w.lonlat(10, 10)
    cpath = tmp_path / "cities.csv"
    cpath.write_text(f"name,latitude,longitude\nCapital City,{lat},{lon}\n")
    return ["--boundaries", str(bpath), "--district-id", "district_id"], epath, cpath


@pytest.mark.slow
def test_user_country_maps_credit_only_what_is_drawn(tmp_path):
    import matplotlib.image as mpimg

    bopts, epath, cpath = _synthetic_files(tmp_path)
    out = tmp_path / "control.png"
    result = run(
        "map",
        "control",
        "--events",
        str(epath),
        "--as-of",
        "2021-07-01",
        *bopts,
        *SMALL,
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert mpimg.imread(out).shape[1] == 180  # 6 in at 30 dpi
    out = tmp_path / "siege.png"
    result = run(
        "map",
        "siege",
        "Capital City",
        "--cities",
        str(cpath),
        "--events",
        str(epath),
        "--as-of",
        "2021-07-01",
        *bopts,
        *SMALL,
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert "siege map of Capital City" in result.stderr


def test_control_file_from_other_boundaries_one_line(tmp_path):
    bopts, epath, _ = _synthetic_files(tmp_path)
    table = tmp_path / "control.gpkg"
    result = run("-q", "control", str(epath), "--as-of", "2021-07-01", *bopts, "-o", str(table))
    assert result.exit_code == 0, result.output
    out = tmp_path / "m.png"
    result = run("-q", "map", "control", "--control", str(table), *SMALL, "-o", str(out))
    _one_line_error(result, "not those of the boundaries", "--boundaries")
    assert not out.exists()


def test_siege_radius_must_be_positive(tmp_path):
    out = tmp_path / "m.png"
    result = run("map", "siege", "Kabul", *SEED, "--radius", "0km", *SMALL, "-o", str(out))
    assert result.exit_code == 2 and "positive distance" in result.output
    assert "Traceback" not in result.output and not out.exists()


@pytest.fixture()
def figures(monkeypatch):
    """The figures the map commands save (their artists, for assertions)."""
    import geofront.maps as gm

    saved = []
    original = gm.save_figure

    def capture(fig, path, **kw):
        saved.append(fig)
        return original(fig, path, **kw)

    monkeypatch.setattr(gm, "save_figure", capture)
    return saved


def _credit(fig) -> str:
    return next(t for t in fig.texts if t.get_gid() == "attribution").get_text().replace("\n", " ")


def _subtitle(fig) -> str:
    return next(t for t in fig.texts if t.get_gid() == "subtitle").get_text()


def test_control_map_credits_the_assessments_source(tmp_path, figures):
    out = tmp_path / "m.png"
    result = run("map", "control", *SEED, "--province", "Badghis", *SMALL, "-o", str(out))
    assert result.exit_code == 0, result.output
    credit = _credit(figures[-1])
    assert "Long War Journal" in credit and "news reports of 2-7 July 2021" in credit


@pytest.mark.slow
def test_control_file_keeps_its_date_credits_and_capitals(tmp_path, figures):
    from geofront.maps import furniture as fu

    table = tmp_path / "control.gpkg"
    made = run(
        "-q",
        "control",
        "seed-events",
        "--assessments",
        "seed-assessments",
        "--as-of",
        "2021-07-07",
        "-o",
        str(table),
    )
    assert made.exit_code == 0, made.output
    out = tmp_path / "m.png"
    result = run(
        "map",
        "control",
        "--control",
        str(table),
        "--events",
        "seed-events",
        "--province",
        "Badghis",
        *SMALL,
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    fig = figures[-1]
    assert _subtitle(fig) == "Data as of 7 July 2021"  # from the table, no --as-of given
    credit = _credit(fig)
    assert "news reports" in credit and "Long War Journal" in credit
    legend = next(a for a in fig.axes[-1].artists if a.get_gid() == "legend")
    assert "Under assault" in fu.legend_texts(legend)  # Qala-i-Naw judged from the events
    # the file's answer, not a recomputed one: 6 insurgent, 1 contested in Badghis
    texts = fu.legend_texts(legend)
    assert any(t.startswith("Full insurgent control (6") for t in texts)
    bad = run(
        "map",
        "control",
        "--control",
        str(table),
        "--assessments",
        "seed-assessments",
        *SMALL,
        "-o",
        str(out),
    )
    assert bad.exit_code == 2 and "--assessments decide a control computed here" in bad.output


@pytest.mark.slow
def test_siege_map_from_the_tables_shows_their_answer(tmp_path, figures):
    from geofront.maps import furniture as fu

    status, rings, table = tmp_path / "s.csv", tmp_path / "r.gpkg", tmp_path / "c.gpkg"
    args = ["seed-events", "--assessments", "seed-assessments", "--as-of", "2021-07-07"]
    assert run("-q", "control", *args, "-o", str(table)).exit_code == 0
    made = run(
        "-q",
        "siege",
        "Qala-i-Naw",
        "--events",
        *args,
        "-o",
        str(status),
        "--geometry-out",
        str(rings),
    )
    assert made.exit_code == 0, made.output
    out = tmp_path / "m.png"
    result = run(
        "map",
        "siege",
        "Qala-i-Naw",
        "--sieges",
        str(status),
        "--geometry",
        str(rings),
        "--control",
        str(table),
        "--events",
        "seed-events",
        *SMALL,
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    import pandas as pd

    expected = pd.read_csv(status)["status"].iloc[0]
    assert f"({expected})" in result.stderr
    legend = next(a for a in figures[-1].axes[-1].artists if a.get_gid() == "legend")
    assert f"Status: {expected}" in fu.legend_texts(legend)
    assert _subtitle(figures[-1]) == "Data as of 7 July 2021"
    # the capitals of a control map take the table's statuses
    out2 = tmp_path / "n.png"
    result = run(
        "map",
        "control",
        "--control",
        str(table),
        "--sieges",
        str(status),
        "--province",
        "Badghis",
        *SMALL,
        "-o",
        str(out2),
    )
    assert result.exit_code == 0, result.output
    legend = next(a for a in figures[-1].axes[-1].artists if a.get_gid() == "legend")
    assert expected.capitalize() in fu.legend_texts(legend)


def test_map_help_documents_every_option():
    for sub in ("control", "siege", "events"):
        text = run("map", sub, "--help").output
        for opt in ("--dpi",):
            line = next(ln for ln in text.splitlines() if ln.strip().startswith(opt))
            assert len(line.split(opt, 1)[1].strip()) > 10, line  # a help text, not bare
    assert "Sectors per ring" in run("map", "siege", "--help").output
    assert "initiated them" in run("map", "events", "--help").output
