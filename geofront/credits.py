"""Credit lines for the data behind a table or a map, defined once.

Maps credit every source they draw (:mod:`geofront.maps`), and tables carry the credits
of the evidence they rest on: :func:`geofront.control.control_from_events` stores the
credits of its events and assessments in ``control.attrs["credits"]``, so a map drawn
from that table in Python credits them too. A table read back from a file has no attrs:
:func:`evidence_credits` recovers what its ``evidence`` column tells (the bundled news
reports by their ids, assessment files by their references).

Examples
--------
>>> credit_line("ucdp")
'Events: UCDP GED 23.1, Uppsala Conflict Data Program, CC BY 4.0'
>>> assessments_credit("seed_district_assessments_2021-07.csv")
'Assessments: Long War Journal and news reports of 7 July 2021, compiled by geofront'
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import pandas as pd

#: Credit lines of the bundled sources (data/SOURCES.md), by key.
CREDITS: Final[dict[str, str]] = {
    "boundaries": "Boundaries: geoBoundaries (Runfola et al. 2020) / AIMS, public domain",
    "population": "Population: WorldPop (www.worldpop.org), CC BY 4.0",
    "places": "Places: GeoNames (www.geonames.org), CC BY 4.0",
    "outlines": "Country outlines: Natural Earth",
    "airports": "Airports: Natural Earth, public domain",
    "ucdp": "Events: UCDP GED 23.1, Uppsala Conflict Data Program, CC BY 4.0",
    "acled": "Events: ACLED (acleddata.com)",
    "seed": "Events: news reports of 2-7 July 2021 compiled by geofront, CC BY 4.0",
    "csv": "Events: user-supplied table",
}
#: Ids of the bundled news-report events start with this (they are not ACLED's).
SEED_EVENT_PREFIX: Final = "AFGSEED"
#: File name of the bundled assessments and their credit (the Long War Journal's
#: assessments of 7 July 2021 and the New York Times report of the same day).
SEED_ASSESSMENTS: Final = "seed_district_assessments_2021-07.csv"
SEED_ASSESSMENTS_CREDIT: Final = (
    "Assessments: Long War Journal and news reports of 7 July 2021, compiled by geofront"
)


def credit_line(key: str) -> str:
    """The credit line of a key of :data:`CREDITS`; any other text is returned as is."""
    return CREDITS.get(key, key)


def events_credit(events: pd.DataFrame | None) -> list[str]:
    """Credit line(s) for the sources of ``events`` (their ``source_dataset``).

    The bundled news-report seed (ids ``AFGSEED...``) is credited as such, not as ACLED.
    """
    if events is None or len(events) == 0 or "source_dataset" not in events.columns:
        return []
    src = events["source_dataset"].astype(str)
    if "event_id" in events.columns:
        seed = events["event_id"].astype(str).str.startswith(SEED_EVENT_PREFIX).to_numpy()
        src = src.where(~seed, "seed")
    return [CREDITS.get(s, f"Events: {s}") for s in sorted(set(src))]


def assessments_credit(source: Any) -> str:
    """Credit line for analyst assessments.

    ``source`` is an :class:`~geofront.assessments.AssessmentsRead`, a path or a file
    name. The bundled file is credited to the Long War Journal and the news reports it
    compiles; a CSV with a ``source`` column is credited with its distinct sources;
    otherwise the file is named.
    """
    name = getattr(source, "source", source)
    path = Path(str(name))
    if path.name == SEED_ASSESSMENTS:
        return SEED_ASSESSMENTS_CREDIT
    cited = _sources_in(path) if isinstance(name, str | os.PathLike) else []
    if cited:
        return f"Assessments: {'; '.join(cited)} ({path.name})"
    return f"Assessments: {path.name}"


def _sources_in(path: Path) -> list[str]:
    """Distinct values of the ``source`` column of a CSV file (empty if none or unreadable)."""
    if path.suffix.lower() != ".csv" or not path.is_file():
        return []
    try:
        col = pd.read_csv(path, usecols=["source"], dtype=str)["source"]
    except (ValueError, OSError, pd.errors.ParserError):
        return []
    values = sorted({str(v).strip() for v in col.dropna() if str(v).strip()})
    return values if len(values) <= 3 else [*values[:3], "others"]


def evidence_credits(table: pd.DataFrame | None) -> list[str]:
    """Credits of the evidence a control table rests on.

    ``table.attrs["credits"]`` when the table was made in this session
    (:func:`geofront.control.control_from_events`); else what its ``evidence`` column
    tells: the bundled news-report events by their ids and each assessment file by its
    references (``<file>:<row>``). Events of other sources leave no trace in a table
    read from a file: give them to the map (``--events``) to credit them.
    """
    if table is None:
        return []
    given = table.attrs.get("credits") if hasattr(table, "attrs") else None
    if given:
        return list(given)
    if "evidence" not in table.columns:
        return []
    items = {
        item.strip()
        for text in table["evidence"].dropna().astype(str).unique()
        for item in text.split(";")
        if item.strip() and not item.strip().startswith("baseline:")
    }
    out: list[str] = []
    if any(i.startswith(SEED_EVENT_PREFIX) for i in items):
        out.append(CREDITS["seed"])
    files = sorted({i.split(":", 1)[0] for i in items if ":" in i})
    out += [assessments_credit(f) for f in files]
    return out


def unique(lines: Iterable[str]) -> list[str]:
    """``lines`` without empty or repeated entries, in first-seen order."""
    seen: list[str] = []
    for line in lines:
        if line and line not in seen:
            seen.append(line)
    return seen


__all__ = [
    "CREDITS",
    "SEED_ASSESSMENTS_CREDIT",
    "assessments_credit",
    "credit_line",
    "events_credit",
    "evidence_credits",
    "unique",
]
