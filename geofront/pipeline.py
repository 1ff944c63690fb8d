"""A whole case run: :func:`run_case` carries out every step of a :class:`~geofront.case.Case`.

The run's state is one typed object, :class:`RunState`, that the steps fill in order;
:data:`STEPS` lists them explicitly. Each step calls the public library functions and
writes its outputs; the files are named after the step and the date, so a run is easy
to browse: ``tables/*.csv|gpkg`` and ``maps/*.png``.

Control is decided once: the rules run a single time for every date the run needs (the
as-of date, the small multiples, the timeline) with :func:`geofront.control.control_series`,
and the frontlines, the timeline, the sieges, the exposure and the maps all read that
one answer.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geofront.boundaries import AdminBoundaries
from geofront.case import Case, slug
from geofront.errors import InputError
from geofront.progress import progress_bar
from geofront.schema import DUPLICATE_EVENT_ID, REJECT_COLUMNS, SOURCE_PREFIX
from geofront.windows import window_bounds

__all__ = ["STEPS", "RunState", "run_case"]

log = logging.getLogger(__name__)


def run_case(case: Case, outdir: str | Path, *, progress: bool = False) -> list[Path]:
    """Run every step of ``case`` and write its tables and maps under ``outdir``.

    Steps (:data:`STEPS`): read and join all event files (rejects kept), event summaries,
    control as of ``as_of``, for each small-multiple date and each timeline date (one
    run of the rules), frontlines and their shift, the control timeline with people per
    status, siege status of every city with sector geometry, population per province /
    status / city ring / near the frontline / near events, and the maps (country and
    focus-province control, siege of the focus city, events, timeline, small multiples).
    ``parameters.toml`` records the case as used and the geofront version.

    Everything is written into a temporary folder inside ``outdir`` first; only when the
    whole case has run are ``tables/``, ``maps/`` and ``parameters.toml`` moved into
    place (folders swapped atomically where the system allows), so a failed or
    interrupted run leaves the previous outputs whole. Other files in ``outdir`` are
    left alone; a file in its ``tables/`` or ``maps/`` that the previous run did not
    write, or an input of the case inside them, is refused before any work (the run
    would replace those folders).

    Returns
    -------
    list of Path
        The files written, in order.

    Raises
    ------
    InputError
        ``outdir`` is a file.
    OutputError
        ``outdir`` holds files the run would replace that it did not write, or inputs.
    """
    from geofront.files import remove_stale, temp_name
    from geofront.run_folder import check_outdir, commit, write_parameters

    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise InputError(f"output {out} exists and is not a folder: choose a folder name")
    check_outdir(case, out)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale(out)
    stage = Path(tempfile.mkdtemp(prefix=temp_name(out.resolve(), kind="-run"), dir=out))
    try:
        (stage / "tables").mkdir()
        (stage / "maps").mkdir()
        written = run_steps(case, stage, progress=progress)
        written.append(write_parameters(case, stage / "parameters.toml", written))
        commit(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return [out / p.relative_to(stage) for p in written]


@dataclass
class RunState:
    """What the steps of a run have found so far; each step reads earlier fields and
    fills its own (``None`` until then).

    Attributes
    ----------
    case, out, boundaries, progress
        The case, the folder written to (with ``tables/`` and ``maps/``), its
        boundaries, and whether to show progress bars.
    written : list of Path
        Files written so far, in order.
    joined, n_read
        The joined events of every file and the rows read (``events``).
    assessments : DataFrame or None
        The analyst assessments of every file, stacked (``control``).
    control_days : list of Timestamp
        The dates whose full control table the run keeps: as_of and the small multiples.
    multiples : list of Timestamp
        The small multiples' dates.
    controls : dict
        Date -> control table (:func:`geofront.control_from_events` of that date).
    history : DataFrame
        :func:`geofront.control_history` of the timeline's dates.
    frontlines : dict
        Date -> frontline lines of ``controls[date]`` (``frontlines``).
    timeline, frontline_length : DataFrame
        Districts, area and people per status and date; frontline length per date.
    cities : GeoDataFrame
        The cities judged; ``sieges`` their :class:`~geofront.siege.SiegeAssessment`.
    """

    case: Case
    out: Path
    boundaries: AdminBoundaries
    progress: bool = False
    written: list[Path] = field(default_factory=list)
    joined: gpd.GeoDataFrame | None = None
    n_read: int = 0
    assessments: pd.DataFrame | None = None
    multiples: list[pd.Timestamp] = field(default_factory=list)
    controls: dict[pd.Timestamp, gpd.GeoDataFrame] = field(default_factory=dict)
    history: pd.DataFrame | None = None
    frontlines: dict[pd.Timestamp, gpd.GeoDataFrame] = field(default_factory=dict)
    timeline: pd.DataFrame | None = None
    frontline_length: pd.DataFrame | None = None
    cities: gpd.GeoDataFrame | None = None
    sieges: Any = None

    # --- typed access to what earlier steps found ----------------------------------------
    @property
    def events(self) -> gpd.GeoDataFrame:
        """The joined events (after the ``events`` step)."""
        return _need(self.joined, "joined events", "events")

    @property
    def control(self) -> gpd.GeoDataFrame:
        """The control table as of the case's date (after the ``control`` step)."""
        return _need(self.controls.get(self.case.as_of), "control", "control")

    def write(self, frame: pd.DataFrame, name: str) -> None:
        """Write ``frame`` as ``out/name`` (people as whole people) and record it."""
        from geofront.exposure import round_people
        from geofront.io import write_table

        path = self.out / name
        write_table(round_people(frame), path)
        self.written.append(path)

    def write_plain(self, frame: pd.DataFrame, name: str) -> None:
        """Write ``frame`` without its geometry (a CSV table) as ``out/name``."""
        if isinstance(frame, gpd.GeoDataFrame):
            frame = pd.DataFrame(frame.drop(columns=[frame.geometry.name]))
        self.write(frame, name)


def _need(value: Any, what: str, step: str) -> Any:
    if value is None:
        raise RuntimeError(f"{what} is not known yet: the {step} step has not run")
    return value


def run_steps(case: Case, out: Path, *, progress: bool = False) -> list[Path]:
    """Run :data:`STEPS` for ``case`` into ``out`` (which has ``tables/`` and ``maps/``)."""
    from geofront.boundaries import read_boundaries

    boundaries = (
        read_boundaries(case.boundaries, **case.boundary_options)  # type: ignore[arg-type]
        if case.boundaries is not None
        else read_boundaries()
    )
    state = RunState(case=case, out=out, boundaries=boundaries, progress=progress)
    with progress_bar(
        STEPS, enabled=progress, desc=f"case {case.name}", unit="step"
    ) as bar:  # closed (its line ended) also when a step fails
        for name, step in bar:
            bar.set_postfix_str(name, refresh=False)
            log.info("case %s: %s", case.name, name)
            step(state)
    return state.written


def _day(ts: pd.Timestamp) -> str:
    return ts.date().isoformat()


# --- steps ------------------------------------------------------------------------------


def step_events(state: RunState) -> None:
    """Read every events file, reject ids repeated across files, join, write both tables."""
    from geofront.events import read_events
    from geofront.join import combine_rejects, empty_joined, join_events

    case, b = state.case, state.boundaries
    if not case.events:  # assessments alone: an empty, correctly typed events table
        state.joined, state.n_read = empty_joined(), 0
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in (*REJECT_COLUMNS, "source_file")})
        state.write_plain(state.joined, "tables/events_joined.csv")
        state.write(empty, "tables/events_rejected.csv")
        return
    frames, rejects, n_read = [], [], 0
    options: dict[str, Any] = dict(case.event_options)  # format, column names, layer
    for path in case.events:
        read = read_events(path, sides=case.sides, **options)
        n_read += read.n_read
        frames.append(read.events.assign(source_file=Path(path).name))
        rejects.append(read.rejected.assign(source_file=Path(path).name))
    events, repeated = _first_of_each_id(pd.concat(frames, ignore_index=True))
    if repeated is not None:
        rejects.append(repeated)
    events = gpd.GeoDataFrame(events, geometry="geometry", crs="EPSG:4326")
    result = join_events(events, b, snap_distance_m=case.snap_distance_m, progress=state.progress)
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
    state.joined, state.n_read = joined, n_read
    state.write_plain(joined, "tables/events_joined.csv")
    state.write(rejected, "tables/events_rejected.csv")


def _first_of_each_id(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Keep the first file's row of an event id found in two files; reject the others
    (with the file that has it and their original values, as every other reject)."""
    dup = events["event_id"].duplicated()
    if not dup.any():
        return events, None
    first = events.drop_duplicates("event_id").set_index("event_id")["source_file"]
    d = events[dup]
    rejected = pd.DataFrame(
        {
            "source_row": d["source_row"].to_numpy(),
            "event_id": d["event_id"].to_numpy(),
            "reason": DUPLICATE_EVENT_ID,
            "detail": "event id also in " + first.loc[d["event_id"]].to_numpy().astype(str),
            "source_file": d["source_file"].to_numpy(),
        }
    ).join(
        pd.DataFrame(d[[c for c in d.columns if c.startswith(SOURCE_PREFIX)]]).reset_index(
            drop=True
        )
    )
    return events[~dup], rejected


def step_summaries(state: RunState) -> None:
    """Events and fatalities per district and per province."""
    from geofront.summary import summarize

    for by in ("district", "province"):
        state.write(summarize(state.events, state.boundaries, by=by), f"tables/events_by_{by}.csv")


def step_control(state: RunState) -> None:
    """Control on every date the run needs, from one run of the rules."""
    from geofront.assessments import read_assessments
    from geofront.control import control_series

    case, b = state.case, state.boundaries
    tables = [read_assessments(p, b, aliases=case.aliases).table for p in case.assessments]
    state.assessments = pd.concat(tables, ignore_index=True) if tables else None
    state.multiples = list(case.small_multiples) or _evidence_days(state)
    timeline_days = case.timeline_dates()
    series = control_series(
        state.events,
        b,
        dates=sorted({case.as_of, *state.multiples, *timeline_days}),
        window_days=case.window_days,
        assessments=state.assessments,
        **_rules(case),
    )
    state.controls = {day: series.table(day) for day in sorted({case.as_of, *state.multiples})}
    state.history = series.history(timeline_days)
    tag = _day(case.as_of)
    state.write(state.control, f"tables/control_{tag}.gpkg")
    state.write_plain(state.control, f"tables/control_{tag}.csv")


def _evidence_days(state: RunState) -> list[pd.Timestamp]:
    """Days with evidence in the focus province (or anywhere) up to as_of: the small
    multiples' dates when the case names none (never a panel of assumptions only)."""
    from geofront.control import evidence_dates
    from geofront.maps.view import select_province

    case, b = state.case, state.boundaries
    ids = None
    if case.focus_province:
        prov = select_province(b.provinces, case.focus_province)["province_id"].astype(str)
        d = b.districts
        ids = d.loc[d["province_id"].astype(str).isin(prov), "district_id"].astype(str)
    return evidence_dates(
        state.events,
        assessments=state.assessments,
        districts=ids,
        start=case.timeline_start,
        end=case.as_of,
    )


def step_frontlines(state: RunState) -> None:
    """Frontline lines of each kept date; the shift from the earliest to as_of."""
    from geofront.frontline import frontline_lines, frontline_shift

    case = state.case
    state.frontlines = {day: frontline_lines(c) for day, c in state.controls.items()}
    lines = state.frontlines[case.as_of]
    tag = _day(case.as_of)
    if len(lines):
        state.write(lines, f"tables/frontline_{tag}.gpkg")
    state.write_plain(lines, f"tables/frontline_{tag}.csv")
    earlier = [d for d in state.controls if d < case.as_of]
    if earlier:
        shift = frontline_shift(state.controls[earlier[0]], state.control)
        name = f"tables/shift_{_day(earlier[0])}_{tag}"
        state.write_plain(shift.changes, f"{name}_districts.csv")
        state.write(shift.areas, f"{name}_areas.csv")
        state.write(shift.lengths, f"{name}_frontline.csv")


def step_timeline(state: RunState) -> None:
    """Districts, area and people per status on each timeline date; frontline length."""
    from geofront.control import timeline_from_history
    from geofront.frontline import frontline_lines

    case, b = state.case, state.boundaries
    history = _need(state.history, "control history", "control")
    state.timeline = timeline_from_history(history, b, population=case.population)
    state.write(state.timeline, "tables/timeline.csv")
    state.write(history, "tables/control_history.csv")
    districts = b.districts
    days, lengths = [], []
    for day, part in history.groupby("date", sort=True):
        control = gpd.GeoDataFrame(
            part.reset_index(drop=True), geometry=districts.geometry.array, crs=districts.crs
        )
        lines = frontline_lines(control, by="class")
        days.append(pd.Timestamp(day))
        lengths.append(float(lines["length_km"].sum()) if len(lines) else 0.0)
    state.frontline_length = pd.DataFrame({"date": days, "length_km": lengths})
    state.write(state.frontline_length, "tables/frontline_length.csv")


def step_sieges(state: RunState) -> None:
    """The siege status of every city as of the case's date, with sector geometry."""
    from geofront.places import read_cities
    from geofront.siege import assess_sieges

    case = state.case
    cities = read_cities(case.cities, boundaries=state.boundaries)
    result = assess_sieges(
        cities,
        state.events,
        state.control,
        as_of=case.as_of,
        window_days=case.siege_window_days,
        radii_m=case.siege_radii_m,
        sectors=case.siege_sectors,
        thresholds=case.siege_thresholds,
    )
    state.cities, state.sieges = cities, result
    tag = _day(case.as_of)
    state.write(result.status, f"tables/sieges_{tag}.csv")
    state.write(result.sectors, f"tables/siege_sectors_{tag}.gpkg")


def step_exposure(state: RunState) -> None:
    """People per province, district and status, around the focus city, near the
    frontline and near the events of the control window."""
    from geofront.exposure import (
        event_exposure,
        population_by_status,
        population_by_unit,
        population_by_zone,
        population_near,
    )
    from geofront.places import find_city
    from geofront.siege import outskirt_rings

    case, b = state.case, state.boundaries
    raster = case.population
    units = population_by_unit(b, raster)
    state.write_plain(units.provinces, "tables/population_by_province.csv")
    state.write_plain(units.districts, "tables/population_by_district.csv")
    tag = _day(case.as_of)
    state.write(
        population_by_status(state.control, raster), f"tables/population_by_status_{tag}.csv"
    )
    if case.siege_focus:
        city = find_city(_need(state.cities, "cities", "sieges"), case.siege_focus)
        rings = outskirt_rings(city, radii_m=case.siege_radii_m, sectors=None)
        state.write_plain(
            population_by_zone(rings, raster),
            f"tables/population_rings_{slug(case.siege_focus)}.csv",
        )
    lines = state.frontlines[case.as_of]
    if len(lines):
        near = population_near(lines, raster, distance_m=case.frontline_distance_m)
        state.write_plain(near, f"tables/population_near_frontline_{tag}.csv")
    start, end = window_bounds(case.as_of, case.window_days)
    exposure = event_exposure(
        state.events, raster, radius_m=case.event_radius_m, start=start, end=end, by="province"
    )
    state.write(exposure, f"tables/event_exposure_{tag}.csv")


def step_maps(state: RunState) -> None:
    """Control (country and focus province), siege of the focus city, events of the
    window, timeline and small multiples."""
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

    case, b = state.case, state.boundaries
    dpi = case.dpi
    context = bundled_context() if case.boundaries is None else {}
    neighbours = context.get("neighbours")
    cities = _need(state.cities, "cities", "sieges")
    status = state.sieges.status
    capitals = cities.merge(status[["city", "status"]], on="city", how="left")
    tag = _day(case.as_of)
    # the credits: of the layers drawn (kept only where drawn) and of the evidence
    places = _places_credit(case)
    evidence = [
        *events_credit(state.events),
        *(assessments_credit(p) for p in case.assessments),
    ]
    sources = ("boundaries", "outlines", places, *evidence)

    def save(fig: Any, name: str) -> None:
        import matplotlib.pyplot as plt

        path = state.out / "maps" / name
        save_figure(fig, path, dpi=dpi)
        plt.close(fig)
        state.written.append(path)

    common: dict[str, Any] = {
        "sources": sources,
        "boundaries": b,
        "frontlines": state.frontlines[case.as_of],
        "capitals": capitals,
        "neighbours": neighbours,
        "as_of": case.as_of,
        "dpi": dpi,
    }
    fig, _ = control_map(state.control, title=f"{case.title}: district control", **common)
    save(fig, f"control_{tag}.png")
    if case.focus_province:
        fig, _ = control_map(state.control, province=case.focus_province, **common)
        save(fig, f"control_{slug(case.focus_province)}_{tag}.png")
    if case.siege_focus:
        city = find_city(cities, case.siege_focus)
        name = city["city"].iloc[0]
        row = status.set_index("city").loc[name]
        fig, _ = siege_map(
            city,
            sectors=state.sieges.sectors,
            status=row,
            events=state.events,
            control=state.control,
            population=case.population,
            boundaries=b,
            neighbours=neighbours if neighbours is not None else False,
            as_of=case.as_of,
            window_days=case.siege_window_days,
            sources=("boundaries", "population", places, *evidence),
            dpi=dpi,
        )
        save(fig, f"siege_{slug(name)}_{tag}.png")
    start, end = window_bounds(case.as_of, case.window_days)
    joined = state.events
    in_window = joined[(joined["date"] >= start) & (joined["date"] <= end)]
    if len(in_window):
        fig, _ = events_map(
            in_window,
            boundaries=b,
            neighbours=neighbours,
            capitals=cities,
            start=start,
            end=end,
            sources=sources,
            dpi=dpi,
        )
        save(fig, f"events_{tag}.png")
    fig, _ = timeline_figure(
        _need(state.timeline, "timeline", "timeline"),
        frontline_length=state.frontline_length,
        title=f"{case.title}: district control over time",
        sources=("boundaries", *evidence),
    )
    save(fig, "timeline.png")
    if len(state.multiples) > 1:
        fig, _ = control_small_multiples(
            {d: state.controls[d] for d in state.multiples},
            boundaries=b,
            frontlines={d: state.frontlines[d] for d in state.multiples},
            neighbours=neighbours if neighbours is not None else False,
            province=case.focus_province,
            title=f"{case.title}: control in {case.focus_province or 'the country'}",
            sources=sources,
            dpi=dpi,
        )
        save(fig, "control_small_multiples.png")


def _places_credit(case: Case) -> str:
    """The bundled capitals by their credit key, a user's cities file by its name."""
    from geofront import datasets

    if case.cities is None:
        return "places"
    try:
        bundled = datasets.get_path("afg-capitals").resolve() == case.cities.resolve()
    except OSError:
        bundled = False
    return "places" if bundled else f"Places: {case.cities.name}"


def _rules(case: Case) -> dict[str, Any]:
    """Keywords of the control functions: the rules, the baseline and its date."""
    return {
        "rules": case.control_rules,
        "baseline": case.baseline,
        "baseline_date": case.baseline_date,
    }


Step = Callable[[RunState], None]

#: The steps of a run, in order: (name, function of the state).
STEPS: tuple[tuple[str, Step], ...] = (
    ("events", step_events),
    ("summaries", step_summaries),
    ("control", step_control),
    ("frontlines", step_frontlines),
    ("timeline", step_timeline),
    ("sieges", step_sieges),
    ("exposure", step_exposure),
    ("maps", step_maps),
)
