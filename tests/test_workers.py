"""Several workers on one reproduce grid: claims, takeovers, local processes, submitit, the dry run.

The study runs at a micro scale (two cells of tiny models); every multi-worker run is compared
with one single-worker run of the same grid: the report's tables and findings, every cell's result
files and every model's bytes must be equal, and the workers' logs must show each step done once.
"""
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tinyscore.study import grid, plan as splan, run as srun
from tinyscore.training import workers as wk
from tinyscore.errors import TinyscoreError

from clihelp import assert_refused, run_cli

ROOT = Path(__file__).resolve().parents[1]

MICRO = dict(datasets=("hd-uniform",), ns=(1, 10), variants=("ncsn",), steps=40, save_every=10,
             batch_size=16, width=8, probes=8, path_substeps=1, eps=(0.05,), iters=2, starts=4, test_starts=4,
             score_points=40, bins=2, image={})
CELLS = ["hd-uniform/n1/ncsn", "hd-uniform/n10/ncsn"]
#: the steps of each cell (a mixture: score_error too; the micro scale has no seed-floor model)
STEPS = ("train_a", "train_b", "traj_a", "traj_b", "diverge", "quality", "attractors", "score_error", "controls")
QUIET = dict(progress=False, echo=lambda *a: None)


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


@pytest.fixture
def micro(monkeypatch):
    monkeypatch.setitem(grid.SCALES, "micro", MICRO)


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """The reference: the micro grid run by one worker."""
    out = tmp_path_factory.mktemp("single") / "r"
    grid.SCALES["micro"] = MICRO
    try:
        res = srun.reproduce(out, scale="micro", **QUIET)
    finally:
        del grid.SCALES["micro"]
    assert res["ran"] == len(CELLS) * len(STEPS) and res["report"]
    return out


def numbers(out: Path) -> dict:
    """What must not depend on which worker ran a cell: the report's tables and findings (not its
    timing lines), every result file, every model's bytes, every step's result but its timings."""
    report = (out / "REPORT.md").read_text()
    body = report[report.index("## Findings"):report.index("## Notes and caveats")]
    files = {}
    for p in sorted(out.rglob("*")):
        if p.is_file() and p.suffix in (".json", ".pt") and ".steps" not in p.parts and "slurm-logs" not in p.parts \
                and p != out / "results.json":       # the steps' results again, with timings and paths: below
            files[str(p.relative_to(out))] = hashlib.sha256(p.read_bytes()).hexdigest()
    timing = {"seconds", "steps_per_second", "resumed_from", "run"}    # "run": the path
    results = {}
    for m in sorted((out / ".steps").glob("hd-uniform__*.json")):
        r = json.loads(m.read_text())["result"]
        results[m.name] = {k: v for k, v in r.items() if k not in timing} if isinstance(r, dict) else r
    return {"report": body, "files": files, "results": results}


def check_each_step_done_once(out: Path) -> list:
    events = wk.read_events(out / ".steps")
    done = [e["step"] for e in events if e["event"] == "done"]
    assert sorted(done) == sorted(f"{c}/{s}" for c in CELLS for s in STEPS)
    return events


def test_single_worker_logs_one_claim_per_cell(single):
    events = check_each_step_done_once(single)
    claims = [(e["cell"], e["gen"]) for e in events if e["event"] == "claim"]
    assert sorted(claims) == sorted((c, 1) for c in CELLS)
    assert not [e for e in events if e["event"] in ("takeover", "lost", "failed")]
    assert list((single / ".steps" / "workers").iterdir()) == []          # unregistered at the end


# ------------------------------------------------------------------------------ claims
def _claims(folder, worker="w", me=None, lease=60.0):
    return wk.Claims(folder, me or wk.identity(), worker, lease)


def _plant(c: wk.Claims, key, gen, **fields):
    rec = {**wk.identity(), "key": key, "gen": gen, "worker": "planted", "lease_until": time.time() + 60,
           "released": False, **fields}
    c.folder.mkdir(parents=True, exist_ok=True)
    c.path(key, gen).write_text(json.dumps(rec))


def test_a_claim_is_exclusive_until_released(tmp_path):
    a, b = _claims(tmp_path, "a"), _claims(tmp_path, "b")
    ca = a.try_acquire("cell")
    assert ca is not None and ca.gen == 1
    assert b.try_acquire("cell") is None                  # its holder (this process) is alive
    assert b.holder("cell")["worker"] == "a"
    a.release(ca)
    cb = b.try_acquire("cell")
    assert cb is not None and cb.gen == 2 and cb.record["took_over"] is None     # released: no takeover


def test_stale_claims_are_taken_over_and_live_ones_are_not(tmp_path):
    c = _claims(tmp_path)
    _plant(c, "gone", 1, pid=dead_pid())                                          # this machine, process gone
    _plant(c, "reused", 1, pid=os.getpid(), start=-5)                             # pid alive, another process
    _plant(c, "remote-expired", 1, host="elsewhere", boot="x", lease_until=time.time() - 1)
    _plant(c, "remote-live", 1, host="elsewhere", boot="x", pid=dead_pid(), lease_until=time.time() + 3600)
    _plant(c, "alive", 1, pid=os.getpid(), lease_until=time.time() - 3600)        # alive here: the lease is moot
    got = {k: c.try_acquire(k) for k in ("gone", "reused", "remote-expired", "remote-live", "alive")}
    assert got["gone"].gen == 2 and got["gone"].record["took_over"]["why"] == "its process is gone"
    assert got["reused"].gen == 2
    assert got["remote-expired"].gen == 2 and got["remote-expired"].record["took_over"]["why"] == "its lease ran out"
    assert got["remote-live"] is None and got["alive"] is None


def test_a_takeover_race_has_one_winner(tmp_path):
    """Eight workers find the same stale claim at once: exactly one creates the next generation."""
    workers = [_claims(tmp_path, f"w{i}") for i in range(8)]
    for rnd in range(25):
        key = f"cell{rnd}"
        _plant(workers[0], key, 1, pid=dead_pid())
        start = threading.Barrier(len(workers))
        won = []

        def race(c):
            start.wait()
            if c.try_acquire(key) is not None:
                won.append(c.worker)
        threads = [threading.Thread(target=race, args=(c,)) for c in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(won) == 1, (rnd, won)
        assert json.loads(workers[0].path(key, 2).read_text())["worker"] == won[0]
        assert not workers[0].path(key, 3).exists()


def test_renewal_extends_the_lease_and_notices_a_takeover(tmp_path):
    c = _claims(tmp_path, lease=100.0)
    claim = c.try_acquire("cell")
    before = json.loads(claim.path.read_text())["lease_until"]
    c.renew()
    assert json.loads(claim.path.read_text())["lease_until"] >= before and not claim.lost
    _plant(c, "cell", 2, worker="thief")                  # someone judged our lease expired
    c.renew()
    assert claim.lost
    with pytest.raises(wk.ClaimLost):
        claim.check()
    c.release(claim)                                       # a lost claim is not marked released
    assert json.loads(claim.path.read_text())["released"] is False


def test_a_study_with_other_settings_is_refused_and_a_dead_one_is_not(tmp_path, capsys):
    out = tmp_path / "r"
    reg = out / ".steps" / "workers"
    reg.mkdir(parents=True)
    # a live worker (this very process) of another study
    (reg / "other.json").write_text(json.dumps({**wk.identity(), "worker": "other", "study": "0" * 16,
                                                "command": "python cli.py reproduce --scale small",
                                                "since": "earlier", "lease_until": time.time() + 60}))
    args = ["reproduce", "--scale", "smoke", "--datasets", "uniform", "--variants", "ncsn", "--ns", "1",
            "--out", out, "--no-progress"]
    line = assert_refused(args, capsys, watch=[tmp_path], contains="other settings")
    assert f"pid {os.getpid()}" in line and "--scale small" in line
    # the same registration of a process that is gone is tidied away, and the study runs
    (reg / "other.json").write_text(json.dumps({**wk.identity(), "pid": dead_pid(), "worker": "other",
                                                "study": "0" * 16, "lease_until": time.time() + 60}))
    h = wk.Worker(out / ".steps", "f" * 16)
    with h:
        assert h.joined == []
    assert not (reg / "other.json").exists()


# ------------------------------------------------------------------------------ many workers, one grid
KILLER = r"""
import json, os, signal, sys
from tinyscore.study import grid, run as srun
from tinyscore.training import loop as training
spec = json.loads(sys.argv[1])
save = training._save_state
def save_then_die(tmp, step, *args, **kwargs):
    save(tmp, step, *args, **kwargs)
    if step == 20 and tmp.name == ".run_b.tinyscore-partial" and tmp.parent.parts[-2:] == ("n1", "ncsn"):
        os.kill(os.getpid(), signal.SIGKILL)        # mid-cell: train_a done, train_b half-way
training._save_state = save_then_die
srun.run_worker(spec, progress=False, echo=lambda *a: None)
"""


def test_killed_worker_then_two_local_workers_match_one(single, tmp_path, micro):
    """A worker is killed mid-cell; then --jobs 2 finish the grid: one takes the dead worker's cell over
    and resumes its half-trained model, the other runs the untouched cell."""
    out = tmp_path / "r"
    spec, _, _ = grid.make_spec(out, scale="micro")
    victim = subprocess.run([sys.executable, "-c", KILLER, json.dumps(spec)], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert victim.returncode == -signal.SIGKILL, victim.stderr
    cell = out / "hd-uniform" / "n1" / "ncsn"
    assert (cell / ".run_b.tinyscore-partial" / "resume.pt").is_file() and not (cell / "run_b").exists()
    assert not (out / "REPORT.md").exists()
    (dead,) = {e["pid"] for e in wk.read_events(out / ".steps")}

    res = srun.reproduce(out, scale="micro", jobs=2, **QUIET)
    assert res["report"] == str(out / "REPORT.md") and len(res["workers"]) == 2
    events = check_each_step_done_once(out)
    takeover = [e for e in events if e["event"] == "takeover"]
    assert [(e["cell"], e["previous"]["pid"], e["previous"]["why"]) for e in takeover] == \
        [("hd-uniform/n1/ncsn", dead, "its process is gone")]
    done = {e["step"]: e for e in events if e["event"] == "done"}
    assert done["hd-uniform/n1/ncsn/train_a"]["pid"] == dead                      # not trained again
    assert done["hd-uniform/n1/ncsn/train_b"]["pid"] == takeover[0]["pid"] not in (dead, os.getpid())
    assert done["hd-uniform/n1/ncsn/train_b"]["resumed_from"] == 20               # resumed, not restarted
    assert done["hd-uniform/n10/ncsn/train_a"]["pid"] not in (dead, os.getpid())
    claims = sorted((e["cell"], e["gen"]) for e in events if e["event"] == "claim")
    assert claims == [("hd-uniform/n1/ncsn", 1), ("hd-uniform/n1/ncsn", 2), ("hd-uniform/n10/ncsn", 1)]
    assert numbers(out) == numbers(single)
    again = srun.reproduce(out, scale="micro", jobs=2, **QUIET)                    # all done: nothing runs
    assert again["ran"] == 0 and not again["regenerated"] and again["report"]


STOPPED = r"""
import json, logging, sys, time
from pathlib import Path
from tinyscore.study import grid, run as srun
from tinyscore.training import loop as training
logging.basicConfig(format="tinyscore: %(message)s")      # as cli.py sets it up
spec, ready = json.loads(sys.argv[1]), Path(sys.argv[2])
save = training._save_state
def save_then_wait(tmp, step, *args, **kwargs):
    save(tmp, step, *args, **kwargs)
    if step == 20 and tmp.name == ".run_b.tinyscore-partial" and tmp.parent.parts[-2:] == ("n1", "ncsn"):
        ready.touch()                                  # mid-cell: train_a done, train_b half-way
        time.sleep(120)                                # ... until the test sends SIGTERM
training._save_state = save_then_wait
srun.run_worker(spec, progress=False, echo=lambda *a: None)
"""


def test_sigterm_releases_the_claim_at_once_and_the_next_run_resumes(single, tmp_path, micro):
    """SIGTERM (Slurm preempting or cancelling the job) mid-cell: the worker exits 143 at once with one
    line naming the signal, its claim is released as abandoned (free even for another machine, whose
    lease check would otherwise wait 300 s), no temporary is left, and the next run claims the cell
    (no takeover needed), resumes the half-trained model and ends with the numbers of one run."""
    out, ready, key = tmp_path / "r", tmp_path / "ready", "hd-uniform/n1/ncsn"
    spec, _, _ = grid.make_spec(out, scale="micro")
    worker = subprocess.Popen([sys.executable, "-c", STOPPED, json.dumps(spec), str(ready)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert worker.poll() is None and time.monotonic() < deadline, "the worker did not reach train_b"
            time.sleep(0.05)
        elsewhere = wk.Claims(out / ".steps" / "claims", {**wk.identity(), "host": "elsewhere", "boot": "x"}, "x")
        assert elsewhere.holder(key)["pid"] == worker.pid                    # held: its lease runs 300 s
        sent = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 128 + signal.SIGTERM and time.monotonic() - sent < 10, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err and len(lines) == 1 and "SIGTERM" in lines[0], err
    gen, rec = elsewhere.current(key)
    assert gen == 1 and rec["released"] and rec["note"] == "abandoned: terminated by SIGTERM"
    assert elsewhere.holder(key) is None                                    # free now, lease or not
    cell = out / "hd-uniform" / "n1" / "ncsn"
    assert not [p.name for p in out.rglob("*") if re.search(r"\.tinyscore-.*\.tmp$|\.tinyscore-lock$", p.name)]
    assert (cell / ".run_b.tinyscore-partial" / "resume.pt").is_file() and not (cell / "run_b").exists()
    assert not (out / ".steps" / "hd-uniform__n1__ncsn__train_b.json").exists()
    assert list((out / ".steps" / "workers").iterdir()) == []             # unregistered
    assert [(e["event"], e.get("cell")) for e in wk.read_events(out / ".steps")][-3:] == \
        [("abandoned", key), ("release", key), ("worker-end", None)]

    res = srun.reproduce(out, scale="micro", **QUIET)
    assert res["report"] == str(out / "REPORT.md")
    events = check_each_step_done_once(out)
    assert not [e for e in events if e["event"] in ("takeover", "lost")]
    assert sorted((e["cell"], e["gen"]) for e in events if e["event"] == "claim") == \
        [(key, 1), (key, 2), ("hd-uniform/n10/ncsn", 1)]
    done = {e["step"]: e for e in events if e["event"] == "done"}
    assert done[f"{key}/train_a"]["pid"] == worker.pid                                 # not trained again
    assert done[f"{key}/train_b"]["pid"] == os.getpid() and done[f"{key}/train_b"]["resumed_from"] == 20
    assert numbers(out) == numbers(single)


def test_a_sigterm_while_a_claim_is_released_waits_for_the_release(tmp_path):
    """Only the first SIGTERM acts, and not in the middle of releasing a claim: it is raised after it;
    the handler in place before the worker is put back."""
    def before(signum, frame):
        pytest.fail("the worker did not handle SIGTERM")
    original = signal.signal(signal.SIGTERM, before)
    released = False
    try:
        w = wk.Worker(tmp_path / ".steps", "f" * 16)
        with pytest.raises(wk.Terminated) as stopped:
            with w:
                claim = w.claims.try_acquire("cell")
                with w.tidying():
                    os.kill(os.getpid(), signal.SIGTERM)
                    os.kill(os.getpid(), signal.SIGTERM)          # a second one is ignored
                    time.sleep(0.05)                              # the handler has run by now
                    w.release(claim)
                    released = True
        assert released and stopped.value.code == 128 + signal.SIGTERM and str(stopped.value) == "terminated by SIGTERM"
        assert json.loads(claim.path.read_text())["note"] == "abandoned: terminated by SIGTERM"
        assert signal.getsignal(signal.SIGTERM) is before
    finally:
        signal.signal(signal.SIGTERM, original)


def test_a_sigterm_while_a_worker_registers_waits_and_unregisters_it(tmp_path, monkeypatch):
    """A SIGTERM that comes while a worker registers (Python's default action used to end the process
    there, its registration left for others to find) waits until the registration is whole; then the
    worker leaves as from anywhere else: unregistered, its start and end logged, status 143, the
    handler found put back."""
    def before(signum, frame):
        pytest.fail("the worker did not handle SIGTERM while it registered")
    others = wk.Worker.others

    def others_then_sigterm(self):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)                                   # the handler has run by now
        return others(self)
    monkeypatch.setattr(wk.Worker, "others", others_then_sigterm)
    original = signal.signal(signal.SIGTERM, before)
    try:
        with pytest.raises(wk.Terminated) as stopped:
            with wk.Worker(tmp_path / ".steps", "f" * 16):
                pytest.fail("the worker went on after a SIGTERM")
        assert stopped.value.code == 128 + signal.SIGTERM
        assert list((tmp_path / ".steps" / "workers").iterdir()) == []
        assert [(e["event"], e.get("signal")) for e in wk.read_events(tmp_path / ".steps")] == \
            [("worker-start", None), ("worker-end", "SIGTERM")]
        assert signal.getsignal(signal.SIGTERM) is before
    finally:
        signal.signal(signal.SIGTERM, original)


PAUSING = r"""
import os, time
from pathlib import Path
from tinyscore.study import run as srun
from tinyscore.training import loop as training


def pausing_worker(spec, progress=False, echo=print):
    # run_worker, stopping at step 20 of the first model it trains (mid-cell) until a signal comes
    save, ready = training._save_state, Path(spec["out"]).parent / "ready"

    def save_then_wait(tmp, step, *args, **kwargs):
        save(tmp, step, *args, **kwargs)
        if step == 20:
            (ready / str(os.getpid())).touch()
            time.sleep(120)
    training._save_state = save_then_wait
    return srun.run_worker(spec, progress=progress, echo=echo)
"""

JOB = r"""
import json, logging, sys
import pausing
from tinyscore.study import run as srun
logging.basicConfig(format="tinyscore: %(message)s")      # as cli.py sets it up
spec, planned = json.loads(sys.argv[1]), json.loads(sys.argv[2])
srun.run_worker = pausing.pausing_worker                   # what the launcher's worker processes run
srun._launch(spec, planned, 2, "local", {}, True, lambda *a: None)
"""


def test_a_sigterm_to_every_process_of_a_job_releases_every_claim(single, tmp_path, micro):
    """Slurm ends a job (scancel, preemption, the time limit) by sending SIGTERM to every process of it
    at once: here a ``reproduce --jobs 2`` launcher and its two worker processes, each in the middle of
    its cell. Each worker releases its claim as abandoned and unregisters; the launcher unregisters and
    exits 143; no temporary is left; and the next run claims both cells at once (no takeover, no
    lease to wait out) and ends with the numbers of one run."""
    out, ready = tmp_path / "r", tmp_path / "ready"
    ready.mkdir()
    (tmp_path / "pausing.py").write_text(PAUSING)
    spec, planned, _ = grid.make_spec(out, scale="micro")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(tmp_path), os.environ.get("PYTHONPATH")) if p)}
    job = subprocess.Popen([sys.executable, "-c", JOB, json.dumps(spec), json.dumps(planned, default=str)], cwd=ROOT,
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while len(list(ready.iterdir())) < 2:
            assert job.poll() is None and time.monotonic() < deadline, "the workers did not reach their cells' middle"
            time.sleep(0.05)
        pids = {int(p.name) for p in ready.iterdir()}
        elsewhere = wk.Claims(out / ".steps" / "claims", {**wk.identity(), "host": "elsewhere", "boot": "x"}, "x")
        assert {elsewhere.holder(c)["pid"] for c in CELLS} == pids           # one cell each, leases of 300 s
        os.killpg(job.pid, signal.SIGTERM)                                   # the launcher's group: every process
        _, err = job.communicate(timeout=60)
    finally:
        if job.poll() is None:
            os.killpg(job.pid, signal.SIGKILL)
    assert job.returncode == 128 + signal.SIGTERM, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 3 and all("terminated by SIGTERM" in line for line in lines), err   # launcher, workers
    for c in CELLS:
        gen, rec = elsewhere.current(c)
        assert gen == 1 and rec["released"] and rec["note"] == "abandoned: terminated by SIGTERM"
        assert elsewhere.holder(c) is None                                   # free now, lease or not
    assert list((out / ".steps" / "workers").iterdir()) == []                # every registration gone
    assert not [p.name for p in out.rglob("*") if re.search(r"\.tinyscore-.*\.tmp$|\.tinyscore-lock$", p.name)]
    events = wk.read_events(out / ".steps")
    ends = {e["pid"]: e.get("signal") for e in events if e["event"] == "worker-end"}
    assert ends == {pid: "SIGTERM" for pid in (*pids, job.pid)}
    for pid in pids:
        assert [e["event"] for e in events if e["pid"] == pid][-3:] == ["abandoned", "release", "worker-end"]

    res = srun.reproduce(out, scale="micro", jobs=2, **QUIET)
    assert res["report"] == str(out / "REPORT.md")
    events = check_each_step_done_once(out)
    assert not [e for e in events if e["event"] in ("takeover", "lost", "failed")]
    assert sorted((e["cell"], e["gen"]) for e in events if e["event"] == "claim") == \
        sorted((c, g) for c in CELLS for g in (1, 2))
    assert numbers(out) == numbers(single)


def test_submitit_local_executor_matches_one(single, tmp_path, micro):
    pytest.importorskip("submitit", reason="submitit is an optional extra (pip install -e '.[slurm]')")
    out = tmp_path / "r"
    res = srun.reproduce(out, scale="micro", executor="submitit-local", wait=True,
                       slurm={"array_size": 2, "gpus_per_task": 0, "time_min": 10}, **QUIET)
    assert res["report"] == str(out / "REPORT.md") and res["ran"] == len(CELLS) * len(STEPS)
    assert (out / "slurm-logs").is_dir()
    events = check_each_step_done_once(out)
    assert sorted(e["cell"] for e in events if e["event"] == "claim") == sorted(CELLS)
    assert numbers(out) == numbers(single)


SBATCH = """#!/bin/sh
# stands in for Slurm's sbatch: keeps the batch script it is given and answers with a job id
for a in "$@"; do last="$a"; done
cp "$last" "$(dirname "$0")/submitted.sh"
echo "Submitted batch job 4242"
"""


def test_slurm_path_with_a_stand_in_sbatch(single, tmp_path, micro, monkeypatch):
    """--executor slurm writes one job array with the options given; its tasks, started as Slurm would
    start them (submitit's entry point, SLURM_* variables), share the grid and write the report."""
    pytest.importorskip("submitit", reason="submitit is an optional extra (pip install -e '.[slurm]')")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "sbatch").write_text(SBATCH)
    (bin_ / "srun").write_text("#!/bin/sh\nexit 1\n")
    for f in bin_.iterdir():
        f.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "r"
    shutil.copytree(single, out)
    (out / "REPORT.md").unlink()
    for m in (out / ".steps").glob("hd-uniform__n10__ncsn__*.json"):
        if m.name.endswith(("__quality.json", "__attractors.json")):
            m.unlink()                                  # one cell left half-done
    res = srun.reproduce(out, scale="micro", executor="slurm", wait=False,
                       slurm={"array_size": 2, "partition": "gpu", "gpus_per_task": 0, "time_min": 90}, **QUIET)
    assert res["jobs"] == ["4242_0", "4242_1"] and res["report"] is None
    script = (bin_ / "submitted.sh").read_text()
    for line in ("#SBATCH --array=0-1%2", "#SBATCH --partition=gpu", "#SBATCH --time=90", "#SBATCH --nodes=1"):
        assert line in script.splitlines(), line
    tasks = [subprocess.Popen([sys.executable, "-m", "submitit.core._submit", str(out / "slurm-logs")],
                              env={**os.environ, "SUBMITIT_EXECUTOR": "slurm", "SLURM_JOB_ID": str(5000 + i),
                                   "SLURM_ARRAY_JOB_ID": "4242", "SLURM_ARRAY_TASK_ID": str(i), "SLURM_NTASKS": "1",
                                   "SLURM_JOB_NUM_NODES": "1", "SLURM_NODEID": "0", "SLURM_JOB_NODELIST": f"node{i}",
                                   "SLURM_PROCID": "0", "SLURM_LOCALID": "0"},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for i in range(2)]
    for t in tasks:
        log = t.communicate(timeout=300)[0]
        assert t.returncode == 0, log
    assert (out / "REPORT.md").is_file()
    before = {e["worker"] for e in wk.read_events(single / ".steps")}
    done = [e["step"] for e in wk.read_events(out / ".steps") if e["event"] == "done" and e["worker"] not in before]
    assert sorted(done) == ["hd-uniform/n10/ncsn/attractors", "hd-uniform/n10/ncsn/quality"]    # once each
    assert numbers(out) == numbers(single)


def test_a_worker_whose_claim_was_taken_over_leaves_the_cell(single, tmp_path, micro, monkeypatch):
    """A worker judged gone (its lease ran out while it was stalled) finds a newer claim when it wakes:
    it writes no result for the cell and leaves the cell to the new holder."""
    out = tmp_path / "r"
    shutil.copytree(single, out)
    manifest = out / ".steps" / "hd-uniform__n10__ncsn__quality.json"
    manifest.unlink()
    from tinyscore.analyses import accuracy
    real = accuracy.quality

    def stalled_meanwhile(*args, **kwargs):
        claims = wk.Claims(out / ".steps" / "claims", wk.identity(), "new-holder")
        gen, _ = claims.current("hd-uniform/n10/ncsn")
        _plant(claims, "hd-uniform/n10/ncsn", gen + 1, host="elsewhere", boot="x", worker="new-holder")
        return real(*args, **kwargs)
    monkeypatch.setattr(accuracy, "quality", stalled_meanwhile)
    spec, _, _ = grid.make_spec(out, scale="micro")
    res = srun.run_worker(spec, progress=False, echo=lambda *a: None)
    assert res["report"] is None and res["pending"] == ["hd-uniform/n10/ncsn"]
    assert not manifest.exists()
    events = wk.read_events(out / ".steps")
    mine = [(e["event"], e.get("step", e.get("cell"))) for e in events if e["worker"] == events[-1]["worker"]]
    assert mine == [("worker-start", None), ("claim", "hd-uniform/n10/ncsn"),
                    ("start", "hd-uniform/n10/ncsn/quality"), ("lost", "hd-uniform/n10/ncsn"),
                    ("release", "hd-uniform/n10/ncsn"), ("worker-end", None)]


def test_report_only(single, tmp_path, micro, capsys):
    with pytest.raises(TinyscoreError, match="no study yet"):
        srun.reproduce(tmp_path / "none", scale="micro", report_only=True, **QUIET)
    assert not (tmp_path / "none").exists()
    # a grid with a cell not done: refused, naming how many
    out = tmp_path / "r"
    shutil.copytree(single, out)
    (out / ".steps" / "hd-uniform__n10__ncsn__quality.json").unlink()
    with pytest.raises(TinyscoreError, match="1 of 2 cells are not done"):
        srun.reproduce(out, scale="micro", report_only=True, **QUIET)
    # a finished grid: the report is written again, nothing runs
    (single / "REPORT.md").unlink()
    res = srun.reproduce(single, scale="micro", report_only=True, **QUIET)
    assert res["ran"] == 0 and res["regenerated"] and (single / "REPORT.md").is_file()
    events = wk.read_events(single / ".steps")
    reporters = {e["worker"] for e in events if e["event"] == "worker-start" and e["role"] == "report"}
    assert len(reporters) == 1
    assert [e["event"] for e in events if e["worker"] in reporters] == ["worker-start", "report", "worker-end"]


# ------------------------------------------------------------------------------ the dry run
def test_dry_run_plans_the_paper_grid_from_given_step_times(tmp_path, capsys):
    spec, cells, _ = grid.make_spec(tmp_path / "paper", scale="paper", need_data=False)
    times = {splan.FLOPS_KEY: 1e30}
    for c in cells:
        times[splan.train_key(c)] = 1.0
        times[splan.forward_key(c)] = 1e-12
    (tmp_path / "times.json").write_text(json.dumps(times))
    code, out, err = run_cli(["reproduce", "--scale", "paper", "--dry-run", "--step-times", tmp_path / "times.json",
                              "--out", tmp_path / "paper", "--json", tmp_path / "plan.json"], capsys)
    assert code == 0, err
    assert not (tmp_path / "paper").exists()                                       # nothing run, nothing made
    steps = {c["settings"]["steps"] for c in cells}
    mixture = sum(2 * c["settings"]["steps"] for c in cells if c["dataset"] != "celeba")
    image = sum(2 * c["settings"]["steps"] for c in cells if c["dataset"] == "celeba")
    assert len(cells) == 7 * 6 * 3 and steps == {20000, 100000}
    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["totals"]["cells"] == 126 and plan["totals"]["models"] == 252
    assert plan["totals"]["train_hours"] == pytest.approx((mixture + image) / 3600)   # 1 s a step, as given
    assert plan["given"] == sorted(times)
    assert "126 cells" in out and "252 models" in out and f"{(mixture + image) / 3600:,.0f} h" in out
    # a uniform cell's trajectory file: probes x 2 coordinates x float32 x (x0, z, 5 one-step, 2 x 33 path rungs)
    row = next(r for r in plan["cells"] if r["key"] == "uniform/n10/ssm")
    assert row["trajectory_bytes"] == pytest.approx(1024 * 2 * 4 * (2 + 5 + 2 * 33), abs=16 * 1024)
    # the plan JSON is itself a step-times file
    code, again, err = run_cli(["reproduce", "--scale", "paper", "--dry-run", "--step-times", tmp_path / "plan.json",
                                "--out", tmp_path / "paper"], capsys)
    assert code == 0 and again.split("step times")[0] == out.split("step times")[0]


def test_dry_run_counts_the_gate_and_geometry_steps(tmp_path):
    """A cell that keeps its models runs the convergence gate's step: at each kept fraction each model on the
    probes and on the memoriser's problems, and the memorisers of A's and B's points on the problems; a
    mixture cell with geometry on scores its points with A and B at every sigma. The dry run counts both."""
    from tinyscore.analyses.convergence import FRACTIONS, PROBLEMS
    _, cells, _ = grid.make_spec(tmp_path / "decisive", scale="decisive", need_data=False)
    c = next(c for c in cells if c["dataset"] == "uniform")
    bare = {**c, "settings": {k: v for k, v in c["settings"].items() if k not in ("keep_every", "geometry")}}
    s, D, n = c["settings"], 2, c["n_eff"]
    S = len((s.get("sigmas") or splan.ANALYSIS_SIGMAS).split(","))
    evals = {splan.FLOPS_KEY: 1e300, splan.train_key(c): 1.0, splan.forward_key(c): 1.0}
    flops = {splan.FLOPS_KEY: 1.0, splan.train_key(c): 1.0, splan.forward_key(c): 0.0}
    models = splan.models_per_cell(c)
    assert (splan.estimate_cell(c, evals)["analysis_seconds"] - splan.estimate_cell(bare, evals)["analysis_seconds"]
            == pytest.approx(len(FRACTIONS) * models * (s["probes"] + PROBLEMS) + 2 * s["score_points"] * S))
    assert (splan.estimate_cell(c, flops)["analysis_seconds"] - splan.estimate_cell(bare, flops)["analysis_seconds"]
            == pytest.approx(2 * PROBLEMS * 4 * n * D))


def test_dry_run_measures_here_and_sizes_match_the_files(single, micro):
    plan = splan.plan_study(single, scale="micro")
    assert plan["given"] == [] and all(v > 0 for v in plan["step_times"].values())
    assert set(plan["step_times"]) == {splan.FLOPS_KEY, "mlp100-w8-ncsn-b16", "forward-mlp100-w8-cond"}
    for r in plan["cells"]:
        cell = single / r["key"]
        for h in "ab":
            assert abs(r["trajectory_bytes"] - (cell / f"traj_{h}.h5").stat().st_size) < 8 * 1024
            assert abs(r["model_bytes"] - (cell / f"run_{h}" / "model.pt").stat().st_size) < 8 * 1024


# ------------------------------------------------------------------------------ refused
@pytest.mark.parametrize("args,contains", [
    (["--jobs", "0"], "--jobs"),
    (["--partition", "gpu"], "--partition"),
    (["--executor", "slurm", "--jobs", "2"], "--array-size"),
    (["--executor", "slurm", "--time", "soon"], "--time"),
    (["--dry-run", "--report-only"], "exclude"),
    (["--step-times", "t.json"], "--dry-run"),
    (["--dry-run", "--step-times", "missing.json"], "does not exist"),
    (["--dry-run", "--step-times", "bad.json"], "positive number"),
    (["--lease", "0"], "--lease"),
], ids=["jobs-zero", "partition-local", "slurm-jobs", "slurm-time", "dry-report", "times-no-dry", "times-missing",
        "times-bad", "lease-zero"])
def test_refused(tmp_path, capsys, args, contains):
    (tmp_path / "bad.json").write_text(json.dumps({"mlp2-ssm-b512": -1}))
    args = [a if not a.endswith(".json") else tmp_path / a for a in args]
    assert_refused(["reproduce", "--scale", "smoke", "--out", tmp_path / "r", *args], capsys, watch=[tmp_path],
                   contains=contains)


def test_slurm_without_slurm_is_one_line(tmp_path, capsys):
    if __import__("shutil").which("sbatch"):
        pytest.skip("this machine has Slurm")
    line = assert_refused(["reproduce", "--scale", "smoke", "--out", tmp_path / "r", "--executor", "slurm"], capsys,
                          watch=[tmp_path])
    assert re.search(r"slurm|submitit", line, re.I)


def test_a_local_worker_finds_the_package_from_any_folder(tmp_path, monkeypatch):
    """The worker's PYTHONPATH starts with the folder holding tinyscore/ (not the package folder itself, whose
    modules would then shadow top-level ones), and a worker started elsewhere imports this very code."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import tinyscore
    from tinyscore.training.workers import worker_env
    env = worker_env()
    first = Path(env["PYTHONPATH"].split(os.pathsep)[0])
    assert (first / "tinyscore" / "__init__.py").is_file()
    out = subprocess.run([sys.executable, "-c", "import tinyscore, sys; print(tinyscore.__file__)"], cwd=tmp_path,
                         env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(out).resolve() == Path(tinyscore.__file__).resolve()
