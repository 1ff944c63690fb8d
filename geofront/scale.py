"""The dask engine: the same join and counts on a cluster, partition by partition.

Optional: ``pip install 'geofront[dask]'`` (dask and distributed). Three entry points:

- :func:`join_events_dask` -- :func:`geofront.join_events` on a dask DataFrame of
  canonical events: each partition is joined by the in-memory rule, the boundaries'
  cell index shipped to each worker once (a single graph node, not one per task).
- :func:`summarize_dask` -- :func:`geofront.summarize` on a dask DataFrame: partial
  counts per partition, added up on the client.
- :func:`join_file_dask` / :func:`summarize_file_dask` -- ``geofront join`` and
  ``geofront summarize --engine dask``: the parts of an export (a folder or a glob of
  CSV or Parquet files; one partition per file) are read and joined by the workers.
  The whole-file checks need the whole file, so the work runs in up to three rounds:
  every part is scanned (slash-date order, coordinate extents, hashes of the ids), the
  ids that occur more than once are settled (which good row comes first), then every
  part is checked, joined and written as one GeoParquet part. The joiner and the
  reader are scattered to every worker once.

The answers are those of the in-memory and streaming engines: the same rows joined to
the same units, the same rows rejected with the same reasons (tested on a 2-worker
``LocalCluster``). Outputs of workers must land on a file system the client sees (a
local cluster, or a shared disk).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geofront.boundaries import AdminBoundaries
from geofront.defaults import SNAP_DISTANCE_M
from geofront.errors import AccountingError, InputError, OutputError
from geofront.join import Joiner, JoinResult
from geofront.progress import progress_bar
from geofront.sources import BATCH_ROWS
from geofront.validate import check_frame

log = logging.getLogger(__name__)


#: How long to try reaching a scheduler given by address.
CONNECT_TIMEOUT = "15s"


def _require_dask() -> Any:
    try:
        import dask
        import distributed  # noqa: F401
    except ImportError as exc:
        raise InputError(
            "the dask engine needs dask and distributed: pip install 'geofront[dask]'"
        ) from exc
    return dask


# --- dask DataFrames in, lazily -------------------------------------------------------


class LazyCounts(Mapping[str, int]):
    """Join counts of a dask join, computed when first read (one pass over the data).

    ``persist()`` the input first if you also compute the joined rows, or the join runs
    twice. Every partition checks ``events == joined + rejected`` as it is joined.
    """

    def __init__(self, parts: list[Any]) -> None:
        self._parts = parts
        self._value: dict[str, int] | None = None

    def _get(self) -> dict[str, int]:
        if self._value is None:
            import dask

            total: dict[str, int] = {}
            for counts in dask.compute(*self._parts):  # type: ignore[attr-defined]
                for k, v in counts.items():
                    total[k] = total.get(k, 0) + int(v)
            self._value = total
        return self._value

    def __getitem__(self, key: str) -> int:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def join_events_dask(
    events: Any,
    boundaries: AdminBoundaries,
    *,
    snap_distance_m: float = SNAP_DISTANCE_M,
    region_districts: bool = False,
    geometry: bool | None = None,
) -> JoinResult:
    """:func:`geofront.join_events` for a dask DataFrame of canonical events.

    Returns a :class:`~geofront.join.JoinResult` whose ``joined`` and ``rejected`` are
    lazy dask DataFrames (``joined`` without geometry: ``longitude``/``latitude`` are
    columns) and whose ``counts`` (:class:`LazyCounts`) are computed when first read.
    Compute ``joined`` and ``rejected`` together (``dask.compute(r.joined, r.rejected)``)
    to join once. ``geometry=True`` is refused (a dask DataFrame holds no geometry).
    """
    dask = _require_dask()
    import dask.dataframe as dd

    from geofront.join import join_with

    if geometry:
        raise InputError(
            "a dask join gives no geometry column: leave geometry unset and make points "
            "from longitude/latitude where you need them"
        )
    joiner = Joiner(boundaries, snap_distance_m=snap_distance_m, region_districts=region_districts)
    shared = _shared(joiner)

    def one(
        part: pd.DataFrame, joiner: Joiner
    ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
        r = join_with(part, joiner, geometry=False)
        return r.joined, r.rejected, dict(r.counts)

    meta_joined, meta_rejected, _ = one(events._meta, joiner)
    parts = [dask.delayed(one, nout=3)(p, shared) for p in events.to_delayed()]
    joined = dd.from_delayed([p[0] for p in parts], meta=meta_joined, verify_meta=False)
    rejected = dd.from_delayed([p[1] for p in parts], meta=meta_rejected, verify_meta=False)
    return JoinResult(joined, rejected, LazyCounts([p[2] for p in parts]))  # type: ignore[arg-type]


def _shared(obj: Any) -> Any:
    """``obj`` for every task of a graph, sent to each worker once.

    On a distributed cluster it is scattered to all workers (the graph then holds a
    reference, not 30 MB of index); with the local schedulers it is one graph node.
    """
    import dask

    try:
        from distributed import get_client

        client = get_client()
    except (ImportError, ValueError):
        return dask.delayed(obj, traverse=False)  # type: ignore[attr-defined]
    return client.scatter(obj, broadcast=True, hash=False)


def summarize_dask(
    joined: Any, boundaries: AdminBoundaries | None, *, by: str, freq: str | None
) -> pd.DataFrame:
    """:func:`geofront.summarize` for a dask DataFrame: partial counts per partition."""
    dask = _require_dask()
    from geofront.summary import finish, needed_columns, partial_counts

    check_frame(
        joined,
        what="joined events",
        columns=needed_columns(by, freq),
        fix="run geofront join first",
    )
    parts = [dask.delayed(partial_counts)(p, by=by, freq=freq) for p in joined.to_delayed()]
    return finish(list(dask.compute(*parts)), boundaries, by=by, freq=freq)


# --- files, on a cluster --------------------------------------------------------------


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A dask client: of the scheduler at ``scheduler``, else of a new local cluster.

    The local cluster has ``workers`` worker processes (default: one per core, at most
    8), one thread each (the work holds the GIL in places), no dashboard.
    """
    _require_dask()
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            raise InputError(
                f"cannot reach the dask scheduler at {scheduler}: {exc}; check the address "
                "or leave --scheduler out for a local cluster"
            ) from exc
        with client:
            yield client
        return
    n = workers or min(os.cpu_count() or 1, 8)
    with (
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            host="127.0.0.1",
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _scan_task(reader: Any, part: int) -> Any:
    return reader.scan_part(part)


def _probe_task(reader: Any, part: int) -> list[tuple[str, int, str]]:
    rows: list[tuple[str, int, str]] = reader.first_good_rows(part)
    return rows


def _seen(reader: Any, first: dict[str, tuple[int, str]]) -> Any:
    from geofront.event_checks import DuplicateIds

    seen = DuplicateIds(reader.context.suspects)
    seen.first = dict(first)
    return seen


def _join_task(
    reader: Any,
    joiner: Joiner,
    first: dict[str, tuple[int, str]],
    part: int,
    out_dir: str,
    rej_dir: str | None,
    rej_ext: str,
) -> dict[str, int]:
    from geofront.engine import _zero_counts, join_batch
    from geofront.writers import BatchWriter

    counts = _zero_counts()
    counts["read"] = 0
    name = f"part-{part:05d}"
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(BatchWriter(Path(out_dir) / f"{name}.parquet", geometry=True))
        rej = (
            stack.enter_context(BatchWriter(Path(rej_dir) / f"{name}{rej_ext}", geometry=False))
            if rej_dir
            else None
        )
        for batch in reader.batches(part, _seen(reader, first)):
            joined, rejected, c = join_batch(batch, joiner)
            out.write(joined)
            if rej is not None:
                rej.write(rejected)
            for k, v in c.items():
                counts[k] += v
            counts["read"] += batch.n_read
    return counts


def _summary_task(
    reader: Any, joiner: Joiner, first: dict[str, tuple[int, str]], part: int, by: str, freq: Any
) -> tuple[list[Any], int, int, int]:
    from geofront.engine import join_batch
    from geofront.summary import partial_counts

    out, n_read, n_rejected, n_events = [], 0, 0, 0
    for batch in reader.batches(part, _seen(reader, first)):
        joined, rejected, _ = join_batch(batch, joiner)
        frame = joined.to_pandas()
        out.append(partial_counts(frame, by=by, freq=freq))
        n_read += batch.n_read
        n_rejected += rejected.num_rows
        n_events += len(frame)
    return out, n_read, n_rejected, n_events


def _prepare(
    client: Any,
    events: Any,
    boundaries: AdminBoundaries,
    snap_distance_m: float,
    region_districts: bool,
    batch_rows: int,
    read_options: dict[str, Any],
    progress: bool,
) -> tuple[Any, Any, Any, Any, int]:
    """Rounds 1 and 2: scan every part, settle repeated ids; scatter what workers need."""
    from distributed import as_completed

    from geofront.event_batches import EventReader
    from geofront.events import _reader_for
    from geofront.idhash import HashCounter

    reader: EventReader = _reader_for(events, batch_rows=batch_rows, **read_options)
    joiner = Joiner(boundaries, snap_distance_m=snap_distance_m, region_districts=region_districts)
    n_parts = len(reader.source.parts)
    reader_f = client.scatter(reader, broadcast=True)
    scans = []
    counter = HashCounter()
    try:
        futures = client.map(_scan_task, [reader_f] * n_parts, range(n_parts), pure=False)
        with progress_bar(enabled=progress, desc="scan", unit=" parts", total=n_parts) as bar:
            for _, scan in as_completed(futures, with_results=True):
                counter.add(scan.hashes)
                scan.hashes = np.zeros(0, np.uint64)
                scans.append(scan)
                bar.update(1)
        reader.set_context(sorted(scans, key=lambda s: s.part), counter.repeated())
    finally:
        counter.close()
    reader_f = client.scatter(reader, broadcast=True)
    first: dict[str, tuple[int, str]] = {}
    if len(reader.context.suspects):  # type: ignore[union-attr]
        found = client.gather(
            client.map(_probe_task, [reader_f] * n_parts, range(n_parts), pure=False)
        )
        for rows in found:  # parts in order, rows in order: the first good row wins
            for value, key, label in rows:
                first.setdefault(value, (key, label))
    joiner_f = client.scatter(joiner, broadcast=True)
    first_f = client.scatter([first], broadcast=True)[0]  # a dict alone would be split up
    return reader, reader_f, joiner_f, first_f, n_parts


def join_file_dask(
    events: str | os.PathLike[str],
    boundaries: AdminBoundaries,
    *,
    output: str | os.PathLike[str] | None,
    rejects: str | os.PathLike[str] | None = None,
    snap_distance_m: float = SNAP_DISTANCE_M,
    region_districts: bool = False,
    batch_rows: int = BATCH_ROWS,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
    progress: bool = False,
    **read_options: Any,
) -> Any:
    """:func:`geofront.engine.join_file` on a dask cluster, one part file per task.

    ``output`` is a folder (made, or replaced when it holds a previous run) receiving
    ``part-NNNNN.parquet`` GeoParquet files, one per input part, in input order;
    ``rejects`` likewise a folder of ``part-NNNNN.csv`` (``.parquet`` when its name ends
    so). Both appear only when the whole run succeeded. ``client``: an existing
    ``distributed.Client`` (else one for ``scheduler``, or a local cluster of
    ``workers`` processes).

    Returns a :class:`geofront.engine.JoinRun`.
    """
    from geofront.engine import JoinRun, _zero_counts

    if output is None:
        raise OutputError("the dask engine writes a folder of GeoParquet parts: give -o FOLDER")
    t0 = time.perf_counter()
    rej_ext = ".parquet" if rejects and str(rejects).lower().endswith(".parquet") else ".csv"
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(dask_client(scheduler, workers))
        out_tmp = stack.enter_context(_folder_output(Path(output)))
        rej_tmp = stack.enter_context(_folder_output(Path(rejects))) if rejects else None
        reader, reader_f, joiner_f, first_f, n_parts = _prepare(
            client,
            events,
            boundaries,
            snap_distance_m,
            region_districts,
            batch_rows,
            read_options,
            progress,
        )
        futures = client.map(
            _join_task,
            [reader_f] * n_parts,
            [joiner_f] * n_parts,
            [first_f] * n_parts,
            range(n_parts),
            [str(out_tmp)] * n_parts,
            [str(rej_tmp) if rej_tmp else None] * n_parts,
            [rej_ext] * n_parts,
            pure=False,
        )
        run = JoinRun(counts=_zero_counts(), layout=reader.layout)
        from distributed import as_completed

        with progress_bar(enabled=progress, desc="join", unit=" parts", total=n_parts) as bar:
            for _, counts in as_completed(futures, with_results=True):
                run.n_read += counts.pop("read")
                for k, v in counts.items():
                    run.counts[k] += v
                bar.update(1)
        expected = sum(reader.context.rows_per_part)  # type: ignore[union-attr]
        if run.n_read != expected or run.counts["joined"] + run.counts["rejected"] != run.n_read:
            raise AccountingError(
                f"dask join of {events} lost rows: scanned {expected}, read {run.n_read}, "
                f"joined {run.counts['joined']} + rejected {run.counts['rejected']}; "
                "please report this bug"
            )
    run.seconds = time.perf_counter() - t0
    return run


def summarize_file_dask(
    path: str | os.PathLike[str],
    boundaries: AdminBoundaries,
    *,
    by: str = "district",
    freq: str | None = None,
    snap_distance_m: float = SNAP_DISTANCE_M,
    batch_rows: int = BATCH_ROWS,
    scheduler: str | None = None,
    workers: int | None = None,
    client: Any = None,
    **read_options: Any,
) -> tuple[pd.DataFrame, int]:
    """:func:`geofront.summary.summarize_file` on a dask cluster.

    A joined GeoParquet file or folder of parts is counted part by part (only the
    counted columns read); a raw events file or folder of parts is read and joined part
    by part first (rejected rows are logged).
    """
    from geofront.join import iter_joined
    from geofront.sources import resolve_parts
    from geofront.summary import _check_options, _unit_columns, finish, needed_columns

    _check_options(by, freq)
    with contextlib.ExitStack() as stack:
        if client is None:
            client = stack.enter_context(dask_client(scheduler, workers))
        parts = resolve_parts(path)
        wanted = list(
            dict.fromkeys(
                [*_unit_columns("district"), *needed_columns(by, freq), "actor1", "actor2"]
            )
        )
        if iter_joined(parts[0], columns=wanted) is not None:
            futures = client.map(
                _joined_part_task, [str(p) for p in parts], columns=wanted, by=by, freq=freq,
                batch_rows=batch_rows, pure=False,
            )  # fmt: skip
            results = client.gather(futures)
            partials = [p for ps, _ in results for p in ps]
            return finish(partials, boundaries, by=by, freq=freq), sum(n for _, n in results)
        reader, reader_f, joiner_f, first_f, n_parts = _prepare(
            client, path, boundaries, snap_distance_m, False, batch_rows, read_options, False
        )
        futures = client.map(
            _summary_task,
            [reader_f] * n_parts,
            [joiner_f] * n_parts,
            [first_f] * n_parts,
            range(n_parts),
            by=by,
            freq=freq,
            pure=False,
        )
        results = client.gather(futures)
    partials = [p for ps, _, _, _ in results for p in ps]
    n_read = sum(r[1] for r in results)
    n_rejected = sum(r[2] for r in results)
    if n_rejected:
        log.warning(
            "%s: %d of %d rows rejected (use geofront join --rejects FILE to see why)",
            path,
            n_rejected,
            n_read,
        )
    return finish(partials, boundaries, by=by, freq=freq), sum(r[3] for r in results)


def _joined_part_task(
    path: str, *, columns: list[str], by: str, freq: Any, batch_rows: int
) -> tuple[list[Any], int]:
    from geofront.join import iter_joined
    from geofront.summary import partial_counts

    frames = iter_joined(Path(path), columns=columns, batch_rows=batch_rows)
    if frames is None:
        raise InputError(f"{path} is not a joined table like the other parts: join it first")
    out, n = [], 0
    for frame in frames:
        out.append(partial_counts(frame, by=by, freq=freq))
        n += len(frame)
    return out, n


@contextlib.contextmanager
def _folder_output(dest: Path) -> Iterator[Path]:
    """A temporary folder beside ``dest``, moved to ``dest`` when the block succeeds."""
    parent = dest.parent if str(dest.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"cannot write {dest}: folder {parent} does not exist; create it first")
    if dest.exists() and not dest.is_dir():
        raise OutputError(
            f"cannot write {dest}: it is a file; the dask engine writes a folder of parts"
        )
    if dest.is_dir() and any(not p.name.startswith("part-") for p in dest.iterdir()):
        raise OutputError(
            f"cannot write {dest}: the folder holds other files than parts of a previous "
            "run; give a new or empty folder"
        )
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=parent))
    try:
        yield tmp
        old = None
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old.", dir=parent))
            os.replace(dest, old / dest.name)
        os.replace(tmp, dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
