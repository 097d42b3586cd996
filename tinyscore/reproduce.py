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
six mixtures and CelebA at 40x40 with N up to 1,000 in about an hour on two CPU cores, ``paper``
is the study's full grid for a GPU. Every setting is listed in the report.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import logging
import os
import platform
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from .errors import TinyscoreError
from .files import allow_replace, destination_lock, write_text
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
    "paper": dict(datasets=ALL_DATASETS, ns=(1, 10, 100, 1000, 10000, 100000), variants=VARIANTS, steps=20000,
                  batch_size=512, width=None, probes=1024, path_substeps=8, eps=(0.05, 0.1, 0.25), iters=20,
                  starts=1000, test_starts=1000, score_points=20000, bins=10,
                  image=dict(ns=(1, 10, 100, 1000, 10000, 100000), variants=VARIANTS, steps=100000, batch_size=64,
                             width=None, resolution=80, probes=256, path_substeps=8, starts=256, test_starts=256,
                             prepare_limit=None)),
}


def scale_settings(scale: str, dataset: str) -> dict:
    if scale not in SCALES:
        raise TinyscoreError(f"unknown scale {scale!r}: expected one of {', '.join(SCALES)}")
    s = {k: v for k, v in SCALES[scale].items() if k != "image"}
    if dataset in IMAGE_DATASETS:
        s.update(SCALES[scale]["image"])
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
def prepare_image_data(name: str, out: Path, data_root: Path, settings: dict, progress: bool):
    """The prepared HDF5 file for an image dataset, or (None, reason) when it cannot be made."""
    if name != "celeba":
        return None, f"unknown image dataset {name}"
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
    limit = settings.get("prepare_limit")
    target = out / "data" / (f"celeba80-first{limit}.h5" if limit else "celeba80.h5")
    if target.is_file():
        return target, None
    target.parent.mkdir(parents=True, exist_ok=True)
    info = images.prepare_celeba(src, target, size=80, identities=ident if ident.is_file() else None,
                                 limit=limit, progress=progress)
    log.info("prepared %d CelebA faces (80x80) in %.0f s", info["written"], info["seconds"])
    return target, None


# ------------------------------------------------------------------------------ the grid
def build_grid(out: Path, label: str, scale: str, datasets, variants=None, ns=None, data_root=None,
               device="cpu", progress=False, notes=None) -> tuple[Grid, list]:
    """All steps of the study at ``scale`` (``variants`` / ``ns`` restrict the scale's lists)."""
    from .datasets import load_dataset

    notes = [] if notes is None else notes
    grid = Grid(out, label)
    cells = []
    data_root = Path(data_root) if data_root else (REPO / DEFAULT_DATA_ROOT)
    for ds_name in datasets:
        s = scale_settings(scale, ds_name)
        spec, resolution, data_cli = ds_name, None, ds_name
        if ds_name in IMAGE_DATASETS:
            path, why = prepare_image_data(ds_name, out, data_root, s, progress)
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
           "dim": dataset.dim, "is_image": ds_name in IMAGE_DATASETS}
    train_opts = dict(variant=v, data=spec, n=n, steps=s["steps"], batch_size=s["batch_size"],
                      seed=0, width=s["width"], resolution=resolution)
    for h in "ab":
        def _train(h=h):
            cell.mkdir(parents=True, exist_ok=True)
            return train(dataset, runs[h], progress=False, force=True, half=h, device=device,
                         **train_opts)
        cmd = (f"python cli.py train --variant {v} --data {data_cli} --n {n} --half {h} "
               f"--steps {s['steps']} --batch-size {s['batch_size']} --seed 0"
               + (f" --width {s['width']}" if s["width"] else "")
               + (f" --resolution {resolution}" if resolution else "")
               + f" --out {grid.rel(runs[h])} --force")
        st = Step(f"{key}/train_{h}", {**train_opts, "half": h, "data": data_cli}, [runs[h]], _train, [cmd])
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


def reproduce(out, scale: str = "smoke", datasets=None, variants=None, ns=None, data_root=None, device="auto",
              threads: int | None = 1, progress: bool = True, label: str | None = None, echo=print) -> dict:
    """Run (or resume) the study at ``scale`` into ``out`` and write ``out/REPORT.md``.

    Returns {"ran": steps run now, "skipped": steps already done, "seconds", "report": path}."""
    from .training import pick_device

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
    if threads:
        torch.set_num_threads(int(threads))
    dev = str(pick_device(device))
    out = Path(out)
    label = label or str(out)
    if out.exists() and not out.is_dir():
        raise TinyscoreError(f"--out {out} exists and is not a folder")
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    # Interrupted steps leave only their own temporaries (each writer removes its stale ones when it
    # runs again) and unfinished training runs, which resume. Nothing here is deleted by pattern.
    # the study's own outputs are redone in place when half-done; one study at a time per folder
    with allow_replace(True), destination_lock(out):
        try:
            return _run_grid(out, label, scale, datasets, variants, ns, data_root, dev, progress, echo, device,
                             threads)
        except BaseException:
            if created and not any(out.iterdir()):
                out.rmdir()        # made by this call and still empty
            raise


def _run_grid(out, label, scale, datasets, variants, ns, data_root, dev, progress, echo, device, threads):
    from tqdm.auto import tqdm
    t0 = time.perf_counter()
    notes = []
    grid, cells = build_grid(out, label, scale, datasets, variants, ns, data_root, dev, progress, notes)
    if not grid.steps:
        raise TinyscoreError("nothing to run: the chosen datasets, variants and N leave an empty grid")
    grid.manifests.mkdir(exist_ok=True)
    ran = skipped = 0
    with tqdm(total=len(grid.steps), desc="study", unit="step", disable=not progress, dynamic_ncols=True) as bar:
        for st in grid.steps:
            if grid.is_done(st):
                skipped += 1
                bar.update(1)
                continue
            bar.set_description(st.id)
            m = grid.manifest(st)
            if m.exists():
                m.unlink()
            t = time.perf_counter()
            result = st.fn()
            _write_json(m, {"id": st.id, "params": st.params, "params_digest": _digest(st.params),
                            "seconds": time.perf_counter() - t, "result": result, "cli": st.cli,
                            "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")})
            ran += 1
            bar.update(1)
    seconds_now = time.perf_counter() - t0
    # the report: regenerated only when some step changed (or it is missing)
    records = [grid.load(st) for st in grid.steps]
    state = _digest([r["params_digest"] + r["finished"] for r in records] + [notes, scale, label])
    stamp = out / ".steps" / "report.json"
    report_path = out / "REPORT.md"
    if ran == 0 and report_path.is_file() and stamp.is_file() and json.loads(stamp.read_text()).get("state") == state:
        echo(f"study: all {skipped} steps already done; report unchanged -> {report_path}")
        return {"ran": 0, "skipped": skipped, "seconds": seconds_now, "report": str(report_path), "regenerated": False}
    from . import report
    meta = {"scale": scale, "settings": {d: scale_settings(scale, d) for d in datasets},
            "sigmas": [float(x) for x in SIGMAS.split(",")], "notes": notes, "machine": machine_info(dev),
            "command": _command_line(scale, datasets, variants, ns, label, data_root, device, threads),
            "label": label, "step_seconds": sum(r["seconds"] for r in records),
            "span": _span(records),
            "commands": [c for r in records for c in r.get("cli", [])],
            "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    results = []
    for c in cells:
        rec = {k: c[k] for k in ("dataset", "n", "n_requested", "variant", "dim", "is_image")}
        for name, st in c["steps"].items():
            r = grid.load(st)
            rec[name] = r["result"]
            rec.setdefault("seconds", {})[name] = r["seconds"]
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
