"""geofront.cellindex: the grid index answers exactly what an STRtree query answers.

The oracle is the plain point-in-polygon join (every polygon queried against a tree of
the points, predicate ``intersects``: a point on an edge is covered by both sides),
written here independently of the index.
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
import shapely

import geofront.cellindex as ci
import world as w
from geofront.cellindex import CACHE_ENV, cache_dir, cell_index


def covering_oracle(geoms: np.ndarray, x: np.ndarray, y: np.ndarray):
    """First covering polygon (-1 if none) and whether several cover, by brute force."""
    n = len(x)
    unit = np.full(n, -1, dtype=np.int64)
    hits = np.zeros(n, dtype=np.int64)
    tree = shapely.STRtree(shapely.points(x, y))
    poly_i, pt_i = tree.query(geoms, predicate="intersects")
    order = np.lexsort((poly_i, pt_i))
    pt_i, poly_i = pt_i[order], poly_i[order]
    first = np.ones(len(pt_i), dtype=bool)
    first[1:] = pt_i[1:] != pt_i[:-1]
    unit[pt_i[first]] = poly_i[first]
    np.add.at(hits, pt_i, 1)
    return unit, hits > 1


def tricky_points(geoms: np.ndarray, n_random: int, seed: int = 0):
    """Random points over the box, every vertex, and points on edges (midpoints)."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    pad = 0.05 * max(x1 - x0, y1 - y0)
    xs = [rng.uniform(x0 - pad, x1 + pad, n_random)]
    ys = [rng.uniform(y0 - pad, y1 + pad, n_random)]
    coords = shapely.get_coordinates(shapely.boundary(geoms))
    xs += [coords[:, 0], (coords[:-1, 0] + coords[1:, 0]) / 2]
    ys += [coords[:, 1], (coords[:-1, 1] + coords[1:, 1]) / 2]
    return np.concatenate(xs), np.concatenate(ys)


@pytest.mark.parametrize("crs", ["utm", "wgs84"])
def test_synthetic_world_matches_brute_force(world, world_wgs84, crs):
    b = world if crs == "utm" else world_wgs84
    geoms = np.asarray(b.districts.geometry.array, dtype=object)
    index = cell_index(geoms, b.crs, cells=4096, cache=False)
    x, y = tricky_points(geoms, 20_000)
    # the four-district corner and the shared edges, exactly
    cx, cy = w.xy(20, 20) if crs == "utm" else w.lonlat(20, 20)
    x, y = np.r_[x, cx], np.r_[y, cy]
    unit, border = index.covering(x, y)
    want_unit, want_border = covering_oracle(geoms, x, y)
    assert (unit == want_unit).all() and (border == want_border).all()
    assert unit[-1] == 0 and border[-1]  # the corner: 101, shared by four


@pytest.mark.slow
def test_bundled_districts_match_brute_force(afghanistan):
    geoms = np.asarray(afghanistan.districts.geometry.array, dtype=object)
    index = cell_index(geoms, afghanistan.crs)
    x, y = tricky_points(geoms, 100_000, seed=3)
    unit, border = index.covering(x, y)
    want_unit, want_border = covering_oracle(geoms, x, y)
    assert (unit == want_unit).all()
    assert (border == want_border).all()
    assert border.sum() > 1000  # shared vertices and edges were tested
    # most points in a district were answered from an inside cell, with no geometry test
    codes = index.codes[index._cells(x[:100_000], y[:100_000])]
    assert (codes >= 0)[unit[:100_000] >= 0].mean() > 0.85


def test_overlapping_and_holed_polygons():
    outer = shapely.Polygon(
        [(0, 0), (10, 0), (10, 10), (0, 10)], holes=[[(4, 4), (6, 4), (6, 6), (4, 6)]]
    )
    overlap = shapely.box(8, 8, 14, 14)  # overlaps the first in [8, 10]^2
    island = shapely.box(4.5, 4.5, 5.5, 5.5)  # inside the hole
    geoms = np.array([outer, overlap, island], dtype=object)
    index = cell_index(geoms, "EPSG:32641", cells=2000, cache=False)
    x, y = tricky_points(geoms, 50_000, seed=5)
    x = np.r_[x, 9.0, 5.0, 4.2, 12.0]
    y = np.r_[y, 9.0, 5.0, 5.0, 12.0]
    unit, border = index.covering(x, y)
    want_unit, want_border = covering_oracle(geoms, x, y)
    assert (unit == want_unit).all() and (border == want_border).all()
    assert unit[-4:].tolist() == [0, 2, -1, 1] and border[-4]


def test_maybe_near_never_misses_a_near_point(afghanistan):
    geoms = np.asarray(afghanistan.districts.geometry.array, dtype=object)
    index = cell_index(geoms, afghanistan.crs)
    rng = np.random.default_rng(9)
    x = rng.uniform(58, 77, 40_000)
    y = rng.uniform(27, 41, 40_000)
    unit, _ = index.covering(x, y)
    out = unit < 0
    distance = 0.03  # degrees
    near = index.maybe_near(x[out], y[out], distance)
    outline = shapely.union_all(geoms)
    shapely.prepare(outline)
    truly = shapely.dwithin(outline, shapely.points(x[out], y[out]), distance)
    assert not (truly & ~near).any()  # never says "far" of a point within the distance
    assert near.mean() < 0.2  # and rules out most of the far ones
    assert index.maybe_near(np.array([np.nan]), np.array([1.0]), 1.0).all()


def test_cache_is_written_where_told_and_reused(tmp_path, monkeypatch, world):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    assert cache_dir() == tmp_path
    geoms = np.asarray(world.districts.geometry.array, dtype=object)
    ci._LOADED.clear()
    first = cell_index(geoms, world.crs, cells=1000)
    files = list(tmp_path.glob("cellindex-*.npz"))
    assert len(files) == 1 and first.key in files[0].name
    ci._LOADED.clear()
    monkeypatch.setattr(ci, "_build", lambda *a: pytest.fail("the cache was not used"))
    again = cell_index(geoms, world.crs, cells=1000)
    assert (again.codes == first.codes).all() and again.key == first.key
    # another CRS, other polygons or another grid: another key
    assert ci._key(geoms, "EPSG:32642", 1000) != first.key
    assert ci._key(geoms[::-1], world.crs, 1000) != first.key
    assert ci._key(geoms, world.crs, 2000) != first.key


def test_damaged_cache_is_rebuilt(tmp_path, monkeypatch, world, caplog):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    geoms = np.asarray(world.districts.geometry.array, dtype=object)
    ci._LOADED.clear()
    first = cell_index(geoms, world.crs, cells=1000)
    path = next(tmp_path.glob("cellindex-*.npz"))
    path.write_bytes(b"not a zip file")
    ci._LOADED.clear()
    with caplog.at_level(logging.WARNING, logger="geofront.cellindex"):
        again = cell_index(geoms, world.crs, cells=1000)
    assert "damaged index cache" in caplog.text
    assert (again.codes == first.codes).all()


def test_unwritable_cache_only_costs_time(tmp_path, monkeypatch, world, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "sub"))  # a folder inside a file
    geoms = np.asarray(world.districts.geometry.array, dtype=object)
    ci._LOADED.clear()
    with caplog.at_level(logging.WARNING, logger="geofront.cellindex"):
        index = cell_index(geoms, world.crs, cells=1000)
    assert "cannot cache the cell index" in caplog.text
    assert index.covering(np.array([w.xy(10, 10)[0]]), np.array([w.xy(10, 10)[1]]))[0][0] == 2


def test_pickled_index_answers_the_same(afghanistan):
    import pickle

    geoms = np.asarray(afghanistan.districts.geometry.array, dtype=object)
    index = cell_index(geoms, afghanistan.crs)
    index.memo("x", lambda: object())  # derived data is not shipped
    again = pickle.loads(pickle.dumps(index))
    assert again._memo == {}
    x, y = tricky_points(geoms, 10_000, seed=11)
    assert (again.covering(x, y)[0] == index.covering(x, y)[0]).all()
