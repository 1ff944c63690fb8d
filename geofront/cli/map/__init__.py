"""``geofront map``: print-ready maps (PNG, SVG or PDF by the output's extension).

Subcommands ``control``, ``siege``, ``events`` and ``timeline``, one module each: each
reads its inputs, computes what the figure needs with the library functions (control,
frontlines, sieges), draws it with :mod:`geofront.maps` and writes it atomically.
"""

from __future__ import annotations

import click

from geofront.cli.map import control, events, siege, timeline
from geofront.cli.options import GeofrontGroup


@click.group("map", cls=GeofrontGroup)
def command() -> None:
    """Draw print-ready maps: control, siege, events, timeline (PNG, SVG or PDF)."""


for _module in (control, siege, events, timeline):
    command.add_command(_module.command)
