"""The disagreement map: classes per district, legend counts, subtitle, stable bytes."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.colors import to_hex

from geofront.compare import compare_control
from geofront.errors import InputError
from geofront.maps import save_figure
from geofront.maps.compare_maps import (
    AGREE,
    DISAGREEMENT_COLORS,
    NOT_SCORED,
    disagreement_class,
    disagreement_map,
)
from geofront.maps.furniture import legend_texts

G, C, N, U = "government", "contested", "insurgent", "unknown"  # N: iNsurgent
BADGHIS = ["1901", "1902", "1903", "1904", "1905", "1906", "1907"]


@pytest.fixture(scope="module")
def comparison(afghanistan):
    ours = pd.DataFrame(
        {"date": "2021-07-07", "district_id": BADGHIS, "status": [C, N, N, G, U, G, C]}
    )
    ref = pd.DataFrame(
        {"date": "2021-07-07", "district_id": BADGHIS, "status": [C, N, G, G, N, N, N]}
    )
    return compare_control(ours, ref, boundaries=afghanistan)


def test_classes():
    ours = pd.Series([G, N, G, C, N, U, G, G])
    ref = pd.Series([G, G, N, N, C, N, U, None])
    assert disagreement_class(ours, ref).tolist() == [
        AGREE,
        "ours insurgent, reference government",
        "ours government, reference insurgent",
        "ours contested, reference held",
        "ours held, reference contested",
        "ours unknown, reference known",
        NOT_SCORED,
        NOT_SCORED,
    ]


def test_districts_coloured_by_class(comparison, afghanistan):
    fig, ax = disagreement_map(comparison, boundaries=afghanistan)
    coll = next(c for c in ax.collections if c.get_gid() == "districts")
    ids = coll.geofront_ids
    colors = dict(zip(ids, (to_hex(c) for c in coll.get_facecolors()), strict=True))
    classes = dict(zip(ids, coll.geofront_classes, strict=True))
    assert len(ids) == 398
    assert classes["1901"] == AGREE and classes["1902"] == AGREE
    assert classes["1903"] == "ours insurgent, reference government"
    assert classes["1905"] == "ours unknown, reference known"
    assert classes["1906"] == "ours government, reference insurgent"
    assert classes["1907"] == "ours contested, reference held"
    assert classes["101"] == NOT_SCORED  # Kabul: not in the reference
    assert colors["1903"] == DISAGREEMENT_COLORS["ours insurgent, reference government"].lower()
    hatch = next(c for c in ax.collections if c.get_gid() == "districts:not-scored")
    assert len(hatch.get_paths()) == 391
    legend = next(a for a in fig.axes[1].artists if a.get_gid() == "legend")
    texts = legend_texts(legend)
    assert "Agree (3)" in texts
    assert "Ours government, reference insurgent (1)" in texts
    assert "Not scored (no reference status) (391)" in texts
    subtitle = next(t for t in fig.texts if t.get_gid() == "subtitle").get_text()
    assert subtitle.startswith("Data as of 7 July 2021 · agreement 42.9 % of 7 districts")


@pytest.mark.slow
def test_same_bytes_and_bad_date(comparison, afghanistan, tmp_path):
    paths = [tmp_path / "a.png", tmp_path / "b.png"]
    for p in paths:
        fig, _ = disagreement_map(comparison, boundaries=afghanistan, dpi=60)
        save_figure(fig, p, dpi=60)
    assert paths[0].read_bytes() == paths[1].read_bytes()
    with pytest.raises(InputError, match="date 2021-08-15 was not compared: choose one of"):
        disagreement_map(comparison, boundaries=afghanistan, date="2021-08-15")
