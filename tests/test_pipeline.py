"""geofront.pipeline steps that can be checked without running a whole case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from geofront import datasets
from geofront.boundaries import read_boundaries
from geofront.case import read_case
from geofront.pipeline import RunState, step_events


def test_same_event_ids_in_two_files_are_rejected_with_their_values(tmp_path: Path) -> None:
    # The seed file twice (e.g. two overlapping ACLED downloads): the second copy of each
    # event is rejected as a duplicate naming the first file, with its original values.
    for name in ("a.csv", "b.csv"):
        shutil.copy(datasets.get_path("seed-events"), tmp_path / name)
    (tmp_path / "case.toml").write_text(
        '[case]\nname = "twice"\n[data]\nevents = ["a.csv", "b.csv"]\n'
        '[control]\nas_of = "2021-07-07"\n'
    )
    (tmp_path / "out" / "tables").mkdir(parents=True)
    state = RunState(
        case=read_case(tmp_path / "case.toml"), out=tmp_path / "out", boundaries=read_boundaries()
    )
    step_events(state)
    assert (state.n_read, len(state.events)) == (12, 6)
    rej = pd.read_csv(tmp_path / "out/tables/events_rejected.csv", dtype=str)
    assert len(rej) == 6
    assert set(rej["reason"]) == {"duplicate_event_id"}
    assert set(rej["source_file"]) == {"b.csv"} and set(rej["detail"]) == {"event id also in a.csv"}
    seed = pd.read_csv(datasets.get_path("seed-events"), dtype=str, keep_default_na=False)
    assert rej["src_actor1"].tolist() == seed["actor1"].tolist()
    assert rej["src_latitude"].tolist() == seed["latitude"].tolist()


def _small_case(tmp_path: Path) -> Path:
    (tmp_path / "case.toml").write_text(
        '[case]\nname = "small"\n[data]\nevents = ["seed-events"]\n'
        'assessments = ["seed-assessments"]\n'
        '[control]\nas_of = "2021-07-07"\nbaseline = "government"\n'
        'baseline_date = "2021-06-30"\n'
        '[timeline]\nstart = "2021-07-01"\nend = "2021-07-07"\nevery_days = 2\n'
        '[maps]\nsmall_multiples = ["2021-07-03", "2021-07-06"]\n'
    )
    (tmp_path / "out" / "tables").mkdir(parents=True)
    return tmp_path / "case.toml"


def test_control_is_decided_once_for_every_date_the_run_needs(tmp_path, monkeypatch):
    from geofront import control_model
    from geofront.control import control_from_events, control_history
    from geofront.pipeline import step_control, step_frontlines, step_timeline

    calls = []
    real = control_model.run
    monkeypatch.setattr(control_model, "run", lambda *a, **k: calls.append(k) or real(*a, **k))
    case = read_case(_small_case(tmp_path))
    state = RunState(case=case, out=tmp_path / "out", boundaries=read_boundaries())
    step_events(state)
    for step in (step_control, step_frontlines, step_timeline):
        step(state)
    assert len(calls) == 1  # one run of the rules: as_of, both multiples, the timeline
    days = [pd.Timestamp(d) for d in ("2021-07-03", "2021-07-06", "2021-07-07")]
    assert sorted(state.controls) == days
    assert sorted(state.frontlines) == days
    assert sorted(state.history["date"].unique()) == case.timeline_dates()
    # ... and the answer is the one each function gives on its own
    rules = {"baseline": "government", "baseline_date": case.baseline_date}
    assessments = state.assessments
    for day in days:
        alone = control_from_events(
            state.events, state.boundaries, as_of=day, assessments=assessments, **rules
        )
        pd.testing.assert_frame_equal(pd.DataFrame(state.controls[day]), pd.DataFrame(alone))
    history = control_history(
        state.events,
        state.boundaries,
        dates=case.timeline_dates(),
        assessments=assessments,
        **rules,
    )
    pd.testing.assert_frame_equal(state.history, history)


def test_parameters_record_every_value_and_no_empty_strings(tmp_path):
    import tomllib

    from geofront.run_folder import write_parameters

    case = read_case(_small_case(tmp_path))
    out = tmp_path / "out"
    written = [out / "tables" / "a.csv", out / "maps" / "b.png"]
    path = write_parameters(case, out / "parameters.toml", written)
    record = tomllib.loads(path.read_text())
    p = record["parameters"]
    # None is not a value in TOML: such fields are listed as unset, never written as ""
    assert "sides" not in p and "aliases" not in p
    assert {"boundaries", "sides", "aliases", "siege_focus", "focus_province"} <= set(p["unset"])
    assert not set(p["unset"]) & set(p)
    assert p["as_of"] == "2021-07-07" and p["baseline_date"] == "2021-06-30"
    assert p["events"] == ["bundled:seed-events"]
    assert p["siege_radii_m"] == [5000.0, 20000.0, 50000.0]
    assert p["siege_thresholds"]["encirclement_index"] == 0.75
    assert p["control_rules"]["takeover_ratio"] == 2.0
    assert p["small_multiples"] == ["2021-07-03", "2021-07-06"]
    assert record["outputs"]["files"] == ["tables/a.csv", "maps/b.png"]
    assert path.read_text().startswith("# written by geofront ")
