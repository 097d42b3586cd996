r"""The dry run: what a study would run, and how long and how much disk it would take, before running it.

``reproduce --dry-run`` lists the cells of the grid and estimates each from a few measured
**step times**, keyed by what they depend on:

    train_key     'mlp2-ssm-b512': seconds per training step of one network at one batch size
    forward_key   'forward-mlp2-cond': seconds per sample of one evaluation without gradients
    matmul-flops  multiply-adds per second of a float32 matrix product (the empirical denoiser)

Training a model is its steps times its step time, for each of a cell's models (A, B and, where the
scale has a seed floor, A'). The analyses count network evaluations (trajectories, attractors, the
controls, score error, the convergence gate's kept models, geometry) and the empirical denoiser's multiply-adds (4 N D per query). Disk is the models, the trajectory files (float32 arrays), the prepared faces and a
cell's small results. The step times are measured here on a few steps of each network, or given
(``--step-times FILE``, e.g. measured with ``--dry-run --json FILE`` on the cluster's device), so a
plan for a GPU can be made on a laptop. Wall time for W workers is the makespan of the cells taken
longest first.
"""
from __future__ import annotations

import heapq
import json
import math
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch

from tinyscore.analyses.convergence import FRACTIONS, PROBLEMS
from tinyscore.config import ANALYSIS_SIGMAS
from tinyscore.errors import TinyscoreError
from tinyscore.study.grid import (IMAGE_DATASETS, celeba_source, data_root_of, grid_conditional, image_target,
                                  make_spec, train_variant)

#: CelebA's aligned images, for the size of a full preparation when the images are not here to count
CELEBA_IMAGES = 202_599
#: JSON results, manifests and figures of one cell, roughly (about 300 KiB on the smoke scale, most of it
#: the score-field figure of a 2-D mixture)
CELL_EXTRAS = 320 * 1024
FLOPS_KEY = "matmul-flops"


def _width(cell: dict) -> str:
    s = cell["settings"]
    return f"-w{s['width']}" if s.get("width") else ""


def train_key(cell: dict) -> str:
    """'mlp2-ssm-b512', 'conv1x80x80-denoiser-b64': what one training step's time depends on."""
    return (f"{cell['arch']}{'x'.join(map(str, cell['shape']))}{_width(cell)}-{cell['variant']}"
            f"-b{cell['settings']['batch_size']}")


def forward_key(cell: dict) -> str:
    """'forward-mlp2-cond': seconds per sample of one network evaluation without gradients."""
    return (f"forward-{cell['arch']}{'x'.join(map(str, cell['shape']))}{_width(cell)}-"
            f"{'cond' if grid_conditional(cell['variant']) else 'blind'}")


def read_step_times(path) -> dict:
    """A --step-times file: {KEY: seconds, ...} as a dry run's --json writes under "step_times", or that file."""
    from tinyscore.storage.limits import human_bytes
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


# ------------------------------------------------------------------------------ measuring step times
def _sync(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def _timed(fn, device, repeats: int) -> float:
    """Seconds per call of ``fn`` (after one warm-up call)."""
    fn()
    _sync(device)
    t = time.perf_counter()
    for _ in range(repeats):
        fn()
    _sync(device)
    return (time.perf_counter() - t) / repeats


def _model(cell: dict, device):
    from tinyscore.core.models import ScoreModel
    s, v = cell["settings"], train_variant(cell["variant"])[0]
    net = {("width" if cell["arch"] == "mlp" else "base"): s["width"]} if s.get("width") else {}
    return ScoreModel({"variant": v, "arch": cell["arch"], "shape": list(cell["shape"]),
                       "conditional": grid_conditional(cell["variant"]), "sigma_data": 0.5, "net": net}).to(device)


def _measure_train_step(cell: dict, device) -> tuple[float, int]:
    """Seconds per training step at the cell's batch size (conv nets on CPU: timed at batch 8, scaled)."""
    from tinyscore.core.objectives import make_loss, sample_sigma
    from tinyscore.core.optim import Adam
    torch.manual_seed(0)
    model = _model(cell, device)
    batch = int(cell["settings"]["batch_size"])
    b = batch if cell["arch"] == "mlp" or device.type == "cuda" else min(batch, 8)
    x = torch.rand(b, *cell["shape"], device=device)
    loss_fn = make_loss(train_variant(cell["variant"])[0])
    opt = Adam(model.parameters(), lr=1e-4)
    gen = torch.Generator(device=device).manual_seed(0)

    def step():
        loss = loss_fn(model, x, sample_sigma(b, 0.01, 1.0, gen, 0, device), gen).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return _timed(step, device, 2) * batch / b, b


@torch.no_grad()
def _measure_forward(cell: dict, device) -> float:
    """Seconds per sample of one evaluation of the network (no gradients), in batches of probes."""
    model = _model(cell, device)
    b = 256 if cell["arch"] == "mlp" else (64 if device.type == "cuda" else 16)
    y = torch.rand(b, *cell["shape"], device=device)
    return _timed(lambda: model.denoise(y, 0.5), device, 2) / b


def _measure_flops(device) -> float:
    """Multiply-add throughput of a float32 matrix product (the empirical denoiser is two of them)."""
    a = torch.rand(512, 2048, device=device)
    b = torch.rand(2048, 512, device=device)
    return 2 * 512 * 2048 * 512 / _timed(lambda: a @ b, device, 3)


def measure_step_times(cells: list, device, given: dict) -> tuple[dict, dict]:
    """{key: seconds} for every key the cells need (given ones first, the rest measured on ``device``),
    and {key: how it was timed} where that is not simply measured."""
    times, how = {}, {}
    for kind, fn, keyof in (("train", _measure_train_step, train_key), ("forward", _measure_forward, forward_key)):
        for c in cells:
            key = keyof(c)
            if key in times:
                continue
            if key in given:
                times[key] = given[key]
                continue
            value = fn(c, device)
            if kind == "train":
                value, b = value
                if b != c["settings"]["batch_size"]:
                    how[key] = f"timed at batch {b}, scaled to {c['settings']['batch_size']}"
            times[key] = value
    times[FLOPS_KEY] = given[FLOPS_KEY] if FLOPS_KEY in given else _measure_flops(device)
    return times, how


# ------------------------------------------------------------------------------ the estimate
def estimate_cell(c: dict, times: dict) -> dict:
    """One cell's device seconds (training, analyses) and bytes on disk."""
    from tinyscore.core.dynamics import path_ladder
    s = c["settings"]
    sig = [float(x) for x in (s.get("sigmas") or ANALYSIS_SIGMAS).split(",")]
    n, D, S = c["n_eff"], int(np.prod(c["shape"])), len(sig)
    T = len(path_ladder(sig, s["path_substeps"]))
    P = s["probes"]
    traj = P * D * 4 * (2 + S + 2 * T) + 8 * (S + T) + 12 * 1024   # float32 arrays + HDF5's own
    model = c["params"] * 4 + 10 * 1024          # float32 weights + the checkpoint's own
    models = models_per_cell(c)                  # A, B and, with a seed floor, A'
    starts = min(s["starts"], n) + s["test_starts"]
    att = n_eps(s) * starts * s["iters"]
    # trajectories of every model, the attractors (run once: the controls read their rows), score error
    evals = models * P * (S + 2 * T - 1) + att + (s["score_points"] * S if c["arch"] == "mlp" else 0)
    # the memorisers: the attractors', quality's on images, and the controls' pair on every probe and sigma
    emp = (att + (P * S if c["arch"] == "conv" else 0) + 2 * P * S) * 4 * n * D
    if s.get("keep_every"):    # the gate's step: each model kept at each fraction meets the probes (at the
        # smallest sigma) and the memoriser's problems, whose answers the memorisers of A's and B's points give
        evals += len(FRACTIONS) * models * (P + PROBLEMS)
        emp += 2 * PROBLEMS * 4 * n * D
    if s.get("geometry") and c["arch"] == "mlp":          # the geometry step: A's and B's scores
        evals += 2 * s["score_points"] * S
    return {**{k: c[k] for k in ("key", "dataset", "n", "n_eff", "variant", "arch", "params")},
            "shape": list(c["shape"]), "steps": s["steps"], "batch_size": s["batch_size"], "models": models,
            "train_key": train_key(c), "train_seconds": models * s["steps"] * times[train_key(c)],
            "analysis_seconds": evals * times[forward_key(c)] + emp / times[FLOPS_KEY],
            "model_bytes": model, "trajectory_bytes": traj, "resume_bytes": 3 * c["params"] * 4,
            "disk_bytes": models * (model + traj) + CELL_EXTRAS}


def n_eps(settings: dict) -> int:
    """How many attractor eps a scale's cell runs (``eps="spacing"``: the spacing factors', chosen when it runs)."""
    if settings["eps"] == "spacing":
        from tinyscore.analyses.controls import SPACING_FACTORS
        return len(SPACING_FACTORS)
    return len(settings["eps"])


def models_per_cell(c: dict) -> int:
    """3 with the scale's seed floor (A, B and A'), else 2."""
    return 3 if c["settings"].get("seed_floor") else 2


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
    src = celeba_source(data_root_of(spec))
    if src.is_dir():
        n = sum(1 for p in os.scandir(src) if p.name.lower().endswith((".jpg", ".jpeg", ".png")))
        how = "counted under the data root"
    else:
        n, how = CELEBA_IMAGES, f"CelebA's {CELEBA_IMAGES:,} images (none under the data root to count)"
    return (min(n, limit), how + f", first {limit}") if limit else (n, how)


def _image_data(spec: dict, cells: list) -> dict:
    """{dataset: its prepared file's faces, bytes, how counted, where} for the image datasets of the plan."""
    data = {}
    for c in cells:
        if c["dataset"] in IMAGE_DATASETS and c["dataset"] not in data:
            count, how = _celeba_images(spec, c["settings"])
            data[c["dataset"]] = {"images": count, "bytes": count * 80 * 80, "how": how,
                                  "file": str(image_target(Path(spec["label"]), c["settings"]))}
    return data


def _makespan(durations, workers: int) -> float:
    """Wall time of ``workers`` devices taking cells longest first (each cell on one device)."""
    loads = [0.0] * max(1, workers)
    for d in sorted(durations, reverse=True):
        heapq.heapreplace(loads, loads[0] + d)
    return max(loads)


def _totals(rows: list, data: dict) -> dict:
    seconds = [r["train_seconds"] + r["analysis_seconds"] for r in rows]
    longest = max(range(len(rows)), key=lambda i: seconds[i])
    widths = sorted({1, 2, 4, 16, 64, len(rows)})
    data_bytes = sum(d["bytes"] for d in data.values())
    return {"cells": len(rows), "models": sum(r["models"] for r in rows),
            "train_hours": sum(r["train_seconds"] for r in rows) / 3600,
            "analysis_hours": sum(r["analysis_seconds"] for r in rows) / 3600,
            "device_hours": sum(seconds) / 3600,
            "longest_cell": rows[longest]["key"], "longest_hours": seconds[longest] / 3600,
            "wall_hours": {w: _makespan(seconds, w) / 3600 for w in widths},
            "trajectory_files": sum(r["models"] for r in rows),
            "trajectory_bytes": sum(r["models"] * r["trajectory_bytes"] for r in rows),
            "model_bytes": sum(r["models"] * r["model_bytes"] for r in rows),
            "data_bytes": data_bytes, "disk_bytes": sum(r["disk_bytes"] for r in rows) + data_bytes,
            "resume_bytes_max": max(r["resume_bytes"] for r in rows)}


def plan_study(out, scale="smoke", datasets=None, variants=None, ns=None, data_root=None, device="auto",
               threads: int | None = 1, step_times: dict | None = None, label: str | None = None) -> dict:
    """What ``reproduce`` would run, and an estimate of its device time and disk, without running it.

    Step times come from ``step_times`` ({key: seconds}, see :func:`train_key`, :func:`forward_key`,
    ``"matmul-flops"``) or are measured here on ``device`` (a few steps of each network)."""
    from tinyscore.devices import cpu_threads, pick_device
    spec, cells, notes = make_spec(out, scale, datasets, variants, ns, data_root, device, threads, label,
                                   need_data=False)
    dev = pick_device(device)
    given = dict(step_times or {})
    with cpu_threads(threads):
        times, how = measure_step_times(cells, dev, given)
    rows = [estimate_cell(c, times) for c in cells]
    data = _image_data(spec, cells)
    return {"scale": scale, "out": spec["label"], "cells": rows, "notes": notes, "step_times": times,
            "how_timed": how, "given": sorted(k for k in times if k in given),
            "device": _device_words(dev, threads), "data": data, "totals": _totals(rows, data)}


def _device_words(dev, threads) -> str:
    if dev.type == "cuda":
        return f"{torch.cuda.get_device_name(dev)} (cuda)"
    proc = platform.processor() or platform.machine()
    return f"cpu ({proc}, {os.cpu_count()} cores, {threads or torch.get_num_threads()} torch thread(s))"


# ------------------------------------------------------------------------------ the plan as text
def _hours(h: float) -> str:
    if h < 1 / 60:
        return f"{h * 3600:.0f} s"
    if h < 1:
        return f"{h * 60:.0f} min"
    return f"{h:,.1f} h" if h < 100 else f"{h:,.0f} h"


def _grid_table(plan: dict) -> list:
    """The cells per (dataset, variant): their N, models, step time, hours and file sizes, as aligned lines."""
    from tinyscore.storage.limits import human_bytes
    head = ["dataset", "variant", "N", "models", "steps x batch", "s/step", "train", "analyses", "model.pt",
            "traj_*.h5 each"]
    groups, rows = {}, []
    for r in plan["cells"]:
        groups.setdefault((r["dataset"], r["variant"]), []).append(r)
    for (ds, v), rs in groups.items():
        tr = [r["trajectory_bytes"] for r in rs]
        reps = len(rs) // len({r["n"] for r in rs})
        rows.append([ds, v, ",".join(str(n) for n in dict.fromkeys(r["n"] for r in rs)) + (f" (x{reps})" if reps > 1 else ""),
                     str(sum(r["models"] for r in rs)),
                     f"{rs[0]['steps']} x {rs[0]['batch_size']}", f"{plan['step_times'][rs[0]['train_key']]:.3g}",
                     _hours(sum(r["train_seconds"] for r in rs) / 3600),
                     _hours(sum(r["analysis_seconds"] for r in rs) / 3600), human_bytes(rs[0]["model_bytes"]),
                     human_bytes(min(tr)) if min(tr) == max(tr) else f"{human_bytes(min(tr))}-{human_bytes(max(tr))}"])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    right = {3, 5, 6, 7, 8, 9}

    def fmt(cells):
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return [fmt(head)] + [fmt(r) for r in rows]


def _totals_lines(plan: dict) -> list:
    from tinyscore.storage.limits import human_bytes
    t = plan["totals"]
    return [f"device time: {_hours(t['device_hours'])} ({_hours(t['train_hours'])} training, "
            f"{_hours(t['analysis_hours'])} analyses); the longest cell, {t['longest_cell']}, takes "
            f"{_hours(t['longest_hours'])}",
            "wall time with W workers, one device each, longest cells first: "
            + ", ".join(f"{w}: {_hours(h)}" for w, h in t["wall_hours"].items()),
            f"disk: about {human_bytes(t['disk_bytes'])} in {plan['out']}: trajectories "
            f"{human_bytes(t['trajectory_bytes'])}, models {human_bytes(t['model_bytes'])}"
            + "".join(f", prepared {ds} {human_bytes(d['bytes'])} ({d['images']:,} faces at 80x80: {d['how']})"
                      for ds, d in plan["data"].items())
            + f", results and figures about {human_bytes(t['cells'] * CELL_EXTRAS)}; each model in training also "
            f"keeps up to {human_bytes(t['resume_bytes_max'])} of resumable state"]


def _step_time_lines(plan: dict) -> list:
    lines = [f"step times, seconds (on {plan['device']}; --step-times FILE gives your own, e.g. measured on the "
             "cluster's device with --dry-run --json FILE there):"]
    kw = max(len(k) for k in plan["step_times"])
    for k, v in plan["step_times"].items():
        how = "given" if k in plan["given"] else plan["how_timed"].get(k, "")
        lines.append(f"  {k.ljust(kw)}  {v:.4g}" + (f"  ({how})" if how else ""))
    return lines


def format_plan(plan: dict) -> str:
    """The plan as a person reads it: the grid per dataset and variant, then the totals and step times."""
    t = plan["totals"]
    L = [f"reproduce --scale {plan['scale']} --out {plan['out']}: {t['cells']} cells (dataset, N, variant), "
         f"{t['models']} models to train, {t['trajectory_files']} trajectory files. Nothing was run.", ""]
    L += _grid_table(plan) + [""] + _totals_lines(plan) + [""] + _step_time_lines(plan)
    L += ["", "Estimates: training is steps x the step time, for A, B and (where the scale has a seed floor) A'; "
          "analyses count network evaluations (trajectories, attractors, the controls, score error, the "
          "convergence gate's kept models, geometry) and the "
          "empirical denoiser's multiply-adds (4 N D per query). Data loading, figures and the report are not "
          "counted."]
    L += [f"note: {n}" for n in plan["notes"]]
    return "\n".join(L)
