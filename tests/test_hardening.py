"""Hardening (issue 11): no input destroyed, no file read behind the user's back, one clean
line for every fault. The malformed-input corpus is in tests/test_corpus.py; the fault
tests with real processes and signals are in tests/test_faults.py."""

from __future__ import annotations

import errno
import http.server
import os
import shutil
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from corpus import (
    AS_OF,
    World,
    _raster_vrt,
    _vrt_passwd,
    acled_rows,
    build_world,
    case_toml,
    csv_bytes,
    write_raster,
)

import world as w
from geofront import datasets
from geofront.case import read_case
from geofront.cli.main import cli
from geofront.errors import DataFileError, InputError, OutputError, SchemaError
from geofront.events import read_events
from geofront.files import check_distinct_paths, check_input_file, gdal_message, remove_stale
from geofront.io import committed_together, write_table
from geofront.join import read_joined


@pytest.fixture(scope="module")
def wd(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("hardening"))


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def error_line(res) -> str:
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("Error: ")]
    assert res.exit_code == 1, res.output
    assert len(lines) == 1 and "Traceback" not in res.output, res.output
    return lines[0]


def temp_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob(".*geofront*"))


# --- 1. outputs never destroy inputs ------------------------------------------------------


def test_join_refuses_to_write_over_its_events(wd: World, tmp_path: Path) -> None:
    ev = tmp_path / "ev.csv"
    shutil.copy(wd.events, ev)
    before = ev.read_bytes()
    for args in (
        ["join", ev, "-o", ev],
        ["join", ev, "--rejects", ev],
        ["join", ev, "-o", tmp_path / "." / "ev.csv"],  # another spelling of the same path
    ):
        line = error_line(run(*args, *wd.bargs))
        assert "is the same file as EVENTS" in line and "choose another output file" in line
    assert ev.read_bytes() == before and not temp_files(tmp_path)


def test_links_to_an_input_are_the_same_file(wd: World, tmp_path: Path) -> None:
    ev = tmp_path / "ev.csv"
    shutil.copy(wd.events, ev)
    (tmp_path / "soft.csv").symlink_to(ev)
    os.link(ev, tmp_path / "hard.csv")
    for out in ("soft.csv", "hard.csv"):
        line = error_line(run("join", ev, "-o", tmp_path / out, *wd.bargs))
        assert "same file as EVENTS" in line
    assert ev.read_bytes() == wd.events.read_bytes()


def test_two_outputs_in_one_file_are_refused_before_any_work(wd: World, tmp_path: Path) -> None:
    out = tmp_path / "same.csv"
    out.write_text("previous\n")
    line = error_line(run("join", wd.events, "-o", out, "--rejects", out, *wd.bargs))
    assert "--rejects" in line and "--output" in line and "give each output its own file" in line
    assert out.read_text() == "previous\n"


def test_control_and_others_refuse_their_inputs_as_outputs(wd: World, tmp_path: Path) -> None:
    ev = tmp_path / "ev.csv"
    shutil.copy(wd.events, ev)
    cases = [
        ["control", ev, "--as-of", AS_OF, "-o", ev, *wd.bargs],
        ["summarize", ev, "-o", wd.boundaries, *wd.bargs],
        ["frontline", wd.control_gpkg, "-o", wd.control_gpkg, *wd.bargs],
        ["exposure", "--zones", wd.boundaries, "--population", wd.population, "-o", wd.boundaries],
        ["timeline", ev, "--start", "2021-07-01", "--end", AS_OF, "--population", wd.population,
         "-o", wd.population, *wd.bargs],
        ["siege", "--all", "--events", ev, "--cities", wd.cities, "--as-of", AS_OF, "-o", wd.cities,
         *wd.bargs],
        ["map", "timeline", "--timeline", wd.timeline, "-o", wd.timeline],
        ["control", ev, "--as-of", AS_OF, "-o", tmp_path / "c.csv", "--assessments", ev,
         "--assessments-report", ev, *wd.bargs],
    ]  # fmt: skip
    stamps = {p: p.stat().st_mtime_ns for p in (ev, wd.boundaries, wd.control_gpkg, wd.cities)}
    for args in cases:
        assert "is the same file as" in error_line(run(*args)), args
    assert stamps == {p: p.stat().st_mtime_ns for p in stamps}


def test_bundled_data_is_never_an_output(tmp_path: Path) -> None:
    target = datasets.get_path("seed-events")
    line = error_line(run("join", "ucdp-ged-sample", "-o", target))
    assert "the bundled data" in line


def test_shapefile_outputs_count_their_sidecar_files(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="same file"):
        check_distinct_paths({"--zones": [tmp_path / "z.dbf"]}, {"-o": [tmp_path / "z.shp"]})


def test_run_refuses_an_output_folder_holding_inputs_or_foreign_files(
    wd: World, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / "tables").mkdir(parents=True)
    ev = out / "tables" / "my_events.csv"
    shutil.copy(wd.events, ev)
    case = tmp_path / "case.toml"
    case.write_text(case_toml(wd, events=f'["{ev}"]'))
    line = error_line(run("run", "--case", case, "-o", out))
    assert "lies in" in line and "move the input" in line
    case.write_text(case_toml(wd))
    line = error_line(run("run", "--case", case, "-o", out))
    assert "tables/my_events.csv, which the previous run did not write" in line
    assert ev.read_bytes() == wd.events.read_bytes()


# --- 2. GDAL: the driver the extension implies, no VRT in disguise, no network -------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture()
def loopback():
    """A local HTTP server on 127.0.0.1 that records requests (nothing leaves the host)."""
    _Recorder.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    server.shutdown()
    server.server_close()


def test_vrt_disguised_as_geojson_reads_no_other_file(wd: World, tmp_path: Path) -> None:
    p = tmp_path / "ev.geojson"
    p.write_bytes(_vrt_passwd())
    res = run("join", p, *wd.bargs)
    line = error_line(res)
    assert "GDAL VRT" in line and "root:" not in res.output and "/bin/" not in res.output
    b = tmp_path / "districts.geojson"
    b.write_bytes(_vrt_passwd("districts"))
    line = error_line(run("join", wd.events, "--boundaries", b))
    assert "GDAL VRT" in line and "root:" not in line


def test_vrt_disguised_as_geojson_or_tif_fetches_nothing(
    wd: World, tmp_path: Path, loopback: tuple[str, list[str]]
) -> None:
    url, hits = loopback
    ev = tmp_path / "ev.geojson"
    ev.write_text(
        f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/vsicurl/{url}/e.csv'
        "</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>"
    )
    assert "GDAL VRT" in error_line(run("join", ev, *wd.bargs))
    tif = tmp_path / "pop.tif"
    tif.write_bytes(_raster_vrt(f"/vsicurl/{url}/pop.tif"))
    args = ["exposure", "--zones", wd.boundaries, "--population", tif, "-o", tmp_path / "e.csv"]
    assert "GDAL VRT" in error_line(run(*args))
    vrt = tmp_path / "pop.vrt"  # given as a VRT, but pointing at the network
    vrt.write_bytes(_raster_vrt(f"/vsicurl/{url}/pop.tif"))
    args[4] = vrt
    assert "refers to the network" in error_line(run(*args))
    url_arg = f"/vsicurl/{url}/pop.tif"
    assert "local files only" in error_line(run("exposure", "--zones", wd.boundaries,
                                                "--population", url_arg, "-o", tmp_path / "e.csv"))  # fmt: skip
    assert hits == []


def test_gdal_stays_off_the_network_even_inside_a_nested_vrt(
    wd: World, tmp_path: Path, loopback: tuple[str, list[str]]
) -> None:
    # An explicit local VRT whose source is another VRT (not scanned by geofront) that
    # points at a URL: GDAL opens the inner one itself, under geofront's no-network config.
    url, hits = loopback
    inner = tmp_path / "inner.xml"  # no .vrt extension: GDAL still opens it as a VRT source
    inner.write_bytes(_raster_vrt(f"/vsicurl/{url}/pop.tif"))
    outer = tmp_path / "outer.vrt"
    outer.write_bytes(_raster_vrt(str(inner)))
    res = run("exposure", "--zones", wd.boundaries, "--population", outer, "-o", tmp_path / "e.csv")
    assert res.exit_code in (0, 1) and "Traceback" not in res.output
    assert hits == []


def test_explicit_local_vrt_is_read(wd: World, tmp_path: Path) -> None:
    vrt = tmp_path / "pop.vrt"
    vrt.write_bytes(_raster_vrt(str(wd.population)))
    out = tmp_path / "e.csv"
    res = run("exposure", "--zones", wd.boundaries, "--zone-id", "district_id", "--population",
              vrt, "-o", out)  # fmt: skip
    assert res.exit_code == 0, res.output
    # every 20 km district holds 400 cells of 10 people
    assert pd.read_csv(out)["population"].tolist() == [4000.0] * 4


def test_a_file_must_hold_what_its_extension_says(tmp_path: Path) -> None:
    p = tmp_path / "d.gpkg"
    p.write_text("district,geometry\n")
    with pytest.raises(DataFileError, match="it holds plain text, not a GeoPackage"):
        read_events(p)


def test_gdal_advice_to_prefix_a_driver_is_not_passed_on() -> None:
    exc = RuntimeError(
        "'x.gpkg' not recognized as being in a supported file format.; It might help to "
        "specify the correct driver explicitly by prefixing the file path with '<DRIVER>:', "
        "e.g. 'CSV:path'."
    )
    assert gdal_message(exc) == "'x.gpkg' not recognized as being in a supported file format"


# --- 3. population rasters: no negative people ---------------------------------------------


def test_negative_cells_are_nodata_with_a_warning(wd: World, tmp_path: Path) -> None:
    values = np.full((50, 50), 10.0)
    values[:10, :] = -28.5e9  # the top 10 km: fill without a nodata tag
    raster = write_raster(tmp_path / "neg.tif", values, nodata=None)
    out = tmp_path / "e.csv"
    res = run("exposure", "--zones", wd.boundaries, "--zone-id", "district_id", "--population",
              raster, "-o", out)  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "500 cell(s) below zero (lowest -2.85e+10)" in res.stderr
    people = pd.read_csv(out, dtype={"district_id": str}).set_index("district_id")
    # 101 and 102 (y 20-40 km) lose their top 5 km to the fill: 300 cells of 10 people
    assert people["population"].to_dict() == {"101": 3000.0, "102": 3000.0, "201": 4000.0,
                                              "202": 4000.0}  # fmt: skip
    assert people.loc["101", "data_coverage"] == pytest.approx(0.75)


# --- 4. joined tables read back are checked again --------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("latitude", "95.5", "row 3, latitude '95.5' is not a latitude in [-90, 90]"),
        ("fatalities", "-7", "row 3, fatalities '-7' is not a whole number"),
        ("district_id", "999", "district_id '999' is not in the boundaries"),
    ],
)
def test_joined_table_values_are_checked(
    wd: World, tmp_path: Path, column: str, value: str, message: str
) -> None:
    frame = pd.read_csv(wd.joined, dtype=str, keep_default_na=False)
    frame.loc[2, column] = value
    p = tmp_path / "joined.csv"
    frame.to_csv(p, index=False)
    from geofront.boundaries import read_boundaries

    b = read_boundaries(wd.boundaries, district_id="district_id", province_id="province_id")
    with pytest.raises(SchemaError) as err:
        read_joined(p, boundaries=b)
    assert message in str(err.value) and "1 of 10 row(s)" in str(err.value)
    line = error_line(run("summarize", p, *wd.bargs))
    assert message in line


# --- 5. case files -------------------------------------------------------------------------


def test_case_file_values_are_checked_all_at_once(wd: World, tmp_path: Path) -> None:
    case = tmp_path / "case.toml"
    text = case_toml(wd, events="[]").replace("dpi = 30", "dpi = 100000")
    text += '[siege]\nradii_m = ["a"]\nwindow_days = 1e12\nsectors = 1.5\n'
    case.write_text(text)
    with pytest.raises(InputError) as err:
        read_case(case)
    msg = str(err.value)
    assert "\n" not in msg
    for part in (
        "data.events or data.assessments is required",
        "maps.dpi must be a number from 30 to 1200, got 100000",
        "siege.radii_m must be a list of 1 to 10 increasing distances",
        "siege.window_days must be a whole number from 1 to 3,650, got 1000000000000.0",
        "siege.sectors must be a whole number from 1 to 72, got 1.5",
    ):
        assert part in msg


# --- 6. write faults -------------------------------------------------------------------------


def _enospc(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_is_one_line_and_keeps_the_old_outputs(
    wd: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, rej = tmp_path / "j.csv", tmp_path / "r.csv"
    out.write_text("old joined\n")
    rej.write_text("old rejects\n")
    import geofront.writers  # join writes its tables batch by batch (geofront.writers)

    monkeypatch.setattr(geofront.writers, "csv_rows", _enospc)
    res = run("join", wd.events, "-o", out, "--rejects", rej, *wd.bargs)
    line = error_line(res)
    assert line.startswith("Error: cannot write ") and "No space left on device (ENOSPC)" in line
    assert str(rej) in line or str(out) in line
    assert out.read_text() == "old joined\n" and rej.read_text() == "old rejects\n"
    assert not temp_files(tmp_path)


def test_joined_table_and_rejects_are_committed_together(
    wd: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, rej = tmp_path / "j.gpkg", tmp_path / "r.csv"
    rej.write_text("old rejects\n")
    import pyogrio  # join writes GeoPackages batch by batch with pyogrio.write_arrow

    monkeypatch.setattr(pyogrio, "write_arrow", _enospc)  # the joined table fails ...
    error_line(run("join", wd.events, "-o", out, "--rejects", rej, *wd.bargs))
    assert rej.read_text() == "old rejects\n"  # ... so the rejects, written first, stay old
    assert not out.exists() and not temp_files(tmp_path)


def test_committed_together_renames_nothing_when_one_fails(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    frame = pd.DataFrame({"x": [1]})
    with pytest.raises(OutputError), committed_together():
        write_table(frame, a)
        write_table(frame, tmp_path / "missing" / "b.csv")
    assert not a.exists() and not b.exists() and not temp_files(tmp_path)


def test_permission_denied_on_input_and_output(
    wd: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (the tests may run as root, who can read anything: the refusals are simulated)
    import geofront.files
    import geofront.io

    real_open = open

    def deny(path: object, *args: object, **kwargs: object):
        if str(path) == str(wd.events):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(geofront.files, "open", deny, raising=False)
    line = error_line(run("join", wd.events, *wd.bargs))
    assert f"cannot read events file {wd.events}: Permission denied (EACCES)" in line
    monkeypatch.undo()

    def no_temp(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(geofront.io.tempfile, "mkstemp", no_temp)
    line = error_line(run("join", wd.events, "-o", tmp_path / "j.csv", *wd.bargs))
    assert "cannot write" in line and "Permission denied (EACCES)" in line


def test_an_unexpected_os_error_is_one_line_not_an_internal_error(
    wd: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import geofront.boundaries

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EIO, "Input/output error", "/mnt/usb/districts.gpkg")

    monkeypatch.setattr(geofront.boundaries, "read_vector", broken)
    line = error_line(run("join", wd.events, *wd.bargs))
    assert line == "Error: cannot use /mnt/usb/districts.gpkg: Input/output error (EIO)"


def test_stale_temporary_files_are_removed_and_named(wd: World, tmp_path: Path) -> None:
    dead = 2**22 + 12345  # above the default pid_max: no such process
    stale = tmp_path / f".j.geofront-{dead}-abc123.csv"
    stale.write_text("half a table")
    other = tmp_path / ".notes.txt"
    other.write_text("mine")
    res = run("-v", "join", wd.events, "-o", tmp_path / "j.csv", *wd.bargs)
    assert res.exit_code == 0, res.output
    assert not stale.exists() and other.exists()
    assert f"removed {stale}, left by an interrupted geofront run" in res.stderr
    assert remove_stale(tmp_path) == []


# --- 7. silent misreads --------------------------------------------------------------------


def test_layout_is_said_and_an_incomplete_acled_file_is_refused(wd: World, tmp_path: Path) -> None:
    res = run("join", wd.events, "-o", tmp_path / "j.csv", *wd.bargs)
    assert "read as an ACLED export (event_id_cnty, event_date, latitude, longitude)" in res.stderr
    cols = [c for c in pd.read_csv(wd.events, nrows=0).columns if c != "event_id_cnty"]
    p = tmp_path / "ev.csv"
    p.write_bytes(csv_bytes(acled_rows(), cols))
    line = error_line(run("join", p, *wd.bargs))
    assert "looks like an ACLED export" in line and "lacks event_id_cnty" in line
    res = run("join", p, "--format", "csv", "-o", tmp_path / "j.csv", *wd.bargs)
    assert res.exit_code == 0 and "a generic table (ids row<N> (no id column)" in res.stderr


def test_fatalities_overflow_and_fractions_are_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rows = acled_rows()
    rows[1]["fatalities"] = "99999999999999999999"
    rows[2]["fatalities"] = "2.5"
    p = tmp_path / "ev.csv"
    p.write_bytes(csv_bytes(rows))
    with caplog.at_level("WARNING", logger="geofront.events"):
        r = read_events(p)
    assert r.events["fatalities"].tolist()[:4] == [1, 0, 2, 4]
    text = " ".join(rec.getMessage() for rec in caplog.records)
    assert "above 10,000,000 (an overflow or a typo)" in text and "source row 2" in text
    assert "are not whole numbers" in text and "'2.5'): rounded" in text


def test_future_and_impossible_dates_are_rejected(tmp_path: Path) -> None:
    rows = acled_rows()
    rows[0]["event_date"] = "2099-07-07"
    rows[1]["event_date"] = "9999-12-31"
    rows[2]["event_date"] = "0021-07-07"
    p = tmp_path / "ev.csv"
    p.write_bytes(csv_bytes(rows))
    r = read_events(p)
    detail = r.rejected.set_index("source_row")["detail"]
    assert set(r.rejected["reason"]) == {"unparseable_date"}
    assert detail[1].startswith("date 2099-07-07 is in the future")
    assert detail[2].startswith("date 9999-12-31 is in the future")
    assert detail[3] == "date 0021-07-07 is before 1900: check the year"


def test_multi_layer_events_geopackage_needs_layer(wd: World, tmp_path: Path) -> None:
    import geopandas as gpd

    frame = gpd.read_file(wd.joined_gpkg)[["event_id", "date", "geometry"]]
    p = tmp_path / "ev.gpkg"
    frame.to_file(p, layer="july")
    frame.iloc[:3].to_file(p, layer="june")
    line = error_line(run("join", p, *wd.bargs))
    assert "has 2 layers (july, june)" in line and "--layer NAME" in line
    res = run("join", p, "--layer", "june", "-o", tmp_path / "j.csv", *wd.bargs)
    assert res.exit_code == 0 and "read 3: joined 3" in res.stderr


# --- 8. messages that say what to do -----------------------------------------------------------


def test_ragged_rows_are_rejected_with_their_line(wd: World, tmp_path: Path) -> None:
    lines = wd.events.read_text().splitlines()
    lines[3] += ",x,y"
    lines[6] = lines[6].rsplit(",", 2)[0]
    p = tmp_path / "ev.csv"
    p.write_text("\n".join(lines) + "\n")
    rej = tmp_path / "r.csv"
    res = run("join", p, "-o", tmp_path / "j.csv", "--rejects", rej, *wd.bargs)
    assert res.exit_code == 0 and "read 10: joined 8" in res.stderr
    r = pd.read_csv(rej, dtype=str).set_index("source_row")
    assert set(r["reason"]) == {"malformed_row"}
    assert r.loc["3", "detail"] == (
        "line 4 has 33 field(s) where the header has 31 (extra: 'x', 'y'); check the quotes "
        "and separators of that row"
    )
    assert r.loc["6", "detail"].startswith("line 7 has 29 field(s)")
    assert r.loc["3", "src_event_id_cnty"] == "WLD0003"  # the fields as far as they go


@pytest.mark.slow
def test_a_huge_field_is_read(tmp_path: Path) -> None:
    rows = acled_rows()
    rows[4]["notes"] = "x" * (17 * 2**20)
    p = tmp_path / "ev.csv"
    p.write_bytes(csv_bytes(rows))
    r = read_events(p)
    assert len(r.events) == 10 and len(r.events["src_notes"].iloc[4]) == 17 * 2**20


def test_links_and_odd_files_are_named_for_what_they_are(tmp_path: Path) -> None:
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    with pytest.raises(DataFileError, match="symbolic link loop"):
        check_input_file(loop, "events")
    broken = tmp_path / "broken.csv"
    broken.symlink_to(tmp_path / "gone.csv")
    with pytest.raises(DataFileError, match="broken symbolic link"):
        check_input_file(broken, "events")
    with pytest.raises(DataFileError, match="not a regular file"):
        check_input_file("/dev/null", "events")
    with pytest.raises(DataFileError, match="local files only"):
        check_input_file("https://example.org/events.csv", "events")


def test_null_boundary_geometry_and_crs_hint(wd: World, tmp_path: Path) -> None:
    frame = w.districts_frame()
    frame.loc[1, "geometry"] = None
    p = tmp_path / "b.gpkg"
    frame.to_file(p)
    line = error_line(run("join", wd.events, *w_args(p)))
    assert "feature 1 (district 'Kohistan') has no geometry (null or empty" in line
    shp = tmp_path / "b.shp"
    w.districts_frame().rename(columns=lambda c: c[:10]).to_file(shp)
    shp.with_suffix(".prj").unlink()
    line = error_line(run("join", wd.events, "--boundaries", shp))
    assert "has no CRS" in line and "--crs EPSG:4326" in line


def w_args(p: Path) -> list[str]:
    return ["--boundaries", str(p), "--district-id", "district_id", "--province-id", "province_id"]


def test_every_command_checks_its_paths_before_work() -> None:
    """Every command is a GeofrontCommand and every file option records itself, so that no
    command can forget the same-file check."""
    import click

    from geofront.cli.options import GeofrontCommand, InputName, InputPath, OutputPath

    def commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
        out: dict[str, click.Command] = {}
        for name, cmd in group.commands.items():
            if isinstance(cmd, click.Group):
                out |= commands(cmd, f"{prefix}{name} ")
            else:
                out[prefix + name] = cmd
        return out

    text_files = {("timeline", "population"), ("map siege", "population"), ("run", "case_name")}
    seen_text = set()
    for name, cmd in commands(cli).items():
        assert isinstance(cmd, GeofrontCommand), name
        for param in cmd.params:
            if isinstance(param.type, click.Path) and (name, param.name) != ("run", "outdir"):
                assert isinstance(param.type, InputPath | OutputPath), (name, param.name)
            if (name, param.name) in text_files:
                assert isinstance(param.type, InputName), (name, param.name)
                seen_text.add((name, param.name))
    assert seen_text == text_files


def test_odd_folder_names_are_plain_paths(wd: World, tmp_path: Path) -> None:
    # colons and spaces in a path are not GDAL connection strings
    odd = tmp_path / "a:b c"
    odd.mkdir()
    from geofront.io import read_vector
    from geofront.raster import open_raster

    frame = w.districts_frame()
    for name in ("d.gpkg", "d.geojson", "d.shp"):
        frame.rename(columns=lambda c: c[:10]).to_file(odd / name)
        assert len(read_vector(odd / name)) == 4
    tif = odd / "p.tif"
    shutil.copy(wd.population, tif)
    with open_raster(tif) as (_, info):
        assert (info.width, info.height) == (50, 50)


def test_malformed_records_found_by_line_across_quoted_newlines(tmp_path: Path) -> None:
    from geofront.malformed import insert_malformed, locate_malformed

    p = tmp_path / "r.csv"
    # record 2 spans lines 3-4 (a quoted newline); line 5 is blank; record 3 is ragged
    p.write_bytes(b'a,b,c\r\n1,2,3\r\n4,"five\r\nlines",6\r\n\r\n7,8\r\n9,10,11\r\n')
    bad = locate_malformed(p, delimiter=",", n_columns=3, header_records=1)
    assert (bad.positions, bad.lines, bad.n_records) == ([2], [6], 4)
    assert bad.details == [
        "line 6 has 2 field(s) where the header has 3; check the quotes and separators of that row"
    ]
    good = pd.DataFrame(
        {"a": ["1", "4", "9"], "b": ["2", "five\r\nlines", "10"], "c": ["3", "6", "11"]}
    )
    merged = insert_malformed(good, bad, src=p)
    assert merged["a"].tolist() == ["1", "4", "7", "9"] and merged["c"].tolist()[2] == ""
    assert merged.attrs["malformed"] == ([2], bad.details)


def test_an_unclosed_quote_is_refused_not_swallowed(tmp_path: Path) -> None:
    rows = acled_rows()
    lines = csv_bytes(rows).decode().splitlines()
    lines[4] += '"never closed'  # the last field of row 4 runs to the end of the file
    p = tmp_path / "ev.csv"
    p.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataFileError, match="a quote .* is probably never closed"):
        read_events(p)
