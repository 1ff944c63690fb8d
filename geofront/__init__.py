"""geofront: geospatial frontline analysis of armed conflicts.

The public API, in the order data flows through it::

    from geofront import read_boundaries, read_events, join_events, summarize

See the README for the command line (``geofront --help``).
"""

from __future__ import annotations

__version__ = "0.1.0"

from geofront.boundaries import AdminBoundaries, read_boundaries
from geofront.errors import GeofrontError, GeofrontWarning, InputError

__all__ = [
    "AdminBoundaries",
    "GeofrontError",
    "GeofrontWarning",
    "InputError",
    "__version__",
    "read_boundaries",
]
