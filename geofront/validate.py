"""Checking the tables a function is given: every problem found, then one error.

:func:`check_frame` is the one place where geofront checks that a table has the columns
(and, where asked, the type, geometry and CRS) a function needs. Like osmnx's
``_validate``, it collects *every* problem before it raises, so a user fixes a file once,
not once per missing column: ``control table lacks column(s) district_id, status and has
no geometry: give control_from_events output``. The error is a
:class:`~geofront.errors.SchemaError` (an :class:`~geofront.errors.InputError`, also a
``ValueError``), one line, naming the table, what is wrong and what to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from geofront.errors import InputError, SchemaError

__all__ = ["check_frame", "missing_columns"]


def missing_columns(frame: Any, columns: Iterable[str]) -> list[str]:
    """The ``columns`` that ``frame`` lacks, in the order given."""
    have = set(frame.columns)
    return [c for c in columns if c not in have]


def check_frame(
    frame: Any,
    *,
    what: str,
    source: Any = None,
    columns: Iterable[str] = (),
    geometry: bool = False,
    fix: str = "",
    show_columns: bool = False,
) -> None:
    """Raise one :class:`SchemaError` naming every problem of ``frame``, or return.

    Parameters
    ----------
    frame : DataFrame, GeoDataFrame or dask DataFrame
        The table to check (anything with ``columns``).
    what : str
        What the table is (``"events"``, ``"control table"``, ``"aliases file"``): a
        plural name takes ``lack``, a singular one ``lacks``.
    source : optional
        The file it was read from, named after ``what``.
    columns : iterable of str
        Columns it must have.
    geometry : bool
        It must be a GeoDataFrame with an active geometry column.
    fix : str
        What to do, appended after a colon (e.g. ``"give control_from_events output"``).
    show_columns : bool
        Also list the columns the table has (helps when a file names them differently).

    Raises
    ------
    InputError
        ``frame`` is not a table at all.
    SchemaError
        Any column missing, or no geometry when one is needed.
    """
    if not hasattr(frame, "columns"):  # pandas, geopandas, dask: anything with columns
        raise InputError(f"{what} must be a table (a DataFrame), not {type(frame).__name__}")
    name = what if source is None else f"{what} {source}"
    problems = []
    missing = missing_columns(frame, columns)
    if missing:
        problems.append(f"{'lack' if _plural(what) else 'lacks'} column(s) {', '.join(missing)}")
    if geometry and not _has_geometry(frame):
        problems.append(f"{'have' if _plural(what) else 'has'} no geometry")
    if not problems:
        return
    text = f"{name} " + " and ".join(problems)
    if show_columns:
        have = [str(c) for c in frame.columns if c != _geometry_name(frame)]
        text += f" ({'they have' if _plural(what) else 'it has'} {', '.join(have) or 'no columns'})"
    raise SchemaError(text + (f": {fix}" if fix else ""))


def _plural(what: str) -> bool:
    last = what.split()[-1] if what.split() else what
    return last.endswith("s") and not last.endswith(("ss", "is", "us"))


def _geometry_name(frame: Any) -> Any:
    try:
        return frame.geometry.name
    except AttributeError:
        return None


def _has_geometry(frame: Any) -> bool:
    import geopandas as gpd

    if not isinstance(frame, gpd.GeoDataFrame):
        return False
    name = frame._geometry_column_name  # None when no active geometry is set
    return name is not None and name in frame.columns
