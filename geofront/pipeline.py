"""The steps of a whole case run (:func:`geofront.case.run_case`), one function each.

Each step calls the public library functions and writes its outputs atomically; the
files are named after the step and the date, so a run is easy to browse:
``tables/*.csv|gpkg`` and ``maps/*.png``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import matplotlib.pyplot as plt
import pandas as pd

from geofront.errors import InputError
from geofront.io import write_table
from geofront.schema import DUPLICATE_EVENT_ID, REJECT_COLUMNS, SOURCE_PREFIX

if TYPE_CHECKING:
    from geofront.case import Case

log = logging.getLogger(__name__)

_STEPS = ("events", "summaries", "control", "frontlines", "timeline", "sieges", "exposure", "maps")


def run(case: Case, out: Path, *, progress: bool = False) -> list[Path]:
    """Run every step of ``case`` into ``out`` (which has ``tables/`` and ``maps/``)."""
    from geofront.boundaries import read_boundaries

    state: dict[str, Any] = {"case": case, "out": out, "written": [], "progress": progress}
    state["boundaries"] = (
        read_boundaries(case.boundaries, **case.boundary_options)  # type: ignore[arg-type]
        if case.boundaries is not None
        else read_boundaries()
    )
    steps = _STEPS
    if progress:
        from tqdm.auto import tqdm

        with tqdm(steps, desc=f"case {case.name}", unit="step", delay=0.5) as bar:
            for name in bar:  # closed (its line ended) also when a step fails
                bar.set_postfix_str(name, refresh=False)
                globals()[f"_step_{name}"](state)
    else:
        for name in steps:
            log.info("case %s: %s", case.name, name)
            globals()[f"_step_{name}"](state)
    return state["written"]


def _write(state: dict[str, Any], frame: pd.DataFrame, name: str) -> None:
    from geofront.exposure import round_people

    path = state["out"] / name
    write_table(round_people(frame), path)  # people as whole people
    state["written"].append(path)


def _day(ts: pd.Timestamp) -> str:
    return ts.date().isoformat()


# --- steps ------------------------------------------------------------------------------


def _step_events(state: dict[str, Any]) -> None:
    from geofront.events import read_events
    from geofront.join import combine_rejects, join_events

    case, b = state["case"], state["boundaries"]
    if not case.events:  # assessments alone: an empty, correctly typed events table
        from geofront.join import empty_joined

        joined = empty_joined()
        state["joined"], state["n_read"] = joined, 0
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in (*REJECT_COLUMNS, "source_file")})
        _write(state, joined.drop(columns=[joined.geometry.name]), "tables/events_joined.csv")
        _write(state, empty, "tables/events_rejected.csv")
        return
    frames, rejects, n_read = [], [], 0
    for path in case.events:
        read = read_events(path, sides=case.sides, **case.event_options)
        n_read += read.n_read
        frames.append(read.events.assign(source_file=Path(path).name))
        rejects.append(read.rejected.assign(source_file=Path(path).name))
    events = pd.concat(frames, ignore_index=True)
    dup = events["event_id"].duplicated()
    if dup.any():  # the same id in two files: keep the first file's row, reject the other
        first = events.drop_duplicates("event_id").set_index("event_id")["source_file"]
        d = events[dup]
        rejects.append(
            pd.DataFrame(
                {
                    "source_row": d["source_row"].to_numpy(),
                    "event_id": d["event_id"].to_numpy(),
                    "reason": DUPLICATE_EVENT_ID,
                    "detail": "event id also in " + first.loc[d["event_id"]].to_numpy().astype(str),
                    "source_file": d["source_file"].to_numpy(),
                }
            ).join(  # the original values, as for every other reject
                pd.DataFrame(d[[c for c in d.columns if c.startswith(SOURCE_PREFIX)]]).reset_index(
                    drop=True
                )
            )
        )
        events = events[~dup]
    events = gpd.GeoDataFrame(events, geometry="geometry", crs="EPSG:4326")
    result = join_events(
        events, b, snap_distance_m=case.snap_distance_m, progress=state["progress"]
    )
    rejects.append(
        result.rejected.assign(source_file=events.loc[result.rejected.index, "source_file"])
    )
    rejected = combine_rejects(*rejects)
    first_cols = [*REJECT_COLUMNS, "source_file"]
    rejected = rejected[first_cols + [c for c in rejected.columns if c not in first_cols]]
    joined = result.joined
    if len(joined) + len(rejected) != n_read:
        raise InputError(
            f"case {case.name}: {n_read} rows read but "
            f"{len(joined)} joined + {len(rejected)} rejected"
        )
    state["joined"], state["n_read"] = joined, n_read
    _write(state, joined.drop(columns=[joined.geometry.name]), "tables/events_joined.csv")
    _write(state, rejected, "tables/events_rejected.csv")


def _step_summaries(state: dict[str, Any]) -> None:
    from geofront.summary import summarize

    for by in ("district", "province"):
        table = summarize(state["joined"], state["boundaries"], by=by)
        _write(state, table, f"tables/events_by_{by}.csv")


def _step_control(state: dict[str, Any]) -> None:
    from geofront.assessments import read_assessments
    from geofront.control import control_from_events

    case, b = state["case"], state["boundaries"]
    tables = [read_assessments(p, b, aliases=case.aliases).table for p in case.assessments]
    assessments = pd.concat(tables, ignore_index=True) if tables else None
    state["assessments"] = assessments
    multiples = list(case.small_multiples) or _evidence_days(case, b, state["joined"], assessments)
    state["multiples"] = multiples
    controls = {}
    for day in sorted({case.as_of, *multiples}):
        controls[day] = control_from_events(
            state["joined"],
            b,
            as_of=day,
            window_days=case.window_days,
            assessments=assessments,
            **_rules(case),
        )
    state["controls"], state["control"] = controls, controls[case.as_of]
    control = state["control"]
    tag = _day(case.as_of)
    _write(state, control, f"tables/control_{tag}.gpkg")
    _write(state, control.drop(columns=[control.geometry.name]), f"tables/control_{tag}.csv")


def _evidence_days(case: Case, b: Any, joined: Any, assessments: Any) -> list[pd.Timestamp]:
    """Days with evidence in the focus province (or anywhere) up to as_of: the small
    multiples' dates when the case names none (never a panel of assumptions only)."""
    from geofront.control import evidence_dates
    from geofront.maps import select_province

    ids = None
    if case.focus_province:
        prov = select_province(b.provinces, case.focus_province)["province_id"].astype(str)
        d = b.districts
        ids = d.loc[d["province_id"].astype(str).isin(prov), "district_id"].astype(str)
    return evidence_dates(
        joined,
        assessments=assessments,
        districts=ids,
        start=case.timeline_start,
        end=case.as_of,
    )


def _step_frontlines(state: dict[str, Any]) -> None:
    from geofront.frontline import frontline_lines, frontline_shift

    case = state["case"]
    state["frontlines"] = {day: frontline_lines(c) for day, c in state["controls"].items()}
    lines = state["frontlines"][case.as_of]
    tag = _day(case.as_of)
    if len(lines):
        _write(state, lines, f"tables/frontline_{tag}.gpkg")
    _write(state, lines.drop(columns=[lines.geometry.name]), f"tables/frontline_{tag}.csv")
    earlier = [d for d in state["controls"] if d < case.as_of]
    if earlier:
        shift = frontline_shift(state["controls"][earlier[0]], state["control"])
        name = f"tables/shift_{_day(earlier[0])}_{tag}"
        _write(
            state,
            shift.changes.drop(columns=[shift.changes.geometry.name]),
            f"{name}_districts.csv",
        )
        _write(state, shift.areas, f"{name}_areas.csv")
        _write(state, shift.lengths, f"{name}_frontline.csv")


def _step_timeline(state: dict[str, Any]) -> None:
    from geofront.control import control_history, timeline_from_history
    from geofront.frontline import frontline_lines

    case, b = state["case"], state["boundaries"]
    days = case.timeline_dates()
    history = control_history(
        state["joined"],
        b,
        dates=days,
        window_days=case.window_days,
        assessments=state["assessments"],
        **_rules(case),
    )
    timeline = timeline_from_history(history, b, population=case.population)
    state["timeline"] = timeline
    _write(state, timeline, "tables/timeline.csv")
    _write(state, history, "tables/control_history.csv")
    districts = b.districts
    lengths = []
    for part in (g for _, g in history.groupby("date", sort=True)):
        control = gpd.GeoDataFrame(
            part.reset_index(drop=True), geometry=districts.geometry.array, crs=districts.crs
        )
        lines = frontline_lines(control, by="class")
        lengths.append(float(lines["length_km"].sum()) if len(lines) else 0.0)
    state["frontline_length"] = pd.DataFrame({"date": days, "length_km": lengths})
    _write(state, state["frontline_length"], "tables/frontline_length.csv")


def _step_sieges(state: dict[str, Any]) -> None:
    from geofront.places import read_cities
    from geofront.siege import assess_sieges

    case = state["case"]
    cities = read_cities(case.cities, boundaries=state["boundaries"])
    result = assess_sieges(
        cities,
        state["joined"],
        state["control"],
        as_of=case.as_of,
        window_days=case.siege_window_days,
        radii_m=case.siege_radii_m,
        sectors=case.siege_sectors,
        thresholds=case.siege_thresholds,
    )
    state["cities"], state["sieges"] = cities, result
    tag = _day(case.as_of)
    _write(state, result.status, f"tables/sieges_{tag}.csv")
    _write(state, result.sectors, f"tables/siege_sectors_{tag}.gpkg")


def _step_exposure(state: dict[str, Any]) -> None:
    from geofront.exposure import (
        event_exposure,
        population_by_status,
        population_by_unit,
        population_by_zone,
        population_near,
    )
    from geofront.places import find_city
    from geofront.siege import outskirt_rings

    case, b = state["case"], state["boundaries"]
    raster = case.population
    units = population_by_unit(b, raster)
    _write(
        state,
        units.provinces.drop(columns=[units.provinces.geometry.name]),
        "tables/population_by_province.csv",
    )
    _write(
        state,
        units.districts.drop(columns=[units.districts.geometry.name]),
        "tables/population_by_district.csv",
    )
    tag = _day(case.as_of)
    _write(
        state,
        population_by_status(state["control"], raster),
        f"tables/population_by_status_{tag}.csv",
    )
    if case.siege_focus:
        city = find_city(state["cities"], case.siege_focus)
        rings = outskirt_rings(city, radii_m=case.siege_radii_m, sectors=None)
        pop = population_by_zone(rings, raster)
        _write(
            state,
            pop.drop(columns=[pop.geometry.name]),
            f"tables/population_rings_{_slug(case.siege_focus)}.csv",
        )
    lines = state["frontlines"][case.as_of]
    if len(lines):
        near = population_near(lines, raster, distance_m=case.frontline_distance_m)
        _write(
            state,
            near.drop(columns=[near.geometry.name]),
            f"tables/population_near_frontline_{tag}.csv",
        )
    start = case.as_of - pd.Timedelta(days=case.window_days - 1)
    exposure = event_exposure(
        state["joined"],
        raster,
        radius_m=case.event_radius_m,
        start=start,
        end=case.as_of,
        by="province",
    )
    _write(state, exposure, f"tables/event_exposure_{tag}.csv")


def _step_maps(state: dict[str, Any]) -> None:
    from geofront.credits import assessments_credit, events_credit
    from geofront.maps import (
        bundled_context,
        control_map,
        control_small_multiples,
        events_map,
        save_figure,
        siege_map,
        timeline_figure,
    )
    from geofront.places import find_city

    case, b = state["case"], state["boundaries"]
    dpi = case.dpi
    context = bundled_context() if case.boundaries is None else {}
    neighbours = context.get("neighbours")
    status = state["sieges"].status
    capitals = state["cities"].merge(status[["city", "status"]], on="city", how="left")
    tag = _day(case.as_of)
    sources = ("boundaries", "outlines", "places", *events_credit(state["joined"]))
    sources += tuple(assessments_credit(p) for p in case.assessments)

    def save(fig: Any, name: str) -> None:
        path = state["out"] / "maps" / name
        save_figure(fig, path, dpi=dpi)
        plt.close(fig)
        state["written"].append(path)

    common = {
        "sources": sources,
        "boundaries": b,
        "frontlines": state["frontlines"][case.as_of],
        "capitals": capitals,
        "neighbours": neighbours,
        "as_of": case.as_of,
        "dpi": dpi,
    }
    fig, _ = control_map(state["control"], title=f"{case.title}: district control", **common)
    save(fig, f"control_{tag}.png")
    if case.focus_province:
        fig, _ = control_map(state["control"], province=case.focus_province, **common)
        save(fig, f"control_{_slug(case.focus_province)}_{tag}.png")
    if case.siege_focus:
        city = find_city(state["cities"], case.siege_focus)
        name = city["city"].iloc[0]
        row = status.set_index("city").loc[name]
        fig, _ = siege_map(
            city,
            sectors=state["sieges"].sectors,
            status=row,
            events=state["joined"],
            control=state["control"],
            population=case.population,
            boundaries=b,
            neighbours=neighbours if neighbours is not None else False,
            as_of=case.as_of,
            window_days=case.siege_window_days,
            sources=("boundaries", "population", "places", *sources[3:]),
            dpi=dpi,
        )
        save(fig, f"siege_{_slug(name)}_{tag}.png")
    start = case.as_of - pd.Timedelta(days=case.window_days - 1)
    in_window = state["joined"][
        (state["joined"]["date"] >= start) & (state["joined"]["date"] <= case.as_of)
    ]
    if len(in_window):
        fig, _ = events_map(
            in_window,
            boundaries=b,
            neighbours=neighbours,
            capitals=state["cities"],
            start=start,
            end=case.as_of,
            sources=sources,
            dpi=dpi,
        )
        save(fig, f"events_{tag}.png")
    fig, _ = timeline_figure(
        state["timeline"],
        frontline_length=state["frontline_length"],
        title=f"{case.title}: district control over time",
        sources=("boundaries", *sources[3:]),
    )
    save(fig, "timeline.png")
    if len(state["multiples"]) > 1:
        controls = {d: state["controls"][d] for d in state["multiples"]}
        lines = {d: state["frontlines"][d] for d in state["multiples"]}
        fig, _ = control_small_multiples(
            controls,
            boundaries=b,
            frontlines=lines,
            neighbours=neighbours if neighbours is not None else False,
            province=case.focus_province,
            title=f"{case.title}: control in {case.focus_province or 'the country'}",
            sources=sources,
            dpi=dpi,
        )
        save(fig, "control_small_multiples.png")


def _rules(case: Case) -> dict[str, Any]:
    """Keywords of the control functions: the rules, the baseline and its date."""
    return {
        "rules": case.control_rules,
        "baseline": case.baseline,
        "baseline_date": case.baseline_date,
    }


def _slug(text: str) -> str:
    from geofront.case import slug

    return slug(text)
