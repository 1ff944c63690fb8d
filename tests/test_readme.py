"""The README's examples stay true: every command of its command-line tour runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from geofront.cli.main import cli

README = Path(__file__).resolve().parents[1] / "README.md"


def _tour() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.S)
    assert block, "README has no bash block under '## Command line'"
    lines = [ln.split("#", 1)[0].strip() for ln in block.group(1).splitlines()]
    return [ln for ln in lines if ln.startswith("geofront ")]


def test_readme_set_up_commands_come_first():
    lines = README.read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1 : lines.index("```bash") + 3]
    assert block[0].endswith("geofront run --case afghanistan-2021 -o out/afghanistan-2021")
    assert block[1].endswith(".venv/bin/python -m pytest")
    assert "pip install ." in block[0] and "pip install -e '.[test]'" in block[1]


@pytest.mark.slow
def test_readme_command_line_tour_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    commands = _tour()
    assert len(commands) >= 10
    runner = CliRunner()
    for line in commands:
        res = runner.invoke(cli, ["-q", *shlex.split(line)[1:]])
        assert res.exit_code == 0, f"{line}\n{res.output}"
    for name in ("joined.csv", "control.gpkg", "frontline.gpkg", "sieges.csv", "badghis.png"):
        assert (tmp_path / name).stat().st_size > 0
