"""Place-name normalisation and transliteration-tolerant matching.

Names of Afghan districts, provinces and towns are written in many Latin
transliterations: "Qala-I- Naw", "Qala-i-Naw", "Qala e Naw", "Qalay-i-Naw"; "Taloqan",
"Taluqan"; "Hirat", "Herat". This module turns such spellings into comparable keys and
matches a list of query names against a list of candidate names, saying *how* each one
matched, and reporting every name that matched nothing or more than one candidate.

Keys, from strict to loose (each one is applied to the previous):

1. :func:`normalise_name` — Unicode NFKD with diacritics removed, lower case,
   apostrophes and quotes dropped (``Shi'a`` -> ``shia``), hyphens, dots, commas,
   slashes, underscores and brackets turned into spaces, whitespace collapsed.
   ``"Qala-I- Naw"`` -> ``"qala i naw"``.
2. :func:`phonetic_key` — generic words (``district``, ``province``, ``city``, ...) and
   Persian/Pashto connector tokens (``e``, ``i``, ``y``, ``ye``, ``yi``) dropped, spaces
   removed; then ``ph``->``f``, ``q``->``k``, ``ck``/``c``->``k``, ``v``->``w``; vowels
   folded (``e``, ``y`` -> ``i``; ``o``, ``w`` -> ``u``); a word-final ``h`` after a vowel
   dropped; doubled letters collapsed. ``"Qala e Naw"`` and ``"Qala-I- Naw"`` ->
   ``"kalanau"``; ``"Taluqan"`` and ``"Taloqan"`` -> ``"talukan"``.
3. :func:`skeleton_key` — the phonetic key without vowels (``a``, ``i``, ``u``):
   ``"Sar-e Pol"`` and ``"Sari Pul"`` -> ``"srpl"``.
4. token — the query is a distinctive part of one candidate: its phonetic key equals the
   key of a contiguous run of the candidate's words (connectors and generic words left
   out), e.g. "Archi" -> "Dasht-e-Archi", "Khwaja Sabz" -> "Khwaja Sabz Posh". A run
   counts only if its key has at least :data:`MIN_TOKEN_KEY` letters and it is not made of
   qualifiers alone (:data:`QUALIFIERS`: "Bala", "Payin", "Sufla", ...).
5. fuzzy — :class:`difflib.SequenceMatcher` ratio of phonetic keys at least ``cutoff``
   with a unique best candidate (ahead of the second by at least ``margin``).

:func:`match_names` tries the tiers in that order. A query that has exactly one
candidate at a tier is matched there; a query with several candidates at a tier is
*ambiguous* (and is not resolved by a looser tier); a query with none goes on to the
next tier; after the last tier it is *unmatched*. Matching can be restricted to groups
(e.g. districts within the named province).

**Aliases** (other official names and news spellings of a candidate, see
:mod:`geofront.aliases`) take part in every tier alongside the candidates' own names:
"Murghab" finds "Bala Murghab" through its alias at the exact tier, and a name that is
both one district's name and another's alias ("Jaghatu") is ambiguous, as it is in the
news. The output says which alias made a match.

All key functions work on a single string or, vectorised, on a pandas Series (or any
array-like), computing each distinct value once. Only the fuzzy tier loops in Python,
over the distinct names still unmatched after the exact tiers.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import pandas as pd

#: Tiers of :func:`match_names`, strict to loose.
MATCH_METHODS = ("exact", "normalised", "phonetic", "skeleton", "token", "fuzzy")
#: Tiers that are not exact spellings: loose matches worth a second look.
LOOSE_METHODS = ("token", "fuzzy")
#: Outcomes that are not a match.
UNMATCHED = "unmatched"
AMBIGUOUS = "ambiguous"

#: Tokens joining the parts of a Persian/Pashto name (ezafe): "Qala-e-Naw", "Sar-i-Pul".
CONNECTORS = ("e", "i", "y", "ye", "yi", "ee")
#: Generic words dropped from the phonetic key: "Kunduz District" matches "Kunduz".
GENERIC_WORDS = (
    "district",
    "districts",
    "province",
    "wuleswali",
    "woluswali",
    "uluswali",
    "wilayat",
    "city",
    "town",
    "center",
    "centre",
    "markaz",
)

#: Words that qualify a name ("upper", "lower", "old", "new", "centre of") and so cannot
#: identify a district by themselves in the token tier.
QUALIFIERS = (
    "bala",
    "ulya",
    "olya",
    "payin",
    "payan",
    "pain",
    "sufla",
    "kohna",
    "kuhna",
    "jadid",
    "naw",
    "now",
    "markazi",
    "shahr",
    "shahri",
    "kalan",
    "khurd",
    "khas",
)
#: A token-tier run must have a phonetic key at least this long ("Pech" has 4 letters).
MIN_TOKEN_KEY = 4

_QUOTES = r"['\u2018\u2019\u02bb\u02bc\u02be\u02bf`\u00b4\"\u201c\u201d]"
_SEPARATORS = r"[\-\u2010\u2011\u2012\u2013\u2014_./,;:()\[\]{}\\|+&]"


@overload
def normalise_name(names: str) -> str: ...
@overload
def normalise_name(names: pd.Series) -> pd.Series: ...
@overload
def normalise_name(names: Iterable[Any]) -> pd.Series: ...
def normalise_name(names: Any) -> Any:
    """Return a comparable form of place names: no diacritics, case, quotes or hyphens.

    Parameters
    ----------
    names : str or Series or array-like
        One name or many. Missing values stay missing.

    Returns
    -------
    str or Series
        A string for a string; otherwise a Series of str (same index for a Series).

    Examples
    --------
    >>> normalise_name("Qala-I- Naw")
    'qala i naw'
    >>> normalise_name("Shīndand  (Sabzawar)")
    'shindand sabzawar'
    """
    return _apply(names, _normalise_unique)


@overload
def phonetic_key(names: str) -> str: ...
@overload
def phonetic_key(names: pd.Series) -> pd.Series: ...
@overload
def phonetic_key(names: Iterable[Any]) -> pd.Series: ...
def phonetic_key(names: Any) -> Any:
    """Return a transliteration-tolerant key (see the module docstring, tier 2).

    >>> phonetic_key("Qala e Naw") == phonetic_key("Qala-I- Naw") == "kalanau"
    True
    >>> phonetic_key("Taluqan") == phonetic_key("Taloqan")
    True
    """
    return _apply(names, lambda u: _phonetic_unique(_normalise_unique(u)))


@overload
def skeleton_key(names: str) -> str: ...
@overload
def skeleton_key(names: pd.Series) -> pd.Series: ...
@overload
def skeleton_key(names: Iterable[Any]) -> pd.Series: ...
def skeleton_key(names: Any) -> Any:
    """Return the consonant skeleton of the phonetic key (see tier 3).

    >>> skeleton_key("Sar-e Pol") == skeleton_key("Sari Pul") == "srpl"
    True
    """
    return _apply(names, lambda u: _skeleton_unique(_phonetic_unique(_normalise_unique(u))))


def match_names(
    query: pd.Series | Iterable[Any],
    candidates: pd.Series | Iterable[Any],
    *,
    query_groups: pd.Series | Iterable[Any] | None = None,
    candidate_groups: pd.Series | Iterable[Any] | None = None,
    aliases: pd.Series | None = None,
    cutoff: float = 0.85,
    margin: float = 0.05,
    methods: Iterable[str] = MATCH_METHODS,
) -> pd.DataFrame:
    """Match each query name to one candidate, tolerating transliteration variants.

    Parameters
    ----------
    query : Series or array-like of str
        Names to look up (e.g. district names in a user's table). Missing or blank
        names come out ``unmatched``.
    candidates : Series or array-like of str
        Reference names; the Series index is the label returned for a match (e.g.
        ``district_id``). Duplicate names with different labels are allowed (they make
        a query ambiguous unless groups tell them apart).
    query_groups, candidate_groups : Series or array-like, optional
        Restrict matching to candidates of the same group (e.g. the province id of
        each query and of each candidate). Both or neither. A query whose group is
        missing is matched against all candidates.
    aliases : Series of str, optional
        Other names of the candidates, indexed by the candidate's label (several per
        label allowed); each takes part in every tier like the candidate's own name,
        in the candidate's group. Labels that are not among the candidates raise.
    cutoff : float
        Minimum :class:`difflib.SequenceMatcher` ratio of the phonetic keys for a
        fuzzy match.
    margin : float
        The best fuzzy candidate must beat the second best by at least this much,
        otherwise the query is ambiguous.
    methods : iterable of str
        Tiers to try, a subset of :data:`MATCH_METHODS` (e.g. without ``"fuzzy"``).

    Returns
    -------
    DataFrame
        Indexed like ``query`` (a RangeIndex for a plain list), with columns

        ``query``
            the name as given
        ``match``
            label of the matched candidate, None if none (object dtype)
        ``matched_name``
            the candidate's name, None if none
        ``method``
            the tier that matched (:data:`MATCH_METHODS`), or ``"ambiguous"``,
            ``"unmatched"``
        ``score``
            1.0 for the exact and token tiers, the ratio for fuzzy, NaN otherwise
        ``candidates``
            for ambiguous queries, the ``;``-joined labels of the tied candidates
            (sorted); ``""`` otherwise
        ``matched_alias``
            the alias through which the query matched (``""`` when it matched the
            candidate's own name, or nothing)

    Examples
    --------
    >>> cands = pd.Series(["Dashte Archi", "Bala Murghab"], index=["1407", "1906"])
    >>> m = match_names(["Archi", "Murghab"], cands, aliases=pd.Series(["Murghab"], index=["1906"]))
    >>> m[["match", "method", "matched_alias"]].values.tolist()
    [['1407', 'token', ''], ['1906', 'exact', 'Murghab']]
    """
    q = query if isinstance(query, pd.Series) else pd.Series(list(query), dtype=object)
    c = (
        candidates
        if isinstance(candidates, pd.Series)
        else pd.Series(list(candidates), dtype=object)
    )
    unknown = set(methods) - set(MATCH_METHODS)
    if unknown:
        raise ValueError(f"unknown match method(s) {sorted(unknown)}: use {MATCH_METHODS}")
    if (query_groups is None) != (candidate_groups is None):
        raise ValueError("give both query_groups and candidate_groups, or neither")
    qg = _groups(query_groups, len(q))
    pool = _pool(c, _groups(candidate_groups, len(c)), aliases)

    qtext = pd.Series(q.to_numpy(dtype=object), dtype=object)
    n = len(q)
    st = _State(
        match=np.full(n, None, dtype=object),
        method=np.full(n, UNMATCHED, dtype=object),
        score=np.full(n, np.nan),
        tied=np.full(n, "", dtype=object),
        via=np.full(n, "", dtype=object),
        open_=~(qtext.isna().to_numpy() | (qtext.astype(str).str.strip() == "").to_numpy()),
    )
    keyers = {
        "exact": lambda s: s.astype(str).str.strip(),
        "normalised": normalise_name,
        "phonetic": phonetic_key,
        "skeleton": skeleton_key,
    }
    for tier in [m for m in MATCH_METHODS if m in set(methods)]:
        if not st.open_.any():
            break
        rows = np.flatnonzero(st.open_)
        if tier == "fuzzy":
            _fuzzy(qtext, qg, pool, cutoff, margin, st)
            continue
        if tier == "token":
            ckey, cpos = _token_runs(pool)
            qkey = phonetic_key(qtext.iloc[rows].fillna("")).to_numpy(dtype=object)
        else:
            ckey = keyers[tier](pool["text"]).to_numpy(dtype=object)
            cpos = np.arange(len(pool))
            qkey = keyers[tier](qtext.iloc[rows].fillna("")).to_numpy(dtype=object)
        cands = pd.DataFrame({"g": pool["group"].to_numpy()[cpos], "k": ckey, "pos": cpos})
        cands = cands[cands["k"] != ""]
        qdf = pd.DataFrame({"g": qg[rows], "k": qkey, "row": rows})
        qdf = qdf[qdf["k"] != ""]
        # Queries with a group look in their group; queries without a group look everywhere.
        grouped = qdf["g"].notna().to_numpy()
        hits = pd.concat(
            [
                qdf[grouped].merge(cands, on=["g", "k"], how="inner"),
                qdf[~grouped].drop(columns="g").merge(cands.drop(columns="g"), on="k"),
            ],
            ignore_index=True,
        )
        if len(hits):
            _settle(hits, pool, tier, st)
    labels = pool.loc[~pool["is_alias"], ["label", "text"]].drop_duplicates("label")
    names = pd.Series(labels["text"].to_numpy(), index=pd.Index(labels["label"], dtype=object))
    has = np.array([m is not None for m in st.match], dtype=bool)
    matched_name = np.full(n, None, dtype=object)
    if has.any():
        matched_name[has] = names.loc[list(st.match[has])].to_numpy(dtype=object)
    return pd.DataFrame(
        {
            "query": qtext.to_numpy(dtype=object),
            "match": pd.Series(st.match, index=q.index, dtype=object),
            "matched_name": pd.Series(matched_name, index=q.index, dtype=object),
            "method": st.method.astype(str),
            "score": st.score,
            "candidates": st.tied.astype(str),
            "matched_alias": st.via.astype(str),
        },
        index=q.index,
    )


@dataclass
class _State:
    """Per-query outcome arrays, filled tier by tier."""

    match: np.ndarray
    method: np.ndarray
    score: np.ndarray
    tied: np.ndarray
    via: np.ndarray
    open_: np.ndarray


def _pool(candidates: pd.Series, groups: np.ndarray, aliases: pd.Series | None) -> pd.DataFrame:
    """Candidates' own names, then their aliases: text, label, group, is_alias."""
    own = pd.DataFrame(
        {
            "text": candidates.astype(object).where(candidates.notna(), "").astype(str).to_numpy(),
            "label": np.asarray(candidates.index, dtype=object),
            "group": groups,
            "is_alias": False,
        }
    )
    if aliases is None or len(aliases) == 0:
        return own
    labels = pd.Index(np.asarray(aliases.index, dtype=object))
    group_of = pd.Series(groups, index=pd.Index(own["label"], dtype=object))
    group_of = group_of[~group_of.index.duplicated()]
    missing = ~labels.isin(group_of.index)
    if missing.any():
        raise ValueError(
            f"alias {aliases.iloc[int(np.flatnonzero(missing)[0])]!r} names label "
            f"{labels[missing][0]!r}, which is not among the candidates"
        )
    extra = pd.DataFrame(
        {
            "text": aliases.astype(str).to_numpy(),
            "label": np.asarray(labels, dtype=object),
            "group": group_of.loc[labels].to_numpy(dtype=object),
            "is_alias": True,
        }
    )
    return pd.concat([own, extra], ignore_index=True)


def _settle(hits: pd.DataFrame, pool: pd.DataFrame, tier: str, st: _State) -> None:
    """Record the queries with one candidate label (matched) or several (ambiguous)."""
    hits = hits.assign(
        label=pool["label"]
        .to_numpy(dtype=object)[hits["pos"].to_numpy(dtype=np.int64)]
        .astype(str),
        alias=pool["is_alias"].to_numpy()[hits["pos"].to_numpy(dtype=np.int64)],
    )
    # Own names first, then aliases in table order: a match through the candidate's own
    # name is reported as such; otherwise the first alias that matched is named.
    hits = hits.sort_values(["row", "alias", "pos"], kind="stable")
    nlab = hits.groupby("row")["label"].transform("nunique").to_numpy()
    first = hits[(nlab == 1)].drop_duplicates("row")
    r = first["row"].to_numpy(dtype=np.int64)
    p = first["pos"].to_numpy(dtype=np.int64)
    st.match[r] = pool["label"].to_numpy(dtype=object)[p]
    st.method[r] = tier
    st.score[r] = 1.0
    st.via[r] = np.where(first["alias"].to_numpy(), pool["text"].to_numpy(dtype=object)[p], "")
    st.open_[r] = False
    multi = hits[nlab > 1]
    if len(multi):
        joined = multi.groupby("row")["label"].agg(lambda s: ";".join(sorted(set(s))))
        r = joined.index.to_numpy(dtype=np.int64)
        st.method[r] = AMBIGUOUS
        st.tied[r] = joined.to_numpy(dtype=object)
        st.open_[r] = False


def _token_runs(pool: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Phonetic keys of every proper contiguous run of words of each pool name.

    Connectors and generic words are left out of the words; runs made only of
    :data:`QUALIFIERS`, or with a key shorter than :data:`MIN_TOKEN_KEY`, are dropped.
    Returns the keys and the pool position of each run.
    """
    drop = set(CONNECTORS) | set(GENERIC_WORDS)
    qualifiers = set(QUALIFIERS)
    words = normalise_name(pool["text"]).fillna("").str.split(" ")
    texts: list[str] = []
    positions: list[int] = []
    for pos, ws in enumerate(words):
        ws = [w for w in ws if w and w not in drop]
        n = len(ws)
        for i in range(n):
            for j in range(i + 1, n + 1):
                if j - i == n or set(ws[i:j]) <= qualifiers:
                    continue
                texts.append(" ".join(ws[i:j]))
                positions.append(pos)
    if not texts:
        return np.array([], dtype=object), np.array([], dtype=np.int64)
    keys = phonetic_key(pd.Series(texts, dtype=object)).to_numpy(dtype=object)
    keep = np.array([len(k) >= MIN_TOKEN_KEY for k in keys], dtype=bool)
    return keys[keep], np.asarray(positions, dtype=np.int64)[keep]


# --- helpers ---------------------------------------------------------------------------


def _apply(names: Any, fn: Any) -> Any:
    if isinstance(names, str):
        return fn(pd.Series([names], dtype=object)).iloc[0]
    s = names if isinstance(names, pd.Series) else pd.Series(list(names), dtype=object)
    missing = s.isna().to_numpy()
    codes, uniques = pd.factorize(s.astype(object).where(~missing, None))
    keys = fn(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    out = np.empty(len(s), dtype=object)
    out[:] = None
    if len(keys):
        out[~missing] = keys.to_numpy(dtype=object)[codes[~missing]]
    return pd.Series(out, index=s.index, dtype=object)


def _normalise_unique(u: pd.Series) -> pd.Series:
    s = u.astype(str).str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True)
    s = s.str.lower().str.replace(_QUOTES, "", regex=True)
    s = s.str.replace(_SEPARATORS, " ", regex=True)
    s = s.str.replace(r"[^0-9a-z ]", "", regex=True)
    return s.str.replace(r"\s+", " ", regex=True).str.strip().astype(object)


_DROP = r"\b(?:" + "|".join(CONNECTORS + GENERIC_WORDS) + r")\b"


def _phonetic_unique(s: pd.Series) -> pd.Series:
    k = s.str.replace(_DROP, " ", regex=True)
    # A word-final h after a vowel is often silent in transliteration (Maimanah/Maimana).
    k = k.str.replace(r"([aeiouy])h\b", r"\1", regex=True)
    k = k.str.replace(" ", "", regex=False)
    k = k.str.replace("ph", "f", regex=False).str.replace("ck", "k", regex=False)
    k = k.str.replace(r"c(?!h)", "k", regex=True)
    k = k.str.replace("q", "k", regex=False).str.replace("v", "w", regex=False)
    k = k.str.replace(r"[ey]", "i", regex=True).str.replace(r"[ow]", "u", regex=True)
    k = k.str.replace(r"(.)\1+", r"\1", regex=True)
    # Names that are only generic words or connectors keep their normalised form.
    return k.where(k != "", s.str.replace(" ", "", regex=False)).astype(object)


def _skeleton_unique(k: pd.Series) -> pd.Series:
    sk = k.str.replace(r"[aiu]", "", regex=True).str.replace(r"(.)\1+", r"\1", regex=True)
    return sk.where(sk != "", k).astype(object)


def _groups(groups: Any, n: int) -> np.ndarray:
    if groups is None:
        return np.full(n, "", dtype=object)
    g = pd.Series(list(groups) if not isinstance(groups, pd.Series) else groups.to_numpy())
    if len(g) != n:
        raise ValueError(f"groups have {len(g)} values for {n} names")
    return g.astype(object).where(g.notna(), None).to_numpy(dtype=object)


def _fuzzy(
    qtext: pd.Series,
    qg: np.ndarray,
    pool: pd.DataFrame,
    cutoff: float,
    margin: float,
    st: _State,
) -> None:
    ckey = phonetic_key(pool["text"]).to_numpy(dtype=object)
    cg = pool["group"].to_numpy(dtype=object)
    clabels = pool["label"].to_numpy(dtype=object)
    is_alias = pool["is_alias"].to_numpy(dtype=bool)
    ctext = pool["text"].to_numpy(dtype=object)
    rows = np.flatnonzero(st.open_)
    qkey = phonetic_key(qtext.iloc[rows].fillna("")).to_numpy(dtype=object)
    done: dict[tuple[Any, str], tuple[str, float, list[int]]] = {}
    for row, key in zip(rows, qkey, strict=True):
        if not key:
            continue
        group = qg[row]
        memo = (group, key)
        if memo not in done:
            where = np.arange(len(ckey)) if group is None else np.flatnonzero(cg == group)
            sm = difflib.SequenceMatcher(autojunk=False)
            sm.set_seq2(key)
            ratios = np.zeros(len(where))
            for i, pos in enumerate(where):
                sm.set_seq1(ckey[pos])
                ratios[i] = sm.ratio() if sm.real_quick_ratio() >= cutoff else 0.0
            if len(where) == 0 or ratios.max() < cutoff:
                done[memo] = (UNMATCHED, np.nan, [])
            else:
                best = ratios.max()
                # best first; own names before aliases at equal ratio
                order = np.lexsort((is_alias[where], -ratios))
                near = [int(where[i]) for i in order if ratios[i] >= best - margin]
                # Candidates that share a name are one candidate only if they share a label.
                labels = sorted({str(clabels[p]) for p in near})
                kind = "fuzzy" if len(labels) == 1 else AMBIGUOUS
                done[memo] = (kind, float(best), near)
        kind, best, near = done[memo]
        if kind == "fuzzy":
            st.match[row] = clabels[near[0]]
            st.method[row] = "fuzzy"
            st.score[row] = best
            st.via[row] = ctext[near[0]] if is_alias[near[0]] else ""
        elif kind == AMBIGUOUS:
            st.method[row] = AMBIGUOUS
            st.tied[row] = ";".join(sorted({str(clabels[p]) for p in near}))
        st.open_[row] = False
