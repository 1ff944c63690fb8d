"""Faults with real processes: SIGTERM, kill -9 and Ctrl-C during a large join and during
``geofront run``, a disk that fills up, a full stdout, a file-size limit.

Each test starts ``python -m geofront`` (the same entry point as the ``geofront``
command), waits until the work under test has begun (a temporary output has appeared),
and then signals it. Previous outputs must stay byte for byte, no partial file may sit
under a final name, and a SIGTERM/Ctrl-C must end in ``Aborted.`` with temporary files
removed (a kill -9 cannot clean up: the next write removes what it left, naming it).
"""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from corpus import World, build_world, case_toml

import world as w
from geofront.events import ACLED_COLUMNS

GEOFRONT = [sys.executable, "-m", "geofront"]


@pytest.fixture(scope="module")
def wd(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("faults"))


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200,000 ACLED-layout events in the synthetic world (about 36 MB)."""
    import geopandas as gpd

    n = 200_000
    rng = np.random.default_rng(1)
    x = w.X0 + rng.uniform(500, 39_500, n)
    y = w.Y0 + rng.uniform(500, 39_500, n)
    pts = gpd.GeoSeries(gpd.points_from_xy(x, y), crs=w.UTM).to_crs(4326)
    frame = pd.DataFrame(dict.fromkeys(ACLED_COLUMNS, ""), index=range(n))
    frame["event_id_cnty"] = "BIG" + pd.Series(np.arange(n)).astype(str)
    frame["event_date"] = "2021-07-0" + pd.Series(rng.integers(1, 8, n)).astype(str)
    frame["event_type"] = "Battles"
    frame["sub_event_type"] = "Armed clash"
    frame["actor1"] = "Taliban"
    frame["actor2"] = "Military Forces of Afghanistan (2004-2021)"
    frame["latitude"] = pts.y.round(5).astype(str)
    frame["longitude"] = pts.x.round(5).astype(str)
    frame["geo_precision"] = "1"
    frame["fatalities"] = "1"
    frame["notes"] = "A synthetic event for the fault tests"
    path = tmp_path_factory.mktemp("big") / "big.csv"
    frame.to_csv(path, index=False)
    return path


def start(args: list[object], **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*GEOFRONT, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,  # type: ignore[arg-type]
    )


def wait_for(proc: subprocess.Popen[str], ready: Callable[[], bool], timeout: float = 120) -> None:
    """Poll until ``ready()`` (the work under test has begun) while ``proc`` runs."""
    end = time.monotonic() + timeout
    while not ready():
        assert proc.poll() is None, f"finished before the fault: {proc.communicate()}"
        assert time.monotonic() < end, "the work never began"
        time.sleep(0.005)


def temps(folder: Path) -> list[Path]:
    return sorted(folder.rglob(".*geofront*"))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _join(wd: World, src: Path, out: Path, rej: Path) -> list[object]:
    return ["join", src, "-o", out, "--rejects", rej, *wd.bargs]


def _old_outputs(tmp_path: Path) -> tuple[Path, Path]:
    out, rej = tmp_path / "j.csv", tmp_path / "r.csv"
    out.write_text("event_id\nfrom the previous run\n")
    rej.write_text("source_row,reason\n1,from the previous run\n")
    return out, rej


# --- a large join ------------------------------------------------------------------------


@pytest.mark.slow
def test_sigterm_during_a_large_join(wd: World, big: Path, tmp_path: Path) -> None:
    out, rej = _old_outputs(tmp_path)
    before = snapshot(tmp_path)
    proc = start(_join(wd, big, out, rej))
    wait_for(proc, lambda: bool(temps(tmp_path)))  # the outputs are being written
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143 and err.strip().endswith("Aborted."), err
    assert "Traceback" not in err
    assert snapshot(tmp_path) == before and not temps(tmp_path)


@pytest.mark.slow
def test_kill_9_during_a_large_join(wd: World, big: Path, tmp_path: Path) -> None:
    out, rej = _old_outputs(tmp_path)
    before = snapshot(tmp_path)
    proc = start(_join(wd, big, out, rej))
    wait_for(proc, lambda: bool(temps(tmp_path)))
    proc.kill()
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    left = temps(tmp_path)
    assert left  # a killed process cannot clean up ...
    assert {p.name: p.read_bytes() for p in (out, rej)} == {
        k: v for k, v in before.items() if k in ("j.csv", "r.csv")
    }  # ... but nothing under a final name changed
    # the next write of the same outputs removes what it left, and says so
    res = subprocess.run(
        [*GEOFRONT, *map(str, _join(wd, wd.events, out, rej))], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert not temps(tmp_path)
    assert all(f"removed {p}, left by an interrupted geofront run" in res.stderr for p in left)


# --- geofront run ---------------------------------------------------------------------------


def _run_case(wd: World, tmp_path: Path, as_of: str = "2021-07-07") -> Path:
    case = tmp_path / f"case-{as_of}.toml"
    case.write_text(case_toml(wd).replace('as_of = "2021-07-07"', f'as_of = "{as_of}"'))
    return case


def _stage_has_tables(out: Path) -> Callable[[], bool]:
    return lambda: any(out.glob(".out.geofront-run-*/tables/events_joined.csv"))


@pytest.mark.slow
@pytest.mark.parametrize("kill", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "kill -9"])
def test_interrupted_run_leaves_the_previous_outputs_whole(
    wd: World, tmp_path: Path, kill: signal.Signals
) -> None:
    out = tmp_path / "out"
    first = subprocess.run(
        [*GEOFRONT, "-q", "run", "--case", str(_run_case(wd, tmp_path)), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    assert len(before) > 15
    proc = start(["run", "--case", _run_case(wd, tmp_path, "2021-07-06"), "-o", out])
    wait_for(proc, _stage_has_tables(out))  # a few tables of the new run are written
    proc.send_signal(kill)
    _, err = proc.communicate(timeout=120)
    if kill == signal.SIGTERM:
        assert proc.returncode == 143 and "Aborted." in err and "Traceback" not in err, err
        assert not temps(out)
    else:
        assert proc.returncode == -signal.SIGKILL
    kept = {k: v for k, v in snapshot(out).items() if ".geofront-run-" not in k}
    assert kept == before  # every previous output, byte for byte, and nothing else
    # the next run replaces the old outputs whole (and removes what a kill -9 left)
    again = subprocess.run(
        [*GEOFRONT, "run", "--case", str(_run_case(wd, tmp_path, "2021-07-06")), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    after = snapshot(out)
    assert not temps(out) and "tables/control_2021-07-06.csv" in after
    assert "tables/control_2021-07-07.csv" not in after  # no stale file of the old run


# --- start-up ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupt_during_start_up_prints_no_traceback(
    wd: World, tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    proc = start(["join", wd.events, "-o", tmp_path / "j.csv", *wd.bargs])
    time.sleep(0.3)  # the libraries are still loading
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    assert proc.returncode == code and err.strip().endswith("Aborted."), (proc.returncode, err)
    assert not (tmp_path / "j.csv").exists() and not temps(tmp_path)


# --- disks and pipes that fill up -----------------------------------------------------------


@pytest.mark.slow
def test_full_stdout_is_one_line(wd: World) -> None:
    with open("/dev/full", "w") as full:
        res = subprocess.run(
            [*GEOFRONT, "join", str(wd.events), *wd.bargs],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert res.returncode == 1 and lines == [
        "Error: cannot write the table to standard output: No space left on device (ENOSPC); "
        "write it to a file with -o FILE"
    ], res.stderr


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write beyond the limit fails (EFBIG)
    resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))


@pytest.mark.slow
def test_file_size_limit_is_one_line_and_keeps_old_outputs(
    wd: World, big: Path, tmp_path: Path
) -> None:
    out, rej = _old_outputs(tmp_path)
    before = snapshot(tmp_path)
    proc = start(_join(wd, big, out, rej), preexec_fn=_limit_file_size)
    _, err = proc.communicate(timeout=300)
    errors = [ln for ln in err.splitlines() if ln.startswith("Error:")]
    assert proc.returncode == 1 and len(errors) == 1, err
    assert f"cannot write {out}: File too large (EFBIG)" in errors[0]
    assert snapshot(tmp_path) == before and not temps(tmp_path)


@pytest.mark.slow
def test_disk_full_on_a_small_tmpfs(wd: World, tmp_path: Path) -> None:
    mnt = tmp_path / "small"
    mnt.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(mnt)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("no tmpfs here (needs root): simulated ENOSPC is tested in test_hardening")
    try:
        out, rej = _old_outputs(mnt)  # a page each
        (mnt / "filler").write_bytes(b"x" * 8192)  # the last two of the four pages
        before = snapshot(mnt)
        res = subprocess.run(
            [*GEOFRONT, *map(str, _join(wd, wd.events, out, rej))], capture_output=True, text=True
        )
        errors = [ln for ln in res.stderr.splitlines() if ln.startswith("Error:")]
        assert res.returncode == 1 and len(errors) == 1, res.stderr
        assert "No space left on device (ENOSPC)" in errors[0] and str(mnt) in errors[0]
        assert snapshot(mnt) == before and not temps(mnt)
    finally:
        subprocess.run(["umount", str(mnt)], check=False)
