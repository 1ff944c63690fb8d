"""Shared fixtures: the synthetic world (see tests/world.py) and the bundled data."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).parent))

import world as _world
from geofront.boundaries import AdminBoundaries, read_boundaries


@pytest.fixture(scope="session", autouse=True)
def _private_cache(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """Index caches go to pytest's own cache folder (kept from one run to the next: an
    index is keyed by a hash of its polygons, so a kept one is never stale), else to a
    temporary folder; never to the user's cache directory."""
    from geofront.cellindex import CACHE_ENV

    cache = getattr(request.config, "cache", None)
    folder = cache.mkdir("geofront-cellindex") if cache is not None else None
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CACHE_ENV, str(folder or tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="session")
def world() -> AdminBoundaries:
    """The synthetic 4-district world in UTM 41N."""
    return _world.world()


@pytest.fixture(scope="session")
def world_wgs84() -> AdminBoundaries:
    """The synthetic world in EPSG:4326."""
    return _world.world("EPSG:4326")


@pytest.fixture(scope="session")
def afghanistan() -> AdminBoundaries:
    """The bundled 398 districts / 34 provinces."""
    return read_boundaries()
