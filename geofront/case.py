"""Case files: a whole analysis described in TOML (:func:`read_case`); run one with
:func:`geofront.pipeline.run_case`.

A case file names its inputs (bundled dataset names or paths relative to the file) and
the parameters of every step; ``geofront run --case NAME -o OUTDIR`` reads it and writes
every table and map, plus ``parameters.toml`` recording exactly what was used. The
bundled ``afghanistan-2021`` case (``data/cases/afghanistan-2021.toml``) is the example to
copy. Sections and keys (all optional except ``[case] name`` and ``[data] events`` or
``[data] assessments``: a case may rest on assessments alone):

``[case]`` name, title, description · ``[data]`` boundaries (omit for the bundled set),
events (list), assessments (list), aliases (other names of the districts, see
:mod:`geofront.aliases`; ``"none"`` for none), population, cities, neighbours, sides
(actor -> side rules) · ``[boundaries]`` path, layer, district_name, district_id, province_name ("" for a
single-level file), province_id, crs (as :func:`geofront.read_boundaries`) · ``[events]``
format, latitude, longitude, date, event_id, layer (options of
:func:`geofront.read_events`, for every events file) · ``[join]``
snap_distance_m · ``[control]`` as_of, window_days, baseline, baseline_date and every
threshold of :class:`geofront.control.ControlRules` by its field name (takeover_ratio,
dominance_share, min_dominance_events, dominance_factor, min_fighting_events,
fighting_factor, reference_quantile, rate_days, warm_up_days, score_half_life_days, plus the lists
initiative_event_types and fighting_event_types) · ``[timeline]`` start, end, every_days ·
``[siege]`` window_days, radii_m, sectors, focus (a city name) and the status
thresholds of :class:`geofront.siege.SiegeThresholds` by their field names: core_events,
assault_factor, sector_events, sector_factor, encirclement_index, arc_deg,
threatened_events, threatened_factor, significance, held_share, rate_days (``besieged_index`` and
``besieged_arc``, the names of earlier versions, are still read) · ``[exposure]``
event_radius_m, frontline_distance_m · ``[maps]`` dpi, focus_province, small_multiples
(list of dates; default: up to four days with evidence in the focus province, see
:func:`geofront.control.evidence_dates`).
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geofront import datasets
from geofront import defaults as D
from geofront.control import THRESHOLD_FIELDS, ControlRules
from geofront.errors import InputError
from geofront.siege import SiegeThresholds
from geofront.windows import date_series

log = logging.getLogger(__name__)

#: [siege] keys of the status thresholds: fields of SiegeThresholds, by their names.
_SIEGE_KEYS = (
    "core_events",
    "assault_factor",
    "sector_events",
    "sector_factor",
    "encirclement_index",
    "arc_deg",
    "threatened_events",
    "threatened_factor",
    "significance",
    "held_share",
    "rate_days",
)
#: Earlier names of [siege] keys, still read: old name -> field.
_SIEGE_ALIASES = {"besieged_index": "encirclement_index", "besieged_arc": "arc_deg"}

_KNOWN = {
    "case": {"name", "title", "description"},
    "data": {
        "boundaries",
        "events",
        "assessments",
        "aliases",
        "population",
        "cities",
        "neighbours",
        "sides",
    },
    "boundaries": {
        "path",
        "layer",
        "district_name",
        "district_id",
        "province_name",
        "province_id",
        "crs",
    },
    "events": {"format", "latitude", "longitude", "date", "event_id", "layer"},
    "join": {"snap_distance_m"},
    "control": {
        "as_of",
        "window_days",
        "baseline",
        "baseline_date",
        "initiative_event_types",
        "fighting_event_types",
        *THRESHOLD_FIELDS,
    },
    "timeline": {"start", "end", "every_days"},
    "siege": {"window_days", "radii_m", "sectors", "focus", *_SIEGE_KEYS, *_SIEGE_ALIASES},
    "exposure": {"event_radius_m", "frontline_distance_m"},
    "maps": {"dpi", "focus_province", "small_multiples"},
}


@dataclass(frozen=True)
class Case:
    """A parsed case file. Paths are resolved; dates are Timestamps."""

    name: str
    source: Path
    title: str = ""
    description: str = ""
    boundaries: Path | None = None
    boundary_options: dict[str, str | None] = field(default_factory=dict)
    events: tuple[Path, ...] = ()
    event_options: dict[str, str] = field(default_factory=dict)
    sides: Path | None = None
    assessments: tuple[Path, ...] = ()
    aliases: Path | str | None = None
    population: Path | None = None
    cities: Path | None = None
    neighbours: Path | None = None
    snap_distance_m: float = D.SNAP_DISTANCE_M
    as_of: pd.Timestamp = field(default_factory=lambda: pd.Timestamp("today").normalize())
    window_days: int = D.CONTROL_WINDOW_DAYS
    baseline: str | None = None
    baseline_date: pd.Timestamp | None = None
    control_rules: ControlRules = field(default_factory=ControlRules)
    timeline_start: pd.Timestamp | None = None
    timeline_end: pd.Timestamp | None = None
    timeline_every_days: int = D.TIMELINE_EVERY_DAYS
    siege_window_days: int = D.SIEGE_WINDOW_DAYS
    siege_radii_m: tuple[float, ...] = D.SIEGE_RADII_M
    siege_sectors: int = D.SIEGE_SECTORS
    siege_focus: str | None = None
    siege_thresholds: SiegeThresholds = field(default_factory=SiegeThresholds)
    event_radius_m: float = D.EVENT_RADIUS_M
    frontline_distance_m: float = D.FRONTLINE_DISTANCE_M
    dpi: float = D.CASE_MAP_DPI
    focus_province: str | None = None
    small_multiples: tuple[pd.Timestamp, ...] = ()

    def timeline_dates(self) -> list[pd.Timestamp]:
        """The timeline's dates: start to end every ``timeline_every_days`` (end always
        included), plus as_of."""
        start = self.timeline_start or self.as_of
        end = self.timeline_end or self.as_of
        if end < start:  # a start after as_of and no end: as_of alone
            return sorted({end, self.as_of})
        return sorted({*date_series(start, end, every_days=self.timeline_every_days), self.as_of})


def read_case(name_or_path: str | Path) -> Case:
    """Read and validate a case file (a bundled case name such as ``afghanistan-2021``).

    Every problem in the file is collected and reported at once, in one line.
    """
    text = str(name_or_path)
    path = Path(text)
    if not path.exists() and f"case-{text}" in datasets.names():
        path = datasets.get_path(f"case-{text}")
    if not path.is_file():
        cases = ", ".join(
            n.removeprefix("case-") for n in datasets.names() if n.startswith("case-")
        )
        raise InputError(f"case {text!r} is neither a file nor a bundled case ({cases})")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"case file {path} is not valid TOML: {exc}") from exc
    problems: list[str] = []
    for section, values in list(raw.items()):
        if section not in _KNOWN:
            problems.append(f"unknown section [{section}]")
        elif not isinstance(values, dict):
            problems.append(f"{section} must be a section ([{section}] with keys), not a value")
            raw[section] = {}
        else:
            problems += [f"unknown key {section}.{k}" for k in values if k not in _KNOWN[section]]
    get = _Getter(raw, path, problems)
    case = Case(
        name=get.text("case", "name", required=True) or path.stem,
        source=path,
        title=get.text("case", "title") or "",
        description=(get.text("case", "description") or "").strip(),
        boundaries=get.path("data", "boundaries") or get.path("boundaries", "path"),
        boundary_options=_boundary_options(get),
        events=get.paths("data", "events"),
        event_options={
            k: v for k in sorted(_KNOWN["events"]) if (v := get.text("events", k)) is not None
        },
        sides=get.path("data", "sides"),
        assessments=get.paths("data", "assessments"),
        aliases=_aliases(get),
        population=get.path("data", "population"),
        cities=get.path("data", "cities"),
        neighbours=get.path("data", "neighbours"),
        snap_distance_m=get.number(
            "join", "snap_distance_m", D.SNAP_DISTANCE_M, minimum=0, maximum=_MAX_M
        ),
        as_of=get.date("control", "as_of") or pd.Timestamp("today").normalize(),
        window_days=get.integer(
            "control", "window_days", D.CONTROL_WINDOW_DAYS, minimum=1, maximum=_MAX_DAYS
        ),
        baseline=get.text("control", "baseline"),
        baseline_date=get.date("control", "baseline_date"),
        control_rules=_control_rules(get),
        timeline_start=get.date("timeline", "start"),
        timeline_end=get.date("timeline", "end"),
        timeline_every_days=get.integer(
            "timeline", "every_days", D.TIMELINE_EVERY_DAYS, minimum=1, maximum=_MAX_DAYS
        ),
        siege_window_days=get.integer(
            "siege", "window_days", D.SIEGE_WINDOW_DAYS, minimum=1, maximum=_MAX_DAYS
        ),
        siege_radii_m=get.radii("siege", "radii_m", D.SIEGE_RADII_M),
        siege_sectors=get.integer(
            "siege", "sectors", D.SIEGE_SECTORS, minimum=1, maximum=D.MAX_SECTORS
        ),
        siege_focus=get.text("siege", "focus"),
        siege_thresholds=_siege_thresholds(get),
        event_radius_m=get.number(
            "exposure", "event_radius_m", D.EVENT_RADIUS_M, minimum=1, maximum=_MAX_M
        ),
        frontline_distance_m=get.number(
            "exposure", "frontline_distance_m", D.FRONTLINE_DISTANCE_M, minimum=1, maximum=_MAX_M
        ),
        dpi=get.number("maps", "dpi", D.CASE_MAP_DPI, minimum=30, maximum=1200),
        focus_province=get.text("maps", "focus_province"),
        small_multiples=tuple(get.dates("maps", "small_multiples")),
    )
    if not raw.get("data", {}).get("events") and not raw.get("data", {}).get("assessments"):
        problems.append("data.events or data.assessments is required")
    if raw.get("data", {}).get("boundaries") and raw.get("boundaries", {}).get("path"):
        problems.append("give boundaries once: data.boundaries or boundaries.path")
    fmt = case.event_options.get("format", "auto")
    if fmt not in ("auto", "acled", "ucdp", "csv"):
        problems.append(f"events.format {fmt!r} is not auto, acled, ucdp or csv")
    if case.baseline not in (None, "government", "insurgent", "unknown"):
        problems.append(
            f"control.baseline {case.baseline!r} is not government, insurgent or unknown"
        )
    if case.baseline_date is not None and case.baseline is None:
        problems.append("control.baseline_date needs control.baseline")
    if case.timeline_start and case.timeline_end and case.timeline_start > case.timeline_end:
        problems.append("timeline.start is after timeline.end")
    elif not problems and len(case.timeline_dates()) > _MAX_DATES:
        problems.append(
            f"the timeline has {len(case.timeline_dates())} dates (start to end every "
            f"{case.timeline_every_days} days): at most {_MAX_DATES}; raise timeline.every_days"
        )
    if len(case.small_multiples) > _MAX_PANELS:
        problems.append(
            f"maps.small_multiples has {len(case.small_multiples)} dates: at most {_MAX_PANELS}"
        )
    if problems:
        raise InputError(f"case file {path}: " + "; ".join(problems) + "; fix the file")
    return case


def _aliases(get: _Getter) -> Path | str | None:
    """``[data] aliases``: a file or dataset name, or ``"none"`` for no aliases."""
    text = get.text("data", "aliases")
    if text is not None and text.strip().lower() == "none":
        return "none"
    return get.path("data", "aliases")


def _control_rules(get: _Getter) -> ControlRules:
    """The [control] thresholds over the defaults of :class:`ControlRules`."""
    default = ControlRules()
    values: dict[str, Any] = {}
    for name in THRESHOLD_FIELDS:
        if get.raw.get("control", {}).get(name) is None:
            continue
        base = getattr(default, name)
        values[name] = (
            get.integer("control", name, base, minimum=0, maximum=_MAX_COUNT)
            if isinstance(base, int)
            else get.number("control", name, base, minimum=0)
        )
    for name in ("initiative_event_types", "fighting_event_types"):
        items = get.items("control", name)
        if items:
            if all(isinstance(i, str) for i in items):
                values[name] = tuple(items)
            else:
                get.problems.append(f"control.{name} must be a list of event types (text)")
    try:
        return ControlRules(**values)
    except InputError as exc:
        get.problems.append(str(exc))
        return default


def _siege_thresholds(get: _Getter) -> SiegeThresholds:
    """The [siege] thresholds over the defaults of :class:`SiegeThresholds`."""
    default = SiegeThresholds()
    section = get.raw.get("siege", {})
    values: dict[str, Any] = {}
    for old, name in _SIEGE_ALIASES.items():
        if section.get(old) is not None and section.get(name) is not None:
            get.problems.append(f"give siege.{name} once (siege.{old} is its earlier name)")
    keys = [*_SIEGE_KEYS, *_SIEGE_ALIASES]
    for key in keys:
        name = _SIEGE_ALIASES.get(key, key)
        if section.get(key) is None or name in values:
            continue
        base = getattr(default, name)
        values[name] = (
            get.integer("siege", key, base, minimum=1, maximum=_MAX_COUNT)
            if isinstance(base, int)
            else get.number("siege", key, base, minimum=0.0, maximum=0.5)
            if name == "significance"
            else get.number("siege", key, base, minimum=1e-9)
        )
    return SiegeThresholds(**values)


def _boundary_options(get: _Getter) -> dict[str, str | None]:
    """Keyword options of read_boundaries from the [boundaries] section."""
    out: dict[str, str | None] = {}
    for key in ("layer", "district_name", "district_id", "province_name", "province_id", "crs"):
        value = get.text("boundaries", key)
        if value is not None:
            out[key] = value
    if out.get("province_name") == "":
        out["province_name"] = None  # a single-level file
    return out


class _Getter:
    """Typed access to the raw TOML that records problems instead of raising."""

    def __init__(self, raw: dict[str, Any], path: Path, problems: list[str]) -> None:
        self.raw, self.src, self.problems = raw, path, problems

    def _get(self, section: str, key: str, required: bool = False) -> Any:
        value = self.raw.get(section, {}).get(key)
        if value is None and required:
            self.problems.append(f"{section}.{key} is required")
        return value

    def text(self, section: str, key: str, required: bool = False) -> str | None:
        v = self._get(section, key, required)
        if v is not None and not isinstance(v, str):
            self.problems.append(f"{section}.{key} must be text")
            return None
        return v

    def number(
        self, section: str, key: str, default: float, minimum: float, maximum: float = np.inf
    ) -> float:
        v = self._get(section, key)
        if v is None:
            return float(default)
        if (
            isinstance(v, bool)
            or not isinstance(v, int | float)
            or not minimum <= v <= maximum  # also NaN
        ):
            bounds = f"from {minimum:g} to {maximum:g}" if maximum < np.inf else f">= {minimum:g}"
            self.problems.append(f"{section}.{key} must be a number {bounds}, got {v!r}")
            return float(default)
        return float(v)

    def integer(self, section: str, key: str, default: int, minimum: int, maximum: int) -> int:
        v = self._get(section, key)
        if v is None:
            return default
        if isinstance(v, bool) or not isinstance(v, int) or not minimum <= v <= maximum:
            self.problems.append(
                f"{section}.{key} must be a whole number from {minimum:,} to {maximum:,}, got {v!r}"
            )
            return default
        return v

    def radii(self, section: str, key: str, default: tuple[float, ...]) -> tuple[float, ...]:
        v = self._get(section, key)
        if v is None:
            return default
        ok = (
            isinstance(v, list)
            and 1 <= len(v) <= 10
            and all(isinstance(r, int | float) and not isinstance(r, bool) for r in v)
            and all(0 < r <= _MAX_M for r in v)
            and all(a < b for a, b in zip(v, v[1:], strict=False))
        )
        if not ok:
            self.problems.append(
                f"{section}.{key} must be a list of 1 to 10 increasing distances in metres "
                f"(each above 0 and at most {_MAX_M:,.0f}), got {v!r}"
            )
            return default
        return tuple(float(r) for r in v)

    def items(self, section: str, key: str) -> list[Any]:
        v = self._get(section, key)
        if v is None:
            return []
        if not isinstance(v, list):
            self.problems.append(f"{section}.{key} must be a list")
            return []
        return v

    def _resolve(self, section: str, key: str, value: Any) -> Path | None:
        if not isinstance(value, str):
            self.problems.append(f"{section}.{key} must be a dataset name or a path")
            return None
        if value in datasets.names():
            return datasets.get_path(value)
        p = Path(value)
        p = p if p.is_absolute() else self.src.parent / p
        if p.is_symlink() and not p.exists():  # a broken link or a loop: say which
            from geofront.errors import DataFileError
            from geofront.files import check_input_file

            try:
                check_input_file(p, f"{section}.{key}")
            except DataFileError as exc:
                self.problems.append(str(exc))
        elif not p.exists():
            self.problems.append(
                f"{section}.{key} {value!r} is neither a bundled dataset nor a file"
            )
        return p

    def path(self, section: str, key: str) -> Path | None:
        v = self._get(section, key)
        return None if v is None else self._resolve(section, key, v)

    def paths(self, section: str, key: str, required: bool = False) -> tuple[Path, ...]:
        v = self._get(section, key, required)
        items = v if isinstance(v, list) else ([] if v is None else [v])
        return tuple(p for p in (self._resolve(section, key, i) for i in items) if p is not None)

    def date(self, section: str, key: str) -> pd.Timestamp | None:
        v = self._get(section, key)
        return None if v is None else self._date(f"{section}.{key}", v)

    def dates(self, section: str, key: str) -> list[pd.Timestamp]:
        out = [self._date(f"{section}.{key}", v) for v in self.items(section, key)]
        return [d for d in out if d is not None]

    def _date(self, where: str, value: Any) -> pd.Timestamp | None:
        try:
            day = pd.Timestamp(str(value)).normalize()
        except (ValueError, OverflowError):
            day = None
        if day is None or pd.isna(day) or not 1900 <= day.year <= 2100:
            self.problems.append(f"{where} {value!r} is not a date (YYYY-MM-DD, 1900-2100)")
            return None
        return day


#: Sane bounds of case-file numbers (a larger value is a typo that would exhaust memory).
_MAX_DAYS = 3650
_MAX_M = 500_000.0
_MAX_COUNT = 1_000_000
_MAX_DATES = 1000
_MAX_PANELS = 12


def slug(text: str) -> str:
    """File-name-safe lower-case form of ``text``."""
    return re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-")
