"""geofront.compare on a hand-made reference: agreement, confusion matrix and kappa worked
out by hand, unknown handled apart, and one-line errors for bad tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from geofront.compare import (
    AGREEMENT_COLUMNS,
    agreement_table,
    compare_control,
    confusion_table,
    kappa_of,
    read_status_table,
    status_table,
)
from geofront.errors import InputError, SchemaError

G, C, N, U = "government", "contested", "insurgent", "unknown"  # N: iNsurgent
BADGHIS = ["1901", "1902", "1903", "1904", "1905", "1906", "1907"]

# ours: a timeline of Badghis on 1 June (not in the reference), 7 July and 15 August
OURS = pd.DataFrame(
    [("2021-06-01", d, N) for d in BADGHIS]
    + list(zip(["2021-07-07"] * 7, BADGHIS, [C, N, N, G, U, N, N], strict=True))
    # 1907 is missing on 15 August: scored as ours unknown (and ours missing)
    + list(zip(["2021-08-15"] * 6, BADGHIS[:6], [N, N, N, C, N, N], strict=True)),
    columns=["date", "district_id", "status"],
)
# the reference: 7 July (1907 unknown: not scored), 15 August, and 1 September (not in ours)
REFERENCE = pd.DataFrame(
    list(zip(["2021-07-07"] * 7, BADGHIS, [C, N, G, G, N, N, U], strict=True))
    + [("2021-08-15", d, N) for d in BADGHIS]
    + [("2021-09-01", d, N) for d in BADGHIS],
    columns=["date", "district_id", "status"],
)


@pytest.fixture(scope="module")
def result(afghanistan):
    return compare_control(OURS, REFERENCE, boundaries=afghanistan)


def test_per_date_scores_by_hand(result):
    d = result.by_date.set_index("date")
    assert list(result.by_date.columns) == list(AGREEMENT_COLUMNS)
    assert list(d.index) == [pd.Timestamp("2021-07-07"), pd.Timestamp("2021-08-15")]
    jul = d.loc["2021-07-07"]
    # 6 scored (1907's reference is unknown), 4 agree; 1905 ours unknown
    assert (jul["scored"], jul["agree"], jul["ours_unknown"], jul["ours_missing"]) == (6, 4, 1, 0)
    assert (jul["reference_unknown"], jul["not_in_reference"]) == (1, 0)
    assert jul["agreement"] == pytest.approx(4 / 6)
    # ours C,N,N,G,U,N vs reference C,N,G,G,N,N: p_o = 4/6,
    # p_e = (C 1*1 + N 3*3 + G 1*2 + U 1*0) / 36 = 1/3 -> kappa = (2/3 - 1/3) / (2/3) = 0.5
    assert jul["kappa"] == pytest.approx(0.5)
    # without 1905: p_o = 4/5, p_e = (1*1 + 3*2 + 1*2) / 25 = 0.36 -> 0.44 / 0.64
    assert jul["agreement_known"] == pytest.approx(0.8)
    assert jul["kappa_known"] == pytest.approx(0.44 / 0.64)
    side_by_side = [jul[f"{s}_{w}"] for s in (G, C, N) for w in ("ours", "reference")]
    assert side_by_side == [1, 2, 1, 1, 3, 3]
    aug = d.loc["2021-08-15"]
    assert (aug["scored"], aug["agree"], aug["ours_unknown"], aug["ours_missing"]) == (7, 5, 1, 1)
    # the reference is constant (all insurgent): chance agreement equals ours' insurgent
    # share, so kappa is 0 however many ours gets right
    assert aug["kappa"] == pytest.approx(0.0)
    assert aug["kappa_known"] == pytest.approx(0.0)


def test_overall_and_confusion_by_hand(result):
    o = result.overall
    assert (o["scored"], o["agree"], o["ours_unknown"], o["reference_unknown"]) == (13, 9, 2, 1)
    assert o["agreement"] == pytest.approx(9 / 13)
    # pooled marginals, ours G1 C2 N8 U2, reference G2 C1 N10: p_e = 84/169, p_o = 117/169
    assert o["kappa"] == pytest.approx(33 / 85)
    # ours known: 11 pairs, 9 agree; ours G1 C2 N8, reference G2 C1 N8: p_e = 68/121
    assert o["kappa_known"] == pytest.approx(31 / 53)
    conf = result.confusion
    assert list(conf.columns) == [G, C, N, U] and list(conf.index) == [G, C, N]
    assert conf.loc[G].tolist() == [1, 0, 1, 0]
    assert conf.loc[C].tolist() == [0, 1, 0, 0]
    assert conf.loc[N].tolist() == [0, 1, 7, 2]
    assert result.dates_only_ours == (pd.Timestamp("2021-06-01"),)
    assert result.dates_only_reference == (pd.Timestamp("2021-09-01"),)


def test_disagreements_and_tables(result):
    dis = result.disagreements
    assert dis[["district_id", "ours", "reference"]].values.tolist() == [
        ["1903", N, G],
        ["1905", U, N],
        ["1904", C, N],
        ["1907", U, N],
    ]
    assert dis["district"].tolist() == ["Qadis", "Ghormach", "Jawand", "Muqur"]
    assert set(dis["province"]) == {"Badghis"}
    table = agreement_table(result)
    assert table["date"].tolist() == ["2021-07-07", "2021-08-15", "all"]
    assert table["scored"].tolist() == [6, 7, 13]
    conf = confusion_table(result)
    assert conf["date"].tolist() == ["2021-07-07"] * 3 + ["2021-08-15"] * 3 + ["all"] * 3
    assert conf[conf["date"] == "all"][[G, C, N, U]].sum().sum() == 13
    assert "agreement 69.2 %" in result.summary()
    assert "reference unknown on 1 (not scored)" in result.summary()


def test_a_single_date_control_table(afghanistan):
    # a control table has no date column: its as_of column, or the date given
    control = pd.DataFrame({"district_id": BADGHIS, "status": [C, N, N, G, U, N, N]})
    ref = REFERENCE[REFERENCE["date"] == "2021-07-07"]
    a = compare_control(control, ref, ours_as_of="2021-07-07")
    b = compare_control(control.assign(as_of="2021-07-07"), ref)
    pd.testing.assert_frame_equal(a.by_date, b.by_date)
    assert a.overall["agree"] == 4
    with pytest.raises(SchemaError, match="no date or as_of column"):
        compare_control(control, ref)
    with pytest.raises(InputError, match="dated 2021-07-07 in its as_of column but as_of is"):
        compare_control(control.assign(as_of="2021-07-07"), ref, ours_as_of="2021-08-15")


def test_kappa_extremes():
    assert kappa_of([G, N, C], [G, N, C]) == pytest.approx(1.0)
    assert kappa_of([G, N], [N, G]) == pytest.approx(-1.0)
    assert math.isnan(kappa_of([N, N], [N, N]))  # chance agreement 1: undefined
    assert math.isnan(kappa_of([], []))
    assert kappa_of([G, G, N, N], [G, N, N, N]) == pytest.approx(
        kappa_of([G, N, N, N], [G, G, N, N])
    )
    with pytest.raises(ValueError, match="equally long"):
        kappa_of([G], [G, N])


@pytest.mark.parametrize(
    ("frame", "error", "match"),
    [
        (pd.DataFrame({"district_id": ["1901"]}), SchemaError, "lacks column"),
        (
            pd.DataFrame({"date": ["2021-07-07"], "district_id": ["1901"], "status": ["held"]}),
            InputError,
            "row 1: status 'held' is not one of",
        ),
        (
            pd.DataFrame({"date": ["7/7/21x"], "district_id": ["1901"], "status": [G]}),
            InputError,
            "is not a date",
        ),
        (
            pd.DataFrame({"date": ["2021-07-07"], "district_id": [""], "status": [G]}),
            InputError,
            "district_id is empty",
        ),
        (
            pd.DataFrame(
                {"date": ["2021-07-07"] * 2, "district_id": ["1901"] * 2, "status": [G, N]}
            ),
            InputError,
            "several statuses",
        ),
    ],
)
def test_bad_tables(frame, error, match):
    with pytest.raises(error, match=match):
        status_table(frame, what="reference")


def test_status_table_drops_exact_duplicates_and_normalises():
    t = status_table(
        pd.DataFrame(
            {
                "date": ["2021-07-07"] * 3,
                "district_id": [" 1902", "1901", "1901"],
                "status": ["Insurgent ", G, G],
            }
        )
    )
    assert t.values.tolist() == [
        [pd.Timestamp("2021-07-07"), "1901", G],
        [pd.Timestamp("2021-07-07"), "1902", N],
    ]


def test_no_common_date_and_foreign_ids(afghanistan):
    with pytest.raises(InputError, match="no date in common: control has 3 dates 2021-06-01"):
        compare_control(OURS, REFERENCE[REFERENCE["date"] == "2021-09-01"])
    bad = REFERENCE.assign(district_id=REFERENCE["district_id"].replace("1901", "9999"))
    with pytest.raises(InputError, match="reference table: district_id '9999' is not in"):
        compare_control(OURS, bad, boundaries=afghanistan)


def test_read_reference_by_names_and_words(tmp_path, afghanistan):
    path = tmp_path / "analyst.csv"
    path.write_text(
        "Province,District,Status\n"
        "Badghis,Qala-i-Naw,contested\n"
        "Badghis,Bala Murghab,Taliban\n"
        "Badghis,Jawand,Govt\n"
    )
    t = read_status_table(path, boundaries=afghanistan, as_of="2021-07-07", what="reference")
    # "Qala-i-Naw" is the boundaries' "Qala-I- Naw"; "Taliban" and "Govt" are status words
    assert t[["district_id", "status"]].values.tolist() == [["1901", C], ["1904", G], ["1906", N]]
    assert set(t["date"]) == {pd.Timestamp("2021-07-07")}


def test_read_reports_unmatched_and_ambiguous_names(tmp_path, afghanistan):
    path = tmp_path / "a.csv"
    path.write_text("district,status,date\nKohistan,insurgent,2021-07-07\n")
    with pytest.raises(InputError, match=r"row 1: 'Kohistan' is ambiguous \(candidates"):
        read_status_table(path, boundaries=afghanistan)
    path.write_text("district,status,date\nAtlantis,insurgent,2021-07-07\n")
    with pytest.raises(InputError, match="'Atlantis' is unmatched"):
        read_status_table(path, boundaries=afghanistan)


def test_read_files_errors(tmp_path, afghanistan):
    with pytest.raises(InputError, match="does not exist"):
        read_status_table(tmp_path / "none.csv")
    empty = tmp_path / "e.csv"
    empty.write_text("district_id,status\n")
    with pytest.raises(InputError, match="has no rows"):
        read_status_table(empty)
    nostatus = tmp_path / "n.csv"
    nostatus.write_text("district_id,holder\n1901,x\n")
    with pytest.raises(SchemaError, match="has no status column"):
        read_status_table(nostatus)


def test_inputs_not_modified():
    ours, ref = OURS.copy(), REFERENCE.copy()
    compare_control(ours, ref)
    pd.testing.assert_frame_equal(ours, OURS)
    pd.testing.assert_frame_equal(ref, REFERENCE)
