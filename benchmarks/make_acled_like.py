"""Write a realistic ACLED-layout export of Afghan events for 2021, with its ground truth.

The events are what a news-based dataset would record of a seeded model of the 2021 war
(``acled_world.py``: who holds each district on each day, when each provincial capital
has fighting at its gates). ``--truth`` and ``--truth-sieges`` write that world, so any
control or siege method can be scored against it (``benchmarks/validate_control.py``,
``geofront compare``). The file has the post-2023 31-column ACLED layout of
``data/events/seed_reported_events_2021-07.csv``.

What the events are (every rate is relative; ``--rows`` sets the total)
-------------------------------------------------------------------------
* **Background fighting in every district, whoever holds it**: a rate proportional to
  the square root of the district's people (conflict events follow settlements, less
  than proportionally) times the national tempo (``TEMPO``: steady January-April, rising
  through the offensive, a tenth after the fall of Kabul: the author's reading of the
  shape of ACLED's 2021 monthly counts for Afghanistan). A Taliban-held district has
  ``INSURGENT_HELD_RATE`` of the rate of a government one (fewer posts to attack). Who
  *initiates* (ACLED ``actor1``) depends on the holder: in a government district the
  Taliban's IEDs, ambushes and attacks on checkpoints are ``INITIATIVE_IN_GOV_HELD`` of
  the armed events, the rest government raids and air strikes; in a Taliban district
  government air strikes and commando raids are ``INITIATIVE_IN_INS_HELD``, the rest
  Taliban attacks on the remaining posts. (Author's estimates from the UNAMA 2021
  reports, which attribute about two thirds of the civilian casualties to the Taliban and
  a quarter to government forces, and the intensified Afghan and US air campaign of
  summer 2021; adjust them here.)
* **Surges before takeovers**: the build-up weeks add ``BUILDUP_RATE`` times the
  background, mostly Taliban-initiated; each day of an assault (a contested day of the
  truth) adds ``ASSAULT_RATE`` times a tempo-1 background, ``ATTACKER_INITIATIVE`` of it
  by the attacker (ACLED codes a multi-day battle as one event per location and day).
  Fighting at the gates of a capital is placed in its urban area (``CITY_SHARE``).
* **Other armed groups** (Islamic State, unidentified groups; sides ``other`` or not in
  the default side mapping), mostly in Nangarhar, Kunar and Kabul (``OTHER_ARMED_RATE``).
* **Territory transfers coded for part of the takeovers only** (``CODED_SHARE``):
  "Non-state actor overtakes territory" for an assault, "Non-violent transfer of
  territory" for a surrender, "Government regains territory" for a government retake;
  dated the day the holder changes, at the district centre.
* **Actors as the sources name them**: a quarter of the battles name the sides in no
  particular order (``UNORDERED_BATTLES``: "clashes between X and Y"); a third of the
  Taliban's IEDs are unclaimed ("Unidentified Armed Group", ``UNCLAIMED_IEDS``);
  ``UCDP_SPELLING`` of the rows use UCDP's actor names ("Taleban", "Government of
  Afghanistan", "IS", "Civilians"), whose sides ``data/sides/default_sides.csv`` maps
  (UCDP's "Government of Afghanistan" is the Taliban from 15 August); after 15 August
  the Taliban are coded as ACLED does, "Military Forces of Afghanistan (2021-)", and
  the resistance is the NRF.
* **Where**: points drawn from the bundled WorldPop 2020 1 km raster inside the event's
  district, with probability proportional to the people in each cell; ``geo_precision``
  1/2/3 in shares 70/22/8 %: precision 2 is jittered by about 2 km, precision 3 (only
  the province known) takes the provincial capital's coordinates, as ACLED does.
* **What else**: violence against civilians, protests, riots and strategic
  developments (``FAMILY_SHARES``, an estimate of the shares in a 2021 export),
  ``inter1``/``inter2``/``interaction`` codes, ``time_precision`` 1/2/3 (85/12/3 %),
  fatalities with a heavy tail.
* **Defects** (``--defects``, default 3 %): blank, text, decimal-comma, out-of-range and
  swapped coordinates, Null Island, points in Pakistan/Iran far from the border, bad
  dates, duplicate ids -- each a realistic way an export or a hand edit goes wrong.

The world depends only on ``--seed``; the events on the seed and ``--rows``. The file
is formatted and written ``CHUNK_ROWS`` rows at a time, so 10^7 rows need a few GB of
memory (:func:`write_export`); :func:`make_export` returns the same rows as a frame, with
the world and the true district, day, kind and initiator of every row.

    python benchmarks/make_acled_like.py --rows 200000 -o /tmp/acled.csv \\
        --truth /tmp/truth.csv --truth-sieges /tmp/truth_sieges.csv

Prints the files, their sizes and the number of rows spoiled per kind.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import acled_world as aw

from geofront.events import ACLED_COLUMNS
from geofront.io import atomic_path, write_table

COLUMNS = list(ACLED_COLUMNS)
GOV, CON, INS, OTHER = aw.GOVERNMENT, aw.CONTESTED, aw.INSURGENT, 9

# --- rates (relative; see the module docstring) --------------------------------------
#: National tempo from each date on (piecewise constant).
TEMPO = (
    ("2021-01-01", 1.0),
    ("2021-05-01", 1.4),
    ("2021-06-01", 1.9),
    ("2021-07-01", 2.3),
    ("2021-08-01", 2.6),
    ("2021-08-15", 0.12),
)
INSURGENT_HELD_RATE = 0.6
INITIATIVE_IN_GOV_HELD = 0.6  # share of background armed events the Taliban initiate
INITIATIVE_IN_INS_HELD = 0.55  # share the government initiates in Taliban-held districts
BUILDUP_RATE = 1.5
BUILDUP_INITIATIVE = 0.8  # Taliban share of build-up events
ASSAULT_RATE = 8.0
ATTACKER_INITIATIVE = 0.75
CITY_SHARE = 0.7
#: Weight of the other armed groups per province (default 0.3) and their rate.
OTHER_ARMED_PROVINCES = {"Nangarhar": 4.0, "Kunar": 2.0, "Kabul": 3.0}
OTHER_ARMED_RATE = 0.08
#: Shares of the transfers the dataset codes: takeovers and surrenders / regains.
CODED_SHARE = (0.6, 0.5)
UNORDERED_BATTLES = 0.25
UNCLAIMED_IEDS = 0.35
UCDP_SPELLING = 0.10
#: The defects ``--defects`` spreads evenly over the spoiled rows.
DEFECTS = (
    "blank coordinates",
    "text latitude",
    "decimal comma",
    "out of range",
    "swapped",
    "null island",
    "abroad",
    "bad date",
    "duplicate id",
)
#: Shares of the event families among the rows that are not transfers.
FAMILY_SHARES = {
    "armed": 0.80,
    "Violence against civilians": 0.08,
    "Protests": 0.04,
    "Riots": 0.01,
    "Strategic developments": 0.07,
}
#: Provinces where the NRF fights the Taliban after 15 August.
NRF_PROVINCES = ("Panjsher", "Parwan", "Kapisa", "Baghlan")

# --- actors -----------------------------------------------------------------------------
TALIBAN = "Taliban"
TALIBAN_STATE = "Military Forces of Afghanistan (2021-)"
TALIBAN_POLICE = "Police Forces of Afghanistan (2021-)"
ARMY = "Military Forces of Afghanistan (2004-2021)"
POLICE = "Police Forces of Afghanistan (2004-2021)"
AIR_FORCE = "Military Forces of Afghanistan (2004-2021) Air Force"
US = "Military Forces of the United States (2021-)"
NRF = "National Resistance Front"
UNIDENTIFIED = "Unidentified Armed Group (Afghanistan)"
ISLAMIC_STATE = "Islamic State (Afghanistan)"
CIVILIANS = "Civilians (Afghanistan)"
PROTESTERS = "Protesters (Afghanistan)"
RIOTERS = "Rioters (Afghanistan)"
#: Government-side ground actors before 15 August, with weights.
GOV_ACTORS = {
    ARMY: 0.55,
    POLICE: 0.25,
    "Military Forces of Afghanistan (2004-2021) National Directorate of Security": 0.07,
    "Militia (Pro-Government)": 0.08,
    "Afghan Local Police": 0.05,
}
OTHER_ARMED = {
    ISLAMIC_STATE: 0.5,
    UNIDENTIFIED: 0.4,
    "Hazara Ethnic Militia (Afghanistan)": 0.05,  # not in the default sides: unknown
    "Andarab Resistance Front": 0.05,  # not in the default sides: unknown
}
#: UCDP names of ACLED actors (the rows spelled as UCDP does).
UCDP_NAMES = {
    TALIBAN: "Taleban",
    ARMY: "Government of Afghanistan",
    POLICE: "Government of Afghanistan",
    AIR_FORCE: "Government of Afghanistan",
    TALIBAN_STATE: "Government of Afghanistan",
    TALIBAN_POLICE: "Government of Afghanistan",
    US: "Government of United States of America",
    ISLAMIC_STATE: "IS",
    CIVILIANS: "Civilians",
    NRF: "NRF",
}

ERV = "Explosions/Remote violence"
CLASH = ("Battles", "Armed clash")
IED = (ERV, "Remote explosive/landmine/IED")
#: (event type, sub-event type) -> weight, by initiator.
TYPES_BY_INITIATOR = {
    INS: {
        CLASH: 0.62,
        IED: 0.25,
        (ERV, "Shelling/artillery/missile attack"): 0.06,
        (ERV, "Grenade"): 0.04,
        (ERV, "Suicide bomb"): 0.03,
    },
    GOV: {
        CLASH: 0.50,
        (ERV, "Air/drone strike"): 0.38,
        (ERV, "Shelling/artillery/missile attack"): 0.12,
    },
    OTHER: {
        CLASH: 0.30,
        IED: 0.40,
        (ERV, "Suicide bomb"): 0.12,
        (ERV, "Grenade"): 0.06,
        (ERV, "Shelling/artillery/missile attack"): 0.12,
    },
}
SUBTYPES = {
    "Violence against civilians": {
        "Attack": 0.85,
        "Abduction/forced disappearance": 0.13,
        "Sexual violence": 0.02,
    },
    "Protests": {
        "Peaceful protest": 0.9,
        "Protest with intervention": 0.08,
        "Excessive force against protesters": 0.02,
    },
    "Riots": {"Violent demonstration": 0.7, "Mob violence": 0.3},
    "Strategic developments": {
        "Arrests": 0.3,
        "Looting/property destruction": 0.2,
        "Headquarters or base established": 0.12,
        "Disrupted weapons use": 0.2,
        "Change to group/activity": 0.1,
        "Agreement": 0.03,
        "Other": 0.05,
    },
}
DISORDER = {
    "Battles": "Political violence",
    ERV: "Political violence",
    "Violence against civilians": "Political violence",
    "Protests": "Demonstrations",
    "Riots": "Demonstrations",
    "Strategic developments": "Strategic developments",
}
TAKEOVER = "Non-state actor overtakes territory"
SURRENDER = "Non-violent transfer of territory"
REGAIN = "Government regains territory"
INTER = {
    TALIBAN: 2,
    "Taleban": 2,
    NRF: 2,
    "NRF": 2,
    ISLAMIC_STATE: 2,
    "IS": 2,
    "Andarab Resistance Front": 2,
    "Government of Afghanistan": 1,
    "Government of United States of America": 8,
    US: 8,
    UNIDENTIFIED: 3,
    "Militia (Pro-Government)": 3,
    "Hazara Ethnic Militia (Afghanistan)": 4,
    RIOTERS: 5,
    PROTESTERS: 6,
    CIVILIANS: 7,
    "Civilians": 7,
}


@dataclass(frozen=True)
class Export:
    """A generated export and the world behind it.

    Attributes
    ----------
    frame : DataFrame
        The export, strings in :data:`COLUMNS` order.
    spoiled : dict
        Rows spoiled per defect kind.
    world : acled_world.World
        The truth.
    events : DataFrame
        One row per export row, in its order, before spoiling: ``district`` (row
        position of the true district), ``day``, ``kind`` (``background``, ``buildup``,
        ``assault``, ``other``, ``civilian``, ``protest``, ``riot``, ``strategic``,
        ``transfer``), ``initiator`` (0 government, 2 insurgent, 9 other, -1 none).
    """

    frame: pd.DataFrame
    spoiled: dict[str, int]
    world: aw.World
    events: pd.DataFrame


def _pick(rng: np.random.Generator, table: dict, n: int) -> np.ndarray:
    keys = np.empty(len(table), dtype=object)
    keys[:] = list(table)
    w = np.array(list(table.values()), dtype=float)
    return keys[rng.choice(len(keys), size=n, p=w / w.sum())]


def _tempo() -> np.ndarray:
    out = np.zeros(len(aw.DAYS))
    for day, value in TEMPO:
        out[aw._day(day) :] = value
    return out


def _allocate(rng: np.random.Generator, n: int, rates: np.ndarray) -> np.ndarray:
    """Flat cell indices of ``n`` events spread over ``rates`` (any shape) by a multinomial."""
    p = rates.ravel() / rates.sum()
    counts = rng.multinomial(n, p)
    return np.repeat(np.arange(p.size), counts)


def make_export(n: int, seed: int = 2021, defects: float = 0.03) -> Export:
    """Generate ``n`` export rows of the world of ``seed`` (see the module docstring)."""
    world, ev = _events(n, seed)
    frames, spoiled = [], dict.fromkeys(DEFECTS, 0)
    for frame, counts in _export_chunks(world, ev, seed, defects):
        frames.append(frame)
        spoiled = {k: spoiled[k] + counts[k] for k in DEFECTS}
    frame = pd.concat(frames, ignore_index=True)
    return Export(frame, spoiled, world, ev[["district", "day", "kind", "initiator"]])


def write_export(
    path: Path, n: int, seed: int = 2021, defects: float = 0.03
) -> tuple[aw.World, dict[str, int]]:
    """Write the export of :func:`make_export` to ``path`` chunk by chunk (atomically), so
    that 10^7 rows fit in memory; return the world and the spoiled counts."""
    world, ev = _events(n, seed)
    spoiled = dict.fromkeys(DEFECTS, 0)
    with atomic_path(path) as tmp:
        for i, (frame, counts) in enumerate(_export_chunks(world, ev, seed, defects)):
            frame.to_csv(tmp, mode="a", header=i == 0, index=False, lineterminator="\n")
            spoiled = {k: spoiled[k] + counts[k] for k in DEFECTS}
    return world, spoiled


#: Rows formatted at a time (the output does not depend on it being the same in
#: :func:`make_export` and :func:`write_export`, which share it).
CHUNK_ROWS = 500_000


def _events(n: int, seed: int) -> tuple[aw.World, pd.DataFrame]:
    """The world and one row per event (compact, sorted by day then district)."""
    world = aw.make_world(seed)
    rng = np.random.default_rng([seed, 1])
    transfers = _coded_transfers(rng, world)
    if n < len(transfers) + 100:
        raise ValueError(f"rows={n}: give at least {len(transfers) + 100} rows")
    m = n - len(transfers)
    shares = np.array(list(FAMILY_SHARES.values()))
    sizes = rng.multinomial(m, shares / shares.sum())
    parts = [_armed(rng, world, int(sizes[0]))]
    for family, size in zip(list(FAMILY_SHARES)[1:], sizes[1:], strict=True):
        parts.append(_unarmed(rng, world, family, int(size)))
    parts.append(transfers)
    ev = pd.concat(parts, ignore_index=True)
    ev = _ucdp_spelling(rng, ev)
    return world, ev.sort_values(["day", "district"], kind="stable").reset_index(drop=True)


def _export_chunks(
    world: aw.World, ev: pd.DataFrame, seed: int, defects: float
) -> Iterator[tuple[pd.DataFrame, dict[str, int]]]:
    """Yield the export ``CHUNK_ROWS`` rows at a time, each with its own seeded stream."""
    for k, start in enumerate(range(0, len(ev), CHUNK_ROWS)):
        rng = np.random.default_rng([seed, 2, k])
        yield _acled_columns(rng, ev.iloc[start : start + CHUNK_ROWS], world, defects, start)


def make_events(n: int, seed: int = 2021, defects: float = 0.03) -> tuple[pd.DataFrame, dict]:
    """Return the export as a frame of strings (ACLED columns) and the spoiled counts."""
    ex = make_export(n, seed=seed, defects=defects)
    return ex.frame, ex.spoiled


# --- armed events -----------------------------------------------------------------------


def _armed(rng: np.random.Generator, world: aw.World, n: int) -> pd.DataFrame:
    d = world.districts
    tempo = _tempo()
    w = np.sqrt(d["population"].to_numpy() + 1.0)
    w = w / w.mean()
    held_ins = world.holder == INS
    background = w[:, None] * tempo[None, :] * np.where(held_ins, INSURGENT_HELD_RATE, 1.0)
    buildup = BUILDUP_RATE * background * world.buildup
    assault = ASSAULT_RATE * w[:, None] * (world.status == CON)
    region = d["province"].map(OTHER_ARMED_PROVINCES).fillna(0.3).to_numpy()
    other = OTHER_ARMED_RATE * (w * region)[:, None] * np.maximum(tempo, 0.6)[None, :]
    kinds = np.array(["background", "buildup", "assault", "other"], dtype=object)
    cell = _allocate(rng, n, np.stack([background, buildup, assault, other]))
    comp, di, ti = np.unravel_index(cell, (4, *world.status.shape))
    holder = world.holder[di, ti]
    attacker = world.attacker[di, ti]
    after = aw.DAYS[ti] >= aw.FALL_OF_KABUL
    nrf_zone = d["province"].isin(NRF_PROVINCES).to_numpy()[di]
    r = rng.random(n)
    challenger = np.where(holder == GOV, INS, GOV)
    initiator = np.select(
        [
            (comp == 0) & (holder == GOV),
            comp == 0,
            comp == 1,
            comp == 2,
        ],
        [
            np.where(r < INITIATIVE_IN_GOV_HELD, INS, GOV),
            np.where(r < INITIATIVE_IN_INS_HELD, GOV, INS),
            np.where(r < BUILDUP_INITIATIVE, challenger, holder),
            np.where(r < ATTACKER_INITIATIVE, attacker, np.where(attacker == GOV, INS, GOV)),
        ],
        OTHER,
    )
    # after the fall of Kabul the republic is gone: its part is played by the NRF in the
    # north-east and by other armed groups elsewhere
    initiator = np.where(after & (initiator == GOV) & ~nrf_zone, OTHER, initiator)
    r = rng.random(n)
    target = np.where(
        initiator == INS,
        np.where(after & ~nrf_zone, OTHER, GOV),
        np.where(
            initiator == GOV,
            INS,
            np.where(r < 0.45, INS, np.where((r < 0.8) & ~after, GOV, -1)),
        ),
    )
    # some attacks hit civilians instead (air strikes, IEDs on the roads)
    target = np.where((target != OTHER) & (rng.random(n) < 0.12), -1, target)
    etype = np.empty(n, dtype=object)
    sub = np.empty(n, dtype=object)
    for side, table in TYPES_BY_INITIATOR.items():
        m = initiator == side
        types = np.array([k[0] for k in table], dtype=object)
        subs = np.array([k[1] for k in table], dtype=object)
        w = np.array(list(table.values()))
        pick = rng.choice(len(types), size=int(m.sum()), p=w / w.sum())
        etype[m], sub[m] = types[pick], subs[pick]
    # neither the Taliban state nor the NRF flies: their fights are ground battles
    ground = after & (initiator != OTHER)
    etype[ground], sub[ground] = CLASH
    a1 = _actor(rng, initiator, sub, after)
    a2 = _actor(rng, target, np.full(n, "", dtype=object), after)
    other_names = _pick(rng, OTHER_ARMED, n)
    a1 = np.where(initiator == OTHER, other_names, a1)
    a2 = np.where(target == OTHER, other_names, a2)
    unclaimed = (sub == IED[1]) & (initiator == INS) & (rng.random(n) < UNCLAIMED_IEDS)
    a1 = np.where(unclaimed, UNIDENTIFIED, a1)
    a2 = np.where((sub == IED[1]) & (rng.random(n) < 0.15), "", a2)
    swap = (etype == "Battles") & (rng.random(n) < UNORDERED_BATTLES) & (rng.random(n) < 0.5)
    a1, a2 = np.where(swap, a2, a1), np.where(swap, a1, a2)
    a1 = np.where(a1 == "", UNIDENTIFIED, a1)  # a battle always has two named sides
    frame = pd.DataFrame(
        {
            "day": aw.DAYS[ti],
            "district": di,
            "event_type": etype,
            "sub_event_type": sub,
            "actor1": a1,
            "actor2": a2,
            "kind": kinds[comp],
            "initiator": np.where(unclaimed, OTHER, initiator),
        }
    )
    city = (comp == 2) & d["is_capital"].to_numpy()[di] & (rng.random(n) < CITY_SHARE)
    frame["in_city"] = city
    return frame


def _actor(
    rng: np.random.Generator, side: np.ndarray, sub: np.ndarray, after: np.ndarray
) -> np.ndarray:
    """Actor names for sides (GOV/INS; -1 civilians; OTHER is filled by the caller)."""
    n = len(side)
    gov = _pick(rng, GOV_ACTORS, n)
    air = sub == "Air/drone strike"
    gov = np.where(air, np.where(rng.random(n) < 0.9, AIR_FORCE, US), gov)
    gov = np.where(after, NRF, gov)
    ins = np.where(after, np.where(rng.random(n) < 0.85, TALIBAN_STATE, TALIBAN_POLICE), TALIBAN)
    out = np.where(side == GOV, gov, np.where(side == INS, ins, CIVILIANS))
    return np.where(side == OTHER, "", out).astype(object)


# --- other event families ---------------------------------------------------------------


def _unarmed(rng: np.random.Generator, world: aw.World, family: str, n: int) -> pd.DataFrame:
    d = world.districts
    tempo = _tempo()
    people = d["population"].to_numpy() + 1.0
    after_days = aw.DAYS >= aw.FALL_OF_KABUL
    if family in ("Protests", "Riots"):
        # where people are; against the Taliban (in the cities) after 15 August
        rate = people[:, None] * np.where(after_days, 0.5, 1.0)[None, :] * np.ones_like(tempo)
    elif family == "Violence against civilians":
        rate = (people**0.7)[:, None] * tempo[None, :]
    else:
        rate = np.sqrt(people)[:, None] * tempo[None, :]
    cell = _allocate(rng, n, rate)
    di, ti = np.unravel_index(cell, world.status.shape)
    holder = world.holder[di, ti]
    after = aw.DAYS[ti] >= aw.FALL_OF_KABUL
    sub = _pick(rng, SUBTYPES[family], n)
    r = rng.random(n)
    a2 = np.full(n, "", dtype=object)
    taliban = np.where(after, TALIBAN_STATE, TALIBAN)
    other = _pick(rng, OTHER_ARMED, n)
    gov = np.where(after, other, _pick(rng, GOV_ACTORS, n))  # no republic after 15 August
    kind = {"Violence against civilians": "civilian", "Protests": "protest", "Riots": "riot"}
    if family == "Violence against civilians":
        ins_share = np.where(holder == INS, 0.65, 0.5)
        gov_share = np.where(holder == INS, 0.15, 0.2)
        a1 = np.where(r < ins_share, taliban, np.where(r < ins_share + gov_share, gov, other))
        a2[:] = CIVILIANS
    elif family == "Protests":
        a1 = np.full(n, PROTESTERS, dtype=object)
        a2 = np.where(sub == "Peaceful protest", "", np.where(after, TALIBAN_POLICE, POLICE))
    elif family == "Riots":
        a1 = np.full(n, RIOTERS, dtype=object)
        a2 = np.where(r < 0.5, CIVILIANS, "")
    else:
        own = np.where(holder == INS, taliban, gov)
        rival = np.where(holder == INS, gov, taliban)
        a1 = np.where(r < 0.6, own, np.where(r < 0.9, rival, other))
        a2 = np.where(sub == "Arrests", CIVILIANS, "")
    return pd.DataFrame(
        {
            "day": aw.DAYS[ti],
            "district": di,
            "event_type": family,
            "sub_event_type": sub,
            "actor1": a1.astype(object),
            "actor2": a2.astype(object),
            "kind": kind.get(family, "strategic"),
            "initiator": -1,
            "in_city": False,
        }
    )


def _coded_transfers(rng: np.random.Generator, world: aw.World) -> pd.DataFrame:
    """The transfers the dataset codes: a random part of the world's changes of holder."""
    t = world.transfers
    n = len(t)
    regain = (t["kind"] == "regain").to_numpy()
    coded = rng.random(n) < np.where(regain, CODED_SHARE[1], CODED_SHARE[0])
    t = t[coded].reset_index(drop=True)
    regain = regain[coded]
    after = t["after_kabul"].to_numpy()
    surrender = (t["kind"] == "surrender").to_numpy()
    taliban = np.where(after, TALIBAN_STATE, TALIBAN)
    gov = np.where(after, NRF, np.where(rng.random(len(t)) < 0.5, ARMY, POLICE))
    return pd.DataFrame(
        {
            "day": t["day"].to_numpy(),
            "district": t["district"].to_numpy(),
            "event_type": np.where(surrender, "Strategic developments", "Battles"),
            # the NRF is not the government: its retakes are a non-state takeover
            "sub_event_type": np.where(
                regain, np.where(after, TAKEOVER, REGAIN), np.where(surrender, SURRENDER, TAKEOVER)
            ),
            "actor1": np.where(regain, gov, taliban).astype(object),
            "actor2": np.where(regain, taliban, np.where(surrender, "", gov)).astype(object),
            "kind": "transfer",
            "initiator": np.where(regain, GOV, INS),
            "in_city": False,
        }
    )


def _ucdp_spelling(rng: np.random.Generator, ev: pd.DataFrame) -> pd.DataFrame:
    """Rename the actors of a share of the rows as UCDP spells them."""
    pick = rng.random(len(ev)) < UCDP_SPELLING
    out = ev.copy()
    for col in ("actor1", "actor2"):
        names = out[col].to_numpy(dtype=object)
        renamed = pd.Series(names).map(UCDP_NAMES).to_numpy(dtype=object)
        use = pick & pd.notna(renamed)
        names = names.copy()
        names[use] = renamed[use]
        out[col] = names
    return out


# --- the export ---------------------------------------------------------------------


def _points(rng: np.random.Generator, world: aw.World, ev: pd.DataFrame) -> tuple:
    """Longitude and latitude of each event: a populated cell of its district, the urban
    area of a capital under assault, or the district centre for transfers."""
    cells, owner, people, transform, _ = world.population_grid
    d = world.districts
    n = len(ev)
    di = ev["district"].to_numpy()
    cum = np.cumsum(people)
    first = np.searchsorted(owner, np.arange(len(d)), side="left")
    last = np.searchsorted(owner, np.arange(len(d)), side="right")
    lo = np.where(first > 0, cum[np.maximum(first - 1, 0)], 0.0)
    hi = cum[np.maximum(last - 1, 0)]
    target = lo[di] + rng.random(n) * (hi[di] - lo[di])
    pick = np.minimum(np.searchsorted(cum, target, side="right"), len(cum) - 1)
    pick = np.clip(pick, first[di], np.maximum(last[di] - 1, first[di]))
    pick = np.minimum(pick, len(cells) - 1)
    row, col = np.divmod(cells[pick], world.population_grid[4][1])
    x = transform.c + (col + rng.random(n)) * transform.a
    y = transform.f + (row + rng.random(n)) * transform.e
    empty = (last - first)[di] == 0
    x = np.where(empty, d["x"].to_numpy()[di], x)
    y = np.where(empty, d["y"].to_numpy()[di], y)
    transfer = (ev["kind"] == "transfer").to_numpy()
    x = np.where(transfer, d["x"].to_numpy()[di], x)
    y = np.where(transfer, d["y"].to_numpy()[di], y)
    city = ev["in_city"].to_numpy(dtype=bool)
    if city.any():
        caps = world.capitals.set_index("district")
        c = caps.loc[di[city]]
        r = c["urban_radius_km"].to_numpy() * np.sqrt(rng.random(city.sum()))
        a = rng.random(city.sum()) * 2 * np.pi
        lat0 = c["latitude"].to_numpy()
        y[city] = lat0 + r * np.cos(a) / 111.32
        x[city] = c["longitude"].to_numpy() + r * np.sin(a) / (111.32 * np.cos(np.radians(lat0)))
    return x, y


def _acled_columns(
    rng: np.random.Generator, ev: pd.DataFrame, world: aw.World, defects: float, offset: int
) -> tuple[pd.DataFrame, dict]:
    n = len(ev)
    d = world.districts
    didx = ev["district"].to_numpy()
    province = d["province"].to_numpy()[didx]
    district = d["district"].to_numpy()[didx]
    cap = world.capitals.set_index("province")
    etype = ev["event_type"].to_numpy(dtype=object)
    sub = ev["sub_event_type"].to_numpy(dtype=object)
    transfer = (ev["kind"] == "transfer").to_numpy()
    x, y = _points(rng, world, ev)
    geo = rng.choice([1, 2, 3], size=n, p=[0.70, 0.22, 0.08])
    geo[transfer] = 2  # the district centre: near precision
    near = (geo == 2) & ~transfer
    x[near] += rng.normal(0, 0.02, n)[near]
    y[near] += rng.normal(0, 0.02, n)[near]
    region = geo == 3
    x[region] = cap.reindex(province[region])["longitude"].to_numpy()
    y[region] = cap.reindex(province[region])["latitude"].to_numpy()
    tp = rng.choice(["1", "2", "3"], size=n, p=[0.85, 0.12, 0.03])
    fat = np.where(
        np.isin(etype, ["Battles", ERV]),
        rng.negative_binomial(0.6, 0.12, n),
        np.where(etype == "Violence against civilians", rng.poisson(0.8, n), 0),
    )
    a1 = ev["actor1"].to_numpy(dtype=object)
    a2 = ev["actor2"].to_numpy(dtype=object)
    inter1 = _inter(a1)
    inter2 = _inter(a2)
    lo, hi = np.minimum(inter1, inter2), np.maximum(inter1, inter2)
    interaction = np.where(lo == 0, hi * 10, lo * 10 + hi)
    disorder = _lookup(etype, DISORDER)
    day = (ev["day"].to_numpy().astype("datetime64[D]") - aw.START).astype(np.int64)
    dates = _ISO_DAYS[day]
    ids = np.char.add("AFG", (np.arange(n) + 40000 + offset).astype(str)).astype(object)
    fat_text = fat.astype(str).astype(object)
    notes = (
        "On "
        + _LONG_DAYS[day]
        + ", "
        + _short_names(a1)
        + " and "
        + _short_names(np.where(a2 == "", "unknown", a2))
        + " ("
        + sub
        + ") in "
        + district
        + ", "
        + province
        + ". Fatalities: "
        + fat_text
        + "."
    )
    lat = np.char.mod("%.4f", y).astype(object)
    lon = np.char.mod("%.4f", x).astype(object)
    admin2 = np.where(region, "", district).astype(object)
    location = np.where(region, cap.reindex(province)["city"].to_numpy(), district)
    civilian = np.isin(a2, [CIVILIANS, "Civilians"])
    out = pd.DataFrame(
        {
            "event_id_cnty": ids,
            "event_date": dates,
            "year": "2021",
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
            "civilian_targeting": np.where(civilian, "Civilian targeting", ""),
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
            "fatalities": fat_text,
            "tags": "",
            "timestamp": "1700000000",
        },
        dtype=object,
    )
    spoiled = _spoil(rng, out, defects)
    return out[COLUMNS], spoiled


def _inter(actors: np.ndarray) -> np.ndarray:
    """ACLED inter codes (0 no actor, 1 state, 2 rebel, 3 political militia, ...)."""
    names, pos = np.unique(actors.astype(str), return_inverse=True)
    codes = np.array([_inter_one(a) for a in names], dtype=np.int64)
    return codes[pos]


def _inter_one(actor: str) -> int:
    if actor in INTER:
        return INTER[actor]
    if actor.startswith("Military Forces of the United States"):
        return 8
    return 1 if actor.startswith(("Military Forces", "Police Forces", "Afghan Local")) else 0


def _lookup(values: np.ndarray, table: dict[str, str]) -> np.ndarray:
    names, pos = np.unique(values.astype(str), return_inverse=True)
    return np.array([table[v] for v in names], dtype=object)[pos]


def _short_names(actors: np.ndarray) -> np.ndarray:
    """Actor names without their bracketed qualifier, as in ACLED's notes."""
    names, pos = np.unique(actors.astype(str), return_inverse=True)
    short = [re.sub(r" \(.*\)$", "", a) for a in names]
    return np.array(short, dtype=object)[pos]


_ISO_DAYS = np.datetime_as_string(aw.DAYS).astype(object)
_LONG_DAYS = np.array([f"{d:%d %B %Y}" for d in pd.DatetimeIndex(aw.DAYS)], dtype=object)


def _spoil(rng: np.random.Generator, out: pd.DataFrame, share: float) -> dict[str, int]:
    """Spoil ``share`` of the rows in realistic ways (in place); return counts per kind."""
    n = len(out)
    kinds = DEFECTS
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
    # a duplicate copies the id of the row before: not the first row, not after a duplicate
    k[0] = 0 if k[0] == 9 else k[0]
    k[1:][(k[1:] == 9) & (k[:-1] == 9)] = 0
    dup = np.flatnonzero(k == 9)
    ids[dup] = ids[np.maximum(dup - 1, 0)]
    out["latitude"], out["longitude"] = lat, lon
    out["event_date"], out["event_id_cnty"] = dates, ids
    return {kind: int((k == i + 1).sum()) for i, kind in enumerate(kinds)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000, help="rows of the export (default 100000)")
    ap.add_argument("--seed", type=int, default=2021, help="random seed (default 2021)")
    ap.add_argument(
        "--defects",
        type=float,
        default=0.03,
        help="share of rows spoiled with realistic defects (default 0.03)",
    )
    ap.add_argument("-o", "--output", type=Path, required=True, help="the export (.csv)")
    ap.add_argument(
        "--truth",
        type=Path,
        help="write who holds each district each day (date,district_id,status)",
    )
    ap.add_argument(
        "--truth-sieges",
        type=Path,
        help="write, per capital and day, fighting at the gates and fallen",
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    world, spoiled = write_export(args.output, args.rows, seed=args.seed, defects=args.defects)
    size = args.output.stat().st_size / 1e6
    print(
        f"wrote {args.rows:,} rows ({size:.1f} MB) to {args.output} in "
        f"{time.perf_counter() - t0:.1f} s; spoiled: {spoiled}"
    )
    if args.truth:
        truth = world.truth_table()
        write_table(truth, args.truth)
        print(f"wrote {len(truth):,} district-days of truth to {args.truth}")
    if args.truth_sieges:
        sieges = world.siege_table()
        write_table(sieges, args.truth_sieges)
        print(f"wrote {len(sieges):,} capital-days of siege truth to {args.truth_sieges}")


if __name__ == "__main__":
    main()
