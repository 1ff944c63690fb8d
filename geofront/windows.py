"""Time windows and date series: one convention for every function, command and case.

A window is a span of whole days, **both ends included**. It is given either by its
ends, ``start`` and ``end`` (:func:`geofront.exposure.event_exposure`, ``--start/--end``
of the commands), or by its length ``window_days = N`` and the day ``D`` it ends on (the
control rules, the siege status, ``--window``): then it holds the ``N`` days
``D - N + 1`` to ``D``, which the docstrings also write ``(D - N, D]``;
:func:`window_bounds` turns one form into the other. An event counts in a window when its
period ``[date, date_end]`` overlaps it (an event without ``date_end`` lasts one day).
Evidence after ``D`` never counts: the answer for a day does not depend on later data.

A date series (a timeline, ``--start --end --every``) runs from ``start`` every
``every_days`` days and always includes ``end`` (:func:`date_series`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from geofront.errors import InputError

__all__ = ["date_series", "window_bounds"]


def window_bounds(end: Any, window_days: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day of the ``window_days``-day window ending on ``end``.

    Examples
    --------
    >>> window_bounds("2021-07-07", 14)
    (Timestamp('2021-06-24 00:00:00'), Timestamp('2021-07-07 00:00:00'))
    """
    if isinstance(window_days, bool) or int(window_days) != window_days or window_days < 1:
        raise InputError(f"window must be a whole number of days >= 1, got {window_days!r}")
    last = pd.Timestamp(end).normalize()
    return last - pd.Timedelta(days=int(window_days) - 1), last


def date_series(start: Any, end: Any, *, every_days: int) -> list[pd.Timestamp]:
    """The days from ``start`` every ``every_days`` days, ``end`` always included.

    Examples
    --------
    >>> [d.day for d in date_series("2021-07-01", "2021-07-10", every_days=4)]
    [1, 5, 9, 10]
    """
    first, last = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if last < first:
        raise InputError(f"end {last.date()} is before start {first.date()}: swap them")
    if isinstance(every_days, bool) or int(every_days) != every_days or every_days < 1:
        raise InputError(f"every_days must be a whole number >= 1, got {every_days!r}")
    days = list(pd.date_range(first, last, freq=f"{int(every_days)}D"))
    if days[-1] != last:
        days.append(last)
    return days
