"""Progress bars for long work, one way everywhere.

Every long loop of the library takes ``progress: bool`` and wraps its work in
:func:`progress_bar`: a tqdm bar (``tqdm.auto``: a widget in Jupyter, text in a terminal)
that appears only after half a second, or, when ``progress`` is off, the same object
with ``disable=True`` (it prints nothing and costs nothing). The command line passes
``progress`` on a terminal and without ``--quiet``
(:func:`geofront.cli._common.progress_enabled`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["percent_callback", "progress_bar"]

#: Seconds before a bar appears: quick work shows none.
DELAY_S = 0.5


def progress_bar(
    iterable: Iterable[Any] | None = None,
    *,
    enabled: bool,
    desc: str,
    unit: str = "it",
    total: int | None = None,
    unit_scale: bool = False,
) -> Any:
    """A tqdm bar over ``iterable`` (or a manual one with ``total``), silent unless
    ``enabled``.

    Use it as an iterable, or as a context manager (closed, its line ended, also when
    the work fails); ``update``, ``set_postfix_str`` and ``close`` work either way.
    """
    if enabled:
        from tqdm.auto import tqdm
    else:  # the plain class: nothing to draw, no notebook machinery to load
        from tqdm import tqdm
    return tqdm(
        iterable,
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=unit_scale,
        delay=DELAY_S,
        disable=not enabled,
    )


def percent_callback(enabled: bool, desc: str) -> Callable[[float, str], None] | bool:
    """A ``progress`` argument for libraries that report a fraction done (exactextract):
    a callback that moves a 0-100 % bar, or ``False`` when not ``enabled``."""
    if not enabled:
        return False
    bar = progress_bar(enabled=True, desc=desc, unit="%", total=100)

    def update(frac: float, message: str) -> None:
        bar.update(round(frac * 100) - bar.n)
        if frac >= 1:
            bar.close()

    return update
