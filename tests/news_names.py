"""District names of the 2021 Taliban takeovers as the news spells them (no province).

105 districts reported taken or fought over in May-August 2021, each spelled as
English-language news wrote it at the time (for example KabulNow, 8 June 2021: "Nirkh and
Jalrez in Maidan Wardak, Burka in Baghlan, Dawlat Shah in Laghman, Gizab in Urozgan, Deh
Yak in Ghazni, Shinkai in Zabul, Du Ab and Mandol in Nooristan, Shahrak in Ghor, and
Qaisar in Faryab"; RFE/RL on "Darqad and Yangi Qala"), and the district it means as an id
of the bundled 398-district set, worked out by hand from the report's province. Names that
stand for two districts of that set carry both ids (``"a;b"``): a matcher must call them
ambiguous. It is a compilation by geofront's authors (names are facts; no text copied),
not an independent dataset: it mixes names every matcher finds with the hard ones of
issue 9 ("Archi", "Murghab", "Ragh", "Khwaja Sabz", "Jadran", "Jaji", "Dara-I-Suf",
"Ghorband", "Pech", "Hisa-I-Awali Panjsher").
"""

from __future__ import annotations

NEWS_TAKEOVERS: tuple[tuple[str, str], ...] = (
    ("Burka", "1310"),
    ("Nirkh", "408"),
    ("Jalrez", "402"),
    ("Dawlat Shah", "904"),
    ("Gizab", "3402"),
    ("Deh Yak", "615"),
    ("Shinkai", "2507"),
    ("Doab", "3007"),
    ("Mandol", "3004"),
    ("Shahrak", "2702"),
    ("Qaisar", "1804"),
    ("Dawlatyar", "2709"),
    ("Farkhar", "1206"),
    ("Alasay", "206"),
    ("Kaldar", "1613"),
    ("Feroz Nakhchir", "1507"),
    ("Gelan", "609"),
    ("Khakrez", "2405"),
    ("Shirin Tagab", "1808"),
    ("Dahan-e Ghori", "1303"),
    ("Imam Sahib", "1402"),
    ("Panjwai", "2408"),
    ("Arghanj Khwa", "1114"),
    ("Yangi Qala", "1210"),
    ("Darqad", "1211"),
    ("Yumgan", "1127"),
    ("Wakhan", "1106"),
    ("Archi", "1407"),
    ("Murghab", "1906"),
    ("Ragh", "1112"),
    ("Khwaja Sabz", "1813"),
    ("Jadran", "704"),
    ("Jaji", "711"),
    ("Dara-I-Suf", "1503;1504"),
    ("Ghorband", "305"),
    ("Pech", "1010"),
    ("Hisa-I-Awali Panjsher", "3303"),
    ("Khan Abad", "1406"),
    ("Ali Abad", "1405"),
    ("Chahar Dara", "1404"),
    ("Qala-e-Zal", "1403"),
    ("Andarab", "1307"),
    ("Doshi", "1304"),
    ("Khinjan", "1306"),
    ("Nahrin", "1309"),
    ("Kohistanat", "3103"),
    ("Sancharak", "3102"),
    ("Balkhab", "3104"),
    ("Ghormach", "1905"),
    ("Qadis", "1903"),
    ("Ab Kamari", "1902"),
    ("Jawand", "1904"),
    ("Almar", "1803"),
    ("Pashtun Kot", "1802"),
    ("Garziwan", "1807"),
    ("Bilchiragh", "1806"),
    ("Qaramqol", "1810"),
    ("Darzab", "1703"),
    ("Qush Tepa", "1711"),
    ("Mardyan", "1707"),
    ("Mingajik", "1704"),
    ("Khaniqa", "1710"),
    ("Shortepa", "1604"),
    ("Chimtal", "1608"),
    ("Sholgara", "1609"),
    ("Keshendeh", "1610"),
    ("Khulm", "1614"),
    ("Kohsan", "2008"),
    ("Ghoryan", "2009"),
    ("Gulran", "2007"),
    ("Obe", "2012"),
    ("Chisht-e-Sharif", "2015"),
    ("Adraskan", "2011"),
    ("Karukh", "2005"),
    ("Saydabad", "407"),
    ("Chak-e-Wardak", "406"),
    ("Kharwar", "507"),
    ("Azra", "506"),
    ("Zurmat", "702"),
    ("Dand-e-Patan", "707"),
    ("Khas Uruzgan", "2603"),
    ("Deh Rawood", "2605"),
    ("Nad-e Ali", "2308"),
    ("Nahr-e Saraj", "2302"),
    ("Garmsir", "2311"),
    ("Musa Qala", "2304"),
    ("Maiwand", "2407"),
    ("Shah Wali Kot", "2403"),
    ("Miyanishin", "2414"),
    ("Spin Boldak", "2411"),
    ("Shahjoy", "2502"),
    ("Kiti", "3406"),
    ("Ashtarlay", "3403"),
    ("Sang-e-Takht", "3408"),
    ("Pusht Rod", "2111"),
    ("Khak-e-Safed", "2106"),
    ("Qala-e-Kah", "2108"),
    ("Chakhansur", "2204"),
    ("Kahmard", "2803"),
    ("Ruy Do Ab", "1505"),
    ("Sar Rawza", "2914"),
    ("Wor Mamay", "2905"),
    ("Jaghatu", "409;602"),
    ("Dawlatabad", "1605;1809"),
    ("Arghandab", "2404;2503"),
)


def score(matches, expected=NEWS_TAKEOVERS):  # type: ignore[no-untyped-def]
    """Compare a :func:`geofront.names.match_names` result with the expected ids.

    Returns a dict: ``right`` (matched to the expected district, or ambiguous between
    exactly the expected two), ``wrong`` (matched to another district: a silent error),
    ``ambiguous_right``, ``unmatched`` and ``misses`` (name, outcome) for every name
    that is not right.
    """
    right = wrong = amb = unmatched = 0
    misses = []
    for (name, want), got, method, tied in zip(
        expected, matches["match"], matches["method"], matches["candidates"], strict=True
    ):
        if ";" in want:
            ok = method == "ambiguous" and tied == want
            amb += ok
        else:
            ok = got == want
        if ok:
            right += 1
            continue
        if got is None:
            unmatched += 1
            misses.append((name, f"{method} {tied}".strip()))
        else:
            wrong += 1
            misses.append((name, f"{got} ({method}) instead of {want}"))
    return {
        "names": len(expected),
        "right": right,
        "wrong": wrong,
        "ambiguous_right": amb,
        "unmatched": unmatched,
        "misses": misses,
    }
