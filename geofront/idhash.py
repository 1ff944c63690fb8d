"""Hashes of event ids, and counting which hashes repeat, in bounded memory.

Finding repeated ids in 10^8 rows must not keep 10^8 strings in memory: the first pass
over a file hashes every id to 64 bits (:func:`hash_strings`, vectorised over Arrow
buffers) and counts the hashes (:class:`HashCounter`, which spills to disk). Only ids
whose hash repeats can repeat; :class:`geofront.event_checks.DuplicateIds` then compares
those by their text, so a hash collision costs a comparison, never a wrong answer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def hash_strings(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A 64-bit hash of each string (nulls hash as ""), vectorised over Arrow buffers.

    Not cryptographic: equal strings give equal hashes, different strings rarely the
    same (:class:`~geofront.event_checks.DuplicateIds` then compares the texts, so a
    collision costs nothing but a comparison). A string's UTF-8 bytes are read eight at a
    time (zero-padded to a multiple of eight); its hash depends on its bytes alone, never
    on the other strings of the array.
    """
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    arr = pc.fill_null(arr.cast(pa.large_string()), "")
    n = len(arr)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    lengths = np.asarray(pc.binary_length(arr), dtype=np.int64)
    longest = int(lengths.max())
    width = max(8, -(-longest // 8) * 8)
    if longest <= 64 and pc.all(pc.string_is_ascii(arr)).as_py():
        # one byte a character: Arrow pads every string to the same width at once
        padded = pc.utf8_rpad(arr, width=width, padding="\0").cast(pa.large_binary())
        start = int(
            np.frombuffer(padded.buffers()[1], dtype=np.int64, count=1, offset=padded.offset * 8)[0]
        )
        raw = np.frombuffer(padded.buffers()[2], dtype=np.uint8)[start : start + n * width]
        return _mix(raw.view("<u8").reshape(n, width // 8), lengths)
    out = np.empty(n, dtype=np.uint64)
    step = max(1, (64 << 20) // width)  # rows per chunk: at most 64 MB of padded bytes
    for s in range(0, n, step):
        part = arr.slice(s, step)
        out[s : s + len(part)] = _mix(_padded_words(part, width), lengths[s : s + step])
    return out


def _padded_words(arr: pa.Array, width: int) -> np.ndarray:
    """Each string's bytes, zero-padded to ``width``, as rows of little-endian words."""
    n = len(arr)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64, count=n + 1, offset=arr.offset * 8)
    lengths = np.diff(offsets)
    start, stop = int(offsets[0]), int(offsets[-1])
    out = np.zeros(n * width, dtype=np.uint8)
    if stop > start:
        data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[start:stop]
        row = np.repeat(np.arange(n, dtype=np.int64), lengths)
        pos = np.arange(stop - start, dtype=np.int64) - np.repeat(offsets[:-1] - start, lengths)
        out[row * width + pos] = data
    return out.view("<u8").reshape(n, width // 8)


def _mix(words: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Hash rows of words, each row only as far as its string's length goes."""
    with np.errstate(over="ignore"):
        h = lengths.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        for k in range(words.shape[1]):
            active = lengths > 8 * k  # a string's own words only
            mixed = (h ^ words[:, k]) * _MULT64
            mixed ^= mixed >> np.uint64(29)
            h = np.where(active, mixed, h)
        # splitmix64 finaliser: spreads the bits
        h ^= h >> np.uint64(30)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(27)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(31)
    return h


_MULT64 = np.uint64(0xFF51AFD7ED558CCD)


class HashCounter:
    """Counts 64-bit hashes to find those seen more than once, in bounded memory.

    Hashes are kept in memory up to ``spill_at`` of them, then spread over 256 files
    (by their top byte) in a temporary folder, so that finding the repeated ones needs
    one file's worth of memory at a time.
    """

    def __init__(self, *, spill_at: int = 1 << 24) -> None:
        self.spill_at = spill_at
        self._buffer: list[np.ndarray] = []
        self._buffered = 0
        self._dir: tempfile.TemporaryDirectory[str] | None = None

    def add(self, hashes: np.ndarray) -> None:
        """Count these hashes."""
        self._buffer.append(np.asarray(hashes, dtype=np.uint64))
        self._buffered += len(hashes)
        if self._buffered >= self.spill_at:
            self._spill()

    def _spill(self) -> None:
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="geofront-ids-")
        h = np.concatenate(self._buffer)
        self._buffer, self._buffered = [], 0
        bucket = (h >> np.uint64(56)).astype(np.int64)
        order = np.argsort(bucket, kind="stable")
        h = h[order]
        edges = np.searchsorted(bucket[order], np.arange(257))
        for b in range(256):
            if edges[b] < edges[b + 1]:
                with open(Path(self._dir.name) / f"{b:03d}.u64", "ab") as fh:
                    h[edges[b] : edges[b + 1]].tofile(fh)

    def repeated(self) -> np.ndarray:
        """Sorted hashes counted more than once."""
        if self._dir is None:
            h = np.sort(np.concatenate(self._buffer)) if self._buffer else np.zeros(0, np.uint64)
            return np.unique(h[1:][h[1:] == h[:-1]])
        self._spill()
        out = []
        for b in range(256):
            f = Path(self._dir.name) / f"{b:03d}.u64"
            if f.exists():
                h = np.sort(np.fromfile(f, dtype=np.uint64))
                out.append(np.unique(h[1:][h[1:] == h[:-1]]))
        return np.concatenate(out) if out else np.zeros(0, np.uint64)

    def close(self) -> None:
        """Remove the temporary files."""
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None
