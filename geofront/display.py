"""Published spellings of place names, for maps and titles (tables keep the source names).

The bundled district names are AIMS transliterations with typing slips ("Qala-I- Naw",
"Khost(Matun)", "Warduj\\n", "Zanda  Jan") and AIMS province spellings ("Hirat",
"Hilmand"). A newsroom writes "Qala-i-Naw", "Khost (Matun)", "Herat". Maps and titles
show the *display name*; tables, ids and joins keep the source name, so nothing that
matches names changes.

The bundled table ``afg-display-names`` (``data/names/afg_display_names.csv``) records
the display name of every district and province of the bundled set and where it comes
from (``source``):

* ``province_en``: a province's common English spelling (``province_en`` of the bundled
  boundaries, ``data/SOURCES.md`` section 1);
* ``capital``: a district that is a provincial capital's district and has the same name
  (same phonetic key, :func:`geofront.names.phonetic_key`) takes the capital's published
  name from the bundled capitals (``afg-capitals``: "Mazari Sharif" -> "Mazar-i-Sharif");
* ``typography``: the source name with :func:`tidy_name` applied;
* ``source``: the source name unchanged.

:func:`display_table` rebuilds the table from those rules (the tests check the shipped
file equals it). For other boundaries, :func:`display_names` applies :func:`tidy_name`
only to whitespace and bracket spacing (no transliteration rule is assumed).
"""

from __future__ import annotations

import functools
import re
from typing import Any, Final

import pandas as pd

#: Columns of the display-name table.
DISPLAY_COLUMNS: Final = ("level", "id", "name", "display_name", "source")


def tidy_name(text: Any, *, transliteration: bool = True) -> str:
    """The published form of a source name.

    Always: surrounding and repeated whitespace (line breaks included) removed, one space
    before an opening bracket and none inside (``"Reg(Khanshin)"`` -> ``"Reg (Khanshin)"``,
    ``"( Ghorbund)"`` -> ``"(Ghorbund)"``). With ``transliteration`` (the AIMS
    conventions of Dari and Pashto names): no space after a hyphen (``"Hese- Awal"`` ->
    ``"Hese-Awal"``) and the ezafe particle in lower case (``"Qala-I- Naw"`` ->
    ``"Qala-i-Naw"``, ``"Dara-I-Pech"`` -> ``"Dara-i-Pech"``).

    Examples
    --------
    >>> tidy_name("Qala-I- Naw")
    'Qala-i-Naw'
    >>> tidy_name("Khost(Matun)")
    'Khost (Matun)'
    """
    s = re.sub(r"\s+", " ", str(text)).strip()
    s = re.sub(r"\s*\(\s*", " (", s)
    s = re.sub(r"\s*\)", ")", s).strip()
    if transliteration:
        s = re.sub(r"-\s+", "-", s)
        s = re.sub(r"-([IEUY])-", lambda m: f"-{m.group(1).lower()}-", s)
    return s


def display_table() -> pd.DataFrame:
    """Build the display names of the bundled districts and provinces from their rules.

    Returns
    -------
    DataFrame
        :data:`DISPLAY_COLUMNS`: ``level`` (``district`` or ``province``), ``id`` (the
        bundled ``district_id``/``province_id``), ``name`` (the source name),
        ``display_name`` and ``source`` (the rule, see the module docstring); districts
        then provinces, each sorted by id.
    """
    from geofront import datasets
    from geofront.names import phonetic_key

    lookup = pd.read_csv(datasets.get_path("afg-district-lookup"), dtype=str)
    caps = pd.read_csv(datasets.get_path("afg-capitals-csv"), dtype=str)
    capital_of = dict(zip(caps["esoc_distid"], caps["capital"], strict=True))
    rows = []
    for r in lookup.sort_values("esoc_distid").itertuples():
        name = str(r.district)
        cap = capital_of.get(str(r.esoc_distid))
        tidy = tidy_name(name)
        if cap is not None and phonetic_key(cap) == phonetic_key(tidy):
            shown, source = cap, "capital"
        elif tidy != name:
            shown, source = tidy, "typography"
        else:
            shown, source = name, "source"
        rows.append(("district", str(r.esoc_distid), name, shown, source))
    prov = lookup.drop_duplicates("esoc_provid").sort_values("esoc_provid")
    for r in prov.itertuples():
        rows.append(
            ("province", str(r.esoc_provid), str(r.province), str(r.province_en), "province_en")
        )
    return pd.DataFrame(rows, columns=list(DISPLAY_COLUMNS))


@functools.lru_cache(maxsize=1)
def _bundled() -> pd.DataFrame:
    from geofront import datasets

    return pd.read_csv(datasets.get_path("afg-display-names"), dtype=str)


def display_names(boundaries: Any, *, level: str = "district") -> pd.Series:
    """Display name of every district (or province) of ``boundaries``, indexed by id.

    The bundled boundaries take the bundled table (``afg-display-names``); others their
    own names with whitespace and brackets tidied (:func:`tidy_name` without the
    transliteration rules).

    Parameters
    ----------
    boundaries : AdminBoundaries
    level : {"district", "province"}
    """
    frame = boundaries.districts if level == "district" else boundaries.provinces
    key, name = f"{level}_id", level
    ids = frame[key].astype(str)
    if getattr(boundaries, "name", None) == "afghanistan":
        bundled = _bundled()
        table = bundled[bundled["level"] == level].set_index("id")["display_name"]
        shown = ids.map(table)
        fallback = frame[name].map(tidy_name)
        return pd.Series(
            shown.fillna(fallback).to_numpy(), index=ids.to_numpy(), name="display_name"
        )
    return pd.Series(
        [tidy_name(n, transliteration=False) for n in frame[name]],
        index=ids.to_numpy(),
        name="display_name",
    )


def display_name_of(boundaries: Any, name: str, *, level: str = "province") -> str:
    """The display name of one unit named ``name`` (or with that id); ``name`` tidied if
    it is not found."""
    frame = boundaries.districts if level == "district" else boundaries.provinces
    shown = display_names(boundaries, level=level)
    hit = (frame[level].astype(str) == str(name)) | (frame[f"{level}_id"].astype(str) == str(name))
    if hit.any():
        return str(shown.loc[str(frame[f"{level}_id"][hit].iloc[0])])
    return tidy_name(name, transliteration=False)


__all__ = ["DISPLAY_COLUMNS", "display_name_of", "display_names", "display_table", "tidy_name"]
