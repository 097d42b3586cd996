"""Every output of every command under the same rules, and no write through a planted link.

The commands and their output options are enumerated from the click command tree, not listed by
hand, so a new command or option cannot slip past:

* each output option given an existing file of the user is refused without --force in one line,
  and the file keeps its bytes; each file output held by another process's lock is refused;
* every file a writing command opens for writing under its output folder is opened so that a link
  cannot redirect it (a new file with ``O_CREAT | O_EXCL``, or ``O_NOFOLLOW``), as recorded by an
  audit hook while the command runs -- reproduce included;
* at every name a command writes (recorded the same way, with the random parts of temporary names
  made repeatable), a symbolic link or a hard link to a file of the user (and, at a folder's name,
  a link to a folder of the user) is planted; the command then either succeeds without touching
  the target or refuses in one line.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import click
import numpy as np
import pytest

import cli
from clihelp import assert_refused, run_cli

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ["train", "--variant", "ncsn", "--n", "20", "--no-progress", "--device", "cpu"]

#: option names that are outputs; every other path option must be in INPUTS
OUTPUT_NAMES = ("out", "json_path", "plot_path")
INPUTS = {("reproduce", "data_root"), ("reproduce", "step_times"), ("data prepare-celeba", "identities"),
          ("controls", "floor"), ("convergence", "floor")}
#: outputs that are folders (a user's file there is refused as "not a folder")
FOLDERS = {("train", "out"), ("reproduce", "out"), ("published", "out")}


def leaf_commands(group=cli.cli, prefix=()):
    """(name words, click command) for every command of the tree."""
    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            yield from leaf_commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


def outputs_of(cmd) -> list:
    return [p for p in cmd.params if isinstance(p, click.Option) and p.name in OUTPUT_NAMES]


def _opt(p) -> str:
    return max(p.opts, key=len)


#: the cheapest valid call of each command, without its outputs (b: the base folder)
BASE = {
    "train": lambda b: [*TRAIN, "--steps", "3"],
    "trajectories": lambda b: ["trajectories", b / "run", "--probes", "4", "--path-substeps", "1", "--no-progress"],
    "diverge": lambda b: ["diverge", b / "a.h5", b / "a.h5"],
    "attractors": lambda b: ["attractors", b / "run", "--starts", "8", "--test-starts", "8", "--iters", "2",
                             "--eps", "0.1", "--no-progress"],
    "score-error": lambda b: ["score-error", b / "run", "--points", "50", "--bins", "2", "--sigmas", "1,0.1",
                              "--no-progress"],
    "quality": lambda b: ["quality", b / "a.h5"],
    "show": lambda b: ["show", b / "img.h5"],
    "bench": lambda b: ["bench", "--quick"],
    "reproduce": lambda b: ["reproduce", "--dry-run", "--scale", "smoke", "--datasets", "uniform", "--variants",
                            "ncsn", "--ns", "1", "--no-progress"],
    "data prepare-celeba": lambda b: ["data", "prepare-celeba", b / "jpgs", "--size", "8", "--no-progress"],
    "published": lambda b: ["published", b / "pub", "--data", "uniform"],
    "controls": lambda b: ["controls", b / "run", b / "a.h5", b / "a.h5", "--reps", "10", "--starts", "8",
                           "--test-starts", "8", "--iters", "2", "--eps", "0.1"],
    "convergence": lambda b: ["convergence", b / "run", b / "run", b / "a.h5", "--reps", "10", "--problems", "16"],
    "geometry": lambda b: ["geometry", b / "run", b / "run", "--reps", "10", "--points", "20"],
}

#: each writing command run for real, every output inside folder o
WRITES = {
    "train": lambda b, o: [*TRAIN, "--steps", "4", "--save-every", "2", "--out", o / "run"],
    "trajectories": lambda b, o: [*BASE["trajectories"](b), "--out", o / "t.h5"],
    "diverge": lambda b, o: [*BASE["diverge"](b), "--json", o / "d.json", "--plot", o / "d.png"],
    "attractors": lambda b, o: [*BASE["attractors"](b), "--out", o / "at.h5", "--json", o / "at.json",
                                "--plot", o / "at.png"],
    "score-error": lambda b, o: [*BASE["score-error"](b), "--json", o / "se.json", "--plot", o / "se.png"],
    "quality": lambda b, o: [*BASE["quality"](b), "--json", o / "q.json", "--plot", o / "q.png"],
    "show": lambda b, o: [*BASE["show"](b), "--out", o / "s.png"],
    "bench": lambda b, o: ["bench", "--json", o / "b.json"],
    "data prepare-celeba": lambda b, o: [*BASE["data prepare-celeba"](b), "--out", o / "f.h5", "--json", o / "f.json"],
}


def sha(p) -> str:
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    from h5craft import write_image_trajectories
    from PIL import Image
    d = tmp_path_factory.mktemp("base")
    assert cli.main([*TRAIN, "--steps", "3", "--out", str(d / "run")]) == 0
    assert cli.main(["trajectories", str(d / "run"), "--out", str(d / "a.h5"), "--probes", "8",
                     "--no-progress"]) == 0
    write_image_trajectories(d / "img.h5")
    (d / "jpgs").mkdir()
    rng = np.random.default_rng(0)
    for i in range(3):
        Image.fromarray(rng.integers(0, 256, (218, 178, 3), dtype=np.uint8)).save(d / "jpgs" / f"{i:06d}.jpg")
    (d / "pub").mkdir()
    return d


@pytest.fixture
def quick_bench(monkeypatch):
    import tinyscore.bench
    monkeypatch.setattr(tinyscore.bench, "run_bench", lambda **kw: [{"name": "x", "seconds": 1.0}])


def test_every_command_is_known_and_every_path_option_is_classified():
    """A new command, or a new path option, must be added here: to BASE, and as an output or an input."""
    names = {" ".join(words) for words, _ in leaf_commands()}
    assert names - set(BASE) == set(), "commands not in this test's table"
    for words, cmd in leaf_commands():
        for p in cmd.params:
            if isinstance(p, click.Option) and isinstance(p.type, click.Path) and p.name not in OUTPUT_NAMES:
                assert (" ".join(words), p.name) in INPUTS, f"{' '.join(words)} {_opt(p)}: an input or an output?"


CASES = [(" ".join(w), p.name, _opt(p)) for w, cmd in leaf_commands() for p in outputs_of(cmd)]


def _no_force_yet(command):
    cmd = dict((" ".join(w), c) for w, c in leaf_commands())[command]
    return not any(p.name == "force" for p in cmd.params)


@pytest.mark.parametrize("command,name,flag", CASES, ids=[f"{c} {f}" for c, _, f in CASES])
def test_an_existing_user_file_at_an_output_is_refused_without_force(base, tmp_path, capsys, command, name, flag):
    if command == "published" and _no_force_yet(command):      # any other command without --force fails
        pytest.xfail("published has no --force yet (issue 19: its click code is moving into cli.py)")
    user = tmp_path / ("notes.png" if name == "plot_path" or (command == "show") else "notes.h5")
    user.write_bytes(b"the user's own file\n")
    before = sha(user)
    line = assert_refused([*BASE[command](base), flag, user], capsys, watch=[tmp_path])
    assert str(user) in line
    assert sha(user) == before
    assert any(p.name == "force" for p in dict((" ".join(w), c) for w, c in leaf_commands())[command].params)


HOLD = """
import contextlib, sys, time
from tinyscore.storage.files import destination_lock
with contextlib.ExitStack() as stack:
    for p in sys.argv[1:]:
        stack.enter_context(destination_lock(p))
    print("holding", flush=True)
    time.sleep(120)
"""


def test_every_file_output_held_by_another_writer_is_refused(base, tmp_path, capsys):
    cases = [(c, n, f) for c, n, f in CASES if (c, n) not in FOLDERS - {("train", "out")}
             and not (c == "published" and _no_force_yet(c))]
    dests = {(c, n): tmp_path / f"{c.replace(' ', '_')}-{n}.{'png' if n == 'plot_path' or c == 'show' else 'h5'}"
             for c, n, _ in cases}
    holder = subprocess.Popen([sys.executable, "-c", HOLD, *map(str, dests.values())], stdout=subprocess.PIPE,
                              cwd=ROOT, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        for c, n, flag in cases:
            line = assert_refused([*BASE[c](base), flag, dests[c, n]], capsys, watch=[tmp_path],
                                  contains="being written")
            assert f"pid {holder.pid}" in line, (c, flag)
    finally:
        holder.kill()
        holder.wait()


# ------------------------------------------------------------------------- links
_RECORD: list | None = None
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


def _audit(event, args):
    if _RECORD is None:
        return
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)) and (args[2] or 0) & _WRITE_FLAGS:
        _RECORD.append(("open", os.fsdecode(args[0]), args[2]))
    elif event in ("os.link", "os.rename") and isinstance(args[1], (str, bytes, os.PathLike)):
        _RECORD.append((event, os.fsdecode(args[1]), 0))
    elif event == "os.mkdir" and isinstance(args[0], (str, bytes, os.PathLike)):
        _RECORD.append((event, os.fsdecode(args[0]), 0))


sys.addaudithook(_audit)


@pytest.fixture
def repeatable(monkeypatch):
    """The random parts of tinyscore's names (temporaries, worker ids) repeat from each reset."""
    count = [0]

    def token_hex(n=16):
        count[0] += 1
        return f"{count[0]:0{2 * n}x}"[-2 * n:]
    monkeypatch.setattr(secrets, "token_hex", token_hex)
    return lambda: count.__setitem__(0, 0)


def record(argv, root: Path, capsys):
    """Run ARGV in-process; returns (exit code, stderr, [(event, path relative to root, flags)])."""
    global _RECORD
    _RECORD = []
    try:
        code, _, err = run_cli(argv, capsys)
    finally:
        seen, _RECORD = _RECORD, None
    root = os.path.realpath(root)
    inside = []
    for event, path, flags in seen:
        full = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path))
        if full.startswith(root + os.sep):
            inside.append((event, os.path.relpath(full, root), flags))
    return code, err, inside


def _safe_open(flags) -> bool:
    return bool(flags & os.O_NOFOLLOW) or (flags & os.O_CREAT and flags & os.O_EXCL)


@pytest.mark.parametrize("command", sorted(WRITES) + ["reproduce"])
def test_every_write_under_an_output_folder_cannot_follow_a_link(base, tmp_path, capsys, quick_bench, command):
    out = tmp_path / "out"
    out.mkdir()
    argv = (WRITES[command](base, out) if command != "reproduce" else
            ["reproduce", "--scale", "smoke", "--datasets", "uniform", "--variants", "ncsn", "--ns", "1",
             "--out", out, "--no-progress"])
    code, err, seen = record(argv, out, capsys)
    assert code == 0, err
    opened = [(path, flags) for event, path, flags in seen if event == "open"]
    assert opened, "nothing was recorded: is the audit hook working?"
    unsafe = [path for path, flags in opened if not _safe_open(flags)]
    assert unsafe == [], f"opened for writing in a way a link can redirect: {sorted(set(unsafe))}"


def _outcome_ok(code, err) -> bool:
    lines = [line for line in err.splitlines() if line.strip()]
    return "Traceback" not in err and (code == 0 or code == 2 and len(lines) == 1 and lines[0].startswith("error: "))


@pytest.mark.parametrize("command", sorted(WRITES))
def test_a_link_planted_at_any_name_a_command_writes_is_never_written_through(
        base, tmp_path, capsys, quick_bench, repeatable, command):
    victim, victim_dir = tmp_path / "thesis.txt", tmp_path / "thesis"
    victim.write_text("years of work\n")
    victim_dir.mkdir()
    (victim_dir / "chapter1.txt").write_text("more work\n")
    (tmp_path / "clean").mkdir()
    repeatable()
    code, err, seen = record(WRITES[command](base, tmp_path / "clean"), tmp_path / "clean", capsys)
    assert code == 0, err
    names = {}
    for event, path, _ in seen:
        names.setdefault(path, set()).add(event)
    assert names
    tried = 0
    for i, (name, events) in enumerate(sorted(names.items())):
        plants = ["symlink", "hardlink"] + (["dirlink"] if events & {"os.mkdir", "os.rename"} else [])
        for kind in plants:
            root = tmp_path / f"o{i}-{kind}"
            at = root / name
            at.parent.mkdir(parents=True, exist_ok=True)
            {"symlink": lambda: at.symlink_to(victim), "hardlink": lambda: os.link(victim, at),
             "dirlink": lambda: at.symlink_to(victim_dir, target_is_directory=True)}[kind]()
            repeatable()
            code, _, err = run_cli(WRITES[command](base, root), capsys)
            assert victim.read_text() == "years of work\n", f"written through a {kind} at {name}"
            assert sorted(p.name for p in victim_dir.iterdir()) == ["chapter1.txt"], f"{kind} at {name}"
            assert (victim_dir / "chapter1.txt").read_text() == "more work\n"
            assert _outcome_ok(code, err), f"a {kind} at {name}: exit {code}, {err!r}"
            tried += 1
    assert tried >= len(names) * 2
