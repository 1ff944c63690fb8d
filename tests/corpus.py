"""A corpus of malformed inputs, generated in code, run through every command.

Each :class:`Case` writes one input -- an events file, a joined table, boundaries, a
population raster, a control table, a case file, cities, assessments, a side mapping
or a timeline table -- into a fresh folder of a tiny synthetic world (tests/world.py:
four 20 km districts, two cities, a 1 km population raster, ten ACLED-layout events),
and says how it must end:

``error``
    exit 1 and exactly one ``Error: ...`` line (warnings aside) that names the input
    file and matches the case's pattern: no traceback, no "internal error".
``rejects``
    exit 0 and every row accounted for: ``join`` reads the file's data records, joins
    some and rejects the rest (the rejects file has them, with reasons); every other
    command says how many rows it rejected (``R of N rows rejected``); ``run`` writes
    joined and rejected tables that add up.
``ok``
    exit 0, nothing rejected, every record joined.

Commands per kind of input are in :data:`COMMANDS`. Events cases whose file is accepted
go through the cheap commands (join, control, summarize, exposure) every time, and
through the expensive ones (timeline, siege, the four maps, run) once per distinct
joined table -- the output of those commands is a function of that table, which the
cheap commands have shown to be read right -- unless ``full`` is asked for
(``python tests/corpus.py --full``; the slow test does it).

``python tests/corpus.py`` runs the corpus and prints the classification table.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from affine import Affine
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

import world as w
from geofront.cli.main import cli
from geofront.events import ACLED_COLUMNS, UCDP_GED_COLUMNS

AS_OF = "2021-07-07"
FIG = ["--dpi", "10", "--width", "4"]
OUTCOMES = ("error", "rejects", "ok")

# --- the world ---------------------------------------------------------------------------

#: The ten good events: (x_km, y_km, date, event_type, sub_event_type, actor1, actor2).
_TALIBAN, _ARMY = "Taliban", "Military Forces of Afghanistan (2004-2021)"
BASE_EVENTS = (
    (5, 30, "2021-07-02", "Strategic developments", "Non-state actor overtakes territory", _TALIBAN, ""),
    (15, 35, "2021-07-03", "Battles", "Armed clash", _TALIBAN, _ARMY),
    (25, 25, "2021-07-04", "Battles", "Armed clash", _ARMY, _TALIBAN),
    (35, 35, "2021-07-05", "Violence against civilians", "Attack", _TALIBAN, "Civilians (Afghanistan)"),
    (5, 5, "2021-07-01", "Battles", "Armed clash", _TALIBAN, _ARMY),
    (12, 8, "2021-07-06", "Explosions/Remote violence", "Air/drone strike", _ARMY, _TALIBAN),
    (25, 5, "2021-07-07", "Battles", "Armed clash", _TALIBAN, _ARMY),
    (35, 15, "2021-07-02", "Battles", "Armed clash", _ARMY, _TALIBAN),
    (10, 12, "2021-07-03", "Battles", "Armed clash", _TALIBAN, _ARMY),
    (30, 28, "2021-07-06", "Battles", "Armed clash", _TALIBAN, _ARMY),
)  # fmt: skip


def acled_rows() -> list[dict[str, str]]:
    """The ten good events as ACLED export rows (every column text)."""
    rows = []
    for i, (x, y, day, etype, sub, a1, a2) in enumerate(BASE_EVENTS, start=1):
        lon, lat = w.lonlat(x, y)
        row = dict.fromkeys(ACLED_COLUMNS, "")
        row.update(
            event_id_cnty=f"WLD{i:04d}",
            event_date=day,
            year="2021",
            time_precision="1",
            disorder_type="Political violence",
            event_type=etype,
            sub_event_type=sub,
            actor1=a1,
            actor2=a2,
            country="Afghanistan",
            admin1="North" if y >= 20 else "South",
            location=f"Place {i}",
            latitude=f"{lat:.5f}",
            longitude=f"{lon:.5f}",
            geo_precision="1",
            source="corpus",
            notes=f"Event {i} written by tests/corpus.py",
            fatalities=str(i),
        )
        rows.append(row)
    return rows


def csv_bytes(
    rows: Iterable[dict[str, str] | list[str]],
    header: Iterable[str] = ACLED_COLUMNS,
    *,
    sep: str = ",",
    eol: str = "\n",
) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator=eol)
    head = list(header)
    writer.writerow(head)
    for r in rows:
        writer.writerow([r.get(c, "") for c in head] if isinstance(r, dict) else r)
    return buf.getvalue().encode("utf-8")


def ucdp_rows() -> list[dict[str, str]]:
    """The ten good events as UCDP GED rows."""
    rows = []
    for i, (x, y, day, *_) in enumerate(BASE_EVENTS, start=1):
        lon, lat = w.lonlat(x, y)
        row = dict.fromkeys(UCDP_GED_COLUMNS, "")
        row.update(
            id=str(900000 + i),
            relid=f"AFG-2021-1-{i}",
            year="2021",
            type_of_violence="1",
            side_a="Government of Afghanistan",
            side_b="Taleban",
            where_prec="1",
            latitude=f"{lat:.5f}",
            longitude=f"{lon:.5f}",
            country="Afghanistan",
            date_prec="1",
            date_start=f"{day} 00:00:00.000",
            date_end=f"{day} 00:00:00.000",
            best=str(i),
        )
        rows.append(row)
    return rows


@dataclass
class World:
    """Files of the synthetic world and the arguments that point commands at them."""

    root: Path
    boundaries: Path
    events: Path
    population: Path
    cities: Path
    joined: Path
    joined_gpkg: Path
    control_gpkg: Path
    control_csv: Path
    timeline: Path
    assessments: Path

    @property
    def bargs(self) -> list[str]:
        return boundary_args(self.boundaries)


def boundary_args(path: Path | str) -> list[str]:
    return [
        "--boundaries",
        str(path),
        "--district-id",
        "district_id",
        "--province-id",
        "province_id",
    ]


def write_raster(
    path: Path,
    values: np.ndarray,
    *,
    nodata: float | None = -99999.0,
    crs: str | None = w.UTM,
    transform: Affine | None = None,
    count: int = 1,
) -> Path:
    """A float32 GeoTIFF over the world (1 km cells from 5 km west/south of it)."""
    profile = {
        "driver": "GTiff",
        "width": values.shape[1],
        "height": values.shape[0],
        "count": count,
        "dtype": "float32",
        "transform": transform or Affine(1000.0, 0.0, w.X0 - 5000, 0.0, -1000.0, w.Y0 + 45000),
        "nodata": nodata,
    }
    if crs is not None:
        profile["crs"] = crs
    with rasterio.open(path, "w", **profile) as dst:
        for band in range(1, count + 1):
            dst.write(values.astype("float32"), band)
    return path


def build_world(root: Path) -> World:
    """Write the world's files under ``root`` (the joined, control and timeline tables
    with the real commands)."""
    root.mkdir(parents=True, exist_ok=True)
    boundaries = root / "world.gpkg"
    w.districts_frame().to_file(boundaries, driver="GPKG", layer="districts")
    events = root / "events.csv"
    events.write_bytes(csv_bytes(acled_rows()))
    population = write_raster(root / "pop.tif", np.full((50, 50), 10.0))
    lonc, latc = w.lonlat(10, 10)
    lonb, latb = w.lonlat(30, 30)
    cities = root / "cities.csv"
    cities.write_text(
        f"city,province,latitude,longitude\nCapital,South,{latc:.6f},{lonc:.6f}\n"
        f"Border Town,North,{latb:.6f},{lonb:.6f}\n"
    )
    made = World(
        root,
        boundaries,
        events,
        population,
        cities,
        root / "joined.csv",
        root / "joined.gpkg",
        root / "control.gpkg",
        root / "control.csv",
        root / "timeline.csv",
        root / "assessments.csv",
    )
    made.assessments.write_text(
        "province,district,status,date\nNorth,Alpha,insurgent,2021-07-01\n"
        "South,Delta,government,2021-07-01\n"
    )
    b = made.bargs
    for args in (
        ["join", str(events), "-o", str(made.joined), *b],
        ["join", str(events), "-o", str(made.joined_gpkg), *b],
        ["control", str(events), "--as-of", AS_OF, "-o", str(made.control_gpkg), *b],
        ["control", str(events), "--as-of", AS_OF, "-o", str(made.control_csv), *b],
        [
            "timeline",
            str(events),
            "--start",
            "2021-07-01",
            "--end",
            AS_OF,
            "-o",
            str(made.timeline),
            *b,
        ],
    ):
        res = CliRunner().invoke(cli, ["-q", *args])
        assert res.exit_code == 0, (args, res.output)
    return made


# --- cases -------------------------------------------------------------------------------

Maker = Callable[[World, Path], Path]


@dataclass(frozen=True)
class Case:
    """One malformed (or tricky but valid) input and how every command must end with it.

    ``records``: data records of an events file (join must read that many);
    ``rejected``: rows join must reject; ``match``: regex the error line must contain;
    ``names_file``: the error line names the input file; ``may_fail``: commands that
    may end in a clean error instead (e.g. a map of zero events). ``raw_expect`` and
    ``raw_rejected``: for a joined table, how ``join`` and ``run`` end, which read any
    file as raw events and join it again. ``ok_for``: commands for which the defect does
    not matter (they do not read that column) and which must give a correct result.
    """

    def expected(self, command: str) -> tuple[str, int]:
        """(outcome, rows rejected) that ``command`` must give."""
        if self.kind == "joined" and command in ("join", "run"):
            return self.raw_expect or self.expect, self.raw_rejected
        if command in self.ok_for:
            return "ok", 0
        return self.expect, self.rejected

    name: str
    kind: str
    make: Maker
    expect: str
    match: str = ""
    records: int = 10
    rejected: int = 0
    names_file: bool = True
    may_fail: tuple[str, ...] = ()
    raw_expect: str = ""
    raw_rejected: int = 0
    ok_for: tuple[str, ...] = ()


def _file(name: str, content: bytes | Callable[[World], bytes]) -> Maker:
    def make(world: World, d: Path) -> Path:
        p = d / name
        p.write_bytes(content(world) if callable(content) else content)
        return p

    return make


def _events(rows_fn: Callable[[], list], name: str = "ev.csv", **kw: object) -> Maker:
    return _file(name, lambda world: csv_bytes(rows_fn(), **kw))  # type: ignore[arg-type]


def _plus(**changes: str) -> Callable[[], list]:
    """The ten good rows plus one row: row 1 with ``changes`` and a new id."""

    def rows() -> list:
        base = acled_rows()
        extra = dict(base[0], event_id_cnty="WLD9999", **changes)
        return [*base, extra]

    return rows


def _set(indices: Iterable[int], **changes: str) -> Callable[[], list]:
    def rows() -> list:
        base = acled_rows()
        for i in indices:
            base[i] = dict(base[i], **changes)
        return base

    return rows


def _text_lines(world: World) -> list[str]:
    return world.events.read_text().splitlines()


def _raw(fn: Callable[[World], str], name: str = "ev.csv") -> Maker:
    return _file(name, lambda world: fn(world).encode("utf-8"))


def _vector(
    name: str,
    driver: str,
    *,
    mutate: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame] | None = None,
    layers: int = 1,
) -> Maker:
    def make(world: World, d: Path) -> Path:
        rows = acled_rows()
        frame = gpd.GeoDataFrame(
            {
                "id": [r["event_id_cnty"] for r in rows],
                "date": [r["event_date"] for r in rows],
                "actor1": [r["actor1"] for r in rows],
                "actor2": [r["actor2"] for r in rows],
                "event_type": [r["event_type"] for r in rows],
                "sub_event_type": [r["sub_event_type"] for r in rows],
                "fatalities": [int(r["fatalities"]) for r in rows],
            },
            geometry=gpd.points_from_xy(
                [float(r["longitude"]) for r in rows], [float(r["latitude"]) for r in rows]
            ),
            crs="EPSG:4326",
        )
        if mutate is not None:
            frame = mutate(frame)
        p = d / name
        if driver == "ESRI Shapefile":
            frame = frame.rename(columns={"sub_event_type": "sub_type"})  # 10 characters at most
        if driver == "Parquet":
            frame.to_parquet(p)
        elif driver == "PlainParquet":
            plain = pd.DataFrame(frame.drop(columns="geometry"))
            plain["lat"] = frame.geometry.y
            plain["lon"] = frame.geometry.x
            plain.to_parquet(p)
        else:
            for k in range(layers):
                frame.to_file(p, driver=driver, layer=f"events{k}" if layers > 1 else None)
        return p

    return make


def _vrt_passwd(layer: str = "passwd") -> bytes:
    return (
        f'<OGRVRTDataSource><OGRVRTLayer name="{layer}">'
        "<SrcDataSource>CSV:/etc/passwd</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>\n"
    ).encode()


def _vrt_url() -> bytes:
    return (
        b'<OGRVRTDataSource><OGRVRTLayer name="remote">'
        b"<SrcDataSource>/vsicurl/http://127.0.0.1:9/events.csv</SrcDataSource>"
        b"</OGRVRTLayer></OGRVRTDataSource>\n"
    )


def _raster_vrt(source: str) -> bytes:
    return (
        '<VRTDataset rasterXSize="50" rasterYSize="50"><SRS>EPSG:32641</SRS>'
        f"<GeoTransform>{w.X0 - 5000}, 1000, 0, {w.Y0 + 45000}, 0, -1000</GeoTransform>"
        '<VRTRasterBand dataType="Float32" band="1"><SimpleSource>'
        f'<SourceFilename relativeToVRT="0">{source}</SourceFilename><SourceBand>1</SourceBand>'
        "</SimpleSource></VRTRasterBand></VRTDataset>\n"
    ).encode()


def _link(target: Callable[[Path], str], name: str = "ev.csv") -> Maker:
    def make(world: World, d: Path) -> Path:
        p = d / name
        os.symlink(target(d), p)
        return p

    return make


def _fifo(world: World, d: Path) -> Path:
    p = d / "ev.csv"
    os.mkfifo(p)
    return p


def _joined_edit(col: str, value: str, row: int = 2) -> Maker:
    def make(world: World, d: Path) -> Path:
        frame = pd.read_csv(world.joined, dtype=str, keep_default_na=False)
        frame.loc[row, col] = value
        p = d / "joined.csv"
        frame.to_csv(p, index=False)
        return p

    return make


def _joined_gpkg_edit(world: World, d: Path) -> Path:
    frame = gpd.read_file(world.joined_gpkg)
    frame.loc[3, "latitude"] = 95.5
    p = d / "joined.gpkg"
    frame.to_file(p, driver="GPKG")
    return p


def _gpkg_head(world: World, d: Path) -> Path:
    p = d / "ev.gpkg"
    p.write_bytes(world.joined_gpkg.read_bytes()[:2048])
    return p


def _shp_without_dbf(world: World, d: Path) -> Path:
    p = _vector("ev.shp", "ESRI Shapefile")(world, d)
    p.with_suffix(".dbf").unlink()
    return p


def _ucdp(
    changes: dict[int, dict[str, str]] | None = None,
    *,
    drop: str | None = None,
    header: bool = True,
) -> Maker:
    def make(world: World, d: Path) -> Path:
        rows = ucdp_rows()
        for i, ch in (changes or {}).items():
            rows[i] = dict(rows[i], **ch)
        cols = [c for c in UCDP_GED_COLUMNS if c != drop]
        text = csv_bytes(rows, cols)
        if not header:
            text = b"\n".join(text.split(b"\n")[1:])
        p = d / "ucdp.csv"
        p.write_bytes(text)
        return p

    return make


def _acled_without(col: str) -> Maker:
    cols = [c for c in ACLED_COLUMNS if c != col]
    return _file("ev.csv", lambda world: csv_bytes(acled_rows(), cols))


def _huge_field(world: World) -> bytes:
    rows = acled_rows()
    rows[4] = dict(rows[4], notes="long report " * (17 * 2**20 // 12))
    return csv_bytes(rows)


def _unclosed_last(world: World) -> bytes:
    lines = csv_bytes(acled_rows()).decode().splitlines()
    lines[3] = lines[3] + '"1625097600'  # the last field (timestamp) opens a quote
    return ("\n".join(lines) + "\n").encode()


def _unclosed_middle(world: World) -> bytes:
    lines = csv_bytes(acled_rows()).decode().splitlines()
    cells = lines[3].split(",")
    cells[7] = '"' + cells[7]  # an opening quote in actor1, never closed
    lines[3] = ",".join(cells)
    return ("\n".join(lines) + "\n").encode()


def _ragged(extra: int) -> Callable[[World], bytes]:
    def content(world: World) -> bytes:
        lines = csv_bytes(acled_rows()).decode().splitlines()
        lines[3] = lines[3] + ",x" * extra if extra > 0 else lines[3].rsplit(",", -extra)[0]
        return ("\n".join(lines) + "\n").encode()

    return content


def _nul_in_notes(world: World) -> bytes:
    rows = acled_rows()
    rows[8] = dict(rows[8], notes="x" * 70000 + "\x00end")
    return csv_bytes(rows)


def _many_columns(world: World) -> bytes:
    header = [*ACLED_COLUMNS, *(f"extra_{i}" for i in range(500))]
    return csv_bytes(acled_rows(), header)


def _generic(world: World) -> bytes:
    rows = [
        [
            r["event_id_cnty"],
            r["event_date"],
            r["latitude"],
            r["longitude"],
            r["actor1"],
            r["actor2"],
        ]
        for r in acled_rows()
    ]
    return csv_bytes(rows, ["id", "date", "lat", "lon", "actor1", "actor2"])


def _generic_no_lat(world: World) -> bytes:
    rows = [[r["event_id_cnty"], r["event_date"], r["longitude"]] for r in acled_rows()]
    return csv_bytes(rows, ["id", "date", "lon"])


def _decimal_comma(world: World) -> bytes:
    rows = acled_rows()
    for r in rows:
        r["latitude"] = r["latitude"].replace(".", ",")
        r["longitude"] = r["longitude"].replace(".", ",")
    return csv_bytes(rows, sep=";")


def _binary(n: int, seed: int = 11) -> bytes:
    return np.random.default_rng(seed).integers(0, 256, n, dtype=np.uint8).tobytes()


def _xlsx_like(world: World) -> bytes:
    return b"PK\x03\x04\x14\x00\x06\x00" + _binary(3000)


# fmt: off
EVENT_CASES: list[Case] = [
    Case("empty file", "events", _file("ev.csv", b""), "error", "is empty"),
    Case("only blank space", "events", _file("ev.csv", b"  \n\t\n\n"), "error", "no header row"),
    Case("header without rows", "events", _file("ev.csv", lambda wd: csv_bytes([])), "error", "no data rows"),
    Case("random bytes", "events", _file("ev.csv", _binary(5000)), "error", "not UTF-8"),
    Case("gzip-compressed CSV", "events", _file("ev.csv", lambda wd: gzip.compress(wd.events.read_bytes(), mtime=0)), "error", "not UTF-8"),
    Case("UTF-16 with BOM", "events", _file("ev.csv", lambda wd: wd.events.read_text().encode("utf-16")), "error", "not UTF-8"),
    Case("UTF-16 without BOM", "events", _file("ev.csv", lambda wd: wd.events.read_text().encode("utf-16-le")), "error", "not UTF-8"),
    Case("Latin-1 accent", "events", _file("ev.csv", lambda wd: (wd.events.read_text() .replace("Place 3", "Bāzār 3") .encode("latin-1", "replace") .replace(b"?", b"\xe9"))), "error", "not UTF-8"),
    Case("an Excel workbook named .csv", "events", _file("ev.csv", _xlsx_like), "error", "not UTF-8"),
    Case("UTF-8 with BOM", "events", _file("ev.csv", lambda wd: b"\xef\xbb\xbf" + wd.events.read_bytes()), "ok"),
    Case("CRLF line ends", "events", _file("ev.csv", lambda wd: csv_bytes(acled_rows(), eol="\r\n")), "ok"),
    Case("CR line ends (old Mac)", "events", _file("ev.csv", lambda wd: csv_bytes(acled_rows(), eol="\r")), "ok"),
    Case("semicolons and decimal commas", "events", _file("ev.csv", _decimal_comma), "ok"),
    Case("tab-separated", "events", _file("ev.csv", lambda wd: csv_bytes(acled_rows(), sep="\t")), "ok"),
    Case("pipe-separated", "events", _file("ev.csv", lambda wd: csv_bytes(acled_rows(), sep="|")), "error", "cannot find the latitude column"),
    Case("generic table", "events", _file("ev.csv", _generic), "ok"),
    Case("generic table without latitude", "events", _file("ev.csv", _generic_no_lat), "error", "cannot find the latitude column"),
    Case("ACLED without actor1", "events", _acled_without("actor1"), "error", "looks like an ACLED export.*lacks actor1.*--format csv"),
    Case("ACLED without event_id_cnty", "events", _acled_without("event_id_cnty"), "error", "looks like an ACLED export.*lacks event_id_cnty"),
    Case("UCDP without best", "events", _ucdp(drop="best"), "error", "looks like a UCDP GED file.*lacks best"),
    Case("UCDP GED", "events", _ucdp(), "ok"),
    Case("UCDP Candidate without header", "events", _ucdp(header=False), "ok"),
    Case("UCDP date_end before date_start", "events", _ucdp({2: {"date_end": "2021-06-01 00:00:00.000"}}), "rejects", rejected=1),
    Case("UCDP country-precision event", "events", _ucdp({2: {"where_prec": "6"}}), "ok"),
    Case("row with two extra fields", "events", _file("ev.csv", _ragged(2)), "rejects", rejected=1),
    Case("row with two fields short", "events", _file("ev.csv", _ragged(-2)), "rejects", rejected=1),
    Case("blank lines between rows", "events", _raw(lambda wd: "\n\n".join(_text_lines(wd)) + "\n"), "ok"),
    Case("a line of spaces between rows", "events", _raw(lambda wd: "\n".join([*_text_lines(wd)[:5], "   ", *_text_lines(wd)[5:]]) + "\n"), "rejects", records=11, rejected=1),
    Case("quote never closed mid-file", "events", _file("ev.csv", _unclosed_middle), "error", "never closed"),
    Case("quote never closed in the last field", "events", _file("ev.csv", _unclosed_last), "error", "never closed"),
    Case("a 17 MiB field", "events", _file("ev.csv", _huge_field), "ok"),
    Case("quoted newlines in notes", "events", _events(_set([2], notes="first line\nsecond, with a comma\nthird"), "ev.csv"), "ok"),
    Case("NUL byte after 64 KiB", "events", _file("ev.csv", _nul_in_notes), "ok"),
    Case("531 columns", "events", _file("ev.csv", _many_columns), "ok"),
    Case("duplicate column names", "events", _file("ev.csv", lambda wd: csv_bytes(acled_rows(), [*ACLED_COLUMNS[:-1], "notes"])), "ok"),
    Case("latitude 95.5", "events", _events(_plus(latitude="95.5")), "rejects", records=11, rejected=1),
    Case("latitude and longitude swapped", "events", _events(_plus(latitude="63.0", longitude="34.9")), "rejects", records=11, rejected=1),
    Case("latitude as text", "events", _events(_plus(latitude="north")), "rejects", records=11, rejected=1),
    Case("longitude NaN", "events", _events(_plus(longitude="NaN")), "rejects", records=11, rejected=1),
    Case("longitude infinite", "events", _events(_plus(longitude="-inf")), "rejects", records=11, rejected=1),
    Case("Null Island", "events", _events(_plus(latitude="0", longitude="0")), "rejects", records=11, rejected=1),
    Case("decimal comma in a comma file", "events", _events(_plus(latitude="34,9")), "rejects", records=11, rejected=1),
    Case("empty coordinates", "events", _events(_plus(latitude="", longitude="")), "rejects", records=11, rejected=1),
    Case("empty date", "events", _events(_plus(event_date="")), "rejects", records=11, rejected=1),
    Case("30 February", "events", _events(_plus(event_date="2021-02-30")), "rejects", records=11, rejected=1),
    Case("ambiguous day/month", "events", _events(_plus(event_date="07/06/2021")), "rejects", records=11, rejected=1),
    Case("date in 2099", "events", _events(_plus(event_date="2099-07-07")), "rejects", records=11, rejected=1),
    Case("date 9999-12-31", "events", _events(_plus(event_date="9999-12-31")), "rejects", records=11, rejected=1),
    Case("year 0021", "events", _events(_plus(event_date="0021-07-07")), "rejects", records=11, rejected=1),
    Case("duplicate event id", "events", _events(lambda: [*acled_rows(), acled_rows()[3]]), "rejects", records=11, rejected=1),
    Case("event far outside the boundaries", "events", _events(_plus(latitude="10.0", longitude="10.0")), "rejects", records=11, rejected=1),
    Case("event 1 km outside (snapped)", "events", _events(_plus(latitude=f"{w.lonlat(41, 10)[1]:.5f}", longitude=f"{w.lonlat(41, 10)[0]:.5f}")), "ok", records=11),
    Case("fatalities -7", "events", _events(_set([1], fatalities="-7")), "ok"),
    Case("fatalities overflow", "events", _events(_set([1], fatalities="99999999999999999999")), "ok"),
    Case("fractional fatalities", "events", _events(_set([1], fatalities="2.5")), "ok"),
    Case("fatalities as words", "events", _events(_set([1], fatalities="dozens")), "ok"),
    Case("fatalities with thousands separator", "events", _events(_set([1], fatalities="1,060")), "ok"),
    Case("all coordinates empty", "events", _events(_set(range(10), latitude="", longitude="")), "rejects", rejected=10, may_fail=("map events", "siege", "map siege", "run")),
    Case("one event", "events", _events(lambda: acled_rows()[:1]), "ok", records=1),
    Case("only region-precision events", "events", _events(_set(range(10), geo_precision="3")), "ok"),
    Case("a directory", "events", lambda wd, d: (d / "ev.csv").mkdir() or d / "ev.csv", "error", "is a directory"),
    Case("no such file", "events", lambda wd, d: d / "missing.csv", "error", "does not exist|neither a bundled dataset nor a file"),
    Case("symbolic link loop", "events", _link(lambda d: str(d / "ev.csv")), "error", "link loop"),
    Case("broken symbolic link", "events", _link(lambda d: str(d / "gone.csv")), "error", "broken symbolic link"),
    Case("a named pipe", "events", _fifo, "error", "not a regular file"),
    Case("GeoJSON points", "events", _vector("ev.geojson", "GeoJSON"), "ok"),
    Case("GeoJSON with a polygon", "events", _vector("ev.geojson", "GeoJSON", mutate=lambda f: f.set_geometry(f.geometry.where(f.index != 2, shapely.buffer(f.geometry.array, 0.01)))), "rejects", rejected=1),
    Case("GeoJSON with a null geometry", "events", _vector("ev.geojson", "GeoJSON", mutate=lambda f: f.set_geometry(f.geometry.where(f.index != 2, None))), "rejects", rejected=1),
    Case("GeoJSON cut short", "events", _file("ev.geojson", lambda wd: (b'{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Po')), "error", "cannot read events file"),
    Case("VRT named .geojson reading /etc/passwd", "events", _file("ev.geojson", _vrt_passwd()), "error", "GDAL VRT"),
    Case("VRT named .geojson fetching a URL", "events", _file("ev.geojson", _vrt_url()), "error", "GDAL VRT"),
    Case("VRT named .csv", "events", _file("ev.csv", _vrt_passwd()), "error", "no data rows"),
    Case("GeoPackage with two layers", "events", _vector("ev.gpkg", "GPKG", layers=2), "error", "has 2 layers.*--layer"),
    Case("CSV text named .gpkg", "events", _file("ev.gpkg", lambda wd: wd.events.read_bytes()), "error", "not a GeoPackage"),
    Case("GeoPackage cut short", "events", _gpkg_head, "error", "cannot read events file"),
    Case("GeoParquet points", "events", _vector("ev.parquet", "Parquet"), "ok"),
    Case("plain Parquet with lat/lon", "events", _vector("ev.parquet", "PlainParquet"), "ok"),
    Case("CSV text named .parquet", "events", _file("ev.parquet", lambda wd: wd.events.read_bytes()), "error", "not a Parquet file"),
    Case("Shapefile points", "events", _vector("ev.shp", "ESRI Shapefile"), "ok"),
    Case("Shapefile without .dbf", "events", _shp_without_dbf, "error", "its .dbf file is missing"),
    Case("Excel 'sep=;' line first", "events", _raw(lambda wd: "sep=,\n" + wd.events.read_text()), "error", "cannot find the latitude column"),
    Case("joined table", "joined", lambda wd, d: wd.joined, "ok", names_file=False),
    Case("joined GeoPackage", "joined", lambda wd, d: wd.joined_gpkg, "ok", names_file=False),
    Case("joined table, latitude 95.5", "joined", _joined_edit("latitude", "95.5"), "error", "row 3, latitude '95.5'", raw_expect="rejects", raw_rejected=1),
    Case("joined table, fatalities -7", "joined", _joined_edit("fatalities", "-7"), "error", "fatalities '-7'", raw_expect="ok", raw_rejected=0),
    Case("joined table, fatalities 2.5", "joined", _joined_edit("fatalities", "2.5"), "error", "fatalities '2.5'", raw_expect="ok", raw_rejected=0),
    Case("joined table, unknown district", "joined", _joined_edit("district_id", "999"), "error", "district_id '999' is not in the boundaries", raw_expect="ok", raw_rejected=0),
    Case("joined table, bad snap distance", "joined", _joined_edit("snap_distance_m", "near"), "error", "snap_distance_m", raw_expect="ok", raw_rejected=0),
    Case("joined table, bad date", "joined", _joined_edit("date", "yesterday"), "error", "date 'yesterday'", raw_expect="rejects", raw_rejected=1),
    Case("joined table, future date", "joined", _joined_edit("date", "2099-01-01"), "error", "in the future", raw_expect="rejects", raw_rejected=1),
    Case("joined table, duplicate id", "joined", _joined_edit("event_id", "WLD0001"), "error", "occurs twice", raw_expect="rejects", raw_rejected=1),
    Case("joined table, unknown join method", "joined", _joined_edit("join_method", "teleported"), "error", "join_method 'teleported'", raw_expect="ok", raw_rejected=0),
    Case("joined table, unknown side", "joined", _joined_edit("side1", "aliens"), "error", "side1 'aliens'", raw_expect="ok", raw_rejected=0),
    Case("joined table cut mid-row", "joined", _file("joined.csv", lambda wd: wd.joined.read_bytes()[:-150]), "error", "field", raw_expect="rejects", raw_rejected=1),
    Case("joined table without side1", "joined", _file("joined.csv", lambda wd: (pd.read_csv(wd.joined, dtype=str).drop(columns="side1").to_csv(index=False).encode())), "error", "lacks column.*side1", raw_expect="ok", raw_rejected=0),
    Case("joined table in UTF-16", "joined", _file("joined.csv", lambda wd: wd.joined.read_text().encode("utf-16")), "error", "not UTF-8"),
    Case("joined GeoPackage, latitude 95.5", "joined", _joined_gpkg_edit, "error", "latitude", raw_expect="ok", raw_rejected=0),
]
# fmt: on


# --- boundaries, rasters, control tables, case files, cities... ---------------------------


def _districts(
    mutate: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame] | None = None,
    *,
    name: str = "b.gpkg",
    driver: str = "GPKG",
    layers: int = 1,
) -> Maker:
    def make(world: World, d: Path) -> Path:
        frame = w.districts_frame()
        if mutate is not None:
            frame = mutate(frame)
        p = d / name
        for k in range(layers):
            frame.to_file(p, driver=driver, layer=f"layer{k}" if layers > 1 else None)
        return p

    return make


def _no_prj(world: World, d: Path) -> Path:
    p = _districts(
        lambda f: f.rename(columns=lambda c: c.replace("_id", "_i")),
        name="b.shp",
        driver="ESRI Shapefile",
    )(world, d)
    p.with_suffix(".prj").unlink()
    return p


def _bowtie(f: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    x0, y0 = w.xy(0, 20)
    x1, y1 = w.xy(20, 40)
    bow = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])  # self-intersecting
    return f.set_geometry(f.geometry.where(f["district_id"] != "101", bow))


# fmt: off
BOUNDARY_CASES: list[Case] = [
    Case("boundaries: a null geometry", "boundaries", _districts(lambda f: f.set_geometry(f.geometry.where(f.index != 1, None))), "error", "no geometry"),
    Case("boundaries: an empty polygon", "boundaries", _districts(lambda f: f.set_geometry(f.geometry.where(f.index != 1, shapely.Polygon()))), "error", "no geometry"),
    Case("boundaries: Shapefile without .prj", "boundaries", _no_prj, "error", "no CRS.*--crs"),
    Case("boundaries: points", "boundaries", _districts(lambda f: f.set_geometry(f.geometry.centroid)), "error", "not a polygon"),
    Case("boundaries: a self-intersecting polygon", "boundaries", _districts(_bowtie), "ok"),
    Case("boundaries: no district column", "boundaries", _districts(lambda f: f.rename(columns={"district": "name"})), "error", "--district-name"),
    Case("boundaries: duplicate ids", "boundaries", _districts(lambda f: f.assign(district_id="101")), "error", "occurs more than once"),
    Case("boundaries: no features", "boundaries", _districts(lambda f: f.iloc[0:0]), "error", "no features"),
    Case("boundaries: VRT named .geojson", "boundaries", _file("b.geojson", _vrt_passwd()), "error", "GDAL VRT"),
    Case("boundaries: a .txt file", "boundaries", _file("b.txt", b"district\nA\n"), "error", "extension .txt"),
    Case("boundaries: two layers", "boundaries", _districts(layers=2), "error", "has 2 layers.*--boundaries-layer"),
    Case("boundaries: an empty name", "boundaries", _districts(lambda f: f.assign(district=f["district"].where(f.index != 2, None))), "error", "empty in feature"),
    Case("boundaries: random bytes named .gpkg", "boundaries", _file("b.gpkg", _binary(4096)), "error", "not a GeoPackage"),
    Case("boundaries: GeoJSON in degrees", "boundaries", _districts(lambda f: f.to_crs(4326), name="b.geojson", driver="GeoJSON"), "ok"),
]
# fmt: on


def _pop(values: Callable[[], np.ndarray], **kw: object) -> Maker:
    return lambda world, d: write_raster(d / "p.tif", values(), **kw)  # type: ignore[arg-type]


def _with_negatives() -> np.ndarray:
    v = np.full((50, 50), 10.0)
    v[:10, :] = -28.5e6
    return v


def _fill(value: float) -> Callable[[], np.ndarray]:
    def values() -> np.ndarray:
        v = np.full((50, 50), 10.0)
        v[:, :20] = value
        return v

    return values


# fmt: off
POPULATION_CASES: list[Case] = [
    Case("raster: negative cells, no nodata", "population", _pop(_with_negatives, nodata=None), "ok"),
    Case("raster: -3.4e38 fill, no nodata", "population", _pop(_fill(-3.4e38), nodata=None), "ok"),
    Case("raster: NaN cells", "population", _pop(_fill(np.nan)), "ok"),
    Case("raster: all nodata", "population", _pop(lambda: np.full((50, 50), -99999.0)), "ok"),
    Case("raster: no CRS", "population", _pop(lambda: np.full((50, 50), 10.0), crs=None), "error", "has no CRS"),
    Case("raster: rotated grid", "population", _pop(lambda: np.full((50, 50), 10.0), transform=Affine(1000.0, 10.0, w.X0 - 5000, 10.0, -1000.0, w.Y0 + 45000)), "error", "rotated grid"),
    Case("raster: VRT named .tif", "population", _file("p.tif", lambda wd: _raster_vrt(str(wd.population))), "error", "GDAL VRT"),
    Case("raster: text named .tif", "population", _file("p.tif", b"population,10\n"), "error", "not a GeoTIFF"),
    Case("raster: GeoTIFF cut short", "population", _file("p.tif", lambda wd: wd.population.read_bytes()[:300]), "error", "cannot read population raster|has no CRS"),
    Case("raster: VRT fetching a URL", "population", _file("p.vrt", _raster_vrt("/vsicurl/http://127.0.0.1:9/pop.tif")), "error", "refers to the network"),
    Case("raster: local VRT", "population", _file("p.vrt", lambda wd: _raster_vrt(str(wd.population))), "ok"),
    Case("raster: a PNG", "population", _file("p.png", b"\x89PNG\r\n\x1a\n" + _binary(200)), "error", "extension .png"),
    Case("raster: GDAL virtual path", "population", lambda wd, d: Path("/vsicurl/http://127.0.0.1:9/pop.tif"), "error", "local files only|neither a bundled dataset nor a file", names_file=False),
]
# fmt: on


def _zones_no_prj(world: World, d: Path) -> Path:
    p = _districts(
        lambda f: f.rename(columns=lambda c: c.replace("_id", "_i")),
        name="z.shp",
        driver="ESRI Shapefile",
    )(world, d)
    p.with_suffix(".prj").unlink()
    return p


# fmt: off
ZONE_CASES: list[Case] = [
    Case("zones: Shapefile without .prj", "zones", _zones_no_prj, "error", "has no CRS.*\\.prj"),
    Case("zones: VRT named .gpkg", "zones", _file("z.gpkg", _vrt_passwd("zones")), "error", "GDAL VRT"),
    Case("zones: points", "zones", _districts(lambda f: f.set_geometry(f.geometry.centroid), name="z.gpkg"), "error", "polygon"),
    Case("zones: a null geometry", "zones", _districts(lambda f: f.set_geometry(f.geometry.where(f.index != 1, None)), name="z.gpkg"), "ok"),
    Case("zones: two layers", "zones", _districts(name="z.gpkg", layers=2), "error", "has 2 layers"),
    Case("features: lines without a CRS", "features", _file("f.geojson", b'{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32641"}}, "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[501000, 3861000], [539000, 3899000]]}}]}'), "ok"),
    Case("features: random bytes named .geojson", "features", _file("f.geojson", _binary(2000)), "error", "not GeoJSON"),
]
# fmt: on


def _control_edit(fn: Callable[[pd.DataFrame], pd.DataFrame]) -> Maker:
    def make(world: World, d: Path) -> Path:
        frame = fn(pd.read_csv(world.control_csv, dtype=str, keep_default_na=False))
        p = d / "c.csv"
        frame.to_csv(p, index=False)
        return p

    return make


# fmt: off
CONTROL_CASES: list[Case] = [
    Case("control: GeoPackage", "control", lambda wd, d: wd.control_gpkg, "ok", names_file=False),
    Case("control: CSV", "control", lambda wd, d: wd.control_csv, "ok", names_file=False),
    Case("control: unknown status", "control", _control_edit(lambda f: f.assign(status=f["status"].where(f.index != 1, "liberated"))), "error", "status 'liberated'"),
    Case("control: no status column", "control", _control_edit(lambda f: f.drop(columns="status")), "error", "lacks column.*status|no status column"),
    Case("control: random bytes", "control", _file("c.csv", _binary(3000)), "error", "not UTF-8"),
    Case("control: unknown district", "control", _control_edit(lambda f: f.assign(district_id=f["district_id"].where(f.index != 1, "999"))), "error", "'999' is not in the boundaries"),
    Case("control: bad since", "control", _control_edit(lambda f: f.assign(since=f["since"].where(f.index != 1, "last week"))), "error", "since 'last week'", ok_for=("compare",)),
    Case("control: empty file", "control", _file("c.csv", b""), "error", "is empty"),
    Case("control: only blank space", "control", _file("c.csv", b" \n \n"), "error", "no header row"),
    Case("control: a district twice", "control", _control_edit(lambda f: pd.concat([f, f.iloc[[0]]])), "error", "occurs twice", ok_for=("compare",)),
    Case("control: UTF-16", "control", _file("c.csv", lambda wd: wd.control_csv.read_text().encode("utf-16")), "error", "not UTF-8"),
    Case("control: VRT named .gpkg", "control", _file("c.gpkg", _vrt_passwd("control")), "error", "GDAL VRT"),
]
# fmt: on


def _case_file(body: str | Callable[[World, Path], str], name: str = "case.toml") -> Maker:
    def make(world: World, d: Path) -> Path:
        p = d / name
        p.write_text(body(world, d) if callable(body) else body)
        return p

    return make


def case_toml(world: World, *, events: str | None = None, extra: str = "", **data: str) -> str:
    """A case file for the world (paths absolute)."""
    paths = {
        "boundaries": str(world.boundaries),
        "population": str(world.population),
        "cities": str(world.cities),
        **data,
    }
    ev = events if events is not None else f'["{world.events}"]'
    lines = ['[case]\nname = "corpus"', f"[data]\nevents = {ev}"]
    lines += [f'{k} = "{v}"' for k, v in paths.items()]
    lines += [
        '[boundaries]\ndistrict_id = "district_id"\nprovince_id = "province_id"',
        f'[control]\nas_of = "{AS_OF}"',
        '[timeline]\nstart = "2021-07-01"\nevery_days = 3',
        "[maps]\ndpi = 30",
        extra,
    ]
    return "\n".join(lines) + "\n"


def _edited(old: str, new: str) -> Maker:
    """The world's case file with ``old`` replaced by ``new``."""

    def body(world: World, d: Path) -> str:
        text = case_toml(world)
        assert old in text, old
        return text.replace(old, new, 1)

    return _case_file(body)


def _case(**kw: object) -> Maker:
    return _case_file(lambda world, d: case_toml(world, **kw))  # type: ignore[arg-type]


# fmt: off
CASE_FILE_CASES: list[Case] = [
    Case("case: events = []", "case", _case(events="[]"), "error", "data.events or data.assessments is required"),
    Case("case: radii_m = ['a']", "case", _case(extra='[siege]\nradii_m = ["a"]'), "error", "siege.radii_m must be a list"),
    Case("case: window_days = 1e12", "case", _case(extra="[siege]\nwindow_days = 1e12"), "error", "siege.window_days must be a whole number"),
    Case("case: dpi = 100000", "case", _edited("dpi = 30", "dpi = 100000"), "error", "maps.dpi must be a number from 30 to 1200"),
    Case("case: not TOML", "case", _case_file("[case\nname = corpus\n"), "error", "not valid TOML"),
    Case("case: random bytes", "case", _file("case.toml", _binary(2000)), "error", "not valid TOML"),
    Case("case: unknown key", "case", _edited("[control]\n", "[control]\nwindow = 30\n"), "error", "unknown key control.window"),
    Case("case: as_of not a date", "case", _edited(AS_OF, "soon"), "error", "control.as_of 'soon' is not a date"),
    Case("case: window_days = 1.5", "case", _edited("[control]\n", "[control]\nwindow_days = 1.5\n"), "error", "control.window_days must be a whole number"),
    Case("case: sectors = 0", "case", _case(extra="[siege]\nsectors = 0"), "error", "siege.sectors must be a whole number"),
    Case("case: a century of daily dates", "case", _edited('start = "2021-07-01"\nevery_days = 3', 'start = "1950-01-01"\nevery_days = 1'), "error", "timeline has .* dates"),
    Case("case: missing events file", "case", _case(events='["nowhere.csv"]'), "error", "neither a bundled dataset nor a file"),
    Case("case: data = 5", "case", _case_file('data = 5\n[case]\nname = "x"\n'), "error", "must be a section"),
    Case("case: events is a disguised VRT", "case", lambda wd, d: _case(events=f'["{_file("v.geojson", _vrt_passwd())(wd, d)}"]')(wd, d), "error", "GDAL VRT", names_file=False),
    Case("case: radii not increasing", "case", _case(extra="[siege]\nradii_m = [20000, 5000]"), "error", "increasing"),
    Case("case: the world", "case", _case(), "ok"),
    Case("case: events with bad rows", "case", lambda wd, d: _case(events=f'["{_events(_plus(latitude="95.5"))(wd, d)}"]')(wd, d), "rejects", records=11, rejected=1),
]
# fmt: on


def _cities(text: str, name: str = "cities.csv") -> Maker:
    return _file(name, text.encode())


# fmt: off
CITY_CASES: list[Case] = [
    Case("cities: empty coordinates", "cities", _cities("city,latitude,longitude\nCapital,,\n"), "error", "missing or out of range"),
    Case("cities: latitude 95", "cities", _cities("city,latitude,longitude\nCapital,95,63\n"), "error", "missing or out of range"),
    Case("cities: VRT named .geojson", "cities", _file("cities.geojson", _vrt_passwd("cities")), "error", "GDAL VRT"),
    Case("cities: polygons", "cities", _districts(name="cities.gpkg"), "error", "not points"),
    Case("cities: random bytes", "cities", _file("cities.csv", _binary(3000)), "error", "not UTF-8"),
    Case("cities: no name column", "cities", _cities("latitude,longitude\n34.9,63.1\n"), "error", "no column"),
]
# fmt: on

# fmt: off
ASSESSMENT_CASES: list[Case] = [
    Case("assessments: random bytes", "assessments", _file("a.csv", _binary(3000)), "error", "cannot read assessments|not UTF-8"),
    Case("assessments: UTF-16", "assessments", _file("a.csv", "district,status,date\nAlpha,insurgent,2021-07-01\n".encode("utf-16")), "error", "not UTF-8|cannot read assessments"),
    Case("assessments: empty", "assessments", _file("a.csv", b""), "error", "is empty"),
    Case("assessments: no status", "assessments", _file("a.csv", b"district,date\nAlpha,2021-07-01\n"), "error", "assessments"),
]
# fmt: on

# fmt: off
ALIAS_CASES: list[Case] = [
    Case("aliases: random bytes", "aliases", _file("al.csv", _binary(3000)), "error", "not UTF-8"),
    Case("aliases: no district_id column", "aliases", _file("al.csv", b"alias,district\nAlfa,Alpha\n"), "error", "lacks column.*district_id"),
    Case("aliases: an unknown district", "aliases", _file("al.csv", b"alias,district_id\nAlfa,999\n"), "error", "999"),
    Case("aliases: a valid list", "aliases", _file("al.csv", b"alias,district_id\nAlfa,101\n"), "ok"),
]

SIDES_CASES: list[Case] = [
    Case("sides: random bytes", "sides", _file("s.csv", _binary(3000)), "error", "side mapping"),
    Case("sides: unknown side", "sides", _file("s.csv", b"pattern,match,side\nTaliban,exact,heroes\n"), "error", "side 'heroes'"),
    Case("sides: bad regular expression", "sides", _file("s.csv", b"pattern,match,side\n(Taliban,regex,insurgent\n"), "error", "bad regular expression"),
]
# fmt: on

# fmt: off
TIMELINE_CASES: list[Case] = [
    Case("timeline table", "timeline", lambda wd, d: wd.timeline, "ok", names_file=False),
    Case("timeline table: bad date", "timeline", _file("t.csv", lambda wd: wd.timeline.read_text().replace("2021-07-01", "July", 1).encode()), "error", "date is not a date"),
    Case("timeline table: no status", "timeline", _file("t.csv", lambda wd: pd.read_csv(wd.timeline).drop(columns="status").to_csv(index=False).encode()), "error", "lacks column.*status"),
    Case("timeline table: random bytes", "timeline", _file("t.csv", _binary(3000)), "error", "not UTF-8"),
    Case("timeline table: negative districts", "timeline", _file("t.csv", lambda wd: pd.read_csv(wd.timeline).assign(districts=-1).to_csv(index=False).encode()), "error", "districts is not a number >= 0"),
]
# fmt: on

CASES: list[Case] = [
    *EVENT_CASES,
    *BOUNDARY_CASES,
    *POPULATION_CASES,
    *CONTROL_CASES,
    *ZONE_CASES,
    *CASE_FILE_CASES,
    *CITY_CASES,
    *ASSESSMENT_CASES,
    *ALIAS_CASES,
    *SIDES_CASES,
    *TIMELINE_CASES,
]


# --- commands ----------------------------------------------------------------------------

Args = Callable[[World, Path, Path], list[str]]


def _run_args(world: World, out: Path, **kw: str) -> list[str]:
    case = out / "case.toml"
    case.write_text(case_toml(world, **kw))
    return ["run", "--case", str(case), "-o", str(out / "run")]


def _events_commands(
    bargs: Callable[[World, Path], list[str]], events: Callable[[World, Path], Path] | None = None
) -> dict[str, Args]:
    """The commands that read events: ``p`` is the events file, or (with ``events``) the
    case's boundaries file and ``events`` gives the events."""

    def b(world: World, p: Path) -> list[str]:
        return bargs(world, p)

    def e(world: World, p: Path) -> str:
        return str(events(world, p) if events is not None else p)

    return {
        "join": lambda wd, p, o: [
            "join",
            e(wd, p),
            "-o",
            str(o / "j.csv"),
            "--rejects",
            str(o / "r.csv"),
            *b(wd, p),
        ],
        "control": lambda wd, p, o: [
            "control",
            e(wd, p),
            "--as-of",
            AS_OF,
            "-o",
            str(o / "c.gpkg"),
            *b(wd, p),
        ],
        "summarize": lambda wd, p, o: ["summarize", e(wd, p), "-o", str(o / "s.csv"), *b(wd, p)],
        "exposure": lambda wd, p, o: [
            "exposure",
            "--events",
            e(wd, p),
            "--population",
            str(wd.population),
            "-o",
            str(o / "e.csv"),
            *b(wd, p),
        ],
        "timeline": lambda wd, p, o: [
            "timeline",
            e(wd, p),
            "--start",
            "2021-07-01",
            "--end",
            AS_OF,
            "--every",
            "3d",
            "--population",
            str(wd.population),
            "-o",
            str(o / "t.csv"),
            *b(wd, p),
        ],
        "siege": lambda wd, p, o: [
            "siege",
            "--all",
            "--events",
            e(wd, p),
            "--cities",
            str(wd.cities),
            "--as-of",
            AS_OF,
            "-o",
            str(o / "sg.csv"),
            *b(wd, p),
        ],
        "map events": lambda wd, p, o: [
            "map",
            "events",
            e(wd, p),
            "-o",
            str(o / "me.png"),
            *FIG,
            *b(wd, p),
        ],
        "map control": lambda wd, p, o: [
            "map",
            "control",
            "--events",
            e(wd, p),
            "--as-of",
            AS_OF,
            "-o",
            str(o / "mc.png"),
            *FIG,
            *b(wd, p),
        ],
        "map siege": lambda wd, p, o: [
            "map",
            "siege",
            "Capital",
            "--cities",
            str(wd.cities),
            "--events",
            e(wd, p),
            "--as-of",
            AS_OF,
            "--population",
            "none",
            "-o",
            str(o / "ms.png"),
            *FIG,
            *b(wd, p),
        ],
        "map timeline": lambda wd, p, o: [
            "map",
            "timeline",
            "--events",
            e(wd, p),
            "--start",
            "2021-07-01",
            "--end",
            AS_OF,
            "--every",
            "3d",
            "-o",
            str(o / "mt.png"),
            *FIG,
            *b(wd, p),
        ],
    }


_EVENTS = _events_commands(lambda wd, p: wd.bargs)
#: Commands run on every accepted events file; the others once per distinct joined table.
CHEAP = ("join", "control", "summarize", "exposure")
#: The fast tier (the default test run): per kind of input, the commands that cover each
#: way of reading it -- ``join`` reads raw events, ``summarize`` (like every analysis
#: command) reads joined or raw events through ``load_joined_events``, ``run`` through its
#: case -- on every case (``run`` only where the input is refused, or from a case file:
#: a whole run takes seconds). The slow tier runs every command of :data:`COMMANDS`.
FAST: dict[str, tuple[str, ...]] = {
    "events": ("join", "summarize", "run"),
    "joined": ("join", "summarize", "run"),
    "boundaries": ("join", "control", "frontline"),
    "population": ("exposure", "timeline"),
    "control": ("frontline", "exposure", "map control", "compare"),
    "case": ("run",),
    "cities": ("siege",),
    "assessments": ("control",),
    "aliases": ("control",),
    "sides": ("join",),
    "timeline": ("map timeline",),
    "zones": ("exposure",),
    "features": ("exposure",),
}

COMMANDS: dict[str, dict[str, Args]] = {
    "events": {**_EVENTS, "run": lambda wd, p, o: _run_args(wd, o, events=f'["{p}"]')},
    "joined": {**_EVENTS, "run": lambda wd, p, o: _run_args(wd, o, events=f'["{p}"]')},
    "boundaries": {
        **{
            k: v
            for k, v in _events_commands(
                lambda wd, p: boundary_args(p), lambda wd, p: wd.events
            ).items()
            if k in ("join", "control", "summarize", "exposure", "siege", "map control")
        },
        "frontline": lambda wd, p, o: [
            "frontline",
            str(wd.control_csv),
            "-o",
            str(o / "f.gpkg"),
            *boundary_args(p),
        ],
        "run": lambda wd, p, o: _run_args(wd, o, boundaries=str(p)),
    },
    "population": {
        "exposure": lambda wd, p, o: [
            "exposure",
            "--zones",
            str(wd.boundaries),
            "--population",
            str(p),
            "-o",
            str(o / "e.csv"),
        ],
        "timeline": lambda wd, p, o: [
            "timeline",
            str(wd.events),
            "--start",
            "2021-07-01",
            "--end",
            AS_OF,
            "--population",
            str(p),
            "-o",
            str(o / "t.csv"),
            *wd.bargs,
        ],
        "map siege": lambda wd, p, o: [
            "map",
            "siege",
            "Capital",
            "--cities",
            str(wd.cities),
            "--events",
            str(wd.events),
            "--as-of",
            AS_OF,
            "--population",
            str(p),
            "-o",
            str(o / "ms.png"),
            *FIG,
            *wd.bargs,
        ],
        "run": lambda wd, p, o: _run_args(wd, o, population=str(p)),
    },
    "control": {
        "frontline": lambda wd, p, o: ["frontline", str(p), "-o", str(o / "f.gpkg"), *wd.bargs],
        "compare": lambda wd, p, o: [
            "compare",
            str(p),
            str(wd.control_csv),
            "-o",
            str(o / "a.csv"),
            *wd.bargs,
        ],
        "exposure": lambda wd, p, o: [
            "exposure",
            "--control",
            str(p),
            "--population",
            str(wd.population),
            "-o",
            str(o / "e.csv"),
            *wd.bargs,
        ],
        "map control": lambda wd, p, o: [
            "map",
            "control",
            "--control",
            str(p),
            "-o",
            str(o / "mc.png"),
            *FIG,
            *wd.bargs,
        ],
    },
    "case": {"run": lambda wd, p, o: ["run", "--case", str(p), "-o", str(o / "run")]},
    "cities": {
        "siege": lambda wd, p, o: [
            "siege",
            "--all",
            "--events",
            str(wd.events),
            "--cities",
            str(p),
            "--as-of",
            AS_OF,
            "-o",
            str(o / "sg.csv"),
            *wd.bargs,
        ],
        "map siege": lambda wd, p, o: [
            "map",
            "siege",
            "Capital",
            "--cities",
            str(p),
            "--events",
            str(wd.events),
            "--as-of",
            AS_OF,
            "--population",
            "none",
            "-o",
            str(o / "ms.png"),
            *FIG,
            *wd.bargs,
        ],
        "run": lambda wd, p, o: _run_args(wd, o, cities=str(p)),
    },
    "assessments": {
        "control": lambda wd, p, o: [
            "control",
            str(wd.events),
            "--as-of",
            AS_OF,
            "--assessments",
            str(p),
            "-o",
            str(o / "c.gpkg"),
            *wd.bargs,
        ],
        "timeline": lambda wd, p, o: [
            "timeline",
            str(wd.events),
            "--start",
            "2021-07-01",
            "--end",
            AS_OF,
            "--assessments",
            str(p),
            "-o",
            str(o / "t.csv"),
            *wd.bargs,
        ],
        "siege": lambda wd, p, o: [
            "siege",
            "--all",
            "--events",
            str(wd.events),
            "--cities",
            str(wd.cities),
            "--as-of",
            AS_OF,
            "--assessments",
            str(p),
            "-o",
            str(o / "sg.csv"),
            *wd.bargs,
        ],
        "run": lambda wd, p, o: _run_assessments(wd, o, p),
    },
    "aliases": {
        "control": lambda wd, p, o: [
            "control",
            str(wd.events),
            "--as-of",
            AS_OF,
            "--assessments",
            str(wd.assessments),
            "--aliases",
            str(p),
            "-o",
            str(o / "c.gpkg"),
            *wd.bargs,
        ],
    },
    "sides": {
        "join": lambda wd, p, o: [
            "join",
            str(wd.events),
            "--sides",
            str(p),
            "-o",
            str(o / "j.csv"),
            *wd.bargs,
        ],
        "run": lambda wd, p, o: _run_args(wd, o, sides=str(p)),
    },
    "timeline": {
        "map timeline": lambda wd, p, o: [
            "map",
            "timeline",
            "--timeline",
            str(p),
            "-o",
            str(o / "mt.png"),
            *FIG,
        ],
    },
    "zones": {
        "exposure": lambda wd, p, o: [
            "exposure",
            "--zones",
            str(p),
            "--population",
            str(wd.population),
            "-o",
            str(o / "e.csv"),
        ],
    },
    "features": {
        "exposure": lambda wd, p, o: [
            "exposure",
            "--near",
            str(p),
            "--radius",
            "5km",
            "--population",
            str(wd.population),
            "-o",
            str(o / "e.csv"),
        ],
    },
}


def _run_assessments(world: World, out: Path, p: Path) -> list[str]:
    case = out / "case.toml"
    text = case_toml(world).replace("[data]\n", f'[data]\nassessments = ["{p}"]\n')
    case.write_text(text)
    return ["run", "--case", str(case), "-o", str(out / "run")]


# --- running and classifying ---------------------------------------------------------------


@dataclass
class Outcome:
    case: str
    kind: str
    command: str
    outcome: str  # error | rejects | ok | crash | wrong (not what the case says)
    why: str = ""
    deduped: bool = False
    seconds: float = 0.0


@dataclass
class _Join:
    read: int
    joined: int
    rejected: int
    fingerprint: str


_SUMMARY = re.compile(r"read (\d+): joined (\d+) .*?; rejected (\d+)")


def _error_lines(stderr: str) -> list[str]:
    noise = ("Warning:", "WARNING ", "INFO ", "DEBUG ")
    lines = [part for ln in stderr.splitlines() for part in ln.split("\r")]
    return [ln for ln in lines if ln.strip() and not ln.startswith(noise) and not _BAR.search(ln)]


_BAR = re.compile(r"\|\s*\d+/\d+ \[")  # a tqdm progress bar


def run_case(
    world: World, case: Case, workdir: Path, *, full: bool, seen: set[str], fast: bool = False
) -> list[Outcome]:
    """Run ``case`` through its commands (``fast``: those of :data:`FAST`); return one
    :class:`Outcome` per command."""
    d = workdir / re.sub(r"[^0-9a-z]+", "-", case.name.lower()).strip("-")
    d.mkdir(parents=True)
    path = case.make(world, d)
    outcomes: list[Outcome] = []
    join: _Join | None = None
    for command, args in COMMANDS[case.kind].items():
        if fast and command not in FAST[case.kind]:
            continue
        if (
            fast
            and command == "run"
            and case.kind != "case"
            and case.expected(command)[0] != "error"
        ):
            continue
        out = d / re.sub(r"\W+", "-", command)
        out.mkdir()
        accepted = case.expected(command)[0] != "error"
        heavy = case.kind in ("events", "joined") and command not in (("join",) if fast else CHEAP)
        if accepted and heavy and not full and join is not None and join.fingerprint in seen:
            outcomes.append(
                Outcome(
                    case.name,
                    case.kind,
                    command,
                    case.expected(command)[0],
                    "same joined table as an earlier case",
                    deduped=True,
                )
            )
            continue
        start = time.perf_counter()
        res = CliRunner().invoke(cli, args(world, path, out))
        outcome = _classify(case, command, res, path, out, join)
        outcome.seconds = time.perf_counter() - start
        outcomes.append(outcome)
        if command == "join" and res.exit_code == 0 and case.kind in ("events", "joined"):
            join = _join_counts(res.stderr, out)
    if join is not None and case.expect != "error":
        seen.add(join.fingerprint)
    return outcomes


#: What the commands after join make of a joined table: where, when, who, what, how sure.
_SHAPE = (
    "district_id",
    "province_id",
    "date",
    "side1",
    "side2",
    "event_type",
    "sub_event_type",
    "location_precision",
    "join_method",
)


def _join_counts(stderr: str, out: Path) -> _Join | None:
    m = _SUMMARY.search(stderr)
    if not m:
        return None
    joined = pd.read_csv(out / "j.csv", dtype=str, keep_default_na=False)
    shape = joined[list(_SHAPE)].sort_values(list(_SHAPE)).to_csv(index=False)
    rejected = int(m.group(3))
    digest = hashlib.sha1(f"{shape}{bool(rejected)}".encode()).hexdigest()
    return _Join(int(m.group(1)), int(m.group(2)), rejected, digest)


def _classify(
    case: Case, command: str, res: object, path: Path, out: Path, join: _Join | None
) -> Outcome:
    o = Outcome(case.name, case.kind, command, "")
    expect, rejected = case.expected(command)
    code = res.exit_code  # type: ignore[attr-defined]
    stderr = res.stderr  # type: ignore[attr-defined]
    exc = res.exception  # type: ignore[attr-defined]
    if (
        (exc is not None and not isinstance(exc, SystemExit))
        or "Traceback" in stderr
        or "internal error" in stderr
        or code not in (0, 1)
    ):
        o.outcome, o.why = "crash", f"exit {code}: {(stderr or repr(exc)).strip()[-300:]}"
        return o
    if code == 1:
        lines = _error_lines(stderr)
        if len(lines) != 1 or not lines[0].startswith("Error: "):
            o.outcome, o.why = "wrong", f"not one Error line: {lines!r}"[:400]
            return o
        line = lines[0]
        o.outcome, o.why = "error", line
        if expect != "error":
            if command in case.may_fail:
                return o
            o.outcome = "wrong"
            return o
        if case.match and not re.search(case.match, line, re.IGNORECASE):
            o.outcome = "wrong"
            o.why = f"error does not match {case.match!r}: {line}"
        elif case.names_file and Path(path).name not in line:
            o.outcome = "wrong"
            o.why = f"error does not name {Path(path).name}: {line}"
        return o
    # exit 0
    if expect == "error":
        o.outcome, o.why = "wrong", "accepted an input that must be refused"
        return o
    if command == "join" and case.kind in ("events", "joined"):
        counts = _join_counts(stderr, out)
        if counts is None:
            o.outcome, o.why = "wrong", f"no summary line: {stderr[-300:]}"
            return o
        rejects = (
            pd.read_csv(out / "r.csv", dtype=str) if (out / "r.csv").exists() else pd.DataFrame()
        )
        joined = pd.read_csv(out / "j.csv", dtype=str)
        ok = (
            counts.read == case.records
            and counts.joined + counts.rejected == counts.read
            and len(joined) == counts.joined
            and len(rejects) == counts.rejected == rejected
        )
        if not ok:
            o.outcome, o.why = (
                "wrong",
                (
                    f"read {counts.read} (expected {case.records}), joined {counts.joined} ({len(joined)} rows), rejected {counts.rejected} ({len(rejects)} rows, expected {rejected})"
                ),
            )
            return o
        o.outcome = "rejects" if counts.rejected else "ok"
        return o
    if command == "run":
        tables = out / "run" / "tables"
        joined = pd.read_csv(tables / "events_joined.csv", dtype=str)
        n_rejected = len(pd.read_csv(tables / "events_rejected.csv", dtype=str))
        if len(joined) + n_rejected != case.records or n_rejected != rejected:
            o.outcome, o.why = "wrong", f"run wrote {len(joined)} joined + {n_rejected} rejected"
            return o
        o.outcome = "rejects" if n_rejected else "ok"
        return o
    if join is not None and join.rejected:
        said = f"{join.rejected} of {join.read} rows rejected"
        if said not in stderr:
            o.outcome, o.why = "wrong", f"silent loss: {said!r} not said"
            return o
        o.outcome = "rejects"
        return o
    o.outcome = "ok" if expect != "rejects" or case.kind not in ("events", "joined") else "rejects"
    return o


def run_corpus(
    root: Path, *, full: bool = False, fast: bool = False, cases: Iterable[Case] = CASES
) -> list[Outcome]:
    """Build the world under ``root`` and run every case; return all outcomes."""
    world = build_world(root / "world")
    seen: set[str] = set()
    outcomes: list[Outcome] = []
    for case in cases:
        outcomes += run_case(world, case, root / "cases", full=full, seen=seen, fast=fast)
    return outcomes


def table(outcomes: list[Outcome]) -> str:
    """The classification table: cases per outcome per command (deduped runs noted)."""
    commands = list(dict.fromkeys(o.command for o in outcomes))
    cols = ["error", "rejects", "ok", "crash", "wrong"]
    lines = [
        f"{'command':<14}"
        + "".join(f"{c:>9}" for c in cols)
        + f"{'(same table)':>14}{'seconds':>9}"
    ]
    for cmd in commands:
        mine = [o for o in outcomes if o.command == cmd]
        counts = [sum(o.outcome == c for o in mine) for c in cols]
        dedup = sum(o.deduped for o in mine)
        secs = sum(o.seconds for o in mine)
        lines.append(f"{cmd:<14}" + "".join(f"{n:>9}" for n in counts) + f"{dedup:>14}{secs:>9.1f}")
    n_cases = len({o.case for o in outcomes})
    lines.append(
        f"{n_cases} cases, {len(outcomes)} command runs ({sum(o.deduped for o in outcomes)} counted from an identical joined table)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="run every command on every case")
    parser.add_argument("--fast", action="store_true", help="only the fast tier (FAST)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = run_corpus(Path(tmp), full=args.full, fast=args.fast)
    print(table(outcomes))
    print(f"in {time.perf_counter() - start:.1f} s")
    for kind in dict.fromkeys(o.kind for o in outcomes):
        mine = [o for o in outcomes if o.kind == kind]
        err = sum(o.seconds for o in mine if o.outcome == "error")
        acc = sum(o.seconds for o in mine if o.outcome != "error")
        print(
            f"time {kind}: errors {err:.1f} s, accepted {acc:.1f} s ({len({o.case for o in mine})} cases)"
        )
    slow = sorted(outcomes, key=lambda o: -o.seconds)[:15]
    for o in slow:
        print(f"slow: {o.seconds:.2f} s {o.case} / {o.command}")
    for o in outcomes:
        if o.outcome in ("crash", "wrong"):
            print(f"{o.outcome}: {o.case} / {o.command}: {o.why}")


if __name__ == "__main__":
    main()
