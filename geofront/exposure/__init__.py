"""Population exposure: people per zone, per unit, per control status, near lines and events.

Every count comes from a population raster of *people per cell* (the bundled WorldPop 2020
1 km raster ``afg-population`` by default; any GDAL raster with a CRS works).

Zonal sums (:func:`population_by_zone`) use `exactextract`_: each cell contributes its
value times the fraction of the cell covered by the zone, so zones that cut cells are
counted exactly (under the assumption that people are spread evenly inside a cell). The
zones are reprojected to the raster's CRS, never the raster to the zones (a raster warp
would resample and change the total); edges are densified first so that straight edges in
a metric CRS stay close to their true course in degrees. Nodata and NaN cells count as
unknown: they add nothing, and the ``data_coverage`` column says which fraction of each
zone lies over cells with data.

Uses built on it:

* :func:`population_by_unit` — districts and provinces; a province is the sum of its
  districts, so the two levels add up exactly (districts do not overlap).
* :func:`population_by_status` — people per control status from a control table.
* :func:`population_near` — people within a distance of lines (a frontline) or any
  geometry, buffers merged so that nobody is counted twice.
* :func:`event_exposure` — ACLED-style: people within ``radius_m`` of any event in a date
  window, each person counted once per group however many buffers overlap.

Metric buffers are built per UTM zone: each geometry is cut at the 6° zone edges and each
piece buffered in its own zone (scale error below 0.1 % within a zone at Afghan
latitudes), then merged in lon/lat. A single UTM zone for a country spanning several (41 to
43 for Afghanistan) would stretch distances by up to ~0.4 % at the far edge.

.. _exactextract: https://isciences.github.io/exactextract/
"""

from __future__ import annotations

from geofront.exposure.near import QUAD_SEGS, event_exposure, population_near
from geofront.exposure.units import (
    PopulationResult,
    UnitPopulation,
    population_by_status,
    population_by_unit,
)
from geofront.exposure.zonal import COVERAGE, PEOPLE_COLUMNS, population_by_zone, round_people

__all__ = [
    "COVERAGE",
    "PEOPLE_COLUMNS",
    "QUAD_SEGS",
    "PopulationResult",
    "UnitPopulation",
    "event_exposure",
    "population_by_status",
    "population_by_unit",
    "population_by_zone",
    "population_near",
    "round_people",
]
