"""Paths expand without HOME (tinyscore.storage.paths.expand_path): '~' is a home folder or one line.

Oracles: Python's own os.path.expanduser wherever it knows the home folder; where nothing knows it
(HOME unset and no entry in the password database, as for a container's or a batch job's user),
every path a user types -- a dataset, image data, each kind of MODEL -- is refused in one line
that names it, by the command line in-process and by a Python of its own started without HOME.
"""
from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from clihelp import assert_refused
from tinyscore.errors import TinyscoreError
from tinyscore.storage.paths import expand_path

ROOT = Path(__file__).resolve().parents[1]


def no_entry(*_):
    raise KeyError("no entry in the password database")


@pytest.fixture
def homeless(monkeypatch):
    """HOME unset and the password database without an entry for anyone."""
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    monkeypatch.setattr(pwd, "getpwnam", no_entry)


@pytest.mark.parametrize("text", ["~", "~/faces", "~/a/b.npy", "~//x", f"~{pwd.getpwuid(os.getuid()).pw_name}/x",
                                  "faces/~", "/abs/~x", "rel", ""])
def test_expand_path_agrees_with_python_where_the_home_folder_is_known(text, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert expand_path(text) == Path(os.path.expanduser(text))


def test_an_empty_home_falls_back_to_the_password_database(monkeypatch):
    monkeypatch.setenv("HOME", "")                   # os.path.expanduser would make ~/faces into /faces
    assert expand_path("~/faces") == Path(pwd.getpwuid(os.getuid()).pw_dir) / "faces"
    monkeypatch.setattr(pwd, "getpwuid", no_entry)
    with pytest.raises(TinyscoreError, match="HOME is not set"):
        expand_path("~/faces")


def test_without_home_and_entry_the_path_is_named_in_one_line(homeless):
    with pytest.raises(TinyscoreError) as e:
        expand_path("~/faces.npy", "--data")
    assert str(e.value).startswith("--data ~/faces.npy: ") and "\n" not in str(e.value)
    assert expand_path("faces/~x") == Path("faces/~x")        # no '~' to expand: nothing is looked up
    with pytest.raises(TinyscoreError, match="no user 'nobody_here'"):
        expand_path("~nobody_here/x")


@pytest.mark.parametrize("args, named", [
    (["trajectories", "analytic", "--data", "~/faces.npy"], "~/faces.npy"),
    (["trajectories", "empirical", "--data", "images:~/faces.npy"], "~/faces.npy"),
    (["trajectories", "empirical", "--data", "celeba:~/celeba.h5"], "~/celeba.h5"),
    (["trajectories", "kadkhodaie:~/model.pt", "--data", "{faces}"], "~/model.pt"),
    (["trajectories", "diffusers:~/unet", "--data", "{faces}"], "~/unet"),
    (["trajectories", "~/mine.py:make"], "~/mine.py"),
    (["trajectories", "python:~/mine.py:make"], "~/mine.py"),
    (["train", "--data", "~/faces.npy", "--steps", "1"], "~/faces.npy"),
])
def test_every_path_a_user_types_is_refused_in_one_line_without_home(args, named, homeless, tmp_path, capsys):
    faces = tmp_path / "faces.npy"
    np.save(faces, np.zeros((4, 8, 8), dtype=np.uint8))
    args = [a.format(faces=faces) for a in args] + ["--out", str(tmp_path / "out")]
    line = assert_refused(args, capsys, watch=[tmp_path], contains=named)
    assert "home" in line.lower() or "HOME" in line


def test_a_command_started_without_home_says_so_in_one_line(tmp_path):
    """A Python of its own, its environment without HOME; its password database is made to have no
    entry for this user (as for a batch job's user id), since this machine's may have one."""
    env = {k: v for k, v in os.environ.items() if k != "HOME"}
    code = ("import pwd, runpy, sys\n"
            "def no_entry(*_):\n    raise KeyError('no entry')\n"
            "pwd.getpwuid = pwd.getpwnam = no_entry\n"
            f"sys.path.insert(0, {str(ROOT)!r})\n"
            "sys.argv = ['cli.py', 'trajectories', 'analytic', '--data', '~/faces.npy', '--out', 't.h5']\n"
            f"runpy.run_path({str(ROOT / 'cli.py')!r}, run_name='__main__')\n")
    p = subprocess.run([sys.executable, "-W", "default", "-c", code], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=600)
    assert p.returncode == 2, p.stderr
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("error: ") and "~/faces.npy" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr and list(tmp_path.iterdir()) == []
