"""What is never lost: user files beside every output, finished runs, and training killed with -9.

* files of the user named like temporaries survive every writer, whether it succeeds or fails;
* ``kill -9`` at a random step, then the same command: ``model.pt`` byte-identical to an
  uninterrupted run;
* two ``train`` into one ``--out`` at once: exactly one wins, the other gets one line;
* a full disk (a file-size limit) and Ctrl-C: one line, nothing left behind.
"""
import hashlib
import json
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cli
from tinyscore.storage import files

ROOT = Path(__file__).resolve().parents[1]
TRAIN = ["train", "--variant", "ncsn", "--n", "50", "--no-progress"]


def sha(p) -> str:
    return hashlib.sha256(Path(p).read_bytes()).hexdigest()


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def plant(folder: Path, names) -> dict:
    """Files of the user that look like temporaries of the outputs ``names`` (and of nothing)."""
    folder.mkdir(parents=True, exist_ok=True)
    planted = {}
    for name in names:
        for fake in (f".{name}.tmp", f".{name}.tmp-{dead_pid()}", f".{name}.abcd.tmp",
                     f".{name}.tinyscore-otherhost-{dead_pid()}-0badc0de.tmp", f"{name}.tmp", f".{name}.tinyscore"):
            planted[folder / fake] = f"user data {fake}\n"
    planted[folder / ".draft.tmp"] = "notes\n"
    planted[folder / "sub" / ".x.tmp-1"] = "nested\n"
    for p, text in planted.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return planted


def survived(planted: dict) -> bool:
    return all(p.is_file() and p.read_text() == text for p, text in planted.items())


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    d = tmp_path_factory.mktemp("base")
    assert cli.main([*TRAIN, "--steps", "5", "--out", str(d / "run")]) == 0
    assert cli.main(["trajectories", str(d / "run"), "--out", str(d / "a.h5"), "--probes", "8", "--no-progress"]) == 0
    return d


WRITERS = {
    "train": (["run"], lambda b, o: [*TRAIN, "--steps", "3", "--out", o / "run"]),
    "trajectories": (["t.h5"], lambda b, o: ["trajectories", b / "run", "--out", o / "t.h5", "--probes", "4",
                                             "--no-progress"]),
    "diverge": (["d.json", "d.png"], lambda b, o: ["diverge", b / "a.h5", b / "a.h5", "--json", o / "d.json",
                                                   "--plot", o / "d.png"]),
    "attractors": (["at.h5", "at.json", "at.png"],
                   lambda b, o: ["attractors", b / "run", "--starts", "8", "--test-starts", "8", "--iters", "2",
                                 "--out", o / "at.h5", "--json", o / "at.json", "--plot", o / "at.png"]),
    "score-error": (["se.json", "se.png"], lambda b, o: ["score-error", b / "run", "--points", "50",
                                                         "--json", o / "se.json", "--plot", o / "se.png"]),
    "quality": (["q.json", "q.png"], lambda b, o: ["quality", b / "a.h5", "--json", o / "q.json",
                                                   "--plot", o / "q.png"]),
    "reproduce": (["REPORT.md", "commands.sh"], lambda b, o: ["reproduce", "--scale", "smoke", "--datasets", "uniform",
                                                              "--variants", "ncsn", "--ns", "1", "--out", o,
                                                              "--no-progress"]),
}


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_user_files_named_like_temporaries_survive(base, tmp_path, writer, capsys):
    names, argv = WRITERS[writer]
    out = tmp_path / "out"
    planted = plant(out, names)
    assert cli.main([str(a) for a in argv(base, out)]) == 0, capsys.readouterr().err
    assert survived(planted)
    assert all((out / n).exists() for n in names)
    # and when the command then fails (its outputs exist now, no --force)
    assert cli.main([str(a) for a in argv(base, out)]) == (2 if writer != "reproduce" else 0)
    assert survived(planted)
    leftovers = [p.name for p in out.iterdir() if ".tinyscore-" in p.name and p not in planted]
    assert leftovers == []


def test_stale_temporaries_of_the_destination_are_removed(base, tmp_path):
    """A temporary of a killed writer (its pid gone) of this very destination is ours to remove."""
    out = tmp_path / "t.h5"
    stale = files.temp_name(out).name.replace(f"-{os.getpid()}-", f"-{dead_pid()}-")
    live = files.temp_name(out)                           # this process is alive: not stale
    other = files.temp_name(tmp_path / "u.h5").name.replace(f"-{os.getpid()}-", f"-{dead_pid()}-")
    for name in (stale, live.name, other):
        (tmp_path / name).write_text("x")
    assert cli.main(["trajectories", str(base / "run"), "--out", str(out), "--probes", "4", "--no-progress"]) == 0
    assert not (tmp_path / stale).exists() and live.exists() and (tmp_path / other).exists()


def _cli(*args, **kw):
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *map(str, args)], cwd=kw.pop("cwd", None),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_kill_9_at_a_random_step_then_resume_is_byte_identical(tmp_path):
    args = [*TRAIN, "--variant", "ssm", "--steps", "400", "--save-every", "25"]
    full = _cli(*args, "--out", tmp_path / "full")
    assert full.wait(timeout=300) == 0, full.stderr.read()
    out = tmp_path / "killed"
    resume = tmp_path / ".killed.tinyscore-partial" / "resume.pt"
    victim = _cli(*args, "--out", out)
    deadline = time.time() + 120
    while not resume.exists() and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(random.Random(os.getpid()).uniform(0.0, 1.5))    # somewhere between saved states
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert victim.returncode == -signal.SIGKILL and not out.exists()
    again = _cli(*args, "--out", out)
    stdout, stderr = again.communicate(timeout=300)
    assert again.returncode == 0, stderr
    assert "resumed from step" in stdout
    assert sha(out / "model.pt") == sha(tmp_path / "full" / "model.pt")
    strip = [{k: v for k, v in json.loads(line).items() if k != "seconds"}
             for line in (out / "stats.jsonl").read_text().splitlines()]
    assert strip == [{k: v for k, v in json.loads(line).items() if k != "seconds"}
                     for line in (tmp_path / "full" / "stats.jsonl").read_text().splitlines()]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "killed"]


def test_two_trains_into_one_out_exactly_one_wins(tmp_path):
    out = tmp_path / "run"
    procs = [_cli(*TRAIN, "--steps", "150", "--seed", str(s), "--out", out) for s in (1, 2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(c for c, _ in results)
    assert codes == [0, 2], results
    loser = next(e for c, e in results if c == 2).strip().splitlines()
    assert len(loser) == 1 and loser[0].startswith("error: ") and "Traceback" not in loser[0]
    winner_seed = next(s for (c, _), s in zip(results, (1, 2)) if c == 0)
    assert json.loads((out / "options.json").read_text())["seed"] == winner_seed
    assert (out / "model.pt").is_file() and sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def _limit_file_size(nbytes):
    def pre():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)     # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
    return pre


@pytest.mark.parametrize("argv", [
    [*TRAIN, "--steps", "20", "--out", "{d}/run"],
    ["trajectories", "analytic", "--out", "{d}/t.h5", "--probes", "2000", "--no-progress"],
])
def test_full_disk_is_one_line_and_nothing_left_behind(tmp_path, argv):
    """A file-size limit makes every write past 20 kB fail the way a full disk does."""
    d = tmp_path / "dest"
    d.mkdir()
    p = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *[a.format(d=d) for a in argv]],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=_limit_file_size(20_000))
    _, err = p.communicate(timeout=300)
    lines = [line for line in err.splitlines() if line.strip()]
    assert p.returncode == 2 and "Traceback" not in err and len(lines) == 1, err
    assert lines[0].startswith("error: ") and "too large" in lines[0]
    assert list(d.iterdir()) == []


def test_ctrl_c_during_training(tmp_path):
    out = tmp_path / "run"
    # a test run started in the background by a non-interactive shell inherits SIGINT ignored, and a
    # Python started with SIGINT ignored keeps ignoring it: give the command the disposition a terminal gives
    p = _cli(*TRAIN, "--steps", "100000", "--save-every", "100000", "--out", out,
             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lock = files.lock_path(out)
    deadline = time.time() + 120
    while not lock.exists() and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    p.send_signal(signal.SIGINT)
    try:
        _, err = p.communicate(timeout=120)
    finally:
        p.kill()                                # never leave a 100,000-step run behind
    assert p.returncode == 130 and err.strip().splitlines()[-1] == "interrupted" and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []           # no state was saved yet: nothing worth keeping


def test_same_command_same_bytes(tmp_path):
    """Same command, same seed: the same model.pt and trajectory bytes (no names, no clocks inside)."""
    for name in ("x", "y"):
        assert cli.main([*TRAIN, "--steps", "20", "--out", str(tmp_path / f"run_{name}")]) == 0
        assert cli.main(["trajectories", str(tmp_path / f"run_{name}"), "--out", str(tmp_path / f"{name}.h5"),
                         "--probes", "8", "--no-progress"]) == 0
    assert sha(tmp_path / "run_x" / "model.pt") == sha(tmp_path / "run_y" / "model.pt")
    assert sha(tmp_path / "x.h5") == sha(tmp_path / "y.h5")
    assert cli.main([*TRAIN, "--steps", "20", "--seed", "1", "--out", str(tmp_path / "run_z")]) == 0
    assert sha(tmp_path / "run_z" / "model.pt") != sha(tmp_path / "run_x" / "model.pt")
