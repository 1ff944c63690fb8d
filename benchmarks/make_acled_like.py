"""Write a realistic ACLED-layout export of Afghan events for 2021 (seeded, synthetic).

The file has the post-2023 31-column ACLED layout of
``data/events/seed_reported_events_2021-07.csv`` and looks like a real export of
Afghanistan for 2021, so every command can be exercised at a realistic size:

- **Where.** Points are drawn from the bundled WorldPop 2020 1 km raster with probability
  proportional to the people in each cell (uniform inside the cell), so they fall in real
  districts, denser where people live; ``admin1``/``admin2`` name the district the point
  falls in. ``geo_precision`` 1/2/3 in shares 70/22/8 %: precision 2 is jittered up to
  5 km, precision 3 takes the provincial capital's coordinates (as ACLED does).
- **When.** Each district gets a date it falls to the Taliban (about 75 districts held
  before May, the offensive from May, most districts by mid-July, the provincial
  capitals on 6-15 August, Kabul on 15 August; a few in the Panjshir never fall before
  September). Battles in a district cluster in the weeks before it falls; each fall is a
  Taliban "Non-state actor overtakes territory" event, about 8 % are followed by a
  "Government regains territory" within days (and a second takeover), and a few are
  "Non-violent transfer of territory" (surrenders). After 15 August the Taliban are
  coded "Military Forces of Afghanistan (2021-)" fighting the NRF and Islamic State.
- **What.** All six ACLED event types with their real sub-event types, realistic actor
  names (``data/sides/default_sides.csv`` plus a few that the default mapping does not
  know), ``inter1``/``inter2``/``interaction`` codes, ``time_precision`` 1/2/3
  (85/12/3 %), fatalities with a heavy tail.
- **Defects** (``--defects``, default 3 %): blank, text, decimal-comma, out-of-range and
  swapped coordinates, Null Island, points in Pakistan/Iran far from the border, bad
  dates, duplicate ids -- each a realistic way an export or a hand edit goes wrong.

    python benchmarks/make_acled_like.py --rows 100000 -o /tmp/acled_afg_2021.csv

Prints the file, its size and the number of rows spoiled per kind.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio

from geofront import datasets
from geofront.boundaries import read_boundaries
from geofront.events import ACLED_COLUMNS

COLUMNS = list(ACLED_COLUMNS)

FALL_OF_KABUL = np.datetime64("2021-08-15")
START, END = np.datetime64("2021-01-01"), np.datetime64("2021-12-31")

TALIBAN = "Taliban"
TALIBAN_STATE = "Military Forces of Afghanistan (2021-)"
ARMY = "Military Forces of Afghanistan (2004-2021)"
POLICE = "Police Forces of Afghanistan (2004-2021)"
#: Government-side actors before 15 August, with weights.
GOV = {
    ARMY: 0.55,
    POLICE: 0.25,
    "Military Forces of Afghanistan (2004-2021) Air Force": 0.06,
    "Military Forces of Afghanistan (2004-2021) National Directorate of Security": 0.05,
    "Militia (Pro-Government)": 0.05,
    "Military Forces of the United States (2021-)": 0.02,
    "Afghan Local Police": 0.02,
}
OTHER_ARMED = {
    "Islamic State (Afghanistan)": 0.5,
    "Unidentified Armed Group (Afghanistan)": 0.4,
    "Hazara Ethnic Militia (Afghanistan)": 0.05,  # not in the default sides: unknown
    "Andarab Resistance Front": 0.05,  # not in the default sides: unknown
}
CIVILIANS = "Civilians (Afghanistan)"
PROTESTERS = "Protesters (Afghanistan)"
RIOTERS = "Rioters (Afghanistan)"
NRF = "National Resistance Front"

#: event type -> (disorder type, {sub-event type: weight}); weights within the type.
TYPES = {
    "Battles": (
        "Political violence",
        {"Armed clash": 1.0},  # transfers are added separately
    ),
    "Explosions/Remote violence": (
        "Political violence",
        {
            "Air/drone strike": 0.38,
            "Shelling/artillery/missile attack": 0.22,
            "Remote explosive/landmine/IED": 0.32,
            "Grenade": 0.04,
            "Suicide bomb": 0.03,
            "Chemical weapon": 0.01,
        },
    ),
    "Violence against civilians": (
        "Political violence",
        {"Attack": 0.85, "Abduction/forced disappearance": 0.13, "Sexual violence": 0.02},
    ),
    "Protests": (
        "Demonstrations",
        {
            "Peaceful protest": 0.9,
            "Protest with intervention": 0.08,
            "Excessive force against protesters": 0.02,
        },
    ),
    "Riots": ("Demonstrations", {"Violent demonstration": 0.7, "Mob violence": 0.3}),
    "Strategic developments": (
        "Strategic developments",
        {
            "Arrests": 0.3,
            "Looting/property destruction": 0.2,
            "Headquarters or base established": 0.12,
            "Disrupted weapons use": 0.2,
            "Change to group/activity": 0.1,
            "Agreement": 0.03,
            "Other": 0.05,
        },
    ),
}
#: Shares of event types among the ordinary (non-transfer) events.
TYPE_SHARES = {
    "Battles": 0.52,
    "Explosions/Remote violence": 0.28,
    "Violence against civilians": 0.08,
    "Protests": 0.04,
    "Riots": 0.01,
    "Strategic developments": 0.07,
}
INTER = {
    "state": 1,
    "rebel": 2,
    "political militia": 3,
    "identity militia": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external": 8,
}


def _inter(actor: str) -> int:
    if actor == "":
        return 0
    if actor in (TALIBAN, NRF, "Islamic State (Afghanistan)", "Andarab Resistance Front"):
        return INTER["rebel"]
    if actor.startswith("Military Forces of the United States"):
        return INTER["external"]
    if actor.startswith(("Military Forces", "Police Forces", "Afghan Local")):
        return INTER["state"]
    if actor.startswith("Militia") or actor.startswith("Unidentified"):
        return INTER["political militia"]
    if "Ethnic Militia" in actor:
        return INTER["identity militia"]
    return {RIOTERS: 5, PROTESTERS: 6, CIVILIANS: 7}.get(actor, 0)


def _population_points(
    rng: np.random.Generator, n: int, raster_path: Path
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points drawn with probability proportional to the people in each cell."""
    with rasterio.open(raster_path) as src:
        pop = src.read(1, masked=True).filled(0).astype("float64")
        transform = src.transform
    pop[~np.isfinite(pop) | (pop < 0)] = 0
    flat = pop.ravel()
    cells = rng.choice(flat.size, size=n, p=flat / flat.sum())
    row, col = np.divmod(cells, pop.shape[1])
    x = transform.c + (col + rng.random(n)) * transform.a
    y = transform.f + (row + rng.random(n)) * transform.e
    return x, y


def _fall_dates(rng: np.random.Generator, districts: pd.DataFrame) -> np.ndarray:
    """A date each district falls to the Taliban (NaT: never in 2021 before September)."""
    n = len(districts)
    # pre-offensive holdings, then the offensive: a mixture of dates
    phase = rng.choice(4, size=n, p=[0.19, 0.28, 0.43, 0.10])
    offs = np.where(
        phase == 0,
        rng.integers(-120, 0, n),  # held before May (fell Jan-Apr)
        np.where(
            phase == 1,
            rng.integers(0, 50, n),  # May - mid-June
            np.where(phase == 2, rng.integers(50, 75, n), rng.integers(75, 106, n)),
        ),
    )
    fall = np.datetime64("2021-05-01") + offs.astype("timedelta64[D]")
    capital = districts["is_capital"].to_numpy()
    fall[capital] = np.datetime64("2021-08-06") + rng.integers(0, 10, int(capital.sum())).astype(
        "timedelta64[D]"
    )
    kabul = (districts["district"] == "Kabul").to_numpy()
    fall[kabul] = FALL_OF_KABUL
    panjshir = (districts["province"] == "Panjsher").to_numpy()
    fall[panjshir] = np.datetime64("NaT")
    return fall


def make_events(n: int, seed: int = 2021, defects: float = 0.03) -> tuple[pd.DataFrame, dict]:
    """Return the export as a frame of strings (ACLED columns) and the spoiled counts."""
    rng = np.random.default_rng(seed)
    b = read_boundaries()
    districts = b.districts.reset_index(drop=True)
    capitals = pd.read_csv(datasets.get_path("afg-capitals-csv"), dtype={"esoc_distid": str})
    districts["is_capital"] = districts["district_id"].isin(capitals["esoc_distid"])
    fall = _fall_dates(rng, districts)

    # --- where: population-weighted points, then the district each falls in
    x, y = _population_points(rng, n, datasets.get_path("afg-population"))
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs="EPSG:4326")
    hit = gpd.sjoin(pts, districts[["geometry"]], how="left", predicate="within")
    hit = hit[~hit.index.duplicated(keep="first")]
    didx = hit["index_right"].to_numpy()
    inside = ~pd.isna(didx)
    # cells on the border: redraw inside the nearest district's representative point area
    didx = np.where(inside, didx, 0).astype(np.int64)
    if (~inside).any():
        near = gpd.sjoin_nearest(
            pts[~inside].to_crs("EPSG:32642"), districts[["geometry"]].to_crs("EPSG:32642")
        )
        near = near[~near.index.duplicated(keep="first")]
        didx[~inside] = near["index_right"].to_numpy()

    # --- what and when
    d_fall = fall[didx]
    etype = rng.choice(list(TYPE_SHARES), size=n, p=list(TYPE_SHARES.values()))
    sub = np.empty(n, dtype=object)
    for t, (_, subs) in TYPES.items():
        m = etype == t
        sub[m] = rng.choice(list(subs), size=int(m.sum()), p=list(subs.values()))
    # dates: battles cluster in the 45 days before the district falls; others spread
    # over the year with the summer peak and a drop after the fall of Kabul
    base_day = _year_days(rng, n)
    fighting = (etype == "Battles") | (etype == "Explosions/Remote violence")
    before = rng.random(n) < 0.6
    clustered = fighting & before & ~np.isnat(d_fall)
    lead = rng.gamma(2.0, 12.0, n).astype(np.int64)
    day = np.where(clustered, d_fall - lead.astype("timedelta64[D]"), base_day).astype(
        "datetime64[D]"
    )
    # once a district has fallen the fighting moves on: most later fighting there is
    # moved to the weeks before its fall (until Kabul falls, when the war ends)
    after_fall = fighting & ~np.isnat(d_fall) & (day > d_fall) & (day < FALL_OF_KABUL)
    moved = after_fall & (rng.random(n) < 0.85)
    day = np.where(moved, d_fall - lead.astype("timedelta64[D]") - 1, day)
    day = np.clip(day, START, END)

    a1, a2 = _actors(rng, etype, sub, day)

    # transfers: one takeover per district that falls in 2021 (plus regains)
    t_rows = _transfers(rng, districts, fall)
    frame = pd.DataFrame(
        {
            "event_date": day,
            "event_type": etype,
            "sub_event_type": sub,
            "actor1": a1,
            "actor2": a2,
            "district_idx": didx,
            "x": x,
            "y": y,
        }
    )
    frame = pd.concat([frame.iloc[: n - len(t_rows)], t_rows], ignore_index=True)
    frame = frame.sort_values(["event_date", "district_idx"], kind="stable").reset_index(drop=True)
    return _acled_columns(rng, frame, districts, capitals, defects)


def _year_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """Days of 2021 with the real shape: rising from May, a peak in July-August."""
    days = np.arange(START, END + 1)
    doy = (days - START).astype(int)
    weight = np.where(doy < 120, 1.0, np.where(doy < 226, 1.0 + (doy - 120) / 30, 0.35))
    return rng.choice(days, size=n, p=weight / weight.sum())


def _pick(rng: np.random.Generator, table: dict[str, float], n: int) -> np.ndarray:
    return rng.choice(np.array(list(table), dtype=object), size=n, p=list(table.values()))


def _actors(
    rng: np.random.Generator, etype: np.ndarray, sub: np.ndarray, day: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = len(etype)
    after = day >= FALL_OF_KABUL
    gov = _pick(rng, GOV, n)
    other = _pick(rng, OTHER_ARMED, n)
    taliban = np.where(after, TALIBAN_STATE, TALIBAN).astype(object)
    enemy_of_taliban = np.where(after, np.where(rng.random(n) < 0.6, NRF, other), gov)
    a1 = np.full(n, "", dtype=object)
    a2 = np.full(n, "", dtype=object)
    tal_first = rng.random(n) < 0.55
    battle = etype == "Battles"
    a1[battle] = np.where(tal_first, taliban, enemy_of_taliban)[battle]
    a2[battle] = np.where(tal_first, enemy_of_taliban, taliban)[battle]
    # some battles are IS vs Taliban or unidentified
    odd = battle & (rng.random(n) < 0.06)
    a1[odd], a2[odd] = other[odd], taliban[odd]
    erv = etype == "Explosions/Remote violence"
    air = erv & (sub == "Air/drone strike")
    a1[air] = np.where(
        after, TALIBAN_STATE, "Military Forces of Afghanistan (2004-2021) Air Force"
    )[air]
    a2[air] = np.where(rng.random(n) < 0.8, taliban, CIVILIANS)[air]
    ied = erv & ~air
    r = rng.random(n)
    a1[ied] = np.where(r < 0.55, taliban, np.where(r < 0.75, other, gov))[ied]
    a2[ied] = np.where(r < 0.55, gov, np.where(r < 0.75, CIVILIANS, taliban))[ied]
    a2[ied & (rng.random(n) < 0.15)] = ""
    vac = etype == "Violence against civilians"
    r = rng.random(n)
    a1[vac] = np.where(r < 0.5, taliban, np.where(r < 0.8, other, gov))[vac]
    a2[vac] = CIVILIANS
    prot = etype == "Protests"
    a1[prot] = PROTESTERS
    a2[prot] = np.where(sub == "Peaceful protest", "", np.where(after, TALIBAN_STATE, POLICE))[prot]
    riot = etype == "Riots"
    a1[riot] = RIOTERS
    a2[riot] = np.where(rng.random(n) < 0.5, CIVILIANS, "")[riot]
    sd = etype == "Strategic developments"
    r = rng.random(n)
    a1[sd] = np.where(r < 0.6, taliban, np.where(r < 0.9, gov, other))[sd]
    a2[sd] = np.where(sub == "Arrests", CIVILIANS, "")[sd]
    return a1, a2


def _transfers(rng: np.random.Generator, districts: pd.DataFrame, fall: np.ndarray) -> pd.DataFrame:
    """Territory-transfer events: a takeover per falling district, some regains and retakes."""
    rows = []
    falls = np.flatnonzero(~np.isnat(fall) & (fall >= START))
    for i in falls:  # at most 398 districts: a loop here is fine
        d = fall[i]
        surrender = rng.random() < 0.12
        rows.append(
            (
                d,
                "Strategic developments" if surrender else "Battles",
                "Non-violent transfer of territory"
                if surrender
                else "Non-state actor overtakes territory",
                TALIBAN if d < FALL_OF_KABUL else TALIBAN_STATE,
                "" if surrender else POLICE,
                i,
            )
        )
        if d < np.datetime64("2021-08-01") and rng.random() < 0.08:
            back = d + np.timedelta64(int(rng.integers(2, 10)), "D")
            rows.append((back, "Battles", "Government regains territory", ARMY, TALIBAN, i))
            again = back + np.timedelta64(int(rng.integers(3, 20)), "D")
            rows.append((again, "Battles", "Non-state actor overtakes territory", TALIBAN, ARMY, i))
    # Panjshir: the Taliban take it in September after fighting the NRF
    for i in np.flatnonzero(np.isnat(fall)):
        day = np.datetime64("2021-09-06")
        rows.append((day, "Battles", "Non-state actor overtakes territory", TALIBAN_STATE, NRF, i))
    out = pd.DataFrame(
        rows,
        columns=["event_date", "event_type", "sub_event_type", "actor1", "actor2", "district_idx"],
    )
    # the point: a representative point of the district (the district centre)
    reps = districts.geometry.representative_point()
    out["x"] = reps.x.to_numpy()[out["district_idx"]]
    out["y"] = reps.y.to_numpy()[out["district_idx"]]
    return out


def _acled_columns(
    rng: np.random.Generator,
    frame: pd.DataFrame,
    districts: pd.DataFrame,
    capitals: pd.DataFrame,
    defects: float,
) -> tuple[pd.DataFrame, dict]:
    n = len(frame)
    didx = frame["district_idx"].to_numpy()
    province = districts["province"].to_numpy()[didx]
    district = districts["district"].to_numpy()[didx]
    cap = capitals.set_index("province")
    etype = frame["event_type"].to_numpy()
    sub = frame["sub_event_type"].to_numpy(dtype=object)
    transfer = np.isin(
        sub,
        [
            "Non-state actor overtakes territory",
            "Government regains territory",
            "Non-violent transfer of territory",
        ],
    )
    geo = rng.choice([1, 2, 3], size=n, p=[0.70, 0.22, 0.08])
    geo[transfer] = 2  # a district centre: near precision
    x, y = frame["x"].to_numpy().copy(), frame["y"].to_numpy().copy()
    near = geo == 2
    x[near & ~transfer] += rng.normal(0, 0.02, n)[near & ~transfer]
    y[near & ~transfer] += rng.normal(0, 0.02, n)[near & ~transfer]
    region = geo == 3
    x[region] = cap.reindex(province[region])["longitude"].to_numpy()
    y[region] = cap.reindex(province[region])["latitude"].to_numpy()
    tp = rng.choice(["1", "2", "3"], size=n, p=[0.85, 0.12, 0.03])
    fat = np.where(
        np.isin(etype, ["Battles", "Explosions/Remote violence"]),
        rng.negative_binomial(0.6, 0.12, n),
        np.where(etype == "Violence against civilians", rng.poisson(0.8, n), 0),
    )
    a1 = frame["actor1"].to_numpy(dtype=object)
    a2 = frame["actor2"].to_numpy(dtype=object)
    i1 = np.array([_inter(a) for a in pd.unique(a1)])
    i2 = np.array([_inter(a) for a in pd.unique(a2)])
    inter1 = pd.Series(i1, index=pd.unique(a1)).reindex(a1).to_numpy()
    inter2 = pd.Series(i2, index=pd.unique(a2)).reindex(a2).to_numpy()
    lo, hi = np.minimum(inter1, inter2), np.maximum(inter1, inter2)
    interaction = np.where(lo == 0, hi * 10, lo * 10 + hi)
    disorder = np.array([TYPES[t][0] for t in etype], dtype=object)
    day = frame["event_date"].to_numpy().astype("datetime64[D]")
    dates = np.datetime_as_string(day).astype(object)
    ids = np.char.add("AFG", (np.arange(n) + 40000).astype(str)).astype(object)
    notes = (
        "On "
        + pd.Series(pd.to_datetime(day).strftime("%d %B %Y"))
        + ", "
        + pd.Series(a1).str.replace(r" \(.*\)$", "", regex=True)
        + " and "
        + pd.Series(a2).replace("", "unknown").str.replace(r" \(.*\)$", "", regex=True)
        + " ("
        + pd.Series(sub)
        + ") in "
        + pd.Series(district)
        + ", "
        + pd.Series(province)
        + ". Fatalities: "
        + pd.Series(fat).astype(str)
        + "."
    ).to_numpy(dtype=object)
    lat = np.char.mod("%.4f", y).astype(object)
    lon = np.char.mod("%.4f", x).astype(object)
    admin2 = np.where(region, "", district).astype(object)
    location = np.where(region, cap.reindex(province)["capital"].to_numpy(), district)
    out = pd.DataFrame(
        {
            "event_id_cnty": ids,
            "event_date": dates,
            "year": pd.to_datetime(day).year.astype(str),
            "time_precision": tp,
            "disorder_type": disorder,
            "event_type": etype,
            "sub_event_type": sub,
            "actor1": a1,
            "assoc_actor_1": "",
            "inter1": inter1.astype(str),
            "actor2": a2,
            "assoc_actor_2": "",
            "inter2": inter2.astype(str),
            "interaction": interaction.astype(str),
            "civilian_targeting": np.where(a2 == CIVILIANS, "Civilian targeting", ""),
            "iso": "4",
            "region": "Caucasus and Central Asia",
            "country": "Afghanistan",
            "admin1": province,
            "admin2": admin2,
            "admin3": "",
            "location": location,
            "latitude": lat,
            "longitude": lon,
            "geo_precision": geo.astype(str),
            "source": np.where(rng.random(n) < 0.5, "Pajhwok Afghan News", "Khaama Press"),
            "source_scale": "National",
            "notes": notes,
            "fatalities": fat.astype(str),
            "tags": "",
            "timestamp": "1700000000",
        }
    )
    spoiled = _spoil(rng, out, defects)
    return out[COLUMNS], spoiled


def _spoil(rng: np.random.Generator, out: pd.DataFrame, share: float) -> dict[str, int]:
    """Spoil ``share`` of the rows in realistic ways (in place); return counts per kind."""
    n = len(out)
    kinds = [
        "blank coordinates",
        "text latitude",
        "decimal comma",
        "out of range",
        "swapped",
        "null island",
        "abroad",
        "bad date",
        "duplicate id",
    ]
    k = rng.choice(len(kinds) + 1, size=n, p=[1 - share] + [share / len(kinds)] * len(kinds))
    lat = out["latitude"].to_numpy(dtype=object).copy()
    lon = out["longitude"].to_numpy(dtype=object).copy()
    dates = out["event_date"].to_numpy(dtype=object).copy()
    ids = out["event_id_cnty"].to_numpy(dtype=object).copy()
    lat[k == 1] = ""
    lon[k == 1] = ""
    lat[k == 2] = "unknown"
    m = k == 3
    lat[m] = np.char.replace(lat[m].astype(str), ".", ",").astype(object)
    lat[k == 4] = "340.512"  # a lost decimal point
    m = k == 5
    lat[m], lon[m] = lon[m], lat[m]
    lat[k == 6], lon[k == 6] = "0", "0"
    m = np.flatnonzero(k == 7)  # Peshawar / Mashhad: outside Afghanistan, far from the border
    abroad = rng.random(len(m)) < 0.5
    lat[m] = np.where(abroad, "34.0151", "36.2605")
    lon[m] = np.where(abroad, "71.5249", "59.6168")
    m = k == 8
    dates[m] = np.where(rng.random(int(m.sum())) < 0.5, "2021-02-30", "")
    dup = np.flatnonzero(k == 9)
    ids[dup] = ids[np.maximum(dup - 1, 0)]
    out["latitude"], out["longitude"] = lat, lon
    out["event_date"], out["event_id_cnty"] = dates, ids
    return {kind: int((k == i + 1).sum()) for i, kind in enumerate(kinds)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=2021)
    ap.add_argument("--defects", type=float, default=0.03)
    ap.add_argument("-o", "--output", type=Path, required=True)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    frame, spoiled = make_events(args.rows, seed=args.seed, defects=args.defects)
    frame.to_csv(args.output, index=False, lineterminator="\n")
    size = args.output.stat().st_size / 1e6
    print(
        f"wrote {len(frame):,} rows ({size:.1f} MB) to {args.output} in "
        f"{time.perf_counter() - t0:.1f} s; spoiled: {spoiled}"
    )


if __name__ == "__main__":
    main()
