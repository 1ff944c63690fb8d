"""File safety: what geofront agrees to read, and how it writes without losing anything.

Inputs
    :func:`check_input_file` accepts only an existing, readable, non-empty regular file
    on the local file system: GDAL virtual file systems (``/vsicurl/``, ``/vsizip/``...)
    and URLs are refused, as are folders, pipes, devices, broken links and link loops.
    :func:`check_content` makes sure a file is what its extension says before GDAL sees
    it (a ``.geojson`` whose content is a GDAL VRT would otherwise make GDAL read any
    local file or fetch a URL); a VRT is opened only when the user names a ``.vrt`` file
    for a raster, and only if it refers to no network source. :func:`gdal_config` holds
    the GDAL settings every read runs under: no network (a dead HTTP proxy and no
    ``/vsicurl/`` file counts as existing), no SQLite access to other files, no Python in
    VRTs. :func:`csv_header` checks that a CSV is UTF-8 text with a header, naming what
    it is otherwise (UTF-16, gzip, binary...).

Outputs
    :func:`check_distinct_paths` refuses an output that is the same file as an input
    (or another output) before any work. :func:`temp_name` names temporary files
    ``.<stem>.geofront-<pid>-<random><suffix>`` beside their destination, so that
    :func:`remove_stale` can recognise those left by a killed process (its pid is gone)
    and remove them, saying so. :func:`exchange` swaps two folders atomically where the
    system allows it (Linux ``renameat2``), for ``geofront run``'s output folder, and
    :func:`signals_held` keeps Ctrl-C and SIGTERM from splitting renames that belong
    together.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import re
import shutil
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from geofront.errors import DataFileError, OutputError

log = logging.getLogger(__name__)

#: GDAL settings for every read: nothing is fetched from the network (a dead proxy for
#: HTTP, and no ``/vsicurl/``-like file is ever taken to exist), SQLite files may not reach
#: other files, VRTs may not run Python.
GDAL_SAFE_CONFIG: dict[str, str] = {
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_HTTPS_PROXY": "127.0.0.1:9",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".geofront-no-network",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
}

_VIRTUAL = re.compile(r"^(/vsi[a-z0-9_]*/|[a-z][a-z0-9+.-]*://|vrt:)", re.IGNORECASE)
#: Network references inside a VRT (its sources are opened by GDAL).
_NETWORK_REF = re.compile(
    r"/vsi(curl|s3|gs|az|adls|oss|swift|hdfs|webhdfs)|[a-z][a-z0-9+.-]*://", re.IGNORECASE
)

# --- inputs ----------------------------------------------------------------------------


def check_input_file(path: str | os.PathLike[str], what: str = "input") -> Path:
    """Return ``path`` as a Path, or raise a one-line :class:`DataFileError`.

    Accepts an existing, readable, non-empty regular file (a symbolic link to one is
    fine). Refuses GDAL virtual file systems and URLs, folders, pipes and devices, broken
    links and link loops, unreadable and empty files, each with what to do.
    """
    text = os.fspath(path)
    if _VIRTUAL.match(str(text).strip()):
        raise DataFileError(
            f"{what} {text} is a GDAL virtual file system path or a URL: geofront reads "
            "local files only (and never the network); download or unpack it and give "
            "its local path"
        )
    p = Path(text)
    try:
        st = p.stat()
    except FileNotFoundError:
        if p.is_symlink():
            raise DataFileError(
                f"{what} file {p} is a broken symbolic link (to {os.readlink(p)}): fix the "
                "link or give the file itself"
            ) from None
        raise DataFileError(f"{what} file {p} does not exist: check the path") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DataFileError(
                f"{what} file {p} is a symbolic link loop (its links point back to each "
                "other): give the real file"
            ) from None
        if exc.errno == errno.ENOTDIR:
            raise DataFileError(f"{what} file {p} does not exist: check the path") from None
        raise DataFileError(f"cannot read {what} file {p}: {describe_os_error(exc)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise DataFileError(f"{what} {p} is a directory, not a file: give the file inside it")
    if not stat.S_ISREG(st.st_mode):
        raise DataFileError(
            f"{what} {p} is not a regular file (a pipe, socket or device): save the data "
            "to a file and give that"
        )
    if st.st_size == 0:
        raise DataFileError(f"{what} file {p} is empty (0 bytes): give a file with data")
    try:
        with open(p, "rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise DataFileError(f"cannot read {what} file {p}: {describe_os_error(exc)}") from None
    return p


#: What each extension read through GDAL (or Arrow) must hold: leading bytes, and a name.
_MAGIC: dict[str, tuple[tuple[bytes, ...], str]] = {
    ".gpkg": ((b"SQLite format 3\x00",), "a GeoPackage"),
    ".shp": ((b"\x00\x00\x27\x0a",), "a Shapefile"),
    ".fgb": ((b"fgb\x03",), "a FlatGeobuf file"),
    ".parquet": ((b"PAR1",), "a Parquet file"),
    ".geoparquet": ((b"PAR1",), "a Parquet file"),
    ".tif": ((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"), "a GeoTIFF"),
    ".tiff": ((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"), "a GeoTIFF"),
}
_TEXT_START = {".geojson": ("{", "GeoJSON"), ".json": ("{", "GeoJSON"), ".vrt": ("<", "a VRT")}


def check_content(p: Path, *, what: str) -> None:
    """Raise :class:`DataFileError` unless ``p`` holds what its extension says.

    GeoPackage, Shapefile, FlatGeobuf, Parquet and GeoTIFF are recognised by their first
    bytes; GeoJSON must start with ``{``; a ``.vrt`` must be a raster VRT without any
    network reference. Anything else under such an extension -- above all a GDAL VRT,
    which makes GDAL open other files or URLs -- is refused, naming what it is.
    """
    suffix = p.suffix.lower()
    with open(p, "rb") as fh:
        head = fh.read(4096)
    if suffix in _MAGIC:
        magics, name = _MAGIC[suffix]
        if not head.startswith(magics):
            raise DataFileError(_not_what(p, what, name, head))
    elif suffix in _TEXT_START:
        start, name = _TEXT_START[suffix]
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if suffix == ".vrt":
            _check_vrt(p, what, text)
        elif not text.startswith(start.encode()):
            raise DataFileError(_not_what(p, what, name, head))


def _check_vrt(p: Path, what: str, text: bytes) -> None:
    if not text.startswith(b"<VRTDataset"):
        raise DataFileError(_not_what(p, what, "a raster VRT (<VRTDataset>)", text))
    body = p.read_text(encoding="utf-8", errors="replace")
    found = _NETWORK_REF.search(body)
    if found:
        raise DataFileError(
            f"{what} {p} is a VRT that refers to the network ({found.group(0)}...): "
            "geofront never reads from the network; download the sources and point the "
            "VRT at local files"
        )


def _not_what(p: Path, what: str, expected: str, head: bytes) -> str:
    actual = describe_content(head)
    if "VRT" in actual:
        return (
            f"cannot read {what} file {p}: it is {actual}, not {expected}; a VRT makes GDAL "
            "read other files or URLs, so geofront opens one only when its name ends in "
            f".vrt: give the real {p.suffix} file"
        )
    return (
        f"cannot read {what} file {p}: it holds {actual}, not {expected}; give {expected}, "
        "or rename the file so that its extension says what it holds"
    )


def describe_content(head: bytes) -> str:
    """Name what the first bytes of a file look like (for error messages)."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    named = (
        (b"<OGRVRTDataSource", "a GDAL VRT (XML)"),
        (b"<VRTDataset", "a GDAL VRT (XML)"),
        (b"\x1f\x8b", "gzip-compressed data"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"SQLite format 3\x00", "a SQLite database"),
        (b"PAR1", "Parquet data"),
        (b"II*\x00", "a TIFF image"),
        (b"MM\x00*", "a TIFF image"),
        (b"\x89PNG", "a PNG image"),
        (b"%PDF", "a PDF document"),
        (b"\xff\xfe", "UTF-16 text"),
        (b"\xfe\xff", "UTF-16 text"),
        (b"<", "XML or HTML"),
        (b"{", "JSON text"),
        (b"[", "JSON text"),
    )
    for magic, name in named:
        if text.startswith(magic):
            return name
    if not text:
        return "only blank space"
    try:
        text[:1024].decode("utf-8")
    except UnicodeDecodeError:
        return "binary data"
    return "plain text" if b"\x00" not in text[:1024] else "binary data"


def csv_header(p: Path, *, what: str) -> tuple[list[str], str]:
    """Return the header fields and the delimiter (``,``, ``;`` or tab) of a CSV file.

    Raises
    ------
    DataFileError
        The file is not UTF-8 text (UTF-16, gzip, binary...) or has no header row.
    """
    import codecs
    import csv
    import io

    with open(p, "rb") as fh:
        head = fh.read(1 << 16)
    kind = describe_content(head)
    if kind in ("UTF-16 text", "binary data", "gzip-compressed data", "a ZIP archive") or (
        b"\x00" in head
    ):
        raise DataFileError(
            f"{what} file {p} is not UTF-8 text (it holds {kind}): save it as CSV UTF-8 and retry"
        )
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"{what} file {p} is not UTF-8 text (byte {exc.start}): save it as CSV UTF-8 and retry"
        ) from exc
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise DataFileError(f"{what} file {p} has no header row: give a CSV with a header")
    delimiter = max((",", ";", "\t"), key=first.count)
    header = next(csv.reader(io.StringIO(text, newline=None), delimiter=delimiter))
    return [h.strip() for h in header], delimiter


def gdal_message(exc: BaseException) -> str:
    """One line from a GDAL/pyogrio/rasterio error, without advice meant for GDAL users.

    GDAL suggests prefixing paths with ``<DRIVER>:``; geofront picks drivers by
    extension, so that hint is dropped.
    """
    text = " ".join(str(exc).split()) or type(exc).__name__
    text = re.sub(r"[;.]?\s*It might help to specify the correct driver.*$", "", text)
    return text.rstrip(" ;.") or type(exc).__name__


@contextlib.contextmanager
def gdal_config() -> Iterator[None]:
    """Run the block with :data:`GDAL_SAFE_CONFIG` set in pyogrio's GDAL (then restored).

    rasterio carries its own GDAL: :mod:`geofront.raster` sets the same options with
    ``rasterio.Env``.
    """
    import pyogrio

    before = {k: pyogrio.get_gdal_config_option(k) for k in GDAL_SAFE_CONFIG}
    pyogrio.set_gdal_config_options(GDAL_SAFE_CONFIG)
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options(before)


# --- outputs ---------------------------------------------------------------------------

_SIDECARS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")


def check_distinct_paths(
    inputs: Mapping[str, Iterable[str | os.PathLike[str]]],
    outputs: Mapping[str, Iterable[str | os.PathLike[str]]],
    *,
    protect_bundled: bool = True,
) -> None:
    """Refuse an output that is the same file as an input, or as another output.

    Parameters
    ----------
    inputs, outputs : mapping of label -> paths
        Labels name the option or argument (``"EVENTS"``, ``"--rejects"``) in messages.
        Files are compared by identity (device and inode, so links and other spellings
        of a path count) and by resolved path; a Shapefile counts with its sidecar files.
    protect_bundled : bool, default True
        Treat every bundled dataset file as an input (commands read them by default).

    Raises
    ------
    OutputError
        One line naming both options and the file.
    """
    seen_in = [(label, key, p) for label, ps in inputs.items() for p in ps for key in _keys(p)]
    if protect_bundled:
        seen_in += [("the bundled data", key, p) for p in _bundled_files() for key in _keys(p)]
    seen_out: list[tuple[str, object, str | os.PathLike[str]]] = []
    for label, paths in outputs.items():
        for p in paths:
            for key in _keys(p):
                for other, k, q in seen_in:
                    if k == key:
                        raise OutputError(
                            f"{label} {p} is the same file as {other} {q}: writing it would "
                            "destroy that input; choose another output file"
                        )
                for other, k, q in seen_out:
                    if k == key and other != label:
                        raise OutputError(
                            f"{label} {p} is the same file as {other} {q}: one would "
                            "overwrite the other; give each output its own file"
                        )
            seen_out += [(label, key, p) for key in _keys(p)]


def _keys(path: str | os.PathLike[str]) -> list[object]:
    """Identities of a file: resolved path and (device, inode) if it exists; Shapefile
    sidecars included."""
    p = Path(path)
    parts = [p]
    if p.suffix.lower() in _SIDECARS:
        parts = [p.with_suffix(s) for s in _SIDECARS]
    keys: list[object] = []
    for q in parts:
        with contextlib.suppress(OSError, RuntimeError):
            keys.append(str(q.resolve()))
        with contextlib.suppress(OSError):
            st = q.stat()
            keys.append((st.st_dev, st.st_ino))
    return keys


def _bundled_files() -> list[Path]:
    from geofront import datasets

    out = []
    for name in datasets.names():
        with contextlib.suppress(Exception):
            out.append(datasets.get_path(name))
    return out


def temp_name(dest: Path, *, kind: str = "") -> str:
    """Prefix of a temporary file or folder for ``dest``, recognisable and owned by this
    process: ``.<name>.geofront<kind>-<pid>-``."""
    stem = dest.stem if not kind else dest.name
    return f".{stem}.geofront{kind}-{os.getpid()}-"


_TEMP = re.compile(r"^\.(?P<stem>.+)\.geofront(?P<kind>[a-z-]*)-(?P<pid>\d+)-[^/]*$")


def remove_stale(folder: Path, *, stem: str | None = None) -> list[Path]:
    """Remove temporary files and folders that killed geofront processes left in
    ``folder`` (their pid no longer runs); only those of ``stem`` when given.

    Each removal is logged as a warning naming the path. Returns the paths removed.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _TEMP.match(entry.name)
        if not m or (stem is not None and m.group("stem") != stem):
            continue
        pid = int(m.group("pid"))
        if pid == os.getpid() or _alive(pid):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError as exc:
            log.warning("cannot remove %s, left by an interrupted run: %s", path, exc.strerror)
            continue
        log.warning("removed %s, left by an interrupted geofront run (process %d)", path, pid)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back during the block (delivered when it ends), so that a
    run of renames that must happen together is not split by Ctrl-C."""
    import signal

    held = {signal.SIGINT, signal.SIGTERM}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # not the main thread, or no such call
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False when the system cannot (then nothing has changed).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def describe_os_error(exc: OSError) -> str:
    """``No space left on device (ENOSPC)``: the cause of an OSError, in one phrase."""
    code = errno.errorcode.get(exc.errno or 0, "")
    cause = exc.strerror or str(exc) or type(exc).__name__
    return f"{cause} ({code})" if code else cause
