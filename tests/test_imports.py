"""Imports run one way: every module imports on its own, in a fresh interpreter.

A module imported first in a fresh interpreter exposes any import cycle it is part of
(a second import finds the half-built module in ``sys.modules``). Starting ~100
interpreters takes minutes, so the fast test imports every module once (which loads the
third-party libraries they need), removes geofront's own modules from ``sys.modules``,
then forks one child per geofront module: the child is as fresh as a new interpreter
for geofront's own imports. The slow test starts a real interpreter per module.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys

import pytest

import geofront


def _modules() -> list[str]:
    found = ["geofront"]
    for info in pkgutil.walk_packages(geofront.__path__, "geofront."):
        found.append(info.name)
    return sorted(found)


MODULES = _modules()


def test_the_list_holds_every_package_and_command():
    assert {"geofront.siege.assess", "geofront.exposure.near", "geofront.cli.map.siege"} <= set(
        MODULES
    )
    assert len(MODULES) > 60


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_every_module_imports_first_in_a_fresh_process():
    code = f"""
import importlib, os, sys, traceback
for name in {MODULES!r}:  # the third-party libraries, loaded once
    importlib.import_module(name)
for name in [m for m in sys.modules if m == "geofront" or m.startswith("geofront.")]:
    del sys.modules[name]
failed = []
for name in {MODULES!r}:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            importlib.import_module(name)
            code = 0
        except BaseException:
            os.write(w, traceback.format_exc().encode()[-2000:])
            code = 1
        os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        text = fh.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    if status != 0:
        failed.append(name + ": " + (text.strip().splitlines() or ["?"])[-1])
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize("name", MODULES)
def test_module_imports_in_a_new_interpreter(name):
    proc = subprocess.run(
        [sys.executable, "-c", f"import {name}"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_import_geofront_loads_no_heavy_library():
    code = (
        "import sys, geofront as gf\n"
        "heavy = {'pandas', 'geopandas', 'rasterio', 'exactextract', 'scipy', 'matplotlib'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_control_and_sieges_load_no_raster_or_plotting_library():
    # the analysis of events needs neither rasterio, exactextract, scipy nor matplotlib
    code = (
        "import sys, geofront as gf\n"
        "gf.control_from_events, gf.assess_sieges, gf.frontline_lines, gf.read_events\n"
        "heavy = {'rasterio', 'exactextract', 'scipy', 'matplotlib'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_public_names_and_subpackages_resolve():
    import geofront as gf

    for name in gf.__all__:
        assert getattr(gf, name) is not None, name
    assert gf.maps.control_map is importlib.import_module("geofront.maps").control_map
    assert gf.defaults.SIEGE_SECTORS == 16
    # every result type a public function returns is exported
    for name in (
        "Case",
        "EventsRead",
        "AssessmentsRead",
        "JoinResult",
        "SiegeResult",
        "ShiftResult",
        "PopulationResult",
        "ComparisonResult",
        "ControlSeries",
    ):
        assert isinstance(getattr(gf, name), type), name
    # earlier names of result types still import
    from geofront.compare import Comparison
    from geofront.exposure import UnitPopulation
    from geofront.frontline import FrontlineShift
    from geofront.siege import SiegeAssessment

    assert (SiegeAssessment, FrontlineShift, UnitPopulation, Comparison) == (
        gf.SiegeResult,
        gf.ShiftResult,
        gf.PopulationResult,
        gf.ComparisonResult,
    )
