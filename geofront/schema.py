"""Canonical column names and closed vocabularies, documented in one place.

Every module reads and writes these names; nothing else hard-codes them.

Events (output of :func:`geofront.read_events`), one row per event, a GeoDataFrame in
EPSG:4326 with point geometry:

=====================  ======================================================================
column                 meaning
=====================  ======================================================================
``event_id``           identifier (str), unique within the table
``date``               event date (``datetime64``, day resolution; start date for UCDP)
``date_end``           last day of the event (UCDP ``date_end``; equals ``date`` otherwise)
``date_precision``     one of :data:`DATE_PRECISIONS`
``event_type``         ACLED event type, or for UCDP ``State-based conflict`` etc.
``sub_event_type``     ACLED sub-event type ("" when the source has none)
``actor1``             first actor (ACLED ``actor1``, UCDP ``side_a``)
``actor2``             second actor (ACLED ``actor2``, UCDP ``side_b``; "" if none)
``side1``, ``side2``   side of each actor, one of :data:`SIDES`
``fatalities``         reported fatalities (int; UCDP ``best``)
``location_precision`` one of :data:`LOCATION_PRECISIONS`
``latitude``           WGS 84 latitude (float)
``longitude``          WGS 84 longitude (float)
``source_dataset``     ``acled``, ``ucdp`` or ``csv`` (generic table)
``source_row``         1-based number of the record in the source file (first data row = 1)
``src_*``              every original column, prefixed ``src_``, values as read
=====================  ======================================================================

Joined events (output of :func:`geofront.join_events`) add :data:`JOIN_COLUMNS`.

Rejected rows (``rejected`` attribute of read and join results) have
:data:`REJECT_COLUMNS` followed by the ``src_*`` columns of the row.

Control tables (output of :func:`geofront.control.control_from_events`) have one row per
district with :data:`CONTROL_COLUMNS` and the district geometry.
"""

from __future__ import annotations

from typing import Final

# --- sides of a conflict ----------------------------------------------------------
GOVERNMENT: Final = "government"
INSURGENT: Final = "insurgent"
OTHER: Final = "other"
CIVILIANS: Final = "civilians"
UNKNOWN: Final = "unknown"
#: Sides an actor can be mapped to. ``unknown`` means the actor is not in the mapping.
SIDES: Final = (GOVERNMENT, INSURGENT, OTHER, CIVILIANS, UNKNOWN)

# --- territorial control ----------------------------------------------------------
CONTESTED: Final = "contested"
#: Control statuses of a district, in legend order.
CONTROL_STATUSES: Final = (GOVERNMENT, CONTESTED, INSURGENT, UNKNOWN)
#: Graded control after Kalyvas (2006): the five zones from full government to full
#: insurgent control, in legend order, and ``unknown`` for districts without evidence.
CONTROL_ZONES: Final = (
    "full government",
    "government dominant",
    "parity",
    "insurgent dominant",
    "full insurgent",
    UNKNOWN,
)

# --- sieges -----------------------------------------------------------------------
FALLEN: Final = "fallen"
UNDER_ASSAULT: Final = "under assault"
BESIEGED: Final = "besieged"
THREATENED: Final = "threatened"
SECURE: Final = "secure"
NO_EVIDENCE: Final = "no evidence"
#: Siege statuses of a city (:func:`geofront.siege.assess_sieges`), most severe first;
#: ``no evidence`` (nothing known) last, as it is not a degree of safety.
SIEGE_STATUSES: Final = (FALLEN, UNDER_ASSAULT, BESIEGED, THREATENED, SECURE, NO_EVIDENCE)

# --- precision scales -------------------------------------------------------------
#: Location precision on one scale: the exact place, near it, only the region (a
#: province) is known, or only the country. The join gives ``region`` events a province but
#: no district, and ``country`` events neither (their point is a placeholder, often the
#: country's centroid).
LOCATION_PRECISIONS: Final = ("exact", "near", "region", "country")
#: Date precision on one scale.
DATE_PRECISIONS: Final = ("day", "week", "month", "year")

# --- event columns ----------------------------------------------------------------
EVENT_COLUMNS: Final = (
    "event_id",
    "date",
    "date_end",
    "date_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "side1",
    "side2",
    "fatalities",
    "location_precision",
    "latitude",
    "longitude",
    "source_dataset",
    "source_row",
)
SOURCE_PREFIX: Final = "src_"

# --- join -------------------------------------------------------------------------
#: Columns the join adds. ``join_method`` is one of :data:`JOIN_METHODS`;
#: ``snap_distance_m`` is the distance to the unit for snapped events, else 0.
JOIN_COLUMNS: Final = (
    "province_id",
    "province",
    "district_id",
    "district",
    "join_method",
    "snap_distance_m",
)
#: ``within``: covered by exactly one district (inside it or on its outer edge); ``border``: on a boundary shared by several
#: units, given to the one with the smallest ``district_id`` (string order);
#: ``snapped``: outside every unit but within the snap distance of the nearest one;
#: ``region``: a region-precision event that keeps its province but gets no district;
#: ``country``: a country-precision event, inside the boundaries but in no unit.
JOIN_METHODS: Final = ("within", "border", "snapped", "region", "country")

# --- boundaries -------------------------------------------------------------------
#: Columns of ``AdminBoundaries.districts`` (plus geometry); ids are strings.
DISTRICT_COLUMNS: Final = ("district_id", "district", "province_id", "province")
#: Columns of ``AdminBoundaries.provinces`` (plus geometry).
PROVINCE_COLUMNS: Final = ("province_id", "province")

# --- rejects ----------------------------------------------------------------------
#: A CSV record with more or fewer fields than the header (detail: its line number).
MALFORMED_ROW: Final = "malformed_row"
MISSING_COORDINATES: Final = "missing_coordinates"
INVALID_COORDINATES: Final = "invalid_coordinates"
UNPARSEABLE_DATE: Final = "unparseable_date"
DUPLICATE_EVENT_ID: Final = "duplicate_event_id"
OUTSIDE_BOUNDARIES: Final = "outside_boundaries"
#: The closed list of reasons a row can be rejected for.
REJECT_REASONS: Final = (
    MALFORMED_ROW,
    MISSING_COORDINATES,
    INVALID_COORDINATES,
    UNPARSEABLE_DATE,
    DUPLICATE_EVENT_ID,
    OUTSIDE_BOUNDARIES,
)
#: ``detail`` is a human sentence (e.g. "latitude 63.1 out of range [-90, 90]; looks like
#: latitude and longitude are swapped").
REJECT_COLUMNS: Final = ("source_row", "event_id", "reason", "detail")

# --- control ----------------------------------------------------------------------
#: ``status`` is one of :data:`CONTROL_STATUSES`; ``since`` the date of the last change
#: (NaT if never changed in the evidence); ``rule`` the name of the rule that decided;
#: ``evidence`` the ids of the events or assessment rows behind it, ``;``-separated (or
#: ``baseline:YYYY-MM-DD``); ``as_of`` the day decided; ``score`` graded control in
#: [-1, 1] (government ... insurgent) and ``zone`` one of :data:`CONTROL_ZONES`; the
#: window's ground-fighting events, armed events initiated by each side and territory
#: transfers; ``last_evidence`` the district's last day with evidence (an event the rules
#: count, or an assessment); the day's sustained-fighting threshold and dominance minimum (see
#: :mod:`geofront.control`).
CONTROL_COLUMNS: Final = (
    "district_id",
    "district",
    "province_id",
    "province",
    "status",
    "since",
    "rule",
    "evidence",
    "as_of",
    "score",
    "zone",
    "fighting_events",
    "gov_initiated",
    "ins_initiated",
    "transfers",
    "last_evidence",
    "fighting_threshold",
    "dominance_minimum",
)
