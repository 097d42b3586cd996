"""A damaged unfinished run is reported, never silently discarded; a good one is never discarded.

An unfinished run (``.RUN.tinyscore-partial``) whose resume state is cut short, overwritten, of
another kind, or inconsistent with its statistics is refused in one line that names the file and
says how to go on (``--fresh`` trains from step 0); nothing in it is touched, so putting the good
state back resumes it. A run stopped before its first saved state holds nothing to resume and
starts again without a word; a partial folder that is a link, or not a folder, is refused.
"""
from __future__ import annotations

import json
import shutil

import pytest
import torch

from clihelp import assert_refused, run_cli
from test_bad_inputs import TRAIN, _train_and_stop

ARGS = ["--steps", "40", "--save-every", "10"]


@pytest.fixture(scope="module")
def stopped(tmp_path_factory):
    """A run stopped right after its state of step 20 was saved: (its out, its partial folder)."""
    d = tmp_path_factory.mktemp("stopped")
    out = d / "run"
    assert _train_and_stop(out, ARGS, stop_after=20) == "stopped"
    return out, out.with_name(f".{out.name}.tinyscore-partial")


@pytest.fixture
def partial(stopped, tmp_path):
    """A fresh copy of the stopped run: (out, partial)."""
    out = tmp_path / "run"
    p = out.with_name(f".{out.name}.tinyscore-partial")
    shutil.copytree(stopped[1], p)
    return out, p


def _truncate(p):
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 3])


def _drop(key):
    def damage(p):
        state = torch.load(p, weights_only=True)
        del state[key]
        torch.save(state, p)
    return damage


DAMAGE = {
    "resume cut short": ("resume.pt", _truncate, "not a readable resume state"),
    "resume overwritten": ("resume.pt", lambda p: p.write_bytes(b"\0" * 4096), "not a readable resume state"),
    "resume of another kind": ("resume.pt", lambda p: torch.save({"weights": torch.zeros(2)}, p),
                               "not a tinyscore resume state"),
    "resume without its step": ("resume.pt", _drop("step"), "'step'"),
    "resume without the stats' length": ("resume.pt", _drop("stats_bytes"), "'stats_bytes'"),
    "options not JSON": ("options.json", lambda p: p.write_text('{"variant": '), "options.json"),
    "options a list": ("options.json", lambda p: p.write_text("[1, 2]"), "JSON object"),
    "stats cut short": ("stats.jsonl", lambda p: p.write_bytes(p.read_bytes()[:5]), "shorter"),
    "stats gone": ("stats.jsonl", lambda p: p.unlink(), "missing"),
    "resume a folder": ("resume.pt", lambda p: (p.unlink(), p.mkdir()), "not a regular file"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_a_damaged_state_is_refused_naming_the_file_and_kept(partial, tmp_path, capsys, case):
    out, p = partial
    name, damage, contains = DAMAGE[case]
    good = (p / name).read_bytes()
    damage(p / name)
    line = assert_refused([*TRAIN, *ARGS, "--out", out], capsys, watch=[tmp_path], contains=contains)
    assert str(p / name) in line and "--fresh" in line and "step 0" in line
    # nothing was discarded: with the good file back, the run resumes where it stopped
    if (p / name).is_dir():
        (p / name).rmdir()
    (p / name).write_bytes(good)
    code, text, err = run_cli([*TRAIN, *ARGS, "--out", out], capsys)
    assert code == 0, err
    assert "resumed from step 20" in text
    assert not p.exists() and (out / "model.pt").is_file()


def test_fresh_discards_a_damaged_state_and_trains_from_step_0(partial, capsys):
    out, p = partial
    _truncate(p / "resume.pt")
    code, text, err = run_cli([*TRAIN, *ARGS, "--fresh", "--out", out], capsys)
    assert code == 0, err
    assert "resumed" not in text and not p.exists()
    assert json.loads((out / "stats.jsonl").read_text().splitlines()[0])["step"] < 20


def test_a_run_stopped_before_its_first_state_starts_again_quietly(partial, capsys):
    out, p = partial
    (p / "resume.pt").unlink()                   # as if killed before step 10 was saved
    code, text, err = run_cli([*TRAIN, *ARGS, "--out", out], capsys)
    assert code == 0 and err.strip() == "" and "resumed" not in text


@pytest.mark.parametrize("kind", ["symlink", "file"])
def test_a_partial_folder_that_is_a_link_or_a_file_is_refused(stopped, tmp_path, capsys, kind):
    out = tmp_path / "run"
    p = out.with_name(f".{out.name}.tinyscore-partial")
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(stopped[1], elsewhere)
    if kind == "symlink":
        p.symlink_to(elsewhere, target_is_directory=True)
    else:
        p.write_text("a file of the user\n")
    line = assert_refused([*TRAIN, *ARGS, "--out", out], capsys, watch=[tmp_path])
    assert str(p) in line and ("symbolic link" in line if kind == "symlink" else "not a folder" in line)
