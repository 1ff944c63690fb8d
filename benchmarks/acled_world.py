"""A seeded model of Afghanistan's 2021 war: who holds each district on each day (the truth).

This is the *world* behind ``make_acled_like.py``: it decides, independently of
geofront's rules, who holds every one of the 398 bundled districts on every day of 2021
and when each provincial capital has fighting at its gates; the event generator then
draws what a news-based event dataset would record of that world. Nothing here reads a
geofront threshold or rule; the parameters below come from the history of the war (with
the source or the reasoning beside each) and are deliberately not tuned to make any rule
pass or fail.

What the truth means
--------------------
Each district has one status per day (``STATUSES``):

``government``
    the district centre is held, undisputed, by the Islamic Republic (to 15 August
    2021) or, after the fall of Kabul, by the anti-Taliban resistance (NRF: Panjshir,
    and Andarab's rising of 20 August);
``insurgent``
    it is held by the Taliban (the movement, and from 15 August the Islamic Emirate's
    forces, which ACLED codes "Military Forces of Afghanistan (2021-)");
``contested``
    the district centre is under *sustained assault*: every day of an assault that ends
    in a takeover (from its first day to the day before the centre changes hands), of an
    assault that is repelled, and of a counter-offensive to retake a district. Not
    contested: the background violence that goes on whoever holds a district (IEDs and
    ambushes on the roads of a government district, air strikes and raids on a Taliban
    one), nor the weeks of attacks on outlying checkpoints before an assault (the
    *build-up*). This is stricter than the Long War Journal's "contested" (113 of 409
    districts on 31 July 2021), which counts every district where the Taliban hold much
    of the countryside but not the centre; here a district is contested only while its
    centre is being fought for, so at any date well under a fifth of the districts are.

A *takeover* is the day the holder changes; the new status holds from that day (the
event that records it, if any, is dated that day). A provincial capital has *fighting at
the gates* on the days of an assault on the city itself (the contested days of its
district) and has *fallen* from the day the Taliban take it.

How the world unfolds
---------------------
* **Before 2021.** About 62 districts are held by the Taliban on 1 January (the Long War
  Journal counted 75-77 Taliban-controlled districts of 407 in spring 2021), chosen
  among rural districts of the movement's strongholds (``STRONGHOLD``: Helmand,
  Kandahar, Uruzgan, Zabul, Ghazni, Farah, Badghis, Faryab, Kunduz).
* **The offensive** (``FALL_CURVE``). The other districts fall one by one so that the
  number held follows the reported counts: ~75 on 1 May, ~110 in mid-June, ~185 on 7
  July ("at least 150 of roughly 400 districts taken in just over two months", NYT, 7
  July), ~212 on 31 July (LWJ: 223 of 409), ~225 on 6 August, then the collapse of 6-15
  August. The order is rural first and north first (``OFFENSIVE_ORDER``: the north and
  north-east fell in May-July; the centre, the east and the Kabul region in August),
  with noise.
* **The provincial capitals** (``CAPITALS``) fall on their reported dates, 6-15 August
  (Zaranj first, Kabul on the 15th), Bazarak (Panjshir) on 6 September; the assaults on
  Lashkar Gah, Kandahar, Herat, Kunduz, Sheberghan and others, and the repelled attacks
  on Qala-i-Naw (6-9 July) and Kunduz (June) are fighting at the gates; most capitals of
  the collapse were surrendered without a fight.
* **Each takeover** of a district is a surrender (no assault; 20 % before August, 60 %
  in the collapse, when districts and capitals were handed over by negotiation) or an
  assault of a few days (``ASSAULT_DAYS``), a fifth of them long sieges of a district
  centre (10-40 days, centres resupplied by air). Before the assault come 2-6 weeks of
  build-up. Some districts repel an assault first (``REPELLED_PER_DISTRICT``); 8 % of the
  districts taken before August are retaken by a government counter-offensive and lost
  again (``RETAKE_SHARE``, the counter-offensives of June-July 2021).
* **After 15 August** every district is Taliban-held except Panjshir (held by the NRF
  until the Taliban assault of 1-6 September) and Andarab, Dih Salah and Puli Hisar in
  Baghlan (retaken by local resistance on 20-21 August, lost again by 1 September).

Dates of real events are as widely reported at the time (e.g. in the Wikipedia article
"2021 Taliban offensive"), to a day or two; the world is patterned on them, it is not a
record of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import rasterio
import rasterio.features

from geofront import datasets
from geofront.boundaries import read_boundaries

GOVERNMENT, CONTESTED, INSURGENT = 0, 1, 2
#: Truth status names by code.
STATUSES = ("government", "contested", "insurgent")

START, END = np.datetime64("2021-01-01"), np.datetime64("2021-12-31")
DAYS = np.arange(START, END + np.timedelta64(1, "D"))
FALL_OF_KABUL = np.datetime64("2021-08-15")
COLLAPSE = np.datetime64("2021-08-01")

#: Districts held by the Taliban (of the 398) by date, for the districts other than the
#: provincial capitals and Panjshir: 62 on 1 January, reported counts after (see the
#: module docstring); all by 15 August. Linear in between.
FALL_CURVE = (
    ("2021-01-01", 62),
    ("2021-05-01", 75),
    ("2021-06-15", 110),
    ("2021-07-07", 185),
    ("2021-07-31", 212),
    ("2021-08-06", 225),
    ("2021-08-15", None),  # None: every remaining district
)
#: Provinces (AIMS spelling) where the Taliban held ground before 2021 (LWJ maps of
#: 2020): weight of their districts for the holdings of 1 January.
STRONGHOLD = {
    p: 1.0
    for p in (
        "Hilmand",
        "Kandahar",
        "Uruzgan",
        "Zabul",
        "Ghazni",
        "Farah",
        "Badghis",
        "Faryab",
        "Kunduz",
    )
}
#: Order of the 2021 offensive by province: 1 = early (the north and north-east fell in
#: May-July), 0.5 = the south and west (July), 0 = late (the centre and the east, mostly
#: in the collapse of August), -1 = last (Kabul province, held until 14-15 August).
OFFENSIVE_ORDER = {
    "Kabul": -1.0,
    **dict.fromkeys(
        (
            "Badakhshan",
            "Takhar",
            "Kunduz",
            "Baghlan",
            "Faryab",
            "Jawzjan",
            "Sari Pul",
            "Balkh",
            "Samangan",
            "Badghis",
        ),
        1.0,
    ),
    **dict.fromkeys(
        (
            "Hilmand",
            "Kandahar",
            "Uruzgan",
            "Zabul",
            "Ghazni",
            "Farah",
            "Hirat",
            "Ghor",
            "Nimroz",
            "Paktika",
        ),
        0.5,
    ),
}
#: Weight of the province (STRONGHOLD / OFFENSIVE_ORDER) against rurality (z-score of
#: minus log population density) and noise (standard normal) in the order of falls.
ORDER_WEIGHTS = (1.5, 0.7)

#: Share of takeovers that are surrenders (no assault): before August / from August.
SURRENDER_SHARE = (0.2, 0.6)
#: Assault length in days: 1 + Gamma(shape, scale) for most; a share are long sieges of a
#: district centre lasting LONG_SIEGE_DAYS (uniform).
ASSAULT_DAYS = (1.5, 2.5)
LONG_SIEGE_SHARE = 0.2
LONG_SIEGE_DAYS = (10, 40)
#: Days of build-up (attacks on outlying checkpoints) before an assault, uniform.
BUILDUP_DAYS = (14, 42)
#: Mean number of repelled assaults per district the offensive reaches (Poisson), each
#: 1 + Gamma(1.5, 1.5) days long, between 1 May and the build-up of its fall.
REPELLED_PER_DISTRICT = 0.3
#: Share of districts taken before August that a government counter-offensive retakes
#: (contested 1 + Gamma(1.5, 2) days, held by the government RETAKE_HOLD_DAYS, then an
#: assault and a second takeover).
RETAKE_SHARE = 0.08
RETAKE_GAP_DAYS = (3, 20)
RETAKE_HOLD_DAYS = (5, 30)

#: Provincial capitals: province (AIMS) -> (fall date, assault windows). Each window is
#: (first day, last day) of fighting at the gates; the last window of a capital that
#: falls ends the day before its fall; earlier windows are assaults that were repelled.
#: Capitals without a window were surrendered or abandoned without fighting in the city.
CAPITALS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "Nimroz": ("2021-08-06", ()),  # Zaranj, taken without resistance
    "Jawzjan": ("2021-08-07", (("2021-08-02", "2021-08-06"),)),  # Sheberghan
    "Kunduz": ("2021-08-08", (("2021-06-20", "2021-06-22"), ("2021-08-05", "2021-08-07"))),
    "Sari Pul": ("2021-08-08", (("2021-08-05", "2021-08-07"),)),
    "Takhar": ("2021-08-08", (("2021-08-05", "2021-08-07"),)),  # Taloqan
    "Samangan": ("2021-08-09", ()),  # Aybak, handed over
    "Farah": ("2021-08-10", (("2021-08-08", "2021-08-09"),)),
    "Baghlan": ("2021-08-10", (("2021-08-09", "2021-08-09"),)),  # Pul-e Khumri
    "Badakhshan": ("2021-08-11", (("2021-08-09", "2021-08-10"),)),  # Fayzabad
    "Ghazni": ("2021-08-12", (("2021-08-11", "2021-08-11"),)),
    "Hirat": ("2021-08-12", (("2021-07-30", "2021-08-11"),)),  # Herat
    "Badghis": ("2021-08-12", (("2021-07-06", "2021-07-09"), ("2021-08-10", "2021-08-11"))),
    "Kandahar": ("2021-08-13", (("2021-07-09", "2021-07-11"), ("2021-07-30", "2021-08-12"))),
    "Hilmand": ("2021-08-13", (("2021-07-28", "2021-08-12"),)),  # Lashkar Gah
    "Ghor": ("2021-08-13", ()),  # Chaghcharan, surrendered
    "Uruzgan": ("2021-08-13", ()),  # Tarinkot
    "Zabul": ("2021-08-13", ()),  # Qalat
    "Logar": ("2021-08-13", ()),  # Pul-i-Alam
    "Faryab": ("2021-08-14", (("2021-08-10", "2021-08-13"),)),  # Maymana
    "Balkh": ("2021-08-14", ()),  # Mazar-i-Sharif, abandoned
    "Paktika": ("2021-08-14", ()),
    "Paktya": ("2021-08-14", ()),
    "Kunar": ("2021-08-14", ()),
    "Laghman": ("2021-08-14", ()),
    "Daykundi": ("2021-08-14", ()),
    "Nangarhar": ("2021-08-15", ()),  # Jalalabad, surrendered
    "Khost": ("2021-08-15", ()),
    "Maydan Wardak": ("2021-08-15", ()),
    "Bamyan": ("2021-08-15", ()),
    "Nuristan": ("2021-08-15", ()),
    "Kapisa": ("2021-08-15", ()),
    "Parwan": ("2021-08-15", ()),
    "Kabul": ("2021-08-15", ()),  # the government fled; no battle for the city
    "Panjsher": ("2021-09-06", (("2021-09-04", "2021-09-05"),)),  # Bazarak
}
#: Panjshir: held by the NRF after 15 August; the Taliban assault of 1-5 September takes
#: the valley's districts between 2 and 6 September.
PANJSHIR = "Panjsher"
PANJSHIR_ASSAULT = np.datetime64("2021-09-01")
#: Andarab's rising (Baghlan): retaken by local resistance, held, lost again.
ANDARAB = ("1307", "1312", "1302")  # Andarab, Dih Salah, Puli Hisar
ANDARAB_EPISODE = ("2021-08-19", "2021-08-21", "2021-08-28", "2021-09-01")
#: People per km^2 of a built-up Afghan city (Kabul: ~4.4 million on ~900 km^2): sets the
#: radius of the urban area where fighting at the gates takes place (at least 2 km).
URBAN_DENSITY_PER_KM2 = 5000.0
MIN_URBAN_RADIUS_KM = 2.0


@dataclass(frozen=True)
class World:
    """The truth of one seeded world.

    Attributes
    ----------
    districts : DataFrame
        One row per bundled district (boundaries order): ``district_id``, ``district``,
        ``province``, ``is_capital``, ``population``, ``x``/``y`` (a point inside the
        district, for transfers).
    status : ndarray of int8, shape (districts, days)
        Truth codes (:data:`GOVERNMENT`, :data:`CONTESTED`, :data:`INSURGENT`) per day
        of :data:`DAYS`.
    holder : ndarray of int8, shape (districts, days)
        Who holds the district centre: on contested days the defender.
    attacker : ndarray of int8, shape (districts, days)
        On contested days the attacking side (GOVERNMENT or INSURGENT), else -1.
    buildup : ndarray of bool, shape (districts, days)
        Days of build-up before an assault (the district is still held).
    transfers : DataFrame
        One row per change of holder: ``day`` (datetime64[D]), ``district`` (row
        position), ``kind`` (``takeover``, ``surrender`` or ``regain``), ``after_kabul``.
    capitals : DataFrame
        One row per provincial capital: ``city``, ``province``, ``district_id``,
        ``district`` (row position), ``longitude``, ``latitude``, ``population``,
        ``urban_radius_km``, ``fall`` (datetime64[D]).
    at_gates : ndarray of bool, shape (capitals, days)
        Fighting at the gates.
    fallen : ndarray of bool, shape (capitals, days)
    population_grid : tuple
        ``(cells, district_of_cell, people, transform, shape)`` of the populated raster
        cells, for drawing event locations.
    """

    districts: pd.DataFrame
    status: np.ndarray
    holder: np.ndarray
    attacker: np.ndarray
    buildup: np.ndarray
    transfers: pd.DataFrame
    capitals: pd.DataFrame
    at_gates: np.ndarray
    fallen: np.ndarray
    population_grid: tuple

    def truth_table(self) -> pd.DataFrame:
        """Long truth table ``date, district_id, status``, sorted by date then id."""
        n_d, n_t = self.status.shape
        ids = self.districts["district_id"].to_numpy(dtype=object)
        order = np.argsort(ids.astype(str), kind="stable")
        st = self.status[order]
        return pd.DataFrame(
            {
                "date": np.repeat(np.datetime_as_string(DAYS), n_d),
                "district_id": np.tile(ids[order], n_t),
                "status": np.asarray(STATUSES, dtype=object)[st.T.ravel()],
            }
        )

    def siege_table(self) -> pd.DataFrame:
        """Per capital and day: ``date, city, province, district_id, fighting_at_gates,
        fallen``, sorted by date then city."""
        c = self.capitals.sort_values("city", kind="stable")
        pos = c.index.to_numpy()
        n_c, n_t = len(c), len(DAYS)
        return pd.DataFrame(
            {
                "date": np.repeat(np.datetime_as_string(DAYS), n_c),
                "city": np.tile(c["city"].to_numpy(dtype=object), n_t),
                "province": np.tile(c["province"].to_numpy(dtype=object), n_t),
                "district_id": np.tile(c["district_id"].to_numpy(dtype=object), n_t),
                "fighting_at_gates": self.at_gates[pos].T.ravel(),
                "fallen": self.fallen[pos].T.ravel(),
            }
        )


def _day(text: str) -> int:
    """Index of an ISO date in :data:`DAYS`."""
    return int((np.datetime64(text) - START).astype(int))


def _population_grid(districts: pd.DataFrame) -> tuple:
    """Populated raster cells with their district (rasterised) and people."""
    with rasterio.open(datasets.get_path("afg-population")) as src:
        people = src.read(1, masked=True).filled(0).astype("float64")
        transform = src.transform
    people[~np.isfinite(people) | (people < 0)] = 0
    shapes = ((g, i + 1) for i, g in enumerate(districts.geometry))
    owner = rasterio.features.rasterize(
        shapes, out_shape=people.shape, transform=transform, fill=0, dtype="int32"
    )
    flat_owner = owner.ravel() - 1
    flat_people = people.ravel()
    keep = (flat_owner >= 0) & (flat_people > 0)
    cells = np.flatnonzero(keep)
    order = np.lexsort((cells, flat_owner[cells]))
    cells = cells[order]
    return cells, flat_owner[cells], flat_people[cells], transform, people.shape


def _fall_order(
    rng: np.random.Generator, districts: pd.DataFrame, table: dict[str, float], eligible: np.ndarray
) -> np.ndarray:
    """Row positions of ``eligible`` districts, earliest to fall first."""
    density = districts["population"].to_numpy() / districts["area_km2"].to_numpy()
    rural = -np.log(np.maximum(density, 0.1))
    rural = (rural - rural.mean()) / rural.std()
    region = districts["province"].map(table).fillna(0.0).to_numpy()
    w_region, w_rural = ORDER_WEIGHTS
    score = w_region * region + w_rural * rural + rng.standard_normal(len(districts))
    pos = np.flatnonzero(eligible)
    return pos[np.argsort(-score[pos], kind="stable")]


def _fall_days(n: int) -> np.ndarray:
    """Day index at which the k-th district (k = 1..n) falls, from :data:`FALL_CURVE`."""
    days = np.array([_day(d) for d, _ in FALL_CURVE], dtype=float)
    counts = np.array([c if c is not None else n for _, c in FALL_CURVE], dtype=float)
    held0 = int(counts[0])
    k = np.arange(held0 + 1, n + 1, dtype=float)
    # the k-th fall happens when the curve reaches k - 0.5 (spread within a segment)
    return np.floor(np.interp(k - 0.5, counts, days)).astype(int)


def _assault_days(rng: np.random.Generator, day: int) -> int:
    """Length of the assault before a takeover on ``day`` (0: a surrender)."""
    surrender = SURRENDER_SHARE[1] if day >= _day(str(COLLAPSE)) else SURRENDER_SHARE[0]
    if rng.random() < surrender:
        return 0
    if rng.random() < LONG_SIEGE_SHARE:
        return int(rng.integers(LONG_SIEGE_DAYS[0], LONG_SIEGE_DAYS[1] + 1))
    return 1 + int(rng.gamma(*ASSAULT_DAYS))


class _Timeline:
    """Status, holder, attacker and build-up of one district, written episode by episode."""

    def __init__(self, status: np.ndarray, holder: np.ndarray, attacker: np.ndarray, b: np.ndarray):
        self.status, self.holder, self.attacker, self.buildup = status, holder, attacker, b

    def hold(self, start: int, side: int) -> None:
        self.status[start:] = side
        self.holder[start:] = side
        self.attacker[start:] = -1

    def fight(self, start: int, stop: int, attacker: int) -> None:
        start = max(start, 0)
        if stop <= start:
            return
        self.status[start:stop] = CONTESTED
        self.attacker[start:stop] = attacker
        # the holder stays the defender

    def build(self, start: int, stop: int) -> None:
        self.buildup[max(start, 0) : max(stop, 0)] = True


def make_world(seed: int = 2021) -> World:
    """Build the seeded world (see the module docstring)."""
    rng = np.random.default_rng(seed)
    b = read_boundaries()
    d = b.districts.reset_index(drop=True)
    districts = pd.DataFrame(
        {
            "district_id": d["district_id"].astype(str).to_numpy(dtype=object),
            "district": d["district"].to_numpy(dtype=object),
            "province": d["province"].to_numpy(dtype=object),
        }
    )
    grid = _population_grid(d)
    cells, owner, people = grid[0], grid[1], grid[2]
    districts["population"] = np.bincount(owner, weights=people, minlength=len(d))
    districts["area_km2"] = d.to_crs("EPSG:6933").area.to_numpy() / 1e6
    reps = d.geometry.representative_point()
    districts["x"], districts["y"] = reps.x.to_numpy(), reps.y.to_numpy()

    raw = pd.read_csv(datasets.get_path("afg-capitals-csv"), dtype={"esoc_distid": str})
    pos_of = pd.Series(np.arange(len(d)), index=districts["district_id"])
    capitals = pd.DataFrame(
        {
            "city": raw["capital"].astype(str),
            "province": raw["province"].astype(str),
            "district_id": raw["esoc_distid"].astype(str),
            "district": pos_of.loc[raw["esoc_distid"].astype(str)].to_numpy(),
            "longitude": raw["longitude"].astype(float),
            "latitude": raw["latitude"].astype(float),
            "population": raw["population"].astype(float),
        }
    )
    capitals["urban_radius_km"] = np.maximum(
        MIN_URBAN_RADIUS_KM, np.sqrt(capitals["population"] / URBAN_DENSITY_PER_KM2 / np.pi)
    )
    capitals["fall"] = [np.datetime64(CAPITALS[p][0]) for p in capitals["province"]]
    is_capital = np.zeros(len(d), dtype=bool)
    is_capital[capitals["district"].to_numpy()] = True
    districts["is_capital"] = is_capital
    panjshir = (districts["province"] == PANJSHIR).to_numpy()

    n_d, n_t = len(d), len(DAYS)
    status = np.full((n_d, n_t), GOVERNMENT, dtype=np.int8)
    holder = np.full((n_d, n_t), GOVERNMENT, dtype=np.int8)
    attacker = np.full((n_d, n_t), -1, dtype=np.int8)
    buildup = np.zeros((n_d, n_t), dtype=bool)
    lines = [_Timeline(status[i], holder[i], attacker[i], buildup[i]) for i in range(n_d)]
    transfers: list[tuple[int, int, str]] = []

    # 1 January: the Taliban's holdings; then the order of the offensive
    ordinary = ~is_capital & ~panjshir
    held0 = int(FALL_CURVE[0][1] or 0)
    first = _fall_order(rng, districts, STRONGHOLD, ordinary)[:held0]
    for i in first:
        lines[i].hold(0, INSURGENT)
    rest = ordinary.copy()
    rest[first] = False
    order = _fall_order(rng, districts, OFFENSIVE_ORDER, rest)
    fall = _fall_days(int(ordinary.sum()))
    kabul_day = _day(str(FALL_OF_KABUL))
    may = _day("2021-05-01")
    for i, f in zip(order, fall, strict=True):
        _offensive(rng, lines[i], int(i), int(f), may, kabul_day, transfers)

    # the capitals: assault windows and falls from the record
    for _, cap in capitals.iterrows():
        fall_day, windows = CAPITALS[cap["province"]]
        line = lines[int(cap["district"])]
        for a, z in windows:
            line.fight(_day(a), _day(z) + 1, INSURGENT)
        f = _day(fall_day)
        line.hold(f, INSURGENT)
        kind = "takeover" if windows and _day(windows[-1][1]) == f - 1 else "surrender"
        transfers.append((f, int(cap["district"]), kind))

    # Panjshir's other districts: the September assault
    for i in np.flatnonzero(panjshir & ~is_capital):
        f = _day("2021-09-02") + int(rng.integers(0, 5))
        lines[i].fight(_day(str(PANJSHIR_ASSAULT)), f, INSURGENT)
        lines[i].hold(f, INSURGENT)
        transfers.append((f, int(i), "takeover"))

    # Andarab's rising
    rise, regain, assault, lost = (_day(t) for t in ANDARAB_EPISODE)
    for did in ANDARAB:
        i = int(pos_of[did])
        line = lines[i]
        line.fight(rise, regain, GOVERNMENT)
        line.hold(regain, GOVERNMENT)
        line.fight(assault, lost, INSURGENT)
        line.hold(lost, INSURGENT)
        transfers += [(regain, i, "regain"), (lost, i, "takeover")]

    at_gates = status[capitals["district"].to_numpy()] == CONTESTED
    fall_idx = np.array([_day(CAPITALS[p][0]) for p in capitals["province"]])
    fallen = np.arange(n_t)[None, :] >= fall_idx[:, None]
    tr = pd.DataFrame(transfers, columns=["day", "district", "kind"])
    tr["day"] = START + tr["day"].to_numpy().astype("timedelta64[D]")
    tr["after_kabul"] = tr["day"].to_numpy() >= FALL_OF_KABUL
    tr = tr.sort_values(["day", "district"], kind="stable").reset_index(drop=True)
    return World(
        districts=districts,
        status=status,
        holder=holder,
        attacker=attacker,
        buildup=buildup,
        transfers=tr,
        capitals=capitals,
        at_gates=at_gates,
        fallen=fallen,
        population_grid=(cells, owner, people, grid[3], grid[4]),
    )


def _offensive(
    rng: np.random.Generator,
    line: _Timeline,
    i: int,
    f: int,
    may: int,
    kabul_day: int,
    transfers: list[tuple[int, int, str]],
) -> None:
    """One ordinary district taken on day ``f``: repelled assaults, build-up, assault,
    takeover, and perhaps a retake and a second takeover."""
    length = _assault_days(rng, f)
    start = f - length
    build = int(rng.integers(BUILDUP_DAYS[0], BUILDUP_DAYS[1] + 1))
    # repelled assaults between 1 May and the build-up (if there is room)
    latest = start - build - 7
    for _ in range(int(rng.poisson(REPELLED_PER_DISTRICT))):
        if latest - may < 7:
            break
        a = int(rng.integers(may, latest))
        line.fight(a, min(a + 1 + int(rng.gamma(1.5, 1.5)), latest), INSURGENT)
    line.build(start - build, start)
    line.fight(start, f, INSURGENT)
    line.hold(f, INSURGENT)
    transfers.append((f, i, "takeover" if length else "surrender"))
    if f >= _day(str(COLLAPSE)) or rng.random() >= RETAKE_SHARE:
        return
    a = f + int(rng.integers(RETAKE_GAP_DAYS[0], RETAKE_GAP_DAYS[1] + 1))
    regain = a + 1 + int(rng.gamma(1.5, 2.0))
    again = regain + int(rng.integers(RETAKE_HOLD_DAYS[0], RETAKE_HOLD_DAYS[1] + 1))
    lost = again + 1 + int(rng.gamma(1.5, 2.0))
    if lost >= kabul_day:
        return
    line.fight(a, regain, GOVERNMENT)
    line.hold(regain, GOVERNMENT)
    line.build(again - 14, again)
    line.fight(again, lost, INSURGENT)
    line.hold(lost, INSURGENT)
    transfers += [(regain, i, "regain"), (lost, i, "takeover")]
