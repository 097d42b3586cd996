r"""Running a study: workers claim cells, run the steps not yet done, and the last one writes the report.

:func:`reproduce` is ``python cli.py reproduce``. It describes the study
(:func:`tinyscore.study.grid.make_spec`) and runs it with one worker here, ``jobs`` local worker
processes, or a job array (tinyscore.training.workers). Every worker does the same (:func:`run_worker`):

1. build the grid of steps (tinyscore.study.steps), preparing the image data once for all workers;
2. take the cells in grid order: a cell whose steps are all done is counted and passed; an undone
   one is claimed (a file under ``OUT/.steps/claims`` with a lease; tinyscore.training.workers), its undone
   steps are run one after the other, each followed by its manifest, and the claim is released;
   a cell claimed by a live worker is left to it. Passes repeat while they claim something;
3. when no cell is left undone, the worker that claims ``report`` writes REPORT.md -- only when
   some step changed since the last report (a stamp of every manifest in ``.steps/report.json``).

So a study resumes where it stopped (the manifests say which steps are done), and any number of
workers, started together or later, here or on machines sharing the folder, share one study.
``--report-only`` runs step 3 alone. The report is written from OUT/results.json, which step 3 writes
first (every number the report uses); in a folder that holds that file and no steps (a committed study),
``--report-only`` regenerates REPORT.md from it alone. The dry-run estimate is in tinyscore.study.plan.
"""
from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from tinyscore.config import ANALYSIS_SIGMAS
from tinyscore.errors import TinyscoreError
from tinyscore.storage.files import allow_replace
from tinyscore.study.grid import IMAGE_DATASETS, REPO, Grid, digest, make_spec, plan_cells, scale_settings, write_json
from tinyscore.study.steps import build_grid

EXECUTORS = ("local", "slurm", "submitit-local")
#: the steps of every cell, and the one only mixtures have (their manifests' names end in these)
CELL_STEPS = ("train_a", "train_b", "traj_a", "traj_b", "diverge", "quality", "attractors", "controls")
MIXTURE_STEPS = ("score_error",)
#: the seed-floor model's steps, in the cells of a scale whose ``seed_floor`` is on
FLOOR_STEPS = ("train_a2", "traj_a2")


def reproduce(out, scale: str = "smoke", datasets=None, variants=None, ns=None, data_root=None, device="auto",
              threads: int | None = 1, progress: bool = True, label: str | None = None, echo=print, jobs: int = 1,
              executor: str = "local", slurm: dict | None = None, report_only: bool = False,
              lease: float | None = None, wait: bool = True) -> dict:
    """Run (or resume) the study at ``scale`` into ``out`` and write ``out/REPORT.md``.

    ``jobs`` local worker processes share the grid (``executor="local"``); ``executor="slurm"``
    (or ``"submitit-local"``, submitit's local executor) submits ``slurm["array_size"]`` workers as a
    job array, with ``slurm`` holding partition, gpus_per_task, time_min, cpus_per_task; ``wait``
    waits for them. Any worker may join a study running in ``out``; the one that finds every cell
    done writes the report. ``report_only`` writes the report of a finished grid and runs nothing.

    Returns {"ran": steps run now, "skipped": steps already done, "seconds", "report": path or
    None while other workers are still running cells, "regenerated"}."""
    spec, planned, _ = make_spec(out, scale, datasets, variants, ns, data_root, device, threads, label, lease)
    if executor not in EXECUTORS:
        raise TinyscoreError(f"unknown executor {executor!r}: expected one of {', '.join(EXECUTORS)}")
    if int(jobs) < 1:
        raise TinyscoreError("--jobs must be at least 1")
    if executor != "local" and not report_only:
        from tinyscore.training.workers import check_executor
        check_executor("local" if executor == "submitit-local" else "slurm")
    if report_only and not (Path(out) / ".steps").is_dir() and (Path(out) / "results.json").is_file():
        return _report_from_results(Path(out), echo)
    if report_only:
        return run_worker({**spec, "report_only": True}, progress=progress, echo=echo)
    if executor == "local" and int(jobs) == 1:
        return run_worker(spec, progress=progress, echo=echo)
    return _launch(spec, planned, int(jobs), executor, dict(slurm or {}), wait, echo)


def _launch(spec, planned, jobs, executor, slurm, wait, echo) -> dict:
    """Start the workers (local processes or a job array), wait for them, and make sure of the report."""
    from tinyscore.training import workers
    t0 = time.perf_counter()
    out = Path(spec["out"])
    out.mkdir(parents=True, exist_ok=True)
    undone = _undone_cells(spec, planned)
    if not undone and executor == "local":
        # every step's manifest is there, but a step whose parameters changed (a newer version of it) is
        # found only by a worker, which loads the data: one in this process checks them, runs what changed
        results = [run_worker(spec, progress=False, echo=echo)]
    elif not undone:
        results = []
    elif executor == "local":
        n = min(jobs, undone)
        echo(f"study: {undone} of {len(planned)} cells to run, by {n} local worker processes")
        # registered while its workers run, so that a reproduce with other settings is refused meanwhile
        with workers.Worker(out / ".steps", spec["digest"], spec["command"], spec["lease"], role="launcher"):
            results = workers.run_local(spec, n, run_worker, echo)
    else:
        array = int(slurm.pop("array_size", None) or undone)
        sub = workers.submit(spec, array, run_worker, cluster="local" if executor == "submitit-local" else "slurm",
                             wait=wait, echo=echo, **slurm)
        if not wait:
            echo("the workers claim the cells between them; the one that finds every cell done writes "
                 f"{out / 'REPORT.md'} (or run this command again with --report-only)")
            return {"ran": 0, "skipped": 0, "seconds": time.perf_counter() - t0, "report": None,
                    "regenerated": False, "jobs": sub["jobs"]}
        results = sub["results"]
    # normally the last worker wrote the report; this only checks it (and writes it if a race left it stale)
    final = run_worker({**spec, "report_only": True, "quiet": True}, progress=False, echo=echo)
    ran = sum(r["ran"] for r in results)
    res = {"ran": ran, "skipped": max(0, final["skipped"] - ran), "seconds": time.perf_counter() - t0,
           "report": final["report"], "workers": results,
           "regenerated": any(r.get("regenerated") for r in results) or final["regenerated"]}
    if final["report"]:
        echo(f"study: {ran} steps run by {len(results)} workers, {res['skipped']} already done, "
             f"{res['seconds']:.0f} s; report -> {final['report']}")
    return res


def _report_from_results(out: Path, echo) -> dict:
    """--report-only on a folder that holds a study's results.json and not its steps (a committed study):
    REPORT.md regenerated from that file alone (tinyscore.study.report.report_from_results)."""
    from tinyscore.study.report import report_from_results
    t0 = time.perf_counter()
    path = report_from_results(out)
    echo(f"study: report regenerated from {out / 'results.json'} -> {path}")
    return {"ran": 0, "skipped": 0, "seconds": time.perf_counter() - t0, "report": str(path), "regenerated": True}


def _undone_cells(spec: dict, planned: list) -> int:
    """Cells without every step's manifest: what is left to run, by the manifests' names alone (a
    changed setting is found by the workers; the datasets are not loaded here)."""
    folder = Path(spec["out"]) / ".steps"
    left = 0
    for c in planned:
        mixture = c["dataset"] not in IMAGE_DATASETS
        names = CELL_STEPS + (MIXTURE_STEPS if mixture else ()) \
            + (FLOOR_STEPS if c["settings"].get("seed_floor") else ()) \
            + (("convergence",) if c["settings"].get("keep_every") else ()) \
            + (("geometry",) if mixture and c["settings"].get("geometry") else ())
        left += not all((folder / f"{c['key'].replace('/', '__')}__{n}.json").is_file() for n in names)
    return left


# ------------------------------------------------------------------------------ one worker
def run_worker(spec: dict, progress: bool = True, echo=print) -> dict:
    """One worker of the study ``spec``: claim cells and run them until none is left to claim; the
    worker that then finds every cell done writes the report. With ``spec["report_only"]`` it runs
    nothing and only writes the report (an error when some cell is not done)."""
    from tinyscore.training import workers
    from tinyscore.devices import pick_device
    t0 = time.perf_counter()
    report_only = bool(spec.get("report_only"))
    if spec.get("threads"):                    # the worker's own process (or the caller's, with one worker)
        torch.set_num_threads(int(spec["threads"]))
    dev = str(pick_device(spec["device"]))
    out = Path(spec["out"])
    plan_cells(spec)                           # the options were checked by make_spec; the data may have moved
    if report_only and not (out / ".steps").is_dir():
        raise TinyscoreError(f"{out} holds no study yet (no .steps folder): run reproduce first")
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    me = workers.Worker(out / ".steps", spec["digest"], spec["command"], spec["lease"],
                        role="report" if report_only else "worker")
    try:
        with allow_replace(True), me:
            if me.joined and not report_only and spec.get("worker_index") is None:
                echo(f"joining {len(me.joined)} other worker(s) of this study: "
                     + "; ".join(workers.describe(r) for r in me.joined[:3]))
            return _work(spec, me, dev, progress, echo, t0)
    except BaseException:
        if created:                            # made by this call: remove it when it holds only our log
            left = [p for p in out.rglob("*") if p.is_file() and p != me.log_path]
            if not left:
                shutil.rmtree(out, ignore_errors=True)
        raise


@dataclass
class Tally:
    """What one worker found and did: steps run and found done, cells counted, cells held by others."""
    t0: float
    ran: int = 0
    skipped: int = 0
    counted: set = field(default_factory=set)
    busy: dict = field(default_factory=dict)

    def result(self, report=None, regenerated=False, **extra) -> dict:
        return {"ran": self.ran, "skipped": self.skipped, "seconds": time.perf_counter() - self.t0,
                "report": report, "regenerated": regenerated, **extra}


def _work(spec, me, dev, progress, echo, t0) -> dict:
    """Build the grid, run the cells this worker can claim, then write the report or say who still runs."""
    from tqdm.auto import tqdm
    out, scale = Path(spec["out"]), spec["scale"]
    report_only = bool(spec.get("report_only"))
    notes = []
    grid, cells = build_grid(out, spec["label"], scale, spec["datasets"], spec["variants"], spec["ns"],
                             spec["data_root"], dev, progress, notes, table={scale: spec["settings"]},
                             guard=lambda key: me.hold(key, echo=echo), prepare=not report_only)
    if not grid.steps:
        raise TinyscoreError("nothing to run: the chosen datasets, variants and N leave an empty grid")
    grid.manifests.mkdir(exist_ok=True)
    tally = Tally(t0)
    with tqdm(total=len(grid.steps), desc="study", unit="step", disable=not progress, dynamic_ncols=True) as bar:
        while True:                            # passes over the cells while this worker claims some
            claimed = [_visit(grid, c, me, report_only, bar, echo, tally) for c in cells
                       if c["key"] not in tally.counted]
            if not any(claimed):
                break
    pending = [c["key"] for c in cells if c["key"] not in tally.counted and not _cell_done(grid, c)]
    if pending:
        return _not_done(spec, me, pending, len(cells), tally, echo)
    return _report_once(spec, me, grid, cells, notes, dev, tally, echo)


def _cell_done(grid: Grid, cell: dict) -> bool:
    return all(grid.is_done(st) for st in cell["steps"].values())


def _visit(grid, c, me, report_only, bar, echo, tally) -> bool:
    """Count a done cell, or claim an undone one and run it; True when this worker claimed it."""
    key = c["key"]
    if _cell_done(grid, c):
        tally.skipped += len(c["steps"])
        tally.counted.add(key)
        bar.update(len(c["steps"]))
        return False
    with me.tidying():                         # a SIGTERM does not come between creating a claim and holding it
        claim = None if report_only else me.claims.try_acquire(key)
    if claim is None:
        tally.busy[key] = me.claims.holder(key)
        return False
    tally.busy.pop(key, None)
    _run_claimed(grid, c, claim, me, bar, echo, tally)
    return True


def _run_claimed(grid, c, claim, me, bar, echo, tally) -> None:
    """Run a claimed cell, logging the claim's story (takeover, claim, lost, failed or abandoned, release).

    However the cell ends, its claim is released: on SIGTERM (:class:`tinyscore.training.workers.Terminated`)
    with the note ``abandoned``, so that another worker takes the cell over at once."""
    from tinyscore.training import workers
    key = c["key"]
    took = claim.record.get("took_over")
    if took:
        me.event("takeover", cell=key, gen=claim.gen, previous=took)
        echo(f"{key}: taking over from {workers.describe(took)} ({took['why']})")
    me.event("claim", cell=key, gen=claim.gen)
    try:
        ran, skipped = _run_cell(grid, c, claim, me, bar)
        tally.ran, tally.skipped = tally.ran + ran, tally.skipped + skipped
        tally.counted.add(key)
    except workers.ClaimLost:
        me.event("lost", cell=key, gen=claim.gen)
        echo(f"{key}: another worker took this cell over (this worker's lease ran out); leaving it")
    except workers.Terminated as e:
        me.event("abandoned", cell=key, gen=claim.gen, signal=e.signal)
        raise
    except BaseException as e:
        me.event("failed", cell=key, gen=claim.gen, error=f"{type(e).__name__}: {e}"[:300])
        raise
    finally:
        with me.tidying():
            me.release(claim)
            me.event("release", cell=key, gen=claim.gen)


def _run_cell(grid: Grid, cell: dict, claim, me, bar) -> tuple[int, int]:
    """Run the steps of a claimed cell that are not done; (steps run, steps found done)."""
    ran = skipped = 0
    for st in cell["steps"].values():
        if grid.is_done(st):
            skipped += 1
            bar.update(1)
            continue
        bar.set_description(st.id)
        claim.check()
        m = grid.manifest(st)
        m.unlink(missing_ok=True)
        me.event("start", cell=cell["key"], step=st.id)
        t = time.perf_counter()
        result = st.fn()
        seconds = time.perf_counter() - t
        claim.check()                          # taken over meanwhile: leave the result to the new holder
        write_json(m, {"id": st.id, "params": st.params, "params_digest": digest(st.params),
                       "seconds": seconds, "result": result, "cli": st.cli, "finished": _now(),
                       "worker": {"id": me.id, "host": me.me["host"], "pid": me.me["pid"]}})
        extra = {"resumed_from": result["resumed_from"]} if isinstance(result, dict) and "resumed_from" in result \
            else {}
        me.event("done", cell=cell["key"], step=st.id, seconds=round(seconds, 3), **extra)
        ran += 1
        bar.update(1)
    return ran, skipped


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _not_done(spec, me, pending, n_cells, tally, echo) -> dict:
    """Some cells are not done: say who runs them (an error for --report-only)."""
    from tinyscore.training import workers
    holders = {}
    for k in pending:
        rec = tally.busy.get(k) or me.claims.holder(k)
        if rec:
            holders.setdefault(workers.describe(rec), []).append(k)
    held = sum(len(v) for v in holders.values())
    who = "; ".join(f"{w}: {len(ks)}" for w, ks in holders.items())
    if spec.get("report_only") and not spec.get("quiet"):
        raise TinyscoreError(f"{len(pending)} of {n_cells} cells are not done yet"
                             + (f" ({held} being run: {who})" if held else "")
                             + "; run reproduce to finish them, then --report-only")
    echo(f"study: {tally.ran} steps run, {tally.skipped} already done; {len(pending)} of {n_cells} cells are "
         + (f"being run by other workers ({who}); the last of them writes the report" if held else
            "unclaimed now; run this command again to finish them"))
    return tally.result(pending=pending)


# ------------------------------------------------------------------------------ the report
def _report_once(spec, me, grid, cells, notes, dev, tally, echo) -> dict:
    """Every cell is done: the worker that claims "report" writes it (the others say who does)."""
    from tinyscore.training import workers
    claim = me.claims.try_acquire("report")
    if claim is None:
        rec = me.claims.holder("report") or {}
        echo(f"study: {tally.ran} steps run, {tally.skipped} already done; every cell is done and "
             f"{workers.describe(rec)} is writing the report")
        return tally.result()
    try:
        res = write_study_report(spec, grid, cells, notes, dev, tally, echo)
        me.event("report", regenerated=res["regenerated"])
    finally:
        me.release(claim)
    return res


def write_study_report(spec, grid, cells, notes, dev, tally, echo) -> dict:
    """REPORT.md from the manifests: regenerated only when some step changed (or it is missing)."""
    from tinyscore.study.report import write_study
    out = Path(spec["out"])
    records = [grid.load(st) for st in grid.steps]
    state = digest([r["params_digest"] + r["finished"] for r in records] + [notes, spec["scale"], spec["label"]])
    stamp = out / ".steps" / "report.json"
    report_path = out / "REPORT.md"
    if report_path.is_file() and stamp.is_file() and _stamp_state(stamp) == state:
        if not spec.get("quiet"):
            echo(f"study: all {tally.skipped} steps already done; report unchanged -> {report_path}")
        return tally.result(str(report_path))
    write_study(out, [_cell_result(grid, c) for c in cells], _report_meta(spec, grid, records, notes, dev))
    write_json(stamp, {"state": state})
    echo(f"study: {tally.ran} steps run, {tally.skipped} already done, {time.perf_counter() - tally.t0:.0f} s; "
         f"report -> {report_path}")
    return tally.result(str(report_path), regenerated=True)


def _report_meta(spec, grid, records, notes, dev) -> dict:
    """What the report says about the study as a whole: settings, machine, commands, timing, workers.

    The commands are the steps' lines under OUT as given now (a manifest's "cli" keeps the paths of
    when it ran, which are stale once the folder has moved)."""
    scale, table = spec["scale"], {spec["scale"]: spec["settings"]}
    who = {(r["worker"]["host"], r["worker"]["pid"]) for r in records if isinstance(r.get("worker"), dict)}
    return {"scale": scale, "settings": {d: scale_settings(scale, d, table) for d in spec["datasets"]},
            "sigmas": [float(x) for x in (spec["settings"].get("sigmas") or ANALYSIS_SIGMAS).split(",")], "notes": notes, "machine": machine_info(dev),
            "command": spec["command"], "label": spec["label"], "step_seconds": sum(r["seconds"] for r in records),
            "span": _span(records), "workers": {"processes": len(who), "hosts": len({h for h, _ in who})},
            "commands": [c for st in grid.steps for c in st.cli], "finished": _now()}


def _cell_result(grid: Grid, c: dict) -> dict:
    """One cell as the report reads it: its steps' results and seconds, convergence and figures."""
    rec = {k: c[k] for k in ("dataset", "n", "n_requested", "variant", "dim", "is_image")}
    for name, st in c["steps"].items():
        r = grid.load(st)
        rec[name] = r["result"]
        if name.startswith("train_") and isinstance(rec[name], dict) and "run" in rec[name]:
            # where the run is now, under the --out given (a training summary names it as it was trained)
            rec[name] = {**rec[name], "run": grid.rel(c["dir"] / f"run_{name[len('train_'):]}")}
        rec.setdefault("seconds", {})[name] = r["seconds"]
    rec["key"] = c["key"]
    rec["convergence"] = {h: run_convergence(c["dir"] / f"run_{h}", rec.get(f"train_{h}")) for h in "ab"}
    for extra in ("score_field.png", "attractors.png"):
        if (c["dir"] / extra).is_file():
            rec.setdefault("figures", {})[extra] = str((c["dir"] / extra).relative_to(grid.out))
    traj = c["dir"] / "traj_a.h5"
    if c["is_image"] and traj.is_file():
        png = c["dir"] / "trajectories_a.png"
        if not png.is_file():
            from tinyscore.analyses.gallery import show_trajectories
            show_trajectories(traj, png, max_probes=4, path_steps=4)
        rec.setdefault("figures", {})["trajectories_a.png"] = str(png.relative_to(grid.out))
    return rec


def run_convergence(run: Path, summary=None) -> dict | None:
    """A trained model's convergence (tinyscore.training.loop.convergence), read from its stats.jsonl, else
    from its training summary; None when neither holds one."""
    from tinyscore.training.loop import convergence, read_stats
    stats = Path(run) / "stats.jsonl"
    if stats.is_file():
        return convergence(read_stats(stats))
    return (summary or {}).get("convergence") if isinstance(summary, dict) else None


def _stamp_state(stamp: Path):
    try:
        return json.loads(stamp.read_text()).get("state")
    except (OSError, ValueError, AttributeError):
        return None


def _span(records) -> dict:
    """When the first step started and the last one finished (UTC), over every invocation."""
    ends = [datetime.datetime.fromisoformat(r["finished"]) for r in records]
    starts = [e - datetime.timedelta(seconds=r["seconds"]) for e, r in zip(ends, records)]
    first, last = min(starts), max(ends)
    return {"started": first.isoformat(timespec="seconds"), "finished": last.isoformat(timespec="seconds"),
            "minutes": (last - first).total_seconds() / 60}


def machine_info(device: str) -> dict:
    """Where the study ran: platform, processor, library versions, device, and the code's commit."""
    info = {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(), "python": platform.python_version(), "torch": torch.__version__,
            "numpy": np.__version__, "torch_threads": torch.get_num_threads(), "device": device}
    if device.startswith("cuda") and torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    from tinyscore.version import __version__
    info["tinyscore"] = __version__
    try:
        info["git_commit_at_report"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                                                      capture_output=True, text=True, timeout=10).stdout.strip() \
            or "unknown"
    except (OSError, subprocess.SubprocessError):
        info["git_commit_at_report"] = "unknown"
    return info
