"""Per-sector helpers of the siege assessment (geofront.siege._sectors), worked by hand.

Binning and control shares are exercised end to end in test_siege.py; here the circular
run logic behind ``max_hostile_arc_deg`` and ``open_corridors``.
"""

from __future__ import annotations

import numpy as np

from geofront.siege._sectors import circular_runs, corridor_text, ids_per_cell

T, F = True, False


def test_circular_runs_cross_the_start():
    # sectors 4, 0, 1 form one run of 3 starting at sector 4 (it wraps past north)
    assert circular_runs(np.array([T, T, F, F, T])) == [(4, 3)]
    assert circular_runs(np.array([T, F, T, F, F])) == [(0, 1), (2, 1)]
    assert circular_runs(np.array([T, T, T])) == [(0, 3)]
    assert circular_runs(np.array([F, F])) == []


def test_corridor_bearings():
    # five sectors of 72 deg, sector k centred on 72 k: sectors 2-3 span 108 to 252 deg
    assert corridor_text(np.array([F, F, T, T, F]), 72.0) == "108-252"
    # sectors 4 and 0 span 252 through north to 36 deg
    assert corridor_text(np.array([T, F, F, F, T]), 72.0) == "252-36"
    assert corridor_text(np.array([T] * 5), 72.0) == "0-360"
    assert corridor_text(np.array([F] * 5), 72.0) == ""


def test_ids_per_cell_sorted_unique():
    got = ids_per_cell(np.array([2, 0, 2, 2]), np.array(["b", "a", "a", "b"]), 3)
    assert got.tolist() == ["a", "", "a;b"]
