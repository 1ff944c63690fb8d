"""The ``geofront`` command group: logging, quiet mode and error handling live here.

Every command module defines one click command and is registered below. Any
:class:`~geofront.errors.GeofrontError` becomes one ``Error: ...`` line on stderr and exit
code 1 (2 for usage errors, as click does); so does any fault of the system around the
program (an ``OSError``: disk full, permission denied...; ``MemoryError``). Ctrl-C prints
``Aborted.`` and exits 130, SIGTERM (see :mod:`geofront.__main__`) the same with 143; both
unwind normally, so temporary files are removed. Any other exception prints
``internal error: ...; rerun with -vv`` and exits 3 (the traceback only with ``-vv``).
"""

from __future__ import annotations

import contextlib
import logging
import sys
import warnings
from typing import Any

import click

from geofront import __version__
from geofront.errors import GeofrontError, Terminated

log = logging.getLogger("geofront")


class _GeofrontGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("default")
                warnings.showwarning = _show_warning
                return super().invoke(ctx)
        except GeofrontError as exc:
            _echo_err(f"Error: {_one_line(exc)}")
            ctx.exit(1)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt as exc:
            _echo_err("Aborted.")
            ctx.exit(143 if isinstance(exc, Terminated) else 130)
        except OSError as exc:  # the system around the program: one line, not a bug report
            from geofront.files import describe_os_error

            where = f"cannot use {exc.filename}: " if exc.filename else ""
            _echo_err(f"Error: {where}{describe_os_error(exc)}")
            ctx.exit(1)
        except MemoryError:
            _echo_err("Error: not enough memory for this input: use a smaller file or area")
            ctx.exit(1)
        except Exception as exc:
            verbosity = (ctx.obj or {}).get("verbosity", 0)
            if verbosity >= 2:
                raise
            click.echo(
                f"internal error: {type(exc).__name__}: {_one_line(exc)}; rerun with -vv", err=True
            )
            ctx.exit(3)


def _echo_err(text: str) -> None:
    with contextlib.suppress(OSError):  # stderr gone or full: nothing more can be said
        click.echo(text, err=True)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())


def _show_warning(
    message: Any, category: Any, filename: str, lineno: int, file: Any = None, line: Any = None
) -> None:
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().obj and ctx.find_root().obj.get("quiet"):
        return
    click.echo(f"Warning: {_one_line(Exception(str(message)))}", err=True)


@click.group(cls=_GeofrontGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="geofront")
@click.option("-v", "--verbose", count=True, help="More log output (-vv: debug and tracebacks).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars, summaries or warnings.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """geofront: frontline analysis of armed conflicts from events and boundaries.

    Join events to districts, decide who holds each district, draw frontlines, measure
    sieges around cities, count people exposed, and render static maps. Bundled data
    (Afghanistan 2021) is used when no file is given: see `geofront datasets`.
    """
    ctx.ensure_object(dict)
    ctx.obj["verbosity"] = verbose
    ctx.obj["quiet"] = quiet
    level = logging.WARNING - 10 * verbose if not quiet else logging.ERROR
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(max(level, logging.DEBUG))
    log.propagate = False


def _register() -> None:
    from geofront.cli import (
        compare,
        control,
        datasets_cmd,
        exposure,
        frontline,
        join,
        map,
        run,
        siege,
        summarize,
        timeline,
    )

    for module in (
        datasets_cmd,
        join,
        summarize,
        control,
        frontline,
        timeline,
        siege,
        exposure,
        map,
        compare,
        run,
    ):
        cli.add_command(module.command)


_register()
