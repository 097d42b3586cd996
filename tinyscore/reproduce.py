r"""Reproduce: the whole low-noise study as one resumable grid of steps, and its report.

For each dataset, each N of the scale and each variant the grid runs, in order,

    train A, train B        the same variant and seed on the first N points of the disjoint halves A and B
    trajectories A, B       one-step and reverse-path trajectories on the same held-out probes
    diverge                 L2 and cosine between A and B per sigma (question 1)
    quality                 MSE / PSNR of A's one-step outputs beside the optimum (question 2)
    attractors              perturbed training samples iterated through A's denoiser (question 3)
    score error             A's score against the analytic one, per density bin (question 4, mixtures)

and finally writes ``OUT/REPORT.md`` (tinyscore.report) with tables, figures, findings, and the
equivalent command for every step.

**Resume.** Every step writes its outputs atomically (temporary name, then rename) and then a
small manifest ``OUT/.steps/STEP.json`` holding the step's parameters and results. A step is
skipped when its manifest exists with the same parameters and its outputs exist; anything else
(never started, interrupted half-way, parameters changed) is redone from scratch. Leftover
temporary files of an interrupted run are removed first.

**Scales.** ``smoke`` is a CI check (a couple of minutes on one CPU core), ``small`` covers the
six mixtures and CelebA at 40x40 with N up to 1,000, briefly trained, in about half an hour on two
CPU cores, ``medium`` is the same grid trained to convergence (4,000 steps on the mixtures, 10,000
on the faces; about 2 hours with ``--jobs 2`` on two CPU cores), ``paper`` is the study's full grid
for a GPU. Every setting is listed in the report.

**Convergence.** Every model logs its held-out loss while it trains (tinyscore.training); the
report reads each run's stats.jsonl, records whether both models of a cell converged, and counts
only converged cells in its verdicts.
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import logging
import math
import os
import platform
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from .errors import TinyscoreError
from .files import allow_replace, write_text
from .mixtures import BENCHMARKS
from .models import VARIANTS

log = logging.getLogger("tinyscore")

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA_ROOT = "../shared/data"     # relative to the repository root
IMAGE_DATASETS = ("celeba",)
ALL_DATASETS = BENCHMARKS + IMAGE_DATASETS
SIGMAS = "1,0.5,0.25,0.1,0.05"

#: the settings of each scale; ``image`` overrides the vector settings for image datasets
SCALES = {
    "smoke": dict(datasets=("uniform", "celeba"), ns=(1, 100), variants=("denoiser", "ncsn"), steps=150, batch_size=64,
                  width=32, probes=64, path_substeps=2, eps=(0.05, 0.25), iters=5, starts=32, test_starts=32,
                  score_points=400, bins=4,
                  image=dict(ns=(10,), variants=("denoiser",), steps=10, batch_size=8, width=8, resolution=16,
                             probes=8, path_substeps=1, starts=8, test_starts=8, prepare_limit=600)),
    "small": dict(datasets=ALL_DATASETS, ns=(1, 10, 100, 1000), variants=VARIANTS, steps=400, batch_size=128,
                  width=None, probes=256, path_substeps=4, eps=(0.05, 0.1, 0.25), iters=10, starts=128,
                  test_starts=128, score_points=2000, bins=5,
                  image=dict(ns=(10, 100, 1000), variants=("denoiser", "ncsn"), steps=250, batch_size=16, width=8,
                             resolution=40, probes=32, path_substeps=2, starts=32, test_starts=32,
                             prepare_limit=None)),
    # the small grid trained until its models converge (tinyscore.training.convergence); the steps come from
    # single cells trained against 2x to 8x longer runs of themselves (README, "The whole study")
    "medium": dict(datasets=ALL_DATASETS, ns=(1, 10, 100, 1000), variants=VARIANTS, steps=4000, batch_size=128,
                   width=None, probes=256, path_substeps=4, eps=(0.05, 0.1, 0.25), iters=10, starts=128,
                   test_starts=128, score_points=2000, bins=5, save_every=1000,
                   image=dict(ns=(10, 100, 1000), variants=("denoiser", "ncsn"), steps=10000, batch_size=16, width=8,
                              resolution=40, probes=32, path_substeps=2, starts=32, test_starts=32,
                              prepare_limit=None, save_every=500)),
    "paper": dict(datasets=ALL_DATASETS, ns=(1, 10, 100, 1000, 10000, 100000), variants=VARIANTS, steps=20000,
                  batch_size=512, width=None, probes=1024, path_substeps=8, eps=(0.05, 0.1, 0.25), iters=20,
                  starts=1000, test_starts=1000, score_points=20000, bins=10,
                  image=dict(ns=(1, 10, 100, 1000, 10000, 100000), variants=VARIANTS, steps=100000, batch_size=64,
                             width=None, resolution=80, probes=256, path_substeps=8, starts=256, test_starts=256,
                             prepare_limit=None)),
}


def scale_settings(scale: str, dataset: str, table: dict | None = None) -> dict:
    """The settings of ``scale`` for ``dataset`` (from ``table``, by default :data:`SCALES`)."""
    table = SCALES if table is None else table
    if scale not in table:
        raise TinyscoreError(f"unknown scale {scale!r}: expected one of {', '.join(table)}")
    s = {k: v for k, v in table[scale].items() if k != "image"}
    if dataset in IMAGE_DATASETS:
        s.update(table[scale].get("image") or {})
    return s


@dataclass
class Step:
    """One unit of work: ``fn()`` writes ``outputs`` and returns a JSON-safe result."""
    id: str
    params: dict
    outputs: list
    fn: object
    cli: list = field(default_factory=list)     # the equivalent command lines


def _digest(obj) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _write_json(path: Path, obj) -> None:
    write_text(path, json.dumps(obj, indent=2, default=_json_default) + "\n")


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


class Grid:
    """The steps of one reproduce run, with their manifests under OUT/.steps."""

    def __init__(self, out: Path, label: str):
        self.out, self.label = Path(out), label
        self.steps: list[Step] = []
        self.manifests = self.out / ".steps"

    def rel(self, p) -> str:
        """A path as the report and the commands show it: under the --out the user typed."""
        p = Path(p)
        try:
            return str(Path(self.label) / p.relative_to(self.out))
        except ValueError:
            return str(p)

    def add(self, step: Step) -> None:
        self.steps.append(step)

    def manifest(self, step: Step) -> Path:
        return self.manifests / f"{step.id.replace('/', '__')}.json"

    def is_done(self, step: Step) -> bool:
        m = self.manifest(step)
        if not m.is_file():
            return False
        try:
            rec = json.loads(m.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            return False
        return rec.get("params_digest") == _digest(step.params) and all(Path(o).exists() for o in step.outputs)

    def load(self, step: Step):
        return json.loads(self.manifest(step).read_text())


# ------------------------------------------------------------------------------ data
def image_target(out: Path, settings: dict) -> Path:
    """Where the study keeps its prepared CelebA faces (80x80, all or the first ``prepare_limit``)."""
    limit = settings.get("prepare_limit")
    return Path(out) / "data" / (f"celeba80-first{limit}.h5" if limit else "celeba80.h5")


def prepare_image_data(name: str, out: Path, data_root: Path, settings: dict, progress: bool, guard=None,
                       prepare: bool = True):
    """The prepared HDF5 file for an image dataset, or (None, reason) when it cannot be made.

    ``guard(key)`` (a context manager) is held while preparing, so that of several workers one
    prepares and the others wait; ``prepare=False`` only finds a file prepared before."""
    if name != "celeba":
        return None, f"unknown image dataset {name}"
    target = image_target(out, settings)
    if target.is_file():
        return target, None
    if not prepare:
        return None, f"its data is not prepared yet ({target} is missing)"
    try:
        from . import images
    except ImportError as e:
        return None, f"the image code is unavailable ({e})"
    if not hasattr(images, "prepare_celeba") or not hasattr(images, "load_image_dataset"):
        return None, "tinyscore.images has no prepare_celeba / load_image_dataset"
    src = data_root / "celeba" / "img_align_celeba"
    if not src.is_dir():
        return None, f"no CelebA images under the data root ({DEFAULT_DATA_ROOT}/celeba/img_align_celeba)"
    ident = data_root / "celeba" / "identity_CelebA.txt"
    with guard(f"data/{target.name}") if guard else contextlib.nullcontext():
        if target.is_file():                 # prepared by another worker while this one waited
            return target, None
        target.parent.mkdir(parents=True, exist_ok=True)
        info = images.prepare_celeba(src, target, size=80, identities=ident if ident.is_file() else None,
                                     limit=settings.get("prepare_limit"), progress=progress)
    log.info("prepared %d CelebA faces (80x80) in %.0f s", info["written"], info["seconds"])
    return target, None


# ------------------------------------------------------------------------------ the grid
def build_grid(out: Path, label: str, scale: str, datasets, variants=None, ns=None, data_root=None,
               device="cpu", progress=False, notes=None, table=None, guard=None, prepare=True) -> tuple[Grid, list]:
    """All steps of the study at ``scale`` (``variants`` / ``ns`` restrict the scale's lists).

    ``table`` holds the scales (default :data:`SCALES`); ``guard`` and ``prepare`` are passed to
    :func:`prepare_image_data`."""
    from .datasets import load_dataset

    notes = [] if notes is None else notes
    grid = Grid(out, label)
    cells = []
    data_root = Path(data_root) if data_root else (REPO / DEFAULT_DATA_ROOT)
    for ds_name in datasets:
        s = scale_settings(scale, ds_name, table)
        spec, resolution, data_cli = ds_name, None, ds_name
        if ds_name in IMAGE_DATASETS:
            path, why = prepare_image_data(ds_name, out, data_root, s, progress, guard, prepare)
            if path is None:
                notes.append(f"{ds_name} skipped: {why}.")
                log.warning("%s skipped: %s", ds_name, why)
                continue
            spec, resolution = f"celeba:{path}", s["resolution"]
            data_cli = f"celeba:{grid.rel(path)}"
        dataset = load_dataset(spec, resolution=resolution)
        vs = [v for v in s["variants"] if variants is None or v in variants]
        n_list = [n for n in s["ns"] if ns is None or n in ns]
        for n in n_list:
            n_eff = dataset.cap(n, "a")
            for v in vs:
                cells.append(_cell_steps(grid, out, dataset, ds_name, spec, data_cli, resolution, s, n, n_eff, v,
                                         device))
    return grid, cells


def _cell_steps(grid, out, dataset, ds_name, spec, data_cli, resolution, s, n, n_eff, v, device) -> dict:
    """The steps of one (dataset, N, variant) cell; its closures bind this call's values."""
    from . import accuracy, attractors, metrics
    from .models import load_run
    from .trajectories import write_model_trajectories
    from .training import train
    cell = out / ds_name / f"n{n}" / v
    key = f"{ds_name}/n{n}/{v}"
    runs = {h: cell / f"run_{h}" for h in "ab"}
    trajs = {h: cell / f"traj_{h}.h5" for h in "ab"}
    rec = {"dataset": ds_name, "n": n_eff, "n_requested": n, "variant": v, "dir": cell, "steps": {},
           "dim": dataset.dim, "is_image": ds_name in IMAGE_DATASETS, "key": key}
    train_opts = dict(variant=v, data=spec, n=n, steps=s["steps"], batch_size=s["batch_size"],
                      seed=0, width=s["width"], resolution=resolution)
    # how often an unfinished model saves its resumable state: it does not change the model, so it
    # is not a parameter of the step (a scale may set it; train's default otherwise)
    save_every = {"save_every": s["save_every"]} if s.get("save_every") else {}
    for h in "ab":
        def _train(h=h):
            cell.mkdir(parents=True, exist_ok=True)
            return train(dataset, runs[h], progress=False, force=True, half=h, device=device,
                         **train_opts, **save_every)
        cmd = (f"python cli.py train --variant {v} --data {data_cli} --n {n} --half {h} "
               f"--steps {s['steps']} --batch-size {s['batch_size']} --seed 0"
               + (f" --width {s['width']}" if s["width"] else "")
               + (f" --resolution {resolution}" if resolution else "")
               + f" --out {grid.rel(runs[h])} --force")
        # "log": the run also logs its held-out loss (it does not change the model, so it is not in train_opts and
        # the later steps stand; a study trained before it retrains its models once to get their convergence)
        st = Step(f"{key}/train_{h}", {**train_opts, "half": h, "data": data_cli, "log": "heldout"}, [runs[h]],
                  _train, [cmd])
        grid.add(st)
        rec["steps"][f"train_{h}"] = st
    for h in "ab":
        def _traj(h=h):
            return write_model_trajectories(str(runs[h]), trajs[h], sigmas=SIGMAS, probes=s["probes"],
                                            probe_seed=0, path_substeps=s["path_substeps"],
                                            device=device, progress=False)
        cmd = (f"python cli.py trajectories {grid.rel(runs[h])} --out {grid.rel(trajs[h])} "
               f"--sigmas {SIGMAS} --probes {s['probes']} --path-substeps {s['path_substeps']}")
        st = Step(f"{key}/traj_{h}", {"sigmas": SIGMAS, "probes": s["probes"],
                                      "path_substeps": s["path_substeps"], "run": _digest(train_opts)},
                  [trajs[h]], _traj, [cmd])
        grid.add(st)
        rec["steps"][f"traj_{h}"] = st

    def _diverge():
        res = metrics.diverge(trajs["a"], trajs["b"])
        _write_json(cell / "diverge.json", res)
        return res
    st = Step(f"{key}/diverge", {"probes": s["probes"], "run": _digest(train_opts)},
              [cell / "diverge.json"], _diverge,
              [f"python cli.py diverge {grid.rel(trajs['a'])} {grid.rel(trajs['b'])} "
               f"--json {grid.rel(cell / 'diverge.json')}"])
    grid.add(st)
    rec["steps"]["diverge"] = st

    def _quality():
        res = accuracy.quality(trajs["a"], dataset=dataset, device=device)
        _write_json(cell / "quality.json", res)
        return res
    qcmd = f"python cli.py quality {grid.rel(trajs['a'])} --json {grid.rel(cell / 'quality.json')}"
    if ds_name in IMAGE_DATASETS:
        qcmd += f" --data {data_cli} --resolution {resolution}"
    st = Step(f"{key}/quality", {"run": _digest(train_opts), "probes": s["probes"]},
              [cell / "quality.json"], _quality, [qcmd])
    grid.add(st)
    rec["steps"]["quality"] = st

    att = dict(eps=list(s["eps"]), iters=s["iters"], starts=s["starts"], test_starts=s["test_starts"])
    att_out = [cell / "attractors.json"] + ([cell / "attractors.png"] if ds_name in IMAGE_DATASETS else [])

    def _attractors(att=att):
        model, opts, _ = load_run(runs["a"], device=device)
        res = attractors.run_attractors(model, dataset, opts["n"], "a", att["eps"], att["iters"],
                                        starts=att["starts"], test_starts=att["test_starts"],
                                        device=device, keep_points=ds_name in IMAGE_DATASETS)
        if ds_name in IMAGE_DATASETS:
            attractor_grid(res, cell / "attractors.png", f"{ds_name} {v} N={opts['n']}")
        _write_json(cell / "attractors.json", attractors.public(res))
        return attractors.public(res)
    st = Step(f"{key}/attractors", {**att, "run": _digest(train_opts)}, att_out, _attractors,
              [f"python cli.py attractors {grid.rel(runs['a'])} --eps {','.join(f'{e:g}' for e in s['eps'])} "
               f"--iters {s['iters']} --starts {s['starts']} --test-starts {s['test_starts']} "
               f"--json {grid.rel(cell / 'attractors.json')}"])
    grid.add(st)
    rec["steps"]["attractors"] = st

    if dataset.mixture is not None:
        sc_out = [cell / "score_error.json"] + ([cell / "score_field.png"] if dataset.dim == 2 else [])

        def _score():
            model, _, _ = load_run(runs["a"], device=device)
            res = accuracy.score_error_by_density(model, dataset, SIGMAS, s["score_points"], s["bins"],
                                                  device=device)
            if dataset.dim == 2:
                _score_field(model, dataset, n_eff, cell / "score_field.png", f"{ds_name} {v} N={n_eff}")
            _write_json(cell / "score_error.json", res)
            return res
        cmd = (f"python cli.py score-error {grid.rel(runs['a'])} --sigmas {SIGMAS} --points "
               f"{s['score_points']} --bins {s['bins']} --json {grid.rel(cell / 'score_error.json')}"
               + (f" --plot {grid.rel(cell / 'score_field.png')}" if dataset.dim == 2 else ""))
        st = Step(f"{key}/score_error", {"points": s["score_points"], "bins": s["bins"],
                                         "run": _digest(train_opts)}, sc_out, _score, [cmd])
        grid.add(st)
        rec["steps"]["score_error"] = st
    return rec


def attractor_grid(res: dict, path: Path, title: str) -> None:
    """Image grid: training starts, their perturbations and the end points (model and empirical)."""
    from .gallery import image_grid
    st = res["starts"]
    e = max(res["settings"]["eps"])
    k = min(6, len(st["own"]))
    start = st["train_start"][:k]
    rows = [start, start + e * st["z_train"][:k], res["points"][(e, "model")]["end"][:k]]
    titles = ["training x_i"] * k + [f"x_i + {e:g} z"] * k + ["model end"] * k
    if (e, "empirical") in res["points"]:
        rows.append(res["points"][(e, "empirical")]["end"][:k])
        titles += ["empirical end"] * k
    image_grid(np.clip(np.concatenate(rows), 0, 1), path, titles=titles, ncols=k,
               suptitle=f"attractors, {title}: iterate D from a perturbed training sample")


def _score_field(model, dataset, n_train: int, path: Path, title: str) -> None:
    from .plots import plot_score_field
    pts = dataset.subset(min(500, n_train), "a")
    test = dataset.test(min(2000, dataset.test_size))
    lo, hi = test.min(0), test.max(0)
    pad = 0.1 * (hi - lo)
    sig = [float(x) for x in SIGMAS.split(",")]
    plot_score_field(model, dataset.mixture, sig, path, ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])),
                     points=pts, title=f"Score fields, {title}")


# ------------------------------------------------------------------------------ running
def machine_info(device: str) -> dict:
    info = {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(), "python": platform.python_version(), "torch": torch.__version__,
            "numpy": np.__version__, "torch_threads": torch.get_num_threads(), "device": device}
    if device.startswith("cuda") and torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    from . import __version__
    info["tinyscore"] = __version__
    try:
        info["git_commit_at_report"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                                            text=True, timeout=10).stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        info["git_commit_at_report"] = "unknown"
    return info


def make_spec(out, scale: str = "smoke", datasets=None, variants=None, ns=None, data_root=None, device="auto",
              threads: int | None = 1, label: str | None = None, lease: float | None = None,
              need_data: bool = True) -> tuple[dict, list, list]:
    """Check a study's options and describe it: (spec, planned cells, notes); nothing is written.

    The spec is what every worker of the study receives (picklable, JSON-safe): the folder, the
    options, a snapshot of the scale's settings (so that workers started later, elsewhere, run the
    same study), and the study's digest, by which workers in one folder recognise each other."""
    from .workers import LEASE
    if scale not in SCALES:
        raise TinyscoreError(f"unknown scale {scale!r}: expected one of {', '.join(SCALES)}")
    datasets = list(datasets) if datasets else list(SCALES[scale]["datasets"])
    bad = [d for d in datasets if d not in ALL_DATASETS]
    if bad:
        raise TinyscoreError(f"unknown dataset {bad[0]!r} for reproduce: expected some of {', '.join(ALL_DATASETS)}")
    if variants:
        bad = [v for v in variants if v not in VARIANTS]
        if bad:
            raise TinyscoreError(f"unknown variant {bad[0]!r}: expected some of {', '.join(VARIANTS)}")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise TinyscoreError(f"--out {out} exists and is not a folder")
    label = label or str(out)
    lease = float(lease or LEASE)
    if not lease > 0:
        raise TinyscoreError("the claim lease must be positive")
    spec = {"out": str(out), "label": label, "scale": scale, "settings": SCALES[scale], "datasets": datasets,
            "variants": list(variants) if variants else None, "ns": list(ns) if ns else None,
            "data_root": str(data_root) if data_root else None, "device": device, "threads": threads,
            "lease": lease, "command": _command_line(scale, datasets, variants, ns, label, data_root, device, threads)}
    planned, notes = plan_cells(spec, need_data=need_data)
    table = {scale: spec["settings"]}
    spec["digest"] = _digest({"scale": scale, "settings": {d: scale_settings(scale, d, table) for d in datasets},
                              "cells": [c["key"] for c in planned]})
    return spec, planned, notes


def plan_cells(spec: dict, need_data: bool = True) -> tuple[list, list]:
    """The (dataset, N, variant) cells of a spec, in grid order, without preparing or writing anything.

    An image dataset whose images are absent is left out with a note (``need_data=False`` keeps it,
    for a plan). Raises when the options leave no cell."""
    from .datasets import load_dataset
    from .nets import backbone_parameters
    scale, table = spec["scale"], {spec["scale"]: spec["settings"]}
    data_root = Path(spec["data_root"]) if spec.get("data_root") else (REPO / DEFAULT_DATA_ROOT)
    cells, notes = [], []
    for ds in spec["datasets"]:
        s = scale_settings(scale, ds, table)
        if ds in IMAGE_DATASETS:
            r = int(s.get("resolution") or 80)
            shape, half = (1, r, r), None
            src = data_root / "celeba" / "img_align_celeba"
            if not image_target(Path(spec["out"]), s).is_file() and not src.is_dir():
                why = f"no CelebA images under the data root ({DEFAULT_DATA_ROOT}/celeba/img_align_celeba)"
                if need_data:
                    notes.append(f"{ds} skipped: {why}.")
                    continue
                notes.append(f"{ds}: {why}; a run here would skip it.")
        else:
            d = load_dataset(ds)                   # a mixture: nothing is sampled until asked
            shape, half = tuple(d.shape), d.half_size
        vs = [v for v in s["variants"] if not spec.get("variants") or v in spec["variants"]]
        n_list = [n for n in s["ns"] if not spec.get("ns") or n in spec["ns"]]
        for n in n_list:
            for v in vs:
                arch = "mlp" if len(shape) == 1 else "conv"
                net = {("width" if arch == "mlp" else "base"): s["width"]} if s.get("width") else {}
                cells.append({"key": f"{ds}/n{n}/{v}", "dataset": ds, "n": n,
                              "n_eff": min(n, half) if half else n, "variant": v, "shape": shape, "arch": arch,
                              "settings": s, "params": backbone_parameters(arch, shape, v != "denoiser", **net)})
    if not cells:
        raise TinyscoreError("nothing to run: the chosen datasets, variants and N leave an empty grid"
                             + (f" ({notes[0].rstrip('.')})" if notes else ""))
    return cells, notes


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
        from .workers import check_executor
        check_executor("local" if executor == "submitit-local" else "slurm")
    if report_only:
        return run_worker({**spec, "report_only": True}, progress=progress, echo=echo)
    if executor == "local" and int(jobs) == 1:
        return run_worker(spec, progress=progress, echo=echo)
    return _launch(spec, planned, int(jobs), executor, dict(slurm or {}), wait, echo)


EXECUTORS = ("local", "slurm", "submitit-local")


def _launch(spec, planned, jobs, executor, slurm, wait, echo) -> dict:
    """Start the workers (local processes or a job array), wait for them, and make sure of the report."""
    from . import workers
    t0 = time.perf_counter()
    out = Path(spec["out"])
    out.mkdir(parents=True, exist_ok=True)
    undone = _undone_cells(spec, planned)
    if not undone:
        results = []
    elif executor == "local":
        n = min(jobs, undone)
        echo(f"study: {undone} of {len(planned)} cells to run, by {n} local worker processes")
        # registered while its workers run, so that a reproduce with other settings is refused meanwhile
        with workers.Worker(out / ".steps", spec["digest"], spec["command"], spec["lease"], role="launcher"):
            results = workers.run_local(spec, n, echo)
    else:
        array = int(slurm.pop("array_size", None) or undone)
        sub = workers.submit(spec, array, cluster="local" if executor == "submitit-local" else "slurm", wait=wait,
                             echo=echo, **slurm)
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


def _undone_cells(spec: dict, planned: list) -> int:
    """Cells without every step's manifest: what is left to run, by the manifests' names alone (a
    changed setting is found by the workers; the datasets are not loaded here)."""
    folder = Path(spec["out"]) / ".steps"
    steps = ("train_a", "train_b", "traj_a", "traj_b", "diverge", "quality", "attractors")
    left = 0
    for c in planned:
        names = steps + (("score_error",) if c["dataset"] not in IMAGE_DATASETS else ())
        left += not all((folder / f"{c['key'].replace('/', '__')}__{n}.json").is_file() for n in names)
    return left


def run_worker(spec: dict, progress: bool = True, echo=print) -> dict:
    """One worker of the study ``spec``: claim cells and run them until none is left to claim; the
    worker that then finds every cell done writes the report. With ``spec["report_only"]`` it runs
    nothing and only writes the report (an error when some cell is not done)."""
    from . import workers
    from .training import pick_device
    t0 = time.perf_counter()
    report_only = bool(spec.get("report_only"))
    if spec.get("threads"):
        torch.set_num_threads(int(spec["threads"]))
    dev = str(pick_device(spec["device"]))
    out = Path(spec["out"])
    planned, _ = plan_cells(spec)              # the options were checked by make_spec; the data may have moved
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


def _cell_done(grid: Grid, cell: dict) -> bool:
    return all(grid.is_done(st) for st in cell["steps"].values())


def _work(spec, me, dev, progress, echo, t0) -> dict:
    from tqdm.auto import tqdm

    from . import workers
    out, label, scale = Path(spec["out"]), spec["label"], spec["scale"]
    report_only = bool(spec.get("report_only"))
    notes = []
    grid, cells = build_grid(out, label, scale, spec["datasets"], spec["variants"], spec["ns"], spec["data_root"],
                             dev, progress, notes, table={scale: spec["settings"]},
                             guard=lambda key: me.hold(key, echo=echo), prepare=not report_only)
    if not grid.steps:
        raise TinyscoreError("nothing to run: the chosen datasets, variants and N leave an empty grid")
    grid.manifests.mkdir(exist_ok=True)
    ran = skipped = 0
    counted, busy = set(), {}
    with tqdm(total=len(grid.steps), desc="study", unit="step", disable=not progress, dynamic_ncols=True) as bar:
        while True:
            claimed = False
            for c in cells:
                key = c["key"]
                if key in counted:
                    continue
                if _cell_done(grid, c):
                    skipped += len(c["steps"])
                    counted.add(key)
                    bar.update(len(c["steps"]))
                    continue
                if report_only:
                    busy[key] = me.claims.holder(key)
                    continue
                claim = me.claims.try_acquire(key)
                if claim is None:
                    busy[key] = me.claims.holder(key)
                    continue
                claimed = True
                busy.pop(key, None)
                took = claim.record.get("took_over")
                if took:
                    me.event("takeover", cell=key, gen=claim.gen, previous=took)
                    echo(f"{key}: taking over from {workers.describe(took)} ({took['why']})")
                me.event("claim", cell=key, gen=claim.gen)
                try:
                    r, s = _run_cell(grid, c, claim, me, bar)
                    ran, skipped = ran + r, skipped + s
                    counted.add(key)
                except workers.ClaimLost:
                    me.event("lost", cell=key, gen=claim.gen)
                    echo(f"{key}: another worker took this cell over (this worker's lease ran out); leaving it")
                except BaseException as e:
                    me.event("failed", cell=key, gen=claim.gen, error=f"{type(e).__name__}: {e}"[:300])
                    raise
                finally:
                    me.claims.release(claim)
                    me.event("release", cell=key, gen=claim.gen)
            if not claimed:
                break
    pending = [c["key"] for c in cells if c["key"] not in counted and not _cell_done(grid, c)]
    if pending:
        holders = {}
        for k in pending:
            rec = busy.get(k) or me.claims.holder(k)
            if rec:
                holders.setdefault(workers.describe(rec), []).append(k)
        held = sum(len(v) for v in holders.values())
        who = "; ".join(f"{w}: {len(ks)}" for w, ks in holders.items())
        if report_only and not spec.get("quiet"):
            raise TinyscoreError(f"{len(pending)} of {len(cells)} cells are not done yet"
                                 + (f" ({held} being run: {who})" if held else "")
                                 + "; run reproduce to finish them, then --report-only")
        echo(f"study: {ran} steps run, {skipped} already done; {len(pending)} of {len(cells)} cells are "
             + (f"being run by other workers ({who}); the last of them writes the report" if held else
                "unclaimed now; run this command again to finish them"))
        return {"ran": ran, "skipped": skipped, "seconds": time.perf_counter() - t0, "report": None,
                "regenerated": False, "pending": pending}
    claim = me.claims.try_acquire("report")
    if claim is None:
        rec = me.claims.holder("report") or {}
        echo(f"study: {ran} steps run, {skipped} already done; every cell is done and {workers.describe(rec)} is "
             "writing the report")
        return {"ran": ran, "skipped": skipped, "seconds": time.perf_counter() - t0, "report": None,
                "regenerated": False}
    try:
        res = _write_study_report(spec, grid, cells, notes, dev, ran, skipped, echo, t0)
        me.event("report", regenerated=res["regenerated"])
    finally:
        me.claims.release(claim)
    return res


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
        _write_json(m, {"id": st.id, "params": st.params, "params_digest": _digest(st.params),
                        "seconds": seconds, "result": result, "cli": st.cli,
                        "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                        "worker": {"id": me.id, "host": me.me["host"], "pid": me.me["pid"]}})
        extra = {"resumed_from": result["resumed_from"]} if isinstance(result, dict) and "resumed_from" in result \
            else {}
        me.event("done", cell=cell["key"], step=st.id, seconds=round(seconds, 3), **extra)
        ran += 1
        bar.update(1)
    return ran, skipped


def _write_study_report(spec, grid, cells, notes, dev, ran, skipped, echo, t0) -> dict:
    """REPORT.md from the manifests: regenerated only when some step changed (or it is missing)."""
    out, label, scale = Path(spec["out"]), spec["label"], spec["scale"]
    table = {scale: spec["settings"]}
    records = [grid.load(st) for st in grid.steps]
    state = _digest([r["params_digest"] + r["finished"] for r in records] + [notes, scale, label])
    stamp = out / ".steps" / "report.json"
    report_path = out / "REPORT.md"
    if report_path.is_file() and stamp.is_file() and _stamp_state(stamp) == state:
        if not spec.get("quiet"):
            echo(f"study: all {skipped} steps already done; report unchanged -> {report_path}")
        return {"ran": ran, "skipped": skipped, "seconds": time.perf_counter() - t0, "report": str(report_path),
                "regenerated": False}
    from . import report
    who = {(r["worker"]["host"], r["worker"]["pid"]) for r in records if isinstance(r.get("worker"), dict)}
    meta = {"scale": scale, "settings": {d: scale_settings(scale, d, table) for d in spec["datasets"]},
            "sigmas": [float(x) for x in SIGMAS.split(",")], "notes": notes, "machine": machine_info(dev),
            "command": spec["command"], "label": label, "step_seconds": sum(r["seconds"] for r in records),
            "span": _span(records), "workers": {"processes": len(who), "hosts": len({h for h, _ in who})},
            "commands": [c for r in records for c in r.get("cli", [])],
            "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    results = []
    for c in cells:
        rec = {k: c[k] for k in ("dataset", "n", "n_requested", "variant", "dim", "is_image")}
        for name, st in c["steps"].items():
            r = grid.load(st)
            rec[name] = r["result"]
            rec.setdefault("seconds", {})[name] = r["seconds"]
        rec["key"] = c["key"]
        rec["convergence"] = {h: run_convergence(c["dir"] / f"run_{h}", rec.get(f"train_{h}")) for h in "ab"}
        for extra in ("score_field.png", "attractors.png"):
            if (c["dir"] / extra).is_file():
                rec.setdefault("figures", {})[extra] = str((c["dir"] / extra).relative_to(out))
        traj = c["dir"] / "traj_a.h5"
        if c["is_image"] and traj.is_file():
            png = c["dir"] / "trajectories_a.png"
            if not png.is_file():
                from .gallery import show_trajectories
                show_trajectories(traj, png, max_probes=4, path_steps=4)
            rec.setdefault("figures", {})["trajectories_a.png"] = str(png.relative_to(out))
        results.append(rec)
    report.write_report(out, results, meta)
    _write_json(stamp, {"state": state})
    echo(f"study: {ran} steps run, {skipped} already done, {time.perf_counter() - t0:.0f} s; report -> {report_path}")
    return {"ran": ran, "skipped": skipped, "seconds": time.perf_counter() - t0, "report": str(report_path),
            "regenerated": True}


def run_convergence(run: Path, summary=None) -> dict | None:
    """A trained model's convergence (tinyscore.training.convergence), read from its stats.jsonl, else
    from its training summary; None when neither holds one."""
    from .training import convergence, read_stats
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


def _command_line(scale, datasets, variants, ns, label, data_root, device, threads) -> str:
    cmd = f"python cli.py reproduce --scale {scale}"
    if datasets and list(datasets) != list(SCALES[scale]["datasets"]):
        cmd += f" --datasets {','.join(datasets)}"
    if variants:
        cmd += f" --variants {','.join(variants)}"
    if ns:
        cmd += f" --ns {','.join(str(n) for n in ns)}"
    if data_root:
        cmd += " --data-root DATA_ROOT"
    if device != "auto":
        cmd += f" --device {device}"
    if threads != 1:
        cmd += f" --threads {threads}"
    return cmd + f" --out {label}"


# ------------------------------------------------------------------------------ planning (--dry-run)
#: CelebA's aligned images, for the size of a full preparation when the images are not here to count
CELEBA_IMAGES = 202_599
#: JSON results, manifests and figures of one cell, roughly (about 300 KiB on the smoke scale, most of it
#: the score-field figure of a 2-D mixture)
CELL_EXTRAS = 320 * 1024


def train_key(cell: dict) -> str:
    """'mlp2-ssm-b512', 'conv1x80x80-denoiser-b64': what one training step's time depends on."""
    s = cell["settings"]
    width = f"-w{s['width']}" if s.get("width") else ""
    return f"{cell['arch']}{'x'.join(map(str, cell['shape']))}{width}-{cell['variant']}-b{s['batch_size']}"


def forward_key(cell: dict) -> str:
    """'forward-mlp2-cond': seconds per sample of one network evaluation without gradients."""
    s = cell["settings"]
    width = f"-w{s['width']}" if s.get("width") else ""
    return (f"forward-{cell['arch']}{'x'.join(map(str, cell['shape']))}{width}-"
            f"{'blind' if cell['variant'] == 'denoiser' else 'cond'}")


FLOPS_KEY = "matmul-flops"


def read_step_times(path) -> dict:
    """A --step-times file: {KEY: seconds, ...} as a dry run's --json writes under "step_times", or that file."""
    from .limits import human_bytes
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > 1 << 20:
            raise TinyscoreError(f"--step-times {path}: {human_bytes(size)} is not a step-times file (at most 1 MiB)")
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise TinyscoreError(f"--step-times {path} does not exist") from None
    except IsADirectoryError:
        raise TinyscoreError(f"--step-times {path} is a folder, expected a JSON file") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise TinyscoreError(f"--step-times {path} is not JSON ({str(e).splitlines()[0][:80]})") from None
    if isinstance(data, dict) and isinstance(data.get("step_times"), dict):
        data = data["step_times"]
    if not isinstance(data, dict):
        raise TinyscoreError(f"--step-times {path} must hold a JSON object of KEY: seconds")
    times = {}
    for k, v in data.items():
        if isinstance(v, dict) and "seconds" in v:
            v = v["seconds"]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not (math.isfinite(v) and v > 0):
            raise TinyscoreError(f"--step-times {path}: {str(k)[:60]!r} must be a positive number of seconds, "
                                 f"got {str(v)[:40]!r}")
        times[str(k)] = float(v)
    return times


def _sync(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _measure_train_step(cell: dict, device) -> tuple[float, int]:
    """Seconds per training step at the cell's batch size (conv nets on CPU: timed at batch 8, scaled)."""
    from .models import ScoreModel
    from .objectives import make_loss, sample_sigma
    from .optim import Adam
    s, v = cell["settings"], cell["variant"]
    net = {("width" if cell["arch"] == "mlp" else "base"): s["width"]} if s.get("width") else {}
    torch.manual_seed(0)
    model = ScoreModel({"variant": v, "arch": cell["arch"], "shape": list(cell["shape"]),
                        "conditional": v != "denoiser", "sigma_data": 0.5, "net": net}).to(device)
    batch = int(s["batch_size"])
    b = batch if cell["arch"] == "mlp" or device.type == "cuda" else min(batch, 8)
    x = torch.rand(b, *cell["shape"], device=device)
    loss_fn = make_loss(v)
    opt = Adam(model.parameters(), lr=1e-4)
    gen = torch.Generator(device=device).manual_seed(0)

    def step():
        loss = loss_fn(model, x, sample_sigma(b, 0.01, 1.0, gen, 0, device), gen).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    step()
    _sync(device)
    t = time.perf_counter()
    for _ in range(2):
        step()
    _sync(device)
    return (time.perf_counter() - t) / 2 * batch / b, b


@torch.no_grad()
def _measure_forward(cell: dict, device) -> float:
    """Seconds per sample of one evaluation of the network (no gradients), in batches of probes."""
    from .models import ScoreModel
    s, v = cell["settings"], cell["variant"]
    net = {("width" if cell["arch"] == "mlp" else "base"): s["width"]} if s.get("width") else {}
    model = ScoreModel({"variant": v, "arch": cell["arch"], "shape": list(cell["shape"]),
                        "conditional": v != "denoiser", "sigma_data": 0.5, "net": net}).to(device)
    b = 256 if cell["arch"] == "mlp" else (64 if device.type == "cuda" else 16)
    y = torch.rand(b, *cell["shape"], device=device)
    model.denoise(y, 0.5)
    _sync(device)
    t = time.perf_counter()
    for _ in range(2):
        model.denoise(y, 0.5)
    _sync(device)
    return (time.perf_counter() - t) / 2 / b


def _measure_flops(device) -> float:
    """Multiply-add throughput of a float32 matrix product (the empirical denoiser is two of them)."""
    a = torch.rand(512, 2048, device=device)
    b = torch.rand(2048, 512, device=device)
    a @ b
    _sync(device)
    t = time.perf_counter()
    for _ in range(3):
        a @ b
    _sync(device)
    return 3 * 2 * 512 * 2048 * 512 / (time.perf_counter() - t)


def _celeba_images(spec: dict, settings: dict) -> tuple[int, str]:
    """How many faces a preparation would hold, and how that was found."""
    limit = settings.get("prepare_limit")
    target = image_target(Path(spec["out"]), settings)
    if target.is_file():
        try:
            import h5py
            with h5py.File(target, "r") as f:
                n = next(int(d.shape[0]) for d in f.values() if hasattr(d, "shape") and len(d.shape) == 3)
            return n, f"{target} (prepared)"
        except Exception:                     # unreadable: fall back on the count below
            pass
    root = Path(spec["data_root"]) if spec.get("data_root") else (REPO / DEFAULT_DATA_ROOT)
    src = root / "celeba" / "img_align_celeba"
    if src.is_dir():
        n = sum(1 for p in os.scandir(src) if p.name.lower().endswith((".jpg", ".jpeg", ".png")))
        how = "counted under the data root"
    else:
        n, how = CELEBA_IMAGES, f"CelebA's {CELEBA_IMAGES:,} images (none under the data root to count)"
    return (min(n, limit), how + f", first {limit}") if limit else (n, how)


def _makespan(durations, workers: int) -> float:
    """Wall time of ``workers`` devices taking cells longest first (each cell on one device)."""
    import heapq
    loads = [0.0] * max(1, workers)
    for d in sorted(durations, reverse=True):
        heapq.heapreplace(loads, loads[0] + d)
    return max(loads)


def plan_study(out, scale="smoke", datasets=None, variants=None, ns=None, data_root=None, device="auto",
               threads: int | None = 1, step_times: dict | None = None, label: str | None = None) -> dict:
    """What ``reproduce`` would run, and an estimate of its device time and disk, without running it.

    Step times come from ``step_times`` ({key: seconds}, see :func:`train_key`, :func:`forward_key`,
    ``"matmul-flops"``) or are measured here on ``device`` (a few steps of each network)."""
    from .dynamics import path_ladder
    from .training import pick_device
    spec, cells, notes = make_spec(out, scale, datasets, variants, ns, data_root, device, threads, label,
                                   need_data=False)
    dev = pick_device(device)
    before = torch.get_num_threads()
    if threads:
        torch.set_num_threads(int(threads))
    given = dict(step_times or {})
    times, measured = {}, {}
    try:
        for kind, fn, keyof in (("train", _measure_train_step, train_key), ("forward", _measure_forward, forward_key)):
            for c in cells:
                key = keyof(c)
                if key in times:
                    continue
                if key in given:
                    times[key] = given[key]
                    continue
                value = fn(c, dev)
                if kind == "train":
                    value, b = value
                    if b != c["settings"]["batch_size"]:
                        measured[key] = f"timed at batch {b}, scaled to {c['settings']['batch_size']}"
                times[key] = value
        times[FLOPS_KEY] = given[FLOPS_KEY] if FLOPS_KEY in given else _measure_flops(dev)
    finally:
        torch.set_num_threads(before)
    sig = [float(x) for x in SIGMAS.split(",")]
    S = len(sig)
    rows, celeba = [], {}
    for c in cells:
        s, n, D = c["settings"], c["n_eff"], int(np.prod(c["shape"]))
        T = len(path_ladder(sig, s["path_substeps"]))
        P = s["probes"]
        traj = P * D * 4 * (2 + S + 2 * T) + 8 * (S + T) + 12 * 1024   # float32 arrays + HDF5's own
        model = c["params"] * 4 + 10 * 1024          # float32 weights + the checkpoint's own
        starts = min(s["starts"], n) + s["test_starts"]
        att = len(s["eps"]) * starts * s["iters"]
        evals = 2 * P * (S + 2 * T - 1) + att + (s["score_points"] * S if c["arch"] == "mlp" else 0)
        emp = (att + (P * S if c["arch"] == "conv" else 0)) * 4 * n * D
        train_s = 2 * s["steps"] * times[train_key(c)]
        analysis_s = evals * times[forward_key(c)] + emp / times[FLOPS_KEY]
        rows.append({**{k: c[k] for k in ("key", "dataset", "n", "n_eff", "variant", "arch", "params")},
                     "shape": list(c["shape"]), "steps": s["steps"], "batch_size": s["batch_size"],
                     "train_key": train_key(c), "train_seconds": train_s, "analysis_seconds": analysis_s,
                     "model_bytes": model, "trajectory_bytes": traj, "resume_bytes": 3 * c["params"] * 4,
                     "disk_bytes": 2 * model + 2 * traj + CELL_EXTRAS})
        if c["dataset"] in IMAGE_DATASETS and c["dataset"] not in celeba:
            count, how = _celeba_images(spec, s)
            celeba[c["dataset"]] = {"images": count, "bytes": count * 80 * 80, "how": how,
                                    "file": str(image_target(Path(spec["label"]), s))}
    seconds = [r["train_seconds"] + r["analysis_seconds"] for r in rows]
    longest = max(range(len(rows)), key=lambda i: seconds[i])
    widths = sorted({1, 4, 16, 64, len(rows)})
    return {"scale": scale, "out": spec["label"], "cells": rows, "notes": notes, "step_times": times,
            "how_timed": measured, "given": sorted(k for k in times if k in given),
            "device": _device_words(dev, threads), "data": celeba,
            "totals": {"cells": len(rows), "models": 2 * len(rows),
                       "train_hours": sum(r["train_seconds"] for r in rows) / 3600,
                       "analysis_hours": sum(r["analysis_seconds"] for r in rows) / 3600,
                       "device_hours": sum(seconds) / 3600,
                       "longest_cell": rows[longest]["key"], "longest_hours": seconds[longest] / 3600,
                       "wall_hours": {w: _makespan(seconds, w) / 3600 for w in widths},
                       "trajectory_files": 2 * len(rows),
                       "trajectory_bytes": sum(2 * r["trajectory_bytes"] for r in rows),
                       "model_bytes": sum(2 * r["model_bytes"] for r in rows),
                       "data_bytes": sum(d["bytes"] for d in celeba.values()),
                       "disk_bytes": sum(r["disk_bytes"] for r in rows) + sum(d["bytes"] for d in celeba.values()),
                       "resume_bytes_max": max(r["resume_bytes"] for r in rows)}}


def _device_words(dev, threads) -> str:
    if dev.type == "cuda":
        return f"{torch.cuda.get_device_name(dev)} (cuda)"
    proc = platform.processor() or platform.machine()
    return f"cpu ({proc}, {os.cpu_count()} cores, {threads or torch.get_num_threads()} torch thread(s))"


def _hours(h: float) -> str:
    if h < 1 / 60:
        return f"{h * 3600:.0f} s"
    if h < 1:
        return f"{h * 60:.0f} min"
    return f"{h:,.1f} h" if h < 100 else f"{h:,.0f} h"


def format_plan(plan: dict) -> str:
    """The plan as a person reads it: the grid per dataset and variant, then the totals and step times."""
    from .limits import human_bytes
    t = plan["totals"]
    L = [f"reproduce --scale {plan['scale']} --out {plan['out']}: {t['cells']} cells (dataset, N, variant), "
         f"{t['models']} models to train, {t['trajectory_files']} trajectory files. Nothing was run.", ""]
    head = ["dataset", "variant", "N", "models", "steps x batch", "s/step", "train", "analyses", "model.pt",
            "traj_*.h5 each"]
    rows = []
    groups = {}
    for r in plan["cells"]:
        groups.setdefault((r["dataset"], r["variant"]), []).append(r)
    for (ds, v), rs in groups.items():
        tr = [r["trajectory_bytes"] for r in rs]
        rows.append([ds, v, ",".join(str(r["n"]) for r in rs), str(2 * len(rs)),
                     f"{rs[0]['steps']} x {rs[0]['batch_size']}", f"{plan['step_times'][rs[0]['train_key']]:.3g}",
                     _hours(sum(r["train_seconds"] for r in rs) / 3600),
                     _hours(sum(r["analysis_seconds"] for r in rs) / 3600), human_bytes(rs[0]["model_bytes"]),
                     human_bytes(min(tr)) if min(tr) == max(tr) else f"{human_bytes(min(tr))}-{human_bytes(max(tr))}"])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    right = {3, 5, 6, 7, 8, 9}
    fmt = lambda cells: "  ".join(c.rjust(w) if i in right else c.ljust(w)      # noqa: E731
                                  for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    L += [fmt(head)] + [fmt(r) for r in rows] + [""]
    L.append(f"device time: {_hours(t['device_hours'])} ({_hours(t['train_hours'])} training, "
             f"{_hours(t['analysis_hours'])} analyses); the longest cell, {t['longest_cell']}, takes "
             f"{_hours(t['longest_hours'])}")
    L.append("wall time with W workers, one device each, longest cells first: "
             + ", ".join(f"{w}: {_hours(h)}" for w, h in t["wall_hours"].items()))
    L.append(f"disk: about {human_bytes(t['disk_bytes'])} in {plan['out']}: trajectories "
             f"{human_bytes(t['trajectory_bytes'])}, models {human_bytes(t['model_bytes'])}"
             + "".join(f", prepared {ds} {human_bytes(d['bytes'])} ({d['images']:,} faces at 80x80: {d['how']})"
                       for ds, d in plan["data"].items())
             + f", results and figures about {human_bytes(t['cells'] * CELL_EXTRAS)}; each model in training also "
             f"keeps up to {human_bytes(t['resume_bytes_max'])} of resumable state")
    L += ["", f"step times, seconds (on {plan['device']}; --step-times FILE gives your own, e.g. measured on the "
          "cluster's device with --dry-run --json FILE there):"]
    kw = max(len(k) for k in plan["step_times"])
    for k, v in plan["step_times"].items():
        how = "given" if k in plan["given"] else plan["how_timed"].get(k, "")
        L.append(f"  {k.ljust(kw)}  {v:.4g}" + (f"  ({how})" if how else ""))
    L += ["", "Estimates: training is steps x the step time; analyses count network evaluations (trajectories, "
          "attractors, score error) and the empirical denoiser's multiply-adds (4 N D per query). Data loading, "
          "figures and the report are not counted."]
    L += [f"note: {n}" for n in plan["notes"]]
    return "\n".join(L)
