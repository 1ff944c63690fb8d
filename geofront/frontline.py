"""Frontlines: where districts held by different sides meet, and how that moved.

:func:`frontline_lines` draws the shared borders between districts of different control
status (from :func:`geofront.control.control_from_events`). Only edges *shared by two
districts* count, so the international border (a district edge with no neighbour) is
never a frontline. Edges are classified by the pair of statuses, the lower of the two in
the order contested, government, insurgent, unknown first:

``government-insurgent``
    the frontline proper
``contested-government``, ``contested-insurgent``
    the edges of contested districts
``contested-unknown``, ``government-unknown``, ``insurgent-unknown``
    edges of what is known (only with ``include_unknown=True``)

Adjacency comes from an STRtree query (``intersects``); the shared edge of two
districts is the intersection of their boundaries, keeping only its linear parts (two
districts that meet at a point share no edge). This assumes a clean coverage (neighbours
share vertices), as the bundled boundaries do.

:func:`frontline_shift` compares two control tables: districts that changed hands, area
gained and lost per status (km², equal-area CRS), frontline length per class before and
after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geofront.crs import equal_area_km2, geodesic_length_m, require_crs
from geofront.errors import InputError
from geofront.schema import CONTESTED, CONTROL_STATUSES, GOVERNMENT, INSURGENT, UNKNOWN
from geofront.validate import check_frame

#: Frontline classes between known statuses, in output order.
FRONTLINE_CLASSES = ("government-insurgent", "contested-government", "contested-insurgent")
#: Classes of edges between a known status and ``unknown`` (``include_unknown=True``).
UNKNOWN_EDGE_CLASSES = ("contested-unknown", "government-unknown", "insurgent-unknown")
#: Columns of :func:`frontline_lines` with ``by="pair"`` (plus geometry).
FRONTLINE_COLUMNS = (
    "frontline_class",
    "district_id_a",
    "district_id_b",
    "status_a",
    "status_b",
    "length_km",
)
#: Columns of :func:`frontline_lines` with ``by="class"`` (plus geometry).
FRONTLINE_CLASS_COLUMNS = ("frontline_class", "pairs", "length_km")
_RANK = {CONTESTED: 0, GOVERNMENT: 1, INSURGENT: 2, UNKNOWN: 3}


def frontline_lines(
    control: gpd.GeoDataFrame,
    *,
    by: Literal["pair", "class"] = "pair",
    include_unknown: bool = False,
) -> gpd.GeoDataFrame:
    """Return the lines where districts of different control status share a border.

    Parameters
    ----------
    control : GeoDataFrame
        A control table (:func:`geofront.control.control_from_events`): polygons with
        ``district_id`` and ``status``. Not modified.
    by : {"pair", "class"}
        ``"pair"``: one row per pair of neighbouring districts (their shared edge,
        merged); ``"class"``: one row per frontline class (all its edges merged).
    include_unknown : bool
        Also return the edges between a known status and ``unknown``
        (:data:`UNKNOWN_EDGE_CLASSES`).

    Returns
    -------
    GeoDataFrame
        In ``control``'s CRS, with a RangeIndex. ``by="pair"``:
        :data:`FRONTLINE_COLUMNS` — the class, the ids and statuses of the district on
        each side (``a`` is the lower status in the order contested, government,
        insurgent, unknown), the geodesic length in km — sorted by class, then ids.
        ``by="class"``: :data:`FRONTLINE_CLASS_COLUMNS` — the class, the number of
        district pairs and the total length, one row per class present, in class order.
        Geometry: (Multi)LineStrings.
    """
    _check_control(control, "control")
    if by not in ("pair", "class"):
        raise InputError(f"by={by!r}: use 'pair' or 'class'")
    classes = FRONTLINE_CLASSES + (UNKNOWN_EDGE_CLASSES if include_unknown else ())
    geoms = np.asarray(control.geometry.array, dtype=object)
    status = control["status"].astype(str).to_numpy(dtype=object)
    ids = control["district_id"].astype(str).to_numpy(dtype=object)
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    rank_i = np.array([_RANK[s] for s in status[i]], dtype=np.int64)
    rank_j = np.array([_RANK[s] for s in status[j]], dtype=np.int64)
    swap = (rank_i > rank_j) | ((rank_i == rank_j) & (ids[i] > ids[j]))
    a = np.where(swap, j, i)
    b = np.where(swap, i, j)
    cls = np.char.add(np.char.add(status[a].astype(str), "-"), status[b].astype(str))
    wanted = np.isin(cls, classes)
    a, b, cls = a[wanted], b[wanted], cls[wanted]

    shared = shapely.intersection(shapely.boundary(geoms[a]), shapely.boundary(geoms[b]))
    lines = _linear(shared)
    has = ~shapely.is_empty(lines)
    a, b, cls, lines = a[has], b[has], cls[has], lines[has]
    out = gpd.GeoDataFrame(
        {
            "frontline_class": cls.astype(str),
            "district_id_a": ids[a].astype(str),
            "district_id_b": ids[b].astype(str),
            "status_a": status[a].astype(str),
            "status_b": status[b].astype(str),
        },
        geometry=lines,
        crs=control.crs,
    )
    order = {c: k for k, c in enumerate(classes)}
    out["_o"] = out["frontline_class"].map(order)
    out = out.sort_values(["_o", "district_id_a", "district_id_b"], kind="stable")
    out = out.drop(columns="_o").reset_index(drop=True)
    if by == "class":
        codes = out["frontline_class"].map(order).to_numpy()
        present = [c for c in classes if c in set(out["frontline_class"])]
        merged = [
            shapely.line_merge(shapely.union_all(out.geometry.array[codes == order[c]]))
            for c in present
        ]
        pairs = [int((out["frontline_class"] == c).sum()) for c in present]
        out = gpd.GeoDataFrame(
            {"frontline_class": present, "pairs": np.asarray(pairs, dtype=np.int64)},
            geometry=merged,
            crs=control.crs,
        )
    out["length_km"] = _length_km(out.geometry)
    cols = FRONTLINE_COLUMNS if by == "pair" else FRONTLINE_CLASS_COLUMNS
    return out[[*cols, "geometry"]]


@dataclass(frozen=True)
class ShiftResult:
    """Result of :func:`frontline_shift`.

    Attributes
    ----------
    changes : GeoDataFrame
        Districts whose status differs: ``district_id``, ``district``, ``province_id``,
        ``province``, ``from_status``, ``to_status``, ``area_km2`` (equal-area),
        ``since``, ``rule``, ``evidence`` (from the later table), geometry (its CRS).
        Indexed and sorted by district id.
    areas : DataFrame
        One row per status (legend order): ``status``, ``districts_before``,
        ``districts_after``, ``area_before_km2``, ``area_after_km2``, ``gained_km2``
        (area of districts that came to this status), ``lost_km2`` (that left it),
        ``net_km2`` (gained - lost).
    lengths : DataFrame
        One row per frontline class: ``frontline_class``, ``length_before_km``,
        ``length_after_km``, ``change_km``.
    """

    changes: gpd.GeoDataFrame
    areas: pd.DataFrame
    lengths: pd.DataFrame

    def to_table(self) -> pd.DataFrame:
        """Return areas and lengths as one tidy table (for a CSV).

        Columns ``measure`` (``districts``, ``area_km2``, ``length_km``), ``item`` (a
        status or a frontline class), ``before``, ``after``, ``gained``, ``lost``
        (areas only; NaN otherwise) and ``change`` (after - before).
        """
        a = self.areas
        parts = [
            pd.DataFrame(
                {
                    "measure": "districts",
                    "item": a["status"],
                    "before": a["districts_before"].astype(float),
                    "after": a["districts_after"].astype(float),
                    "gained": np.nan,
                    "lost": np.nan,
                }
            ),
            pd.DataFrame(
                {
                    "measure": "area_km2",
                    "item": a["status"],
                    "before": a["area_before_km2"],
                    "after": a["area_after_km2"],
                    "gained": a["gained_km2"],
                    "lost": a["lost_km2"],
                }
            ),
            pd.DataFrame(
                {
                    "measure": "length_km",
                    "item": self.lengths["frontline_class"],
                    "before": self.lengths["length_before_km"],
                    "after": self.lengths["length_after_km"],
                    "gained": np.nan,
                    "lost": np.nan,
                }
            ),
        ]
        out = pd.concat(parts, ignore_index=True)
        out["change"] = out["after"] - out["before"]
        return out

    def summary(self) -> str:
        """One line: districts changed and the net area per side."""
        a = self.areas.set_index("status")
        net = a["net_km2"].astype(float)
        moved = (a["gained_km2"] + a["lost_km2"]).astype(float)
        parts = [
            f"{s} {net[s]:+,.0f} km2" for s in (GOVERNMENT, CONTESTED, INSURGENT) if moved[s] > 0
        ]
        c = self.changes
        n_new = int((c["from_status"] == UNKNOWN).sum()) if len(c) else 0
        first_known = f" ({n_new} of them first known: unknown before)" if n_new else ""
        return f"{len(c)} district(s) changed status{first_known}" + (
            ": " + ", ".join(parts) if parts else ""
        )


#: The earlier name of :class:`ShiftResult`, still importable.
FrontlineShift = ShiftResult


def frontline_shift(
    before: gpd.GeoDataFrame,
    after: gpd.GeoDataFrame,
    *,
    include_unknown: bool = False,
) -> ShiftResult:
    """Compare two control tables of the same districts.

    Parameters
    ----------
    before, after : GeoDataFrame
        Control tables (:func:`geofront.control.control_from_events`) for two dates,
        with the same ``district_id`` values.
    include_unknown : bool
        Passed to :func:`frontline_lines` for the length table.

    Returns
    -------
    ShiftResult
        Areas in km² computed in :data:`geofront.crs.EQUAL_AREA`; lengths geodesic km.
    """
    _check_control(before, "before")
    _check_control(after, "after")
    b = before.set_index(pd.Index(before["district_id"].astype(str).to_numpy()))
    a = after.set_index(pd.Index(after["district_id"].astype(str).to_numpy()))
    if set(b.index) != set(a.index) or len(b) != len(a):
        extra = sorted(set(b.index) ^ set(a.index))
        raise InputError(
            "the two control tables cover different districts"
            + (f" (e.g. {extra[0]!r})" if extra else " (duplicate ids)")
            + ": compute both with the same boundaries"
        )
    b = b.loc[a.index]
    area = pd.Series(equal_area_km2(a.geometry), index=a.index)
    st_b = b["status"].astype(str)
    st_a = a["status"].astype(str)
    changed = (st_b != st_a).to_numpy()
    cols = ["district_id", "district", "province_id", "province"]
    changes = a.loc[changed, cols].copy()
    changes["from_status"] = st_b[changed].to_numpy()
    changes["to_status"] = st_a[changed].to_numpy()
    changes["area_km2"] = area[changed].to_numpy()
    for c in ("since", "rule", "evidence"):
        if c in a.columns:
            changes[c] = a.loc[changed, c].to_numpy()
    changes = gpd.GeoDataFrame(changes, geometry=a.geometry[changed].array, crs=a.crs)
    changes = changes.sort_index(kind="stable")

    rows = []
    for s in CONTROL_STATUSES:
        was = (st_b == s).to_numpy()
        now = (st_a == s).to_numpy()
        gained = float(area[now & ~was].sum())
        lost = float(area[was & ~now].sum())
        rows.append(
            {
                "status": s,
                "districts_before": int(was.sum()),
                "districts_after": int(now.sum()),
                "area_before_km2": float(area[was].sum()),
                "area_after_km2": float(area[now].sum()),
                "gained_km2": gained,
                "lost_km2": lost,
                "net_km2": gained - lost,
            }
        )
    areas = pd.DataFrame(rows)

    classes = FRONTLINE_CLASSES + (UNKNOWN_EDGE_CLASSES if include_unknown else ())
    lb = frontline_lines(before, by="class", include_unknown=include_unknown)
    la = frontline_lines(after, by="class", include_unknown=include_unknown)
    before_km = lb.set_index("frontline_class")["length_km"].reindex(list(classes), fill_value=0.0)
    after_km = la.set_index("frontline_class")["length_km"].reindex(list(classes), fill_value=0.0)
    lengths = pd.DataFrame(
        {
            "frontline_class": list(classes),
            "length_before_km": before_km.to_numpy(dtype=float),
            "length_after_km": after_km.to_numpy(dtype=float),
        }
    )
    lengths["change_km"] = lengths["length_after_km"] - lengths["length_before_km"]
    return ShiftResult(changes, areas, lengths)


# --- helpers ---------------------------------------------------------------------------


def _check_control(control: gpd.GeoDataFrame, what: str) -> None:
    if not isinstance(control, gpd.GeoDataFrame):
        raise InputError(f"{what} is not a GeoDataFrame: pass a control table with geometry")
    check_frame(
        control,
        what=what,
        columns=("district_id", "status"),
        fix="pass a control table (geofront control / control_from_events)",
    )
    require_crs(control, what)
    bad = ~control["status"].isin(CONTROL_STATUSES)
    if bad.any():
        raise InputError(
            f"{what}: district {control['district_id'][bad].iloc[0]!r} has status "
            f"{control['status'][bad].iloc[0]!r}; statuses are {', '.join(CONTROL_STATUSES)}"
        )


def _linear(shared: np.ndarray) -> np.ndarray:
    """Keep the linear parts of each geometry, merged; empty where there are none."""
    parts, idx = shapely.get_parts(shared, return_index=True)
    kind = shapely.get_type_id(parts)
    line = (kind == 1) | (kind == 2)  # LineString, LinearRing
    out = np.full(len(shared), shapely.LineString(), dtype=object)
    if line.any():
        parts = shapely.force_2d(parts[line])
        idx = idx[line]
        at, dense = np.unique(idx, return_inverse=True)
        out[at] = shapely.line_merge(shapely.multilinestrings(parts, indices=dense))
    return out


def _length_km(geoms: gpd.GeoSeries) -> np.ndarray:
    if len(geoms) == 0:
        return np.zeros(0)
    return geodesic_length_m(geoms) / 1000.0
