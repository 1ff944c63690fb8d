"""What every command shares at run time: the one-line summary, progress, stdout.

Command modules import these from here, never from :mod:`geofront.cli.main` (which
imports every command to register it): imports run one way, main -> commands -> here.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

import click

from geofront.errors import GeofrontError, OutputError


def summary(ctx: click.Context, text: str) -> None:
    """Print a one-line summary on stderr unless ``--quiet``."""
    if not _root_obj(ctx).get("quiet"):
        click.echo(text, err=True)


def progress_enabled(ctx: click.Context) -> bool:
    """Whether long work should show progress bars: only on a terminal (a log file or a
    pipe gets no carriage-return redraws) and not with ``--quiet``."""
    stream = sys.stderr
    return not _root_obj(ctx).get("quiet") and bool(getattr(stream, "isatty", lambda: False)())


def _root_obj(ctx: click.Context) -> dict[str, Any]:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, dict) else {}


def write_csv_to_stdout(frame: Any) -> None:
    """Write ``frame`` as CSV on stdout (dates as ``YYYY-MM-DD``).

    A full or failing stdout (``> /dev/full``) becomes one :class:`OutputError` line; a
    closed pipe (``| head``) ends the command quietly with exit code 141, as a shell would.
    """
    with stdout_guarded(True):
        frame.to_csv(sys.stdout, index=False, lineterminator="\n", date_format="%Y-%m-%d")


@contextlib.contextmanager
def stdout_guarded(active: bool = True) -> Iterator[None]:
    """Turn a failure to write standard output in the block into what a shell expects.

    A full or failing stdout becomes one :class:`OutputError` line; a closed pipe ends the
    command quietly with exit code 141. ``active=False`` (output to a file) does nothing.
    """
    if not active:
        yield
        return
    try:
        yield
        sys.stdout.flush()
    except GeofrontError:
        raise
    except BrokenPipeError:
        _silence_stdout()
        raise click.exceptions.Exit(141) from None
    except OSError as exc:
        from geofront.files import describe_os_error

        _silence_stdout()
        raise OutputError(
            f"cannot write the table to standard output: {describe_os_error(exc)}; "
            "write it to a file with -o FILE"
        ) from exc


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the final flush at exit cannot fail again."""
    try:
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (OSError, ValueError, AttributeError):  # not a real file (e.g. under CliRunner)
        pass
