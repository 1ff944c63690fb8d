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
