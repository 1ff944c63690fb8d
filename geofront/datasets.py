"""Bundled real data, listed and resolved by name.

The files live in ``data/`` in the source tree and are shipped inside the wheel as
``geofront/_data``; :func:`get_path` finds them either way. Origins and licences are in
``data/SOURCES.md`` (also shipped).

Examples
--------
>>> from geofront import datasets
>>> datasets.get_path("afg-districts").name
'afg_adm2_districts_398.gpkg'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geofront.errors import InputError


@dataclass(frozen=True)
class Dataset:
    """One bundled file: its name, relative path, description and licence."""

    name: str
    path: str
    description: str
    licence: str


_DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "afg-districts",
        "boundaries/afg_adm2_districts_398.gpkg",
        "Afghanistan, 398 districts (AIMS/ESOC set, geoBoundaries geometry)",
        "Public Domain",
    ),
    Dataset(
        "afg-provinces",
        "boundaries/afg_adm1_provinces_34.gpkg",
        "Afghanistan, 34 provinces (dissolved from the 398 districts)",
        "Public Domain",
    ),
    Dataset(
        "afg-districts-simplified",
        "boundaries/afg_adm2_districts_398_simplified.geojson",
        "Afghanistan, 398 districts, simplified geometry for maps",
        "Public Domain",
    ),
    Dataset(
        "afg-provinces-simplified",
        "boundaries/afg_adm1_provinces_34_simplified.geojson",
        "Afghanistan, 34 provinces, simplified geometry for maps",
        "Public Domain",
    ),
    Dataset(
        "afg-district-lookup",
        "boundaries/afg_district_province_lookup.csv",
        "Afghanistan district -> province lookup table (no geometry)",
        "Public Domain",
    ),
    Dataset(
        "afg-district-aliases",
        "names/afg_district_aliases.csv",
        "Other names of the 398 districts (IEC/AGCHO/OCHA spellings, news names)",
        "facts, CC BY 4.0 compilation",
    ),
    Dataset(
        "afg-display-names",
        "names/afg_display_names.csv",
        "Published spellings of the 398 districts and 34 provinces, for maps",
        "facts, CC BY 4.0 compilation",
    ),
    Dataset(
        "afg-airports",
        "context/ne_10m_airports_afg_region.geojson",
        "Natural Earth 1:10m airports around Afghanistan",
        "Public Domain",
    ),
    Dataset(
        "afg-neighbours",
        "boundaries/ne_10m_countries_afg_region.geojson",
        "Natural Earth 1:10m countries around Afghanistan",
        "Public Domain",
    ),
    Dataset(
        "afg-capitals",
        "places/afg_provincial_capitals_geonames.geojson",
        "34 provincial capitals of Afghanistan (GeoNames)",
        "CC BY 4.0",
    ),
    Dataset(
        "afg-capitals-csv",
        "places/afg_provincial_capitals_geonames.csv",
        "34 provincial capitals of Afghanistan (GeoNames), CSV",
        "CC BY 4.0",
    ),
    Dataset(
        "afg-population",
        "population/afg_ppp_2020_1km_derived_from_pd.tif",
        "WorldPop 2020 1 km, people per cell (derived from density)",
        "CC BY 4.0",
    ),
    Dataset(
        "afg-population-density",
        "population/afg_pd_2020_1km.tif",
        "WorldPop 2020 1 km, people per km2",
        "CC BY 4.0",
    ),
    Dataset(
        "ucdp-ged-sample",
        "events/ucdp_ged231_sample_afg.csv",
        "UCDP GED 23.1 sample, Afghanistan, 135 events 1989-2022",
        "CC BY 4.0",
    ),
    Dataset(
        "seed-events",
        "events/seed_reported_events_2021-07.csv",
        "Events of 2-7 July 2021 reported in the news (ACLED layout)",
        "facts, CC BY 4.0 compilation",
    ),
    Dataset(
        "seed-assessments",
        "events/seed_district_assessments_2021-07.csv",
        "Badghis district control as reported on 7 July 2021",
        "facts, CC BY 4.0 compilation",
    ),
    Dataset(
        "case-afghanistan-2021",
        "cases/afghanistan-2021.toml",
        "Case file: Afghanistan, summer 2021",
        "CC BY 4.0",
    ),
    Dataset("sources", "SOURCES.md", "Origins and licences of every bundled file", "CC BY 4.0"),
)


def data_dir() -> Path:
    """Return the folder holding the bundled data (installed wheel or source tree)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "SOURCES.md").is_file():
            return candidate
    raise InputError(f"bundled data not found next to {here}: reinstall geofront (pip install .)")


def names() -> list[str]:
    """Return the names of all bundled datasets, sorted."""
    return sorted(d.name for d in _DATASETS)


def get_path(name: str) -> Path:
    """Return the path of the bundled dataset ``name``.

    Parameters
    ----------
    name : str
        One of :func:`names`, e.g. ``"afg-districts"``.

    Raises
    ------
    InputError
        If no dataset has that name (the message lists the names).
    """
    for d in _DATASETS:
        if d.name == name:
            return data_dir() / d.path
    raise InputError(f"unknown dataset {name!r}: choose one of {', '.join(names())}")


def list_datasets() -> pd.DataFrame:
    """Return a table of bundled datasets: name, path, description, licence."""
    root = data_dir()
    rows = [
        {
            "name": d.name,
            "path": str(root / d.path),
            "description": d.description,
            "licence": d.licence,
        }
        for d in sorted(_DATASETS, key=lambda d: d.name)
    ]
    return pd.DataFrame(rows, columns=["name", "path", "description", "licence"])


def resolve(path_or_name: str | os.PathLike[str]) -> Path:
    """Return ``path_or_name`` as a path; a bundled dataset name resolves to its file."""
    text = str(path_or_name)
    if not Path(text).exists() and text in names():
        return get_path(text)
    return Path(text)
