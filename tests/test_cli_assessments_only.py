"""Every command that decides control runs on assessments alone (no events file).

Through click's CliRunner: ``control``, ``timeline``, ``frontline``, ``siege`` and
``map control|siege|timeline`` with the bundled ``seed-assessments`` and with a
hand-made sheet that names districts as the news does (no province column).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from geofront.cli.main import cli

SMALL = ["--dpi", "30", "--width", "6"]

# Badghis as the news named it on 6-7 July 2021 (no province), plus two hard names.
NEWS_SHEET = """district,date,status
Murghab,2021-07-06,Taliban
Qadis,2021-07-06,Taliban
Ab Kamari,2021-07-06,Taliban
Jawand,2021-07-06,Taliban
Ghormach,2021-07-06,Taliban
Muqur (Badghis),2021-07-06,Taliban
Qala-e-Naw,2021-07-07,contested
Archi,2021-06-22,Taliban
Dara-I-Suf,2021-07-06,Taliban
"""


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture()
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "news_sheet.csv"
    path.write_text(NEWS_SHEET)
    return path


def _usage_error(result, needle: str) -> None:
    assert result.exit_code == 2 and "Traceback" not in result.output
    errors = [ln for ln in result.output.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1 and needle in errors[0], result.output


def test_control_from_seed_assessments_alone(tmp_path):
    out = tmp_path / "c.csv"
    res = run(
        "control", "--assessments", "seed-assessments", "--as-of", "2021-07-07", "-o", str(out)
    )
    assert res.exit_code == 0, res.output
    c = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("district_id")
    assert c["status"].value_counts().to_dict() == {"unknown": 391, "insurgent": 6, "contested": 1}
    assert c.loc["1901", "status"] == "contested" and c.loc["1901", "rule"] == "assessment"
    assert (c.loc[c["province"] != "Badghis", "rule"] == "no_evidence").all()
    assert "(from 0 events, 7 assessments)" in res.stderr


def test_control_from_news_names(tmp_path, sheet):
    out, report, rejects = tmp_path / "c.csv", tmp_path / "report.csv", tmp_path / "rej.csv"
    res = run(
        "control",
        "--assessments",
        str(sheet),
        "--as-of",
        "2021-07-07",
        "-o",
        str(out),
        "--assessments-report",
        str(report),
        "--assessments-rejects",
        str(rejects),
    )
    assert res.exit_code == 0, res.output
    c = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("district_id")
    badghis = c[c["province"] == "Badghis"]["status"].value_counts().to_dict()
    assert badghis == {"insurgent": 6, "contested": 1}
    assert c.loc["1407", "status"] == "insurgent"  # Archi -> Dashte Archi
    # the ambiguous Dara-I-Suf decided nothing: both halves stay unknown
    assert c.loc[["1503", "1504"], "status"].tolist() == ["unknown", "unknown"]
    rep = pd.read_csv(report, dtype=str, keep_default_na=False).set_index("unit")
    assert rep.loc["Murghab", ["district", "method", "matched_alias"]].tolist() == [
        "Bala Murghab",
        "exact",
        "Murghab",
    ]
    assert rep.loc["Archi", ["district", "method"]].tolist() == ["Dashte Archi", "token"]
    assert rep.loc["Muqur (Badghis)", "district_id"] == "1907"
    assert rep.loc["Dara-I-Suf", ["method", "candidates"]].tolist() == ["ambiguous", "1503;1504"]
    assert pd.read_csv(rejects)["reason"].tolist() == ["ambiguous_unit"]
    # never silent: the loose match and the reject are on stderr, one line each
    assert "matched only by a distinctive part of a name" in res.stderr
    assert "'Archi' -> Dashte Archi (token)" in res.stderr
    assert "1 ambiguous_unit" in res.stderr


def test_control_with_user_aliases_and_none(tmp_path, sheet):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,district_id,source\nArchi,1407,my notes\n")
    report = tmp_path / "report.csv"
    base = ["control", "--assessments", str(sheet), "--as-of", "2021-07-07", "-o"]
    res = run(*base, str(tmp_path / "c.csv"), "--aliases", str(aliases),
              "--assessments-report", str(report))  # fmt: skip
    assert res.exit_code == 0, res.output
    rep = pd.read_csv(report, dtype=str, keep_default_na=False).set_index("unit")
    assert rep.loc["Archi", ["method", "matched_alias"]].tolist() == ["exact", "Archi"]
    assert "matched only by a distinctive part" not in res.stderr
    # no aliases at all: Murghab is then found only by its distinctive part
    res = run(*base, str(tmp_path / "c2.csv"), "--aliases", "none",
              "--assessments-report", str(report))  # fmt: skip
    assert res.exit_code == 0, res.output
    rep = pd.read_csv(report, dtype=str, keep_default_na=False).set_index("unit")
    assert rep.loc["Murghab", "method"] == "token"


def test_bad_aliases_file_one_line(tmp_path, sheet):
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,district_id\nArchi,99999\n")
    res = run("control", "--assessments", str(sheet), "--as-of", "2021-07-07", "-o",
              str(tmp_path / "c.csv"), "--aliases", str(aliases))  # fmt: skip
    assert res.exit_code == 1 and "Traceback" not in res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: aliases file aliases.csv, line 2")
    assert not (tmp_path / "c.csv").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["control", "--as-of", "2021-07-07"], "give EVENTS"),
        (["timeline", "--dates", "2021-07-07"], "give EVENTS"),
        (["siege", "--all", "--as-of", "2021-07-07"], "give --events EVENTS"),
        (["map", "siege", "Qala-i-Naw", "--as-of", "2021-07-07"], "give --events EVENTS"),
        (["frontline"], "give a CONTROL table, or --assessments FILE"),
        (["control", "seed-events", "--as-of", "2021-07-07", "--aliases", "x.csv"], "need --as"),
    ],
)
def test_neither_events_nor_assessments(tmp_path, args, needle):
    out = tmp_path / ("o.png" if args[0] == "map" else "o.csv")
    _usage_error(run(*args, "-o", str(out)), needle)
    assert not out.exists()


def test_timeline_from_assessments_alone(tmp_path, sheet):
    out = tmp_path / "t.csv"
    res = run("timeline", "--assessments", str(sheet), "--dates", "2021-06-01,2021-06-30,2021-07-07",
              "-o", str(out))  # fmt: skip
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out).pivot(index="date", columns="status", values="districts")
    assert t.loc["2021-06-01"].to_dict() == {
        "contested": 0,
        "government": 0,
        "insurgent": 0,
        "unknown": 398,
    }
    assert t.loc["2021-06-30", "insurgent"] == 1  # Archi, 22 June
    assert t.loc["2021-07-07", "insurgent"] == 7 and t.loc["2021-07-07", "contested"] == 1


def test_frontline_from_assessments_alone(tmp_path):
    out, shift = tmp_path / "f.csv", tmp_path / "shift.csv"
    res = run("frontline", "--assessments", "seed-assessments", "--as-of", "2021-07-07",
              "--compare-to-date", "2021-07-06", "-o", str(out), "--shift", str(shift))  # fmt: skip
    assert res.exit_code == 0, res.output
    lines = pd.read_csv(out)
    # Qala-I- Naw (contested) against its insurgent-held neighbours; no government
    assert set(lines["frontline_class"]) == {"contested-insurgent"}
    assert lines["length_km"].sum() > 50
    s = pd.read_csv(shift).set_index(["measure", "item"])
    assert s.loc[("districts", "insurgent"), "before"] == 0
    assert s.loc[("districts", "insurgent"), "after"] == 6
    assert "since 2021-07-06: 7 district(s) changed status (7 of them first known" in res.stderr


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--assessments", "seed-assessments"], "--assessments needs --as-of"),
        (["ctl.csv", "--as-of", "2021-07-07"], "need --assessments"),
        (["ctl.csv", "--assessments", "seed-assessments", "--as-of", "2021-07-07"], "not both"),
    ],
)
def test_frontline_option_errors(tmp_path, extra, needle):
    _usage_error(run("frontline", *extra, "-o", str(tmp_path / "f.csv")), needle)


def test_siege_from_assessments_alone(tmp_path):
    out = tmp_path / "s.csv"
    res = run("siege", "--all", "--assessments", "seed-assessments", "--as-of", "2021-07-07",
              "-o", str(out))  # fmt: skip
    assert res.exit_code == 0, res.output
    s = pd.read_csv(out, keep_default_na=False).set_index("city")
    assert len(s) == 34
    # no events: nothing is under assault; the districts held around Qala-i-Naw close 12
    # of its 16 outskirts sectors
    assert s.loc["Qala-i-Naw", "status"] == "besieged"
    assert s.loc["Qala-i-Naw", "holder"] == "contested"
    assert (s["hostile_core"] == 0).all()
    # elsewhere nothing is known: no evidence, not "secure"
    assert (s.drop(index="Qala-i-Naw")["status"] == "no evidence").all()


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["map", "control", "--as-of", "2021-07-07", "--province", "Badghis"],
        ["map", "siege", "Qala-i-Naw", "--as-of", "2021-07-07", "--population", "none"],
        ["map", "timeline", "--start", "2021-07-01", "--end", "2021-07-07", "--every", "3d"],
    ],
)
def test_maps_from_assessments_alone(tmp_path, sheet, args):
    out = tmp_path / "m.png"
    res = run("-q", *args, "--assessments", str(sheet), *SMALL, "-o", str(out))
    assert res.exit_code == 0, res.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_map_control_needs_as_of_with_assessments(tmp_path):
    _usage_error(
        run("map", "control", "--assessments", "seed-assessments", *SMALL, "-o",
            str(tmp_path / "m.png")),
        "need --as-of",
    )  # fmt: skip
