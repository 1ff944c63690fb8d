"""The ``geofront`` command (also ``python -m geofront``): signals first, then the imports.

SIGTERM is turned into :class:`~geofront.errors.Terminated`, which unwinds like Ctrl-C:
temporary files are removed and the command prints ``Aborted.`` and exits 143 (130 for
Ctrl-C). Both are handled before the heavy libraries (pandas, GDAL...) load, so an
interrupt during start-up prints ``Aborted.`` too, never a traceback.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

from geofront.errors import Terminated


def _terminate(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends at once
    raise Terminated()


def main() -> None:
    """Run the command line: ``geofront [OPTIONS] COMMAND [ARGS]...``."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        from geofront.cli.main import cli

        cli(prog_name="geofront")
    except KeyboardInterrupt as exc:  # before or after a command's own handling
        try:
            sys.stderr.write("Aborted.\n")
            sys.stderr.flush()
        except OSError:
            pass
        sys.exit(143 if isinstance(exc, Terminated) else 130)


if __name__ == "__main__":
    main()
