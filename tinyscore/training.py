"""Training: one loop for the three variants, writing a self-contained run directory.

    RUN/options.json   every option of the run (data, N, half, seeds, network, objective)
    RUN/stats.jsonl    one JSON line per logging step: step, loss, lr, seconds
    RUN/model.pt       state dict + config as JSON: loads with torch.load(weights_only=True)

The loop is the same for every variant; only the loss callable differs (tinyscore.objectives):
draw a batch of the training subset, a noise level per sample (log-uniform in
[sigma_min, sigma_max], or a geometric ladder), take an Adam step, decay the learning rate on a
cosine. One seed fixes the initialisation, the batches, the noise and the SSM projections.

The run is built in ``.RUN.tinyscore-partial`` beside RUN and renamed into place when finished, so
an interrupted run never leaves a half-written RUN behind. Every ``save_every`` steps the partial
run receives ``resume.pt`` (model, optimiser, schedule, generator states, step): running the same
command again after a crash or ``kill -9`` continues from there, and on CPU the final ``model.pt``
is byte-identical to that of an uninterrupted run.

Under torchrun (``torchrun --nproc-per-node K cli.py train ...``) K processes train the one model
of the same command run alone, to float32 round-off: each evaluates the network on its share of
the global batch and the gradients are all-reduced (tinyscore.distributed). Process 0 alone
writes the run directory; options.json records ``world_size``.
"""
from __future__ import annotations

import contextlib
import json
import logging
import math
import shutil
import time
from pathlib import Path

import torch

from . import distributed
from .datasets import Dataset
from .errors import TinyscoreError
from .files import (check_destination, destination_lock, publish_folder, remove_stale_temporaries, write_bytes,
                    write_text)
from .limits import check_fits
from .nets import backbone_parameters
from .models import CHECKPOINT, ScoreModel, save_checkpoint, to_tensor, torch_bytes
from .objectives import make_loss, sample_sigma
from .optim import Adam, cosine_lr

log = logging.getLogger("tinyscore")

#: defaults for every option of a run (the CLI shows the same ones)
DEFAULTS = dict(variant="ssm", data="uniform", data_seed=0, n=1000, half="a", steps=1500, batch_size=None,
                lr=2e-3, seed=0, sigma_min=0.01, sigma_max=None, sigma_levels=0, conditional=None,
                width=None, ssm_vr=True, ssm_kind="rademacher", ssm_proj=1, ssm_jvp="auto", log_every=50,
                threads=1, save_every=200)


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


#: options that do not change the trained model, so a run may be resumed with other values of them
#: (world_size: the draws and the gradient of a step do not depend on it, up to float32 round-off)
RESUME_NEUTRAL = ("threads", "save_every", "world_size")
PARTIAL_SUFFIX = ".tinyscore-partial"
RESUME = "resume.pt"


def partial_path(out: Path) -> Path:
    """The unfinished run of ``out``: ``.NAME.tinyscore-partial`` beside it, kept for resuming."""
    return out.with_name(f".{out.name}{PARTIAL_SUFFIX}")


def train(dataset: Dataset, out, progress: bool = True, force: bool = False, fresh: bool = False,
          **options) -> dict:
    """Train one model on the first N points of one half of ``dataset``; write the run to ``out``.

    The run is built in ``.OUT.tinyscore-partial`` beside ``out``, which receives a resumable
    state (model, optimiser, schedule, random generators, step, statistics) every ``save_every``
    steps; the same call after a crash or a kill continues from the last saved step and gives a
    byte-identical ``model.pt`` on CPU. ``fresh`` discards an unfinished run instead. A lock beside
    ``out`` keeps a second writer away; ``out`` is replaced only with ``force``, checked again at
    the final rename. Returns a summary: run directory, effective N, final loss, steps per second.

    Under torchrun every process calls this with the same arguments; they train one model
    (tinyscore.distributed) and process 0 alone touches ``out``.
    """
    with distributed.join(options.get("device") or "auto") as world, contextlib.ExitStack() as held:
        opts, device = world.agree(lambda: _resolve(dataset, world, options))
        out = Path(out)

        def take_destination():               # process 0 alone: the lock is held until the run is published
            check_destination(out, force, folder=True)
            if not out.parent.is_dir():
                out.parent.mkdir(parents=True, exist_ok=True)
            held.enter_context(destination_lock(out))
            remove_stale_temporaries(out)
        world.on_root(take_destination)
        return _train_locked(dataset, out, opts, device, progress, force, fresh, world)


def _resolve(dataset: Dataset, world, options: dict):
    """The run's options, checked and completed, and its device."""
    opts = {**DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    unknown = set(opts) - set(DEFAULTS) - {"device", "resolution"}
    if unknown:
        raise TypeError(f"unknown training option(s): {', '.join(sorted(unknown))}")
    if opts["batch_size"] is None:                 # images are 1000x bigger than the mixtures' points
        opts["batch_size"] = 256 if len(dataset.shape) == 1 else 32
    for key in ("steps", "batch_size", "save_every"):
        if int(opts[key]) < 1:
            raise TinyscoreError(f"{key.replace('_', '-')} must be at least 1")
    if not opts["lr"] > 0:
        raise TinyscoreError("the learning rate must be positive")
    opts["sigma_max"] = float(opts["sigma_max"] or dataset.sigma_max)
    if not 0 < opts["sigma_min"] < opts["sigma_max"]:
        raise TinyscoreError(f"need 0 < sigma-min < sigma-max, got {opts['sigma_min']} and {opts['sigma_max']}")
    # a batch holds the inputs, the noise and the activations of a few layers: refuse absurd sizes early
    check_fits(16.0 * int(opts["batch_size"]) * dataset.dim * 4, f"a batch of {opts['batch_size']} samples")
    if int(opts["batch_size"]) % world.size:
        raise TinyscoreError(f"batch-size {opts['batch_size']} is not divisible by the {world.size} training "
                             "processes; pick a multiple of the process count")

    device = pick_device(opts.get("device", "auto")) if world.size == 1 else world.device
    opts["n"] = dataset.cap(int(opts["n"]), opts["half"])
    opts["device"] = str(device) if world.size == 1 else device.type
    if opts["ssm_jvp"] == "auto":        # recorded resolved, so a run keeps its mode on every device
        from .objectives import default_jvp
        opts["ssm_jvp"] = default_jvp(device)
    opts["dataset"] = dataset.name
    opts["world_size"] = world.size
    return opts, device


def _train_locked(dataset, out: Path, opts: dict, device, progress: bool, force: bool, fresh: bool,
                  world: distributed.World | None = None) -> dict:
    world = world or distributed.World()
    x_train = to_tensor(dataset.subset(opts["n"], opts["half"]), device)
    torch.manual_seed(opts["seed"])
    config = model_config(dataset, opts)
    params = backbone_parameters(config["arch"], config["shape"], config["conditional"], **config["net"])
    check_fits(16.0 * params, f"training a network of {params:,} parameters (weights, gradients, Adam moments)")
    model = ScoreModel(config).to(device)
    loss_fn = make_loss(opts["variant"], opts["ssm_vr"], opts["ssm_kind"], opts["ssm_proj"], opts["ssm_jvp"])
    optim = Adam(model.parameters(), lr=opts["lr"])
    steps = int(opts["steps"])
    gen = torch.Generator(device=device).manual_seed(opts["seed"])

    tmp = partial_path(out)
    state = world.on_root(lambda: _open_partial(tmp, out, opts, fresh))   # read by process 0, sent to all
    start, elapsed, running, count, row = 0, 0.0, 0.0, 0, None
    if state is not None:
        model.load_state_dict(state["model"])
        optim.load_state_dict(state["optim"])
        gen.set_state(state["gen"])
        torch.set_rng_state(state["cpu_rng"])
        start, elapsed = int(state["step"]), float(state["elapsed"])
        running, count = float(state["running"]), int(state["count"])
        row = json.loads(state["last_row"]) if state["last_row"] else None
    world.broadcast_model(model)

    # CPU threads: 1 by default. A small MLP gains nothing from intra-op threads, and on a shared
    # machine OpenMP threads spin-wait each other (measured: a 40x40 conv step took 4x longer with
    # 2 threads than with 1 on a busy 2-core box). --threads 0 keeps torch's default.
    threads = torch.get_num_threads()
    if device.type == "cpu" and int(opts["threads"]) > 0:
        torch.set_num_threads(int(opts["threads"]))
    try:
        bar = _progress(steps, f"train {opts['variant']}", progress and world.root)
        bar.update(start)
        t0 = time.perf_counter() - elapsed
        # process 0 alone writes (the others' stats are a sink): every process runs the same loop
        with open(tmp / "stats.jsonl", "a") if world.root else contextlib.nullcontext(_Sink()) as stats:
            for step in range(start + 1, steps + 1):
                idx = torch.randint(0, x_train.shape[0], (opts["batch_size"],), generator=gen, device=device)
                sigma = sample_sigma(opts["batch_size"], opts["sigma_min"], opts["sigma_max"], gen,
                                     opts["sigma_levels"], device)
                if world.size == 1:
                    loss = loss_fn(model, x_train[idx], sigma, gen).mean()
                    optim.zero_grad()
                    loss.backward()
                    value = loss.item()
                else:                   # this process's rows of the same batch; gradients all-reduced
                    optim.zero_grad()
                    value = world.backward(loss_fn, model, x_train[idx], sigma, gen)
                optim.lr = cosine_lr(opts["lr"], step - 1, steps)
                optim.step()
                if not math.isfinite(value):
                    raise world.shared(TinyscoreError(f"training diverged at step {step} (loss {value}); "
                                                      "try a smaller --lr"))
                running, count = running + value, count + 1
                if step % opts["log_every"] == 0 or step == steps:
                    row = {"step": step, "loss": running / count, "lr": cosine_lr(opts["lr"], step, steps),
                           "seconds": round(time.perf_counter() - t0, 3)}
                    world.root_io(lambda: (stats.write(json.dumps(row) + "\n"), stats.flush()))
                    bar.set_postfix(loss=f"{row['loss']:.4g}")
                    running, count = 0.0, 0
                if step % int(opts["save_every"]) == 0 and step < steps:
                    world.root_io(lambda: (stats.flush(), _save_state(
                        tmp, step, model, optim, gen, running, count, row, time.perf_counter() - t0, stats.tell())))
                bar.update(1)
        bar.close()
        seconds = time.perf_counter() - t0

        def publish():
            (tmp / CHECKPOINT).unlink(missing_ok=True)    # of an attempt killed just before publishing
            save_checkpoint(model.cpu(), tmp / CHECKPOINT)
            (tmp / RESUME).unlink(missing_ok=True)
            publish_folder(tmp, out, force)
        world.on_root(publish)
    except BaseException as e:
        # keep an unfinished run that can be resumed (a kill, Ctrl-C, a full disk, another process
        # failing); a diverged run, or one stopped before its first saved state, holds nothing worth keeping
        if world.root and (isinstance(e, TinyscoreError) and not isinstance(e, distributed.PeerFailed)
                           or not (tmp / RESUME).is_file()):
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        torch.set_num_threads(threads)
    return {"run": str(out), "n": opts["n"], "loss": row["loss"], "steps_per_second": (steps - start) / max(
        seconds - elapsed, 1e-9), "seconds": seconds, "resumed_from": start, "world_size": world.size,
        "rank": world.rank}


class _Sink:
    """The stats file of a process other than 0: takes the writes and keeps nothing."""

    def write(self, text):
        return len(text)

    def flush(self):
        pass

    def tell(self):
        return 0


def _open_partial(tmp: Path, out: Path, opts: dict, fresh: bool):
    """Process 0: the saved state of the unfinished run (its stats cut back to it), or a new partial run."""
    state = _resume_state(tmp, opts, fresh)
    if state is None:
        tmp.mkdir()
        write_text(tmp / "options.json", json.dumps(opts, indent=2) + "\n", force=True)
        (tmp / "stats.jsonl").touch()
        return None
    with open(tmp / "stats.jsonl", "r+b") as f:   # drop lines logged after the saved step
        f.truncate(int(state["stats_bytes"]))
    saved = json.loads((tmp / "options.json").read_text())
    note = ""
    if saved.get("world_size", 1) != opts["world_size"]:
        note = f" with {opts['world_size']} process(es) (saved by {saved.get('world_size', 1)})"
    if saved.get("world_size") != opts["world_size"]:      # options.json names the processes of the last attempt
        write_text(tmp / "options.json", json.dumps({**saved, "world_size": opts["world_size"]}, indent=2) + "\n",
                   force=True)
    log.info(f"resuming {out} from step {int(state['step'])} of {int(opts['steps'])}{note}")
    return state


def _save_state(tmp: Path, step, model, optim, gen, running, count, row, elapsed, stats_bytes) -> None:
    """Everything the loop needs to continue at ``step + 1`` exactly as if it had never stopped."""
    state = {"format": "tinyscore.resume", "step": step, "elapsed": elapsed, "running": running, "count": count,
             "last_row": json.dumps(row) if row else "", "stats_bytes": stats_bytes,
             "model": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
             "optim": optim.state_dict(),
             "gen": gen.get_state(), "cpu_rng": torch.get_rng_state()}
    write_bytes(tmp / RESUME, torch_bytes(state), force=True)


def _resume_state(tmp: Path, opts: dict, fresh: bool):
    """The saved state of an unfinished run of the same options, or None (and a clean slate)."""
    if not tmp.exists():
        return None
    if not tmp.is_dir() or tmp.is_symlink():
        raise TinyscoreError(f"{tmp} is in the way of the unfinished run (not a folder made by tinyscore)")
    if fresh:
        shutil.rmtree(tmp)
        return None
    try:
        saved = json.loads((tmp / "options.json").read_text())
    except (OSError, ValueError):
        saved = None
    state = None
    if isinstance(saved, dict) and (tmp / RESUME).is_file():
        try:
            state = torch.load(tmp / RESUME, map_location="cpu", weights_only=True)
        except Exception:   # torch raises many kinds for a file cut short by a kill
            state = None
    if not isinstance(state, dict) or state.get("format") != "tinyscore.resume":
        shutil.rmtree(tmp)  # killed before its first saved state: nothing to resume, and it is ours
        return None
    same = {k: v for k, v in opts.items() if k not in RESUME_NEUTRAL}
    was = {k: v for k, v in saved.items() if k not in RESUME_NEUTRAL}
    if same != was:
        diff = sorted(k for k in set(same) | set(was) if same.get(k) != was.get(k))
        d = diff[0]
        raise TinyscoreError(f"an unfinished run with other options is in {tmp} ({d}: {was.get(d)!r}, now "
                             f"{same.get(d)!r}); rerun with its options to resume it, or pass --fresh to discard it")
    return state


def _progress(total: int, desc: str, enabled: bool):
    from tqdm.auto import tqdm
    return tqdm(total=total, desc=desc, disable=not enabled, leave=False, dynamic_ncols=True)
