"""Training: one loop for the three variants, writing a self-contained run directory.

    RUN/options.json   every option of the run (data, N, half, seeds, network, objective)
    RUN/stats.jsonl    one JSON line per logging step: step, loss, lr, seconds
    RUN/model.pt       state dict + config as JSON: loads with torch.load(weights_only=True)

The loop is the same for every variant; only the loss callable differs (tinyscore.objectives):
draw a batch of the training subset, a noise level per sample (log-uniform in
[sigma_min, sigma_max], or a geometric ladder), take an Adam step, decay the learning rate on a
cosine. One seed fixes the initialisation, the batches, the noise and the SSM projections.

The run is built in a temporary folder beside RUN and renamed into place when finished, so an
interrupted run never leaves a half-written RUN behind.
"""
from __future__ import annotations

import json
import logging
import math
import os
import shutil
import time
from pathlib import Path

import torch

from .datasets import Dataset
from .errors import TinyscoreError
from .models import CHECKPOINT, ScoreModel, save_checkpoint, to_tensor
from .objectives import make_loss, sample_sigma

log = logging.getLogger("tinyscore")

#: defaults for every option of a run (the CLI shows the same ones)
DEFAULTS = dict(variant="ssm", data="uniform", data_seed=0, n=1000, half="a", steps=1500, batch_size=None,
                lr=2e-3, seed=0, sigma_min=0.01, sigma_max=None, sigma_levels=0, conditional=None,
                width=None, ssm_vr=True, ssm_kind="rademacher", ssm_proj=1, ssm_jvp="backward", log_every=50,
                threads=1)


def pick_device(device: str) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise TinyscoreError(f"device {device!r} asked for, but no CUDA device is available")
    try:
        return torch.device(device)
    except RuntimeError:
        raise TinyscoreError(f"unknown device {device!r}") from None


def model_config(dataset: Dataset, opts: dict) -> dict:
    """The JSON config from which :class:`ScoreModel` is rebuilt when a checkpoint is loaded."""
    arch = "mlp" if len(dataset.shape) == 1 else "conv"
    net = {}
    if opts.get("width"):
        net["width" if arch == "mlp" else "base"] = int(opts["width"])
    conditional = opts["conditional"] if opts.get("conditional") is not None else opts["variant"] != "denoiser"
    return {"variant": opts["variant"], "arch": arch, "shape": list(dataset.shape), "conditional": bool(conditional),
            "sigma_data": float(dataset.sigma_data), "net": net}


def train(dataset: Dataset, out, progress: bool = True, force: bool = False, **options) -> dict:
    """Train one model on the first N points of one half of ``dataset``; write the run to ``out``.

    Returns a summary: run directory, effective N, final loss, steps per second.
    """
    opts = {**DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    unknown = set(opts) - set(DEFAULTS) - {"device", "resolution"}
    if unknown:
        raise TypeError(f"unknown training option(s): {', '.join(sorted(unknown))}")
    if opts["batch_size"] is None:                 # images are 1000x bigger than the mixtures' points
        opts["batch_size"] = 256 if len(dataset.shape) == 1 else 32
    for key in ("steps", "batch_size"):
        if int(opts[key]) < 1:
            raise TinyscoreError(f"{key.replace('_', '-')} must be at least 1")
    if not opts["lr"] > 0:
        raise TinyscoreError("the learning rate must be positive")
    opts["sigma_max"] = float(opts["sigma_max"] or dataset.sigma_max)
    if not 0 < opts["sigma_min"] < opts["sigma_max"]:
        raise TinyscoreError(f"need 0 < sigma-min < sigma-max, got {opts['sigma_min']} and {opts['sigma_max']}")
    out = Path(out)
    if out.exists() and not force:
        raise TinyscoreError(f"{out} exists already; pass --force to replace it, or choose another --out")

    device = pick_device(opts.get("device", "auto"))
    opts["n"] = dataset.cap(int(opts["n"]), opts["half"])
    x_train = to_tensor(dataset.subset(opts["n"], opts["half"]), device)
    opts["device"] = str(device)
    opts["dataset"] = dataset.name

    torch.manual_seed(opts["seed"])
    config = model_config(dataset, opts)
    model = ScoreModel(config).to(device)
    loss_fn = make_loss(opts["variant"], opts["ssm_vr"], opts["ssm_kind"], opts["ssm_proj"], opts["ssm_jvp"])
    optim = torch.optim.Adam(model.parameters(), lr=opts["lr"])
    steps = int(opts["steps"])
    sched = torch.optim.lr_scheduler.LambdaLR(optim, lambda i: 0.5 * (1 + math.cos(math.pi * i / steps)))
    gen = torch.Generator(device=device).manual_seed(opts["seed"])

    # CPU threads: 1 by default. A small MLP gains nothing from intra-op threads, and on a shared
    # machine OpenMP threads spin-wait each other (measured: a 40x40 conv step took 4x longer with
    # 2 threads than with 1 on a busy 2-core box). --threads 0 keeps torch's default.
    threads = torch.get_num_threads()
    if device.type == "cpu" and int(opts["threads"]) > 0:
        torch.set_num_threads(int(opts["threads"]))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        (tmp / "options.json").write_text(json.dumps(opts, indent=2) + "\n")
        bar = _progress(steps, f"train {opts['variant']}", progress)
        t0, running, count = time.perf_counter(), 0.0, 0
        with open(tmp / "stats.jsonl", "w") as stats:
            for step in range(1, steps + 1):
                idx = torch.randint(0, x_train.shape[0], (opts["batch_size"],), generator=gen, device=device)
                sigma = sample_sigma(opts["batch_size"], opts["sigma_min"], opts["sigma_max"], gen,
                                     opts["sigma_levels"], device)
                loss = loss_fn(model, x_train[idx], sigma, gen).mean()
                optim.zero_grad(set_to_none=True)
                loss.backward()
                optim.step()
                sched.step()
                running, count = running + loss.item(), count + 1
                if not math.isfinite(loss.item()):
                    raise TinyscoreError(f"training diverged at step {step} (loss {loss.item()}); try a smaller --lr")
                if step % opts["log_every"] == 0 or step == steps:
                    row = {"step": step, "loss": running / count, "lr": sched.get_last_lr()[0],
                           "seconds": round(time.perf_counter() - t0, 3)}
                    stats.write(json.dumps(row) + "\n")
                    stats.flush()
                    bar.set_postfix(loss=f"{row['loss']:.4g}")
                    running, count = 0.0, 0
                bar.update(1)
        bar.close()
        seconds = time.perf_counter() - t0
        save_checkpoint(model.cpu(), tmp / CHECKPOINT)
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        torch.set_num_threads(threads)
    return {"run": str(out), "n": opts["n"], "loss": row["loss"], "steps_per_second": steps / seconds,
            "seconds": seconds}


def _progress(total: int, desc: str, enabled: bool):
    from tqdm.auto import tqdm
    return tqdm(total=total, desc=desc, disable=not enabled, leave=False, dynamic_ncols=True)
