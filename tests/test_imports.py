"""Imports run one way: every module imports on its own, in a fresh interpreter.

Three checks, cheapest first. The quick one reads every module's top-level imports (not
those under ``TYPE_CHECKING`` or inside functions) and requires the graph of geofront's
modules to have no cycle: imports run one way. The slow ones import: a module imported
first in a fresh interpreter exposes any import cycle it is part of (a second import
finds the half-built module in ``sys.modules``). One forks a child per module from a
process that has loaded the third-party libraries but none of geofront's modules; the
other starts a new interpreter per module (minutes).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import geofront

ROOT = Path(geofront.__file__).resolve().parent


def _source(name: str) -> Path:
    """The source file of module ``name`` (found on disk: nothing is imported)."""
    rel = Path(*name.split(".")[1:])
    package = ROOT / rel / "__init__.py"
    return package if package.is_file() else (ROOT / rel).with_suffix(".py")


def _modules() -> list[str]:
    """Every module of the package, from the files (importing them could hide a cycle)."""
    names = []
    for path in ROOT.rglob("*.py"):
        parts = ["geofront", *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return sorted(names)


MODULES = _modules()


def test_the_list_holds_every_package_and_command():
    assert {"geofront.siege.assess", "geofront.exposure.near", "geofront.cli.map.siege"} <= set(
        MODULES
    )
    assert len(MODULES) > 60


def _top_level_imports(name: str) -> set[str]:
    """The geofront modules ``name`` imports when it is imported (top level only)."""
    import ast

    tree = ast.parse(_source(name).read_text(encoding="utf-8"))
    found: set[str] = set()
    known = set(MODULES)
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for st in node.body if isinstance(node, ast.Try) else [node]:
            if isinstance(st, ast.Import):
                found |= {a.name for a in st.names if a.name in known}
            elif isinstance(st, ast.ImportFrom) and st.module and st.level == 0:
                subs = [f"{st.module}.{a.name}" for a in st.names]
                found |= {m for m in subs if m in known}
                if st.module in known and any(m not in known for m in subs):
                    found.add(st.module)  # a name defined in the package or module itself
    found.discard(name)
    return found


def test_imports_run_one_way():
    graph = {name: _top_level_imports(name) for name in MODULES}
    done: set[str] = set()
    path: list[str] = []

    def visit(name: str) -> None:
        path.append(name)
        for dep in sorted(graph[name]):
            assert dep not in path, "import cycle: " + " -> ".join(path[path.index(dep) :] + [dep])
            if dep not in done:
                visit(dep)
        path.pop()
        done.add(name)

    for name in MODULES:
        if name not in done:
            visit(name)
    # commands never import the group that registers them
    for name in MODULES:
        if name.startswith("geofront.cli.") and name != "geofront.cli.main":
            assert "geofront.cli.main" not in graph[name], name


@pytest.mark.slow
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
