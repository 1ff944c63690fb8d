"""A dirty ACLED-layout export built in code, for tests that cut files into batches.

Every defect whose verdict needs the *whole* file is placed so that a batch of a few
hundred rows cannot decide it alone:

- slash dates (``05/07/2021``) from the first rows, while the only day above 12
  (``13/07/2021``, which makes the column day-first) comes near the end;
- duplicate ids whose first good row lies thousands of rows earlier, and a duplicate of
  a *rejected* row (which is kept);
- in-range swapped coordinates, judged against the extent of all the file's points;
- malformed rows (a field too many or too few), and notes with commas, quotes and line
  breaks.

Points are drawn uniformly over Afghanistan's bounding box, so about half fall
outside the country (rejected, or snapped when within 2 km).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from geofront.events import ACLED_COLUMNS

BOX = (60.5, 29.4, 74.9, 38.5)  # Afghanistan's bounding box (lon/lat)


def dirty_rows(n: int = 3000, seed: int = 7) -> list[list[str]]:
    """``n`` rows (lists of fields) of an ACLED export with the defects above."""
    rng = np.random.default_rng(seed)
    lon = np.round(rng.uniform(BOX[0], BOX[2], n), 4).astype(str)
    lat = np.round(rng.uniform(BOX[1], BOX[3], n), 4).astype(str)
    day = rng.integers(1, 13, n)  # days 1-12: ambiguous on their own
    rows = []
    for i in range(n):
        row = dict.fromkeys(ACLED_COLUMNS, "")
        row.update(
            event_id_cnty=f"AFG{i + 1}",
            event_date=f"{day[i]:02d}/07/2021",
            year="2021",
            time_precision="1",
            event_type="Battles",
            sub_event_type="Armed clash",
            actor1="Taliban",
            actor2="Military Forces of Afghanistan (2004-2021)",
            country="Afghanistan",
            latitude=lat[i],
            longitude=lon[i],
            geo_precision=str(1 + i % 3),
            notes=f"clash {i}, near a checkpoint",
            fatalities=str(i % 7),
        )
        rows.append(row)
    rows[2]["notes"] = 'He said "no", then left.\nSecond line, with a comma'
    rows[n - 40]["event_date"] = "13/07/2021"  # decides the whole column: day first
    rows[5]["latitude"], rows[5]["longitude"] = "", ""
    rows[9]["latitude"] = "n/a"
    rows[11]["latitude"], rows[11]["longitude"] = "0", "0"
    rows[14]["latitude"] = "340.5"
    rows[17]["latitude"], rows[17]["longitude"] = rows[17]["longitude"], rows[17]["latitude"]
    rows[20]["event_date"] = "31/02/2021"
    rows[23]["event_date"] = ""
    rows[1500]["event_id_cnty"] = rows[30]["event_id_cnty"]  # a duplicate, far apart
    rows[2600]["event_id_cnty"] = rows[30]["event_id_cnty"]  # and again
    rows[2700]["event_id_cnty"] = rows[20]["event_id_cnty"]  # of a rejected row: kept
    rows[40]["event_id_cnty"] = ""  # gets row41
    rows[2200]["latitude"], rows[2200]["longitude"] = "69.2", "34.5"  # swapped, in range
    out = [[r[c] for c in ACLED_COLUMNS] for r in rows]
    return out


def write_dirty(path: Path, n: int = 3000, seed: int = 7, *, malformed: bool = True) -> Path:
    """Write the dirty export (with two malformed rows unless ``malformed=False``)."""
    rows = dirty_rows(n, seed)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(ACLED_COLUMNS)
        for i, row in enumerate(rows):
            if malformed and i == 700:
                w.writerow([*row, "extra"])
            elif malformed and i == 1900:
                w.writerow(row[:-3])
            else:
                w.writerow(row)
    return path
