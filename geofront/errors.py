"""Errors and warnings raised by geofront.

One root, :class:`GeofrontError`. Bad *input* (a file, a column, an option) raises an
:class:`InputError`, which is also a :class:`ValueError`, with a one-line message that
names the source, the row or field, and what to do. A bad *row* of event data is not an
error: it is rejected with a reason (see :mod:`geofront.schema`).

The command line turns any :class:`GeofrontError` into one line on stderr and a
non-zero exit code.
"""

from __future__ import annotations


class GeofrontError(Exception):
    """Root of every error geofront raises on purpose."""


class InputError(GeofrontError, ValueError):
    """Bad input: a file, column, option or value that cannot be used as given."""


class DataFileError(InputError, OSError):
    """A file that is missing, unreadable, empty or of an unknown format."""


class CRSError(InputError):
    """A missing or unusable coordinate reference system."""


class SchemaError(InputError):
    """Columns missing, misnamed or of the wrong type."""


class OutputError(GeofrontError, OSError):
    """An output that cannot be written (unwritable path, unsupported extension)."""


class AccountingError(GeofrontError, AssertionError):
    """An internal invariant broke (e.g. read != joined + rejected). A bug: please report it."""


class GeofrontWarning(UserWarning):
    """Something was repaired or assumed; the result is usable but say so."""


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM): unwinds like Ctrl-C, so temporary files
    are removed; the command line exits with 143."""
