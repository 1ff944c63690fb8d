"""Other names of districts: official renamings, older spellings and names as the news writes them.

Real tables name districts as the news does: "Murghab" for Bala Murghab, "Ghorband" for
Sia Gird (Ghorbund), "Jaji" for Ali Khail (Jaji). An *alias table* lists such names with
the district they stand for, so that :func:`geofront.assessments.read_assessments` can
match them (through :func:`geofront.names.match_names`, which says which alias made each
match). Columns:

``alias`` (required)
    the other name, as written (matched through the same normalised, phonetic and
    skeleton keys as the districts' own names)
``district_id`` (required)
    the district it names, as in the boundaries (``esoc_distid`` for the bundled set)
``relation`` (optional, default ``same``; one of :data:`RELATIONS`)
    ``same``: another name or spelling of that district; ``split``: a former district
    since divided among the districts listed with the same alias (the name is then
    ambiguous and reported with all of them); ``part``: a district created later out
    of part of the listed one. ``part`` aliases never match (a takeover of part of a
    district does not decide the whole): a name that matches nothing else is reported
    with a note naming the district it was carved from.
``province``, ``district``, ``source`` (optional)
    for the reader: the district's province and name, and where the alias comes from.

The bundled table (``afg-district-aliases``, ``data/names/afg_district_aliases.csv``)
covers the 398 Afghan districts with spellings from the Independent Election
Commission's district lists of 2009-2019, the AGCHO 2012 and AGCHO/OCHA 2018 district
names, and a few names from Wikipedia and the news; see ``data/SOURCES.md``.
:func:`aliases_for` uses it by default whenever the boundaries are the bundled ones (by
content: every district id and name in the table is the same in the boundaries).
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from geofront import datasets
from geofront.boundaries import AdminBoundaries
from geofront.errors import DataFileError, InputError, SchemaError
from geofront.files import csv_header
from geofront.io import check_input_file
from geofront.names import normalise_name

log = logging.getLogger(__name__)

#: Columns of an alias table, in order (see the module docstring).
ALIAS_COLUMNS = ("alias", "district_id", "district", "province", "relation", "source")
#: Relations of an alias to its district.
RELATIONS = ("same", "split", "part")
#: Name of the bundled alias table (:func:`geofront.datasets.get_path`).
BUNDLED = "afg-district-aliases"

AliasesArg = str | os.PathLike[str] | pd.DataFrame | bool | None


def read_aliases(
    source: str | os.PathLike[str] | pd.DataFrame,
    boundaries: AdminBoundaries,
) -> pd.DataFrame:
    """Read and check an alias table against ``boundaries``.

    Parameters
    ----------
    source : path, str or DataFrame
        A CSV file (``,`` ``;`` or tab separated), a bundled dataset name such as
        ``"afg-district-aliases"``, or a frame with the same columns.
    boundaries : AdminBoundaries
        The districts the aliases name.

    Returns
    -------
    DataFrame
        :data:`ALIAS_COLUMNS`, all text; ``district`` and ``province`` taken from the
        boundaries; blank aliases dropped, exact duplicates removed.

    Raises
    ------
    InputError
        The file is missing or unreadable, lacks ``alias`` or ``district_id``, names a
        district id that is not in the boundaries, or has an unknown relation (one line
        naming the row and what to do).
    """
    if isinstance(source, pd.DataFrame):
        raw, name = source.astype(object).where(source.notna(), "").astype(str), "aliases"
    else:
        src = check_input_file(datasets.resolve(Path(source)), "aliases")
        name = src.name
        csv_header(src, what="aliases")  # UTF-8 text with a header, or one line saying why
        try:
            raw = pd.read_csv(
                src,
                dtype=str,
                keep_default_na=False,
                sep=None,
                engine="python",
                encoding="utf-8-sig",
            )
        except Exception as exc:  # parsers raise many types; one line for the user
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DataFileError(f"cannot read aliases file {src}: {msg}") from exc
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in ("alias", "district_id") if c not in raw.columns]
    if missing:
        raise SchemaError(
            f"aliases file {name} lacks column(s) {', '.join(missing)}: give alias and "
            "district_id (and optionally relation, source)"
        )
    table = pd.DataFrame(
        {
            "alias": raw["alias"].str.strip(),
            "district_id": raw["district_id"].str.strip(),
            "relation": raw["relation"].str.strip().str.lower().replace("", "same")
            if "relation" in raw.columns
            else "same",
            "source": raw["source"].str.strip() if "source" in raw.columns else "",
            "row": range(2, len(raw) + 2),  # the header is line 1
        }
    )
    table = table[table["alias"] != ""]
    d = boundaries.districts
    ids = pd.Index(d["district_id"].astype(str))
    bad = ~table["district_id"].isin(ids)
    if bad.any():
        first = table[bad].iloc[0]
        raise InputError(
            f"aliases file {name}, line {first['row']}: district_id {first['district_id']!r} "
            f"(alias {first['alias']!r}) is not in the boundaries {boundaries.name or ''}: "
            "use the ids of the boundaries you match against".replace(" :", ":")
        )
    bad = ~table["relation"].isin(RELATIONS)
    if bad.any():
        first = table[bad].iloc[0]
        raise InputError(
            f"aliases file {name}, line {first['row']}: relation {first['relation']!r} is "
            f"not one of {', '.join(RELATIONS)}"
        )
    by_id = d.set_index(d["district_id"].astype(str))
    table["district"] = by_id.loc[table["district_id"], "district"].astype(str).str.strip().values
    table["province"] = by_id.loc[table["district_id"], "province"].astype(str).values
    table = table.drop_duplicates(["alias", "district_id", "relation"])
    return table[list(ALIAS_COLUMNS)].reset_index(drop=True)


def aliases_for(boundaries: AdminBoundaries, aliases: AliasesArg = None) -> pd.DataFrame | None:
    """Return the alias table to use with ``boundaries`` (None for none).

    Parameters
    ----------
    boundaries : AdminBoundaries
        The districts to match against.
    aliases : path, str, DataFrame, bool or None
        ``None`` or ``True``: the bundled Afghan table when it fits the boundaries (every
        district id and name in it is the same in the boundaries), else none.
        ``False`` or ``"none"``: no aliases. A path, dataset name or frame: that table,
        read with :func:`read_aliases`, plus the bundled one when it fits; an alias of
        the user's table replaces a bundled alias of the same (normalised) name.
    """
    if aliases is False or (isinstance(aliases, str) and aliases.strip().lower() == "none"):
        return None
    bundled = _bundled_if_fits(boundaries)
    if aliases is None or aliases is True:
        return bundled
    own = read_aliases(aliases, boundaries)
    if bundled is None:
        return own
    keys = set(normalise_name(own["alias"]))
    kept = bundled[~normalise_name(bundled["alias"]).isin(keys).to_numpy()]
    return pd.concat([own, kept], ignore_index=True)


def part_notes(aliases: pd.DataFrame | None, names: pd.Series) -> pd.Series:
    """For each name, a note if it is a ``part`` alias (a district carved out of another).

    Returns a Series of text aligned with ``names`` (``""`` for none), e.g. "Marja is a
    district created from part of Nad Ali (Hilmand), which the boundaries do not split".
    """
    out = np.full(len(names), "", dtype=object)
    if aliases is None or not (aliases["relation"] == "part").any():
        return pd.Series(out, index=names.index, dtype=object)
    part = aliases[aliases["relation"] == "part"]
    key = normalise_name(part["alias"])
    parent = (part["district"] + " (" + part["province"] + ")").to_numpy()
    text = pd.Series(parent, index=key.to_numpy())
    text = text.groupby(level=0).agg(lambda s: " or ".join(sorted(set(s))))
    found = normalise_name(names).map(text)
    hit = found.notna().to_numpy()
    out[hit] = [
        f"{n} is a district created from part of {p}, which the boundaries do not split; "
        "assess that district as a whole or use newer boundaries"
        for n, p in zip(names[hit], found[hit], strict=True)
    ]
    return pd.Series(out, index=names.index, dtype=object)


def alias_series(aliases: pd.DataFrame | None) -> pd.Series | None:
    """The matchable aliases (relations ``same`` and ``split``) as a Series indexed by id."""
    if aliases is None:
        return None
    use = aliases[aliases["relation"] != "part"]
    return pd.Series(use["alias"].to_numpy(), index=pd.Index(use["district_id"], dtype=object))


def _bundled_if_fits(boundaries: AdminBoundaries) -> pd.DataFrame | None:
    d = boundaries.districts
    names = dict(
        zip(d["district_id"].astype(str), d["district"].astype(str).str.strip(), strict=True)
    )
    table = _bundled_table()
    pairs = table[["district_id", "district"]].drop_duplicates()
    fits = all(names.get(i) == n for i, n in pairs.itertuples(index=False, name=None))
    if not fits:
        log.debug("bundled district aliases not used: the boundaries are not the bundled set")
        return None
    return table.copy()


@functools.lru_cache(maxsize=1)
def _bundled_table() -> pd.DataFrame:
    table = pd.read_csv(datasets.get_path(BUNDLED), dtype=str, keep_default_na=False)
    return table[list(ALIAS_COLUMNS)]
