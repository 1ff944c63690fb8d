"""The output folder of a case run: what it may replace, how a finished run moves in,
and ``parameters.toml``, the record of what the run used.

A run (:func:`geofront.pipeline.run_case`) writes ``tables/``, ``maps/`` and
``parameters.toml`` into a temporary folder inside the output folder; :func:`commit` moves
them into place when everything has been written (folders swapped atomically where the
system allows), and :func:`check_outdir` refuses, before any work, a folder whose replaced
parts hold inputs of the case or files a previous run did not write.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from geofront import __version__, datasets
from geofront.case import Case
from geofront.errors import OutputError
from geofront.files import describe_os_error, exchange, signals_held
from geofront.io import atomic_path

__all__ = ["check_outdir", "commit", "parameters_record", "write_parameters"]

#: What a run writes in its output folder (the rest of the folder is not touched).
_RUN_OUTPUTS = ("tables", "maps", "parameters.toml")


def commit(stage: Path, out: Path) -> None:
    """Move a finished run from ``stage`` into ``out`` (signals held back meanwhile)."""
    try:
        with signals_held():
            for name in ("tables", "maps"):
                new, old = stage / name, out / name
                if not old.exists():
                    os.rename(new, old)
                elif not exchange(new, old):  # no atomic swap here: two renames
                    os.rename(old, stage / f"{name}.previous")
                    os.rename(new, old)
            os.replace(stage / "parameters.toml", out / "parameters.toml")
    except OSError as exc:
        raise OutputError(f"cannot write the outputs into {out}: {describe_os_error(exc)}") from exc


def check_outdir(case: Case, out: Path) -> None:
    """Refuse before any work an output folder whose replaced parts hold inputs or files
    a previous run did not write."""
    replaced = [out / n for n in _RUN_OUTPUTS]
    inputs: dict[str, list[Path | None]] = {
        "case file": [case.source],
        "boundaries": [case.boundaries],
        "events": list(case.events),
        "sides": [case.sides],
        "assessments": list(case.assessments),
        "population": [case.population],
        "cities": [case.cities],
        "neighbours": [case.neighbours],
    }
    for label, paths in inputs.items():
        for p in paths:
            if p is None:
                continue
            where = _inside(p, replaced)
            if where is not None:
                raise OutputError(
                    f"the case reads {label} {p}, which lies in {where}: geofront run replaces "
                    "that; move the input or choose another output folder"
                )
    if not out.is_dir():
        return
    listed = _previous_outputs(out)
    for name in ("tables", "maps"):
        folder = out / name
        if folder.exists() and not folder.is_dir():
            raise OutputError(
                f"cannot write {folder}: it is a file, and geofront run needs a folder there; "
                "move it or choose another output folder"
            )
        if not folder.is_dir():
            continue
        for p in sorted(folder.rglob("*")):
            rel = p.relative_to(out).as_posix()
            if p.is_dir() or rel in listed or (p.name.startswith(".") and ".geofront" in p.name):
                continue
            raise OutputError(
                f"output folder {out} holds {rel}, which the previous run did not write: "
                f"geofront run replaces {name}/ as a whole; move the file or choose another "
                "output folder"
            )


def _inside(path: Path, targets: list[Path]) -> Path | None:
    try:
        p = path.resolve()
    except (OSError, RuntimeError):
        return None
    for t in targets:
        try:
            tr = t.resolve()
        except (OSError, RuntimeError):
            continue
        if p == tr or tr in p.parents:
            return t
    return None


def _previous_outputs(out: Path) -> set[str]:
    """Files listed in the ``[outputs]`` of ``out/parameters.toml`` (a previous run)."""
    try:
        record = tomllib.loads((out / "parameters.toml").read_text(encoding="utf-8"))
        files: Any = record.get("outputs", {}).get("files", [])
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return set()
    return {str(f) for f in files if isinstance(f, str)}


def write_parameters(case: Case, dest: Path, written: list[Path]) -> Path:
    """Write ``parameters.toml``: the case as used (resolved paths, every default) and the
    list of the files the run wrote (atomically)."""
    text = (
        f"# written by geofront {__version__}; rerun with: geofront run --case {case.source}\n"
        "# keys listed in 'unset' had no value (TOML has no null)\n\n"
    ) + tomli_w.dumps(parameters_record(case, [p.relative_to(dest.parent) for p in written]))
    with atomic_path(dest) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return dest


def parameters_record(case: Case, outputs: list[Path]) -> dict[str, Any]:
    """The content of ``parameters.toml`` as a TOML-ready mapping.

    ``[parameters]`` holds every field of the case (dates as ``YYYY-MM-DD``, bundled files
    as ``bundled:<name>`` so that the record is the same on every machine); a field
    without a value (``None``) is left out and named in the table's ``unset`` list, never
    written as an empty string. ``[outputs] files`` lists the files written, in order.
    """
    return {
        "parameters": _table(asdict(case)),
        "outputs": {"files": [p.as_posix() for p in outputs]},
    }


def _table(values: dict[str, Any]) -> dict[str, Any]:
    out = {str(k): _value(v) for k, v in values.items() if v is not None}
    unset = [str(k) for k, v in values.items() if v is None]
    if unset:
        out["unset"] = unset
    return out


def _value(value: Any) -> Any:
    if isinstance(value, dict):
        return _table(value)
    if isinstance(value, tuple | list):
        return [_value(v) for v in value if v is not None]
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, Path):
        return _portable(value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _portable(p: Path) -> str:
    """A bundled file as ``bundled:<name>`` so the record is the same on every machine."""
    for name in datasets.names():
        try:
            if datasets.get_path(name).resolve() == p.resolve():
                return f"bundled:{name}"
        except OSError:
            continue
    return str(p)
