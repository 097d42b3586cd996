"""Training: one loop for the three variants, writing a self-contained run directory.

    RUN/options.json   every option of the run (data, N, half, seeds, network, objective); for a
                       dataset file also its path relative to RUN and its sha256 (see "Moving a run")
    RUN/stats.jsonl    one JSON line per logging step: step, loss, lr, seconds, held-out losses
    RUN/model.pt       state dict + config as JSON: loads with torch.load(weights_only=True)

The loop is the same for every variant; only the loss callable differs (tinyscore.core.objectives).
Each step (:func:`train_step`, the update a student reads; the rest of this module is plumbing):
draw a batch of the training subset, a noise level per sample (log-uniform in
[sigma_min, sigma_max], or a geometric ladder), take an Adam step, decay the learning rate on a
cosine. One seed fixes the initialisation, the batches, the noise and the SSM projections.

**Held-out loss.** At every logging step the model is also scored, without gradients, on a fixed
held-out set: the first ``heldout`` test points of the dataset (never trained on), each with its
own noise level (stratified over the training range) and unit noise z drawn once from a separate
generator seeded with :data:`HELDOUT_SEED`. The score is the variant's own objective on these fixed
problems: the reconstruction error ||D(y) - x||^2 for the denoiser, and for ncsn and ssm the
denoising score matching loss ||sigma s(y) + z||^2 = ||D(y) - x||^2 / sigma^2 (SSM's objective equals
it up to a constant, and it needs no Jacobian). stats.jsonl gets ``heldout``; ``heldout_excess``, the
same mean of ||D - D*||^2 (/ sigma^2) where the optimal denoiser D* is known (mixtures); and
``heldout_ema``, the held-out loss of a moving average of the weights, from which :func:`convergence`
judges whether training was done. None of this draws from the training generator or touches the
update, so the trained bytes do not change.

The run is built in ``.RUN.tinyscore-partial`` beside RUN and renamed into place when finished, so
an interrupted run never leaves a half-written RUN behind. Every ``save_every`` steps the partial
run receives ``resume.pt`` (model, optimiser, schedule, generator states, step): running the same
command again after a crash or ``kill -9`` continues from there, and on CPU the final ``model.pt``
is byte-identical to that of an uninterrupted run. With ``keep_every`` the run also keeps the model
of every such step before the last (``model_step4000.pt``, tinyscore.storage.runs.kept_checkpoint): the
study's convergence gate reads its decision metric at 50%, 75% and 100% of training from them.

**Moving a run.** ``data`` is the dataset as typed, which names a file by a path that a move breaks.
When it names a file, options.json also records ``data_sha256``, the file's digest, and
``data_relative``, its path relative to the run directory (when the two share a folder below the
filesystem root, as in a study folder). A run whose ``data`` is gone is given the file at
``data_relative`` from where the run is now, only if its digest is ``data_sha256`` (:func:`run_data`);
an unfinished run resumes on the same file under another name. Runs recorded without these fields
(older ones, mixtures, folders of images) name their data only as typed. Image runs also record
``split_sha256`` (:meth:`~tinyscore.data.splits.Dataset.split_sha256`): a run is not resumed, nor analysed,
on data that no longer splits into the halves it was trained on (a folder's images changed, or the
identities beside an .npy are gone).

Under torchrun (``torchrun --nproc-per-node K cli.py train ...``) K processes train the one model
of the same command run alone, to float32 round-off: each evaluates the network on its share of
the global batch and the gradients are all-reduced (tinyscore.training.distributed). Process 0 alone
writes the run directory; options.json records ``world_size``.
"""
from __future__ import annotations

import contextlib
import copy
import json
import logging
import math
import os
import shutil
import time
from pathlib import Path

import torch

from tinyscore.config import BATCH_SIZE, HELDOUT, PRECISIONS, check_variant, is_conditional
from tinyscore.config import TRAIN_DEFAULTS as DEFAULTS      # every option of a run and its default
from tinyscore.devices import cpu_threads, pick_device
from tinyscore.training import distributed
from tinyscore.data.datasets import Dataset, split_spec
from tinyscore.errors import TinyscoreError, brief, shown
from tinyscore.storage.files import (allow_replace, check_destination, check_own_folder, create_new,
                                     destination_lock, file_sha256, open_append, open_own, publish_folder,
                                     remove_stale_temporaries, replacing, write_bytes, write_text)
from tinyscore.storage.limits import check_fits
from tinyscore.storage.runs import CHECKPOINT, KEPT_PATTERN, kept_checkpoint, load_weights_only, save_checkpoint, torch_bytes
from tinyscore.storage.mixture_files import BENCHMARKS
from tinyscore.core.nets import backbone_parameters
from tinyscore.core.models import ScoreModel, to_tensor
from tinyscore.core.objectives import make_loss, sample_sigma
from tinyscore.core.optim import Adam, cosine_lr

log = logging.getLogger("tinyscore")

#: seed of the held-out noise (a generator of its own: the training generator is never drawn from)
HELDOUT_SEED = 20250609


def backbone_arch(dataset: Dataset) -> str:
    """The backbone a dataset trains: the MLP for vectors, the conv UNet for images."""
    return "mlp" if len(dataset.shape) == 1 else "conv"


def model_config(dataset: Dataset, opts: dict) -> dict:
    """The JSON config from which :class:`ScoreModel` is rebuilt when a checkpoint is loaded."""
    arch = backbone_arch(dataset)
    net = {}
    if opts.get("width"):
        net["width" if arch == "mlp" else "base"] = int(opts["width"])
    conditional = is_conditional(opts["variant"], opts.get("conditional"))
    return {"variant": opts["variant"], "arch": arch, "shape": list(dataset.shape), "conditional": conditional,
            "sigma_data": float(dataset.sigma_data), "net": net}


#: options that do not change the trained model, so a run may be resumed with other values of them
#: (world_size: the draws and the gradient of a step do not depend on it, up to float32 round-off;
#: log_every: only how often stats.jsonl gets a row;
#: keep_every: only which models are kept beside the final one)
RESUME_NEUTRAL = ("threads", "save_every", "world_size", "log_every", "keep_every")
PARTIAL_SUFFIX = ".tinyscore-partial"
RESUME = "resume.pt"


def partial_path(out: Path) -> Path:
    """The unfinished run of ``out``: ``.NAME.tinyscore-partial`` beside it, kept for resuming."""
    return out.with_name(f".{out.name}{PARTIAL_SUFFIX}")


# ------------------------------------------------------------------------------ the data file, wherever the run moves
#: options.json fields that find a run's dataset file again once the folder holding both has moved
DATA_FIELDS = ("data_relative", "data_sha256", "split_sha256")
#: what a run directory holds: --force replaces a folder only when it holds nothing else
class _RunFiles(tuple):
    """The names a run directory holds: these, and the models kept on the way (``model_stepK.pt``)."""

    def __contains__(self, name) -> bool:
        return tuple.__contains__(self, name) or bool(isinstance(name, str) and KEPT_PATTERN.fullmatch(name))


RUN_FILES = _RunFiles(("options.json", "stats.jsonl", CHECKPOINT))


def data_path(spec: str) -> tuple[str, Path] | None:
    """A dataset spec naming a file or folder, split into its prefix and path ('celeba:', Path('x.h5'));
    None for a benchmark mixture's name."""
    return None if spec in BENCHMARKS else split_spec(spec)


def data_identity(spec: str, out: Path) -> dict:
    """What options.json records of a dataset file besides its spec: ``data_sha256``, its digest, and
    ``data_relative``, its path relative to the run directory ``out``, when the two share a folder below
    the filesystem root (a study folder, a project folder). Empty when ``spec`` names no file."""
    named = data_path(spec)
    if named is None or not named[1].is_file():
        return {}
    file, run = named[1].resolve(), out.parent.resolve() / out.name
    try:
        shared = Path(os.path.commonpath([file, run]))
    except ValueError:                  # on two drives: nothing to move together
        shared = None
    fields = {}
    if shared is not None and shared != Path(shared.anchor):
        fields["data_relative"] = Path(os.path.relpath(file, run)).as_posix()
    fields["data_sha256"] = file_sha256(file)
    return fields


def run_data(run, options: dict, where: str) -> str:
    """The dataset spec to load for a trained run: ``options["data"]`` as recorded, unless it names a
    file that is gone and the run recorded ``data_relative``: then the file at that path from where the
    run directory is now (the folder holding both has moved), once its digest is ``data_sha256``.
    Another file there is refused in one line; with nothing there, ``data`` is returned to fail as before."""
    spec, relative, sha = options["data"], options.get("data_relative"), options.get("data_sha256")
    named = data_path(spec)
    if named is None or relative is None or named[1].exists():
        return spec
    for field, value in (("data_relative", relative), ("data_sha256", sha)):
        if not isinstance(value, str) or not value:
            raise TinyscoreError(f"{where}: field {field!r} must be a non-empty string, got {brief(value)}")
    found = Path(os.path.normpath(Path(run).resolve() / relative))
    if not found.is_file():
        return spec
    if file_sha256(found) != sha:
        raise TinyscoreError(f"{where}: the run's data {shown(named[1])} is gone, and {shown(found)} (field "
                             "'data_relative') is another file (its sha256 is not field 'data_sha256'); "
                             "put the file the run was trained on there")
    return named[0] + str(found)


def train(dataset: Dataset, out, progress: bool = True, force: bool | None = None, fresh: bool = False,
          **options) -> dict:
    """Train one model on the first N points of one half of ``dataset``; write the run to ``out``.

    The run is built in ``.OUT.tinyscore-partial`` beside ``out``, which receives a resumable
    state (model, optimiser, schedule, random generators, step, statistics) every ``save_every``
    steps; the same call after a crash or a kill continues from the last saved step and gives a
    byte-identical ``model.pt`` on CPU. ``fresh`` discards an unfinished run instead. A lock beside
    ``out`` keeps a second writer away; ``out`` is replaced only with ``force`` (default: the
    enclosing ``tinyscore.storage.files.allow_replace``, which the command line sets; a value given
    here sets it for this call), checked again at the final rename. Returns a summary: run
    directory, effective N, final loss, steps per second.

    Under torchrun every process calls this with the same arguments; they train one model
    (tinyscore.training.distributed) and process 0 alone touches ``out``.
    """
    force = replacing() if force is None else bool(force)
    with allow_replace(force), distributed.join(options.get("device") or "auto") as world, \
            contextlib.ExitStack() as held:
        opts, device = world.agree(lambda: _resolve(dataset, world, options))
        out = Path(out)

        def take_destination():               # process 0 alone: the lock is held until the run is published
            check_destination(out, folder=True, owned=RUN_FILES)
            if not out.parent.is_dir():
                out.parent.mkdir(parents=True, exist_ok=True)
            held.enter_context(destination_lock(out))
            remove_stale_temporaries(out)
        world.on_root(take_destination)
        return _train_locked(dataset, out, opts, device, progress, fresh, world)


def _resolve(dataset: Dataset, world, options: dict):
    """The run's options, checked and completed, and its device."""
    opts = {**DEFAULTS, **{k: v for k, v in options.items() if v is not None}}
    unknown = set(opts) - set(DEFAULTS) - {"device", "resolution"}
    if unknown:
        raise TypeError(f"unknown training option(s): {', '.join(sorted(unknown))}")
    check_variant(opts["variant"])
    if opts["batch_size"] is None:                 # images are 1000x bigger than the mixtures' points
        opts["batch_size"] = BATCH_SIZE["vector" if len(dataset.shape) == 1 else "image"]
    for key in ("steps", "batch_size", "save_every"):
        if int(opts[key]) < 1:
            raise TinyscoreError(f"{key.replace('_', '-')} must be at least 1")
    if opts["log_every"] is None:       # at most 50 steps apart; up to 2,500 steps, at most 50 rows
        opts["log_every"] = max(1, min(50, -(-int(opts["steps"]) // 50)))
    if int(opts["log_every"]) < 1:
        raise TinyscoreError("log-every must be at least 1")
    if int(opts["keep_every"]) < 0:
        raise TinyscoreError("keep-every must be 0 (keep only the final model) or a number of steps")
    if opts["heldout"] is None:
        opts["heldout"] = HELDOUT["vector" if len(dataset.shape) == 1 else "image"]
    if int(opts["heldout"]) < 0:
        raise TinyscoreError("heldout must be 0 (off) or a number of held-out points")
    opts["heldout"] = min(int(opts["heldout"]), int(dataset.test_size))
    if not opts["lr"] > 0:
        raise TinyscoreError("the learning rate must be positive")
    if opts["precision"] not in PRECISIONS:
        raise TinyscoreError(f"unknown precision {opts['precision']!r}; choose one of {', '.join(PRECISIONS)}")
    if opts["precision"] != "fp32" and len(dataset.shape) == 1:
        raise TinyscoreError(f"--precision {opts['precision']} is for the convolutional backbone of image data; "
                             f"the MLP of {dataset.name} trains in fp32 (it would gain nothing and lose accuracy)")
    opts["sigma_max"] = float(opts["sigma_max"] or dataset.sigma_max)
    if int(opts["sigma_levels"]) == 1 or int(opts["sigma_levels"]) < 0:
        raise TinyscoreError(f"sigma-levels must be 0 (log-uniform noise levels) or a ladder of at least 2 "
                             f"levels, got {opts['sigma_levels']}")
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
        from tinyscore.core.ssm_paths import default_jvp
        opts["ssm_jvp"] = default_jvp(device, backbone_arch(dataset))
    opts["dataset"] = dataset.name
    opts["world_size"] = world.size
    return opts, device


def train_step(model, loss_fn, optim, x_train: torch.Tensor, step: int, opts: dict, gen: torch.Generator,
               ema=None, world=None) -> float:
    """One update, the whole of training repeated ``steps`` times; returns the batch's mean loss:

        x_b ~ the training set,  sigma_b ~ log-uniform on [sigma_min, sigma_max]    (b = 1..B)
        L = (1/B) sum_b loss(model, x_b, sigma_b)        (the variant's objective, tinyscore.core.objectives)
        p <- Adam(p, grad_p L) at the cosine learning rate of ``step``; then the moving average of p

    Under torchrun each process evaluates its rows of the same batch and the gradients are
    all-reduced (:meth:`tinyscore.training.distributed.World.backward`)."""
    batch, device = opts["batch_size"], x_train.device
    idx = torch.randint(0, x_train.shape[0], (batch,), generator=gen, device=device)
    sigma = sample_sigma(batch, opts["sigma_min"], opts["sigma_max"], gen, opts["sigma_levels"], device)
    if world is None or world.size == 1:
        with autocast(opts["precision"], device):
            loss = loss_fn(model, x_train[idx], sigma, gen).mean()
        optim.zero_grad()
        loss.backward()
        value = loss.item()
    else:
        optim.zero_grad()
        with autocast(opts["precision"], device):
            value = world.backward(loss_fn, model, x_train[idx], sigma, gen)
    optim.lr = cosine_lr(opts["lr"], step - 1, int(opts["steps"]))
    optim.step()
    if ema is not None:
        ema.update(model, step)
    return value


def _train_locked(dataset, out: Path, opts: dict, device, progress: bool, fresh: bool,
                  world: distributed.World | None = None) -> dict:
    """Train with the destination held: build, resume what a saved state holds, run the steps, publish."""
    world = world or distributed.World()
    model, loss_fn, optim, gen, x_train = _setup(dataset, opts, device)
    heldout = heldout_set(dataset, opts, device) if world.root else None   # process 0 alone scores it
    tmp = partial_path(out)
    split = dataset.split_sha256()
    state = world.on_root(lambda: _open_partial(tmp, out, opts, fresh, split))   # read by process 0, sent to all
    start, elapsed, rows = _restore(state, model, optim, gen)
    world.broadcast_model(model)
    ema = None if heldout is None else _Ema(model, int(opts["steps"]), state.get("ema") if state is not None else None)
    with cpu_threads(int(opts["threads"]), device):
        try:
            seconds = _run_steps(model, loss_fn, optim, x_train, gen, ema, heldout, opts, world, tmp, start,
                                 elapsed, rows, progress)
            world.on_root(lambda: _publish(tmp, out, model))
        except BaseException as e:
            _discard_unless_resumable(e, tmp, world)
            raise
    return _summary(out, opts, rows.last, start, elapsed, seconds, world, heldout)


def _setup(dataset, opts: dict, device):
    """(model, loss, optimiser, generator, training set): everything the seed fixes, in the order that
    draws the initial weights from it."""
    x_train = to_tensor(dataset.subset(opts["n"], opts["half"]), device)
    torch.manual_seed(opts["seed"])
    config = model_config(dataset, opts)
    params = backbone_parameters(config["arch"], config["shape"], config["conditional"], **config["net"])
    check_fits(16.0 * params, f"training a network of {params:,} parameters (weights, gradients, Adam moments)")
    model = ScoreModel(config).to(device)
    loss_fn = make_loss(opts["variant"], opts["ssm_vr"], opts["ssm_kind"], opts["ssm_proj"], opts["ssm_jvp"])
    optim = Adam(model.parameters(), lr=opts["lr"])
    gen = torch.Generator(device=device).manual_seed(opts["seed"])
    return model, loss_fn, optim, gen, x_train


def _restore(state, model, optim, gen):
    """(first step done, seconds spent, the stats rows' running sums) from a saved state (None: a new run)."""
    if state is None:
        return 0, 0.0, _Rows()
    model.load_state_dict(state["model"])
    optim.load_state_dict(state["optim"])
    gen.set_state(state["gen"])
    torch.set_rng_state(state["cpu_rng"])
    row = json.loads(state["last_row"]) if state["last_row"] else None
    return int(state["step"]), float(state["elapsed"]), _Rows(float(state["running"]), int(state["count"]), row)


class _Rows:
    """The loss summed since the last row of stats.jsonl, and the last row written."""

    def __init__(self, running: float = 0.0, count: int = 0, last: dict | None = None):
        self.running, self.count, self.last = running, count, last

    def add(self, value: float) -> None:
        self.running, self.count = self.running + value, self.count + 1

    def row(self, step: int, opts: dict, seconds: float) -> dict:
        """The row of ``step`` (the mean loss since the last one); the sums start again."""
        self.last = {"step": step, "loss": self.running / self.count,
                     "lr": cosine_lr(opts["lr"], step, int(opts["steps"])), "seconds": round(seconds, 3)}
        self.running, self.count = 0.0, 0
        return self.last


def _run_steps(model, loss_fn, optim, x_train, gen, ema, heldout, opts, world, tmp: Path, start: int,
               elapsed: float, rows: _Rows, progress: bool) -> float:
    """Steps start + 1 .. steps, with a row of stats.jsonl every ``log_every`` steps and a resumable
    state every ``save_every``; returns the seconds of the whole run (earlier attempts included)."""
    steps = int(opts["steps"])
    bar = _progress(steps, f"train {opts['variant']}", progress and world.root)
    bar.update(start)
    t0 = time.perf_counter() - elapsed
    # process 0 alone writes (the others' stats are a sink): every process runs the same loop
    with open_append(tmp / "stats.jsonl", create=False) if world.root else contextlib.nullcontext(_Sink()) \
            as stats:
        for step in range(start + 1, steps + 1):
            value = train_step(model, loss_fn, optim, x_train, step, opts, gen, ema, world)
            if not math.isfinite(value):
                raise world.shared(TinyscoreError(f"training diverged at step {step} (loss {value}); "
                                                  "try a smaller --lr"))
            rows.add(value)
            if step % opts["log_every"] == 0 or step == steps:
                row = _log_row(rows, step, opts, time.perf_counter() - t0, model, ema, heldout)
                world.root_io(lambda: (stats.write(json.dumps(row) + "\n"), stats.flush()))
                bar.set_postfix(loss=f"{row['loss']:.4g}")
            if int(opts["keep_every"]) and step % int(opts["keep_every"]) == 0 and step < steps:
                world.root_io(lambda: save_checkpoint(model, tmp / kept_checkpoint(step)))
            if step % int(opts["save_every"]) == 0 and step < steps:
                world.root_io(lambda: (stats.flush(), _save_state(
                    tmp, step, model, optim, gen, rows.running, rows.count, rows.last, time.perf_counter() - t0,
                    stats.tell(), ema)))
            bar.update(1)
    bar.close()
    return time.perf_counter() - t0


def _log_row(rows: _Rows, step: int, opts: dict, seconds: float, model, ema, heldout) -> dict:
    """A row of stats.jsonl, with the held-out losses: of the averaged weights at every row (convergence
    reads them), and of the model itself at the last step."""
    row = rows.row(step, opts, seconds)
    if heldout is not None:
        if step == int(opts["steps"]):
            row.update(heldout_loss(model, heldout))
        row["heldout_ema"] = heldout_loss(ema.model, heldout, with_excess=False)["heldout"]
    return row


def _publish(tmp: Path, out: Path, model) -> None:
    """Process 0: model.pt into the partial run, the resumable state out of it, the run renamed into place."""
    (tmp / CHECKPOINT).unlink(missing_ok=True)    # of an attempt killed just before publishing
    save_checkpoint(model.cpu(), tmp / CHECKPOINT)
    (tmp / RESUME).unlink(missing_ok=True)
    publish_folder(tmp, out, owned=RUN_FILES)       # replaced only under allow_replace, set by train


def _discard_unless_resumable(error: BaseException, tmp: Path, world) -> None:
    """Keep an unfinished run that can be resumed (a kill, Ctrl-C, a full disk, another process failing);
    a diverged run, or one stopped before its first saved state, holds nothing worth keeping."""
    if world.root and (isinstance(error, TinyscoreError) and not isinstance(error, distributed.PeerFailed)
                       or not (tmp / RESUME).is_file()):
        shutil.rmtree(tmp, ignore_errors=True)


def _summary(out: Path, opts: dict, row: dict, start: int, elapsed: float, seconds: float, world, heldout) -> dict:
    """What :func:`train` returns: the run, its N, the last logged loss, speed, and (process 0) convergence."""
    summary = {"run": str(out), "n": opts["n"], "loss": row["loss"],
               "steps_per_second": (int(opts["steps"]) - start) / max(seconds - elapsed, 1e-9), "seconds": seconds,
               "resumed_from": start, "world_size": world.size, "rank": world.rank}
    if world.root and heldout is not None:
        summary["heldout"] = row.get("heldout")
        summary["convergence"] = convergence(read_stats(out / "stats.jsonl"))
    return summary


# ------------------------------------------------------------------------------ held-out loss, convergence
def autocast(precision: str, device: torch.device):
    """The forward pass's precision. ``fp32``: nothing changes. ``bf16``: torch.autocast runs the
    convolutions and matrix products of the backbone in bfloat16 (8 bits of mantissa), while the
    weights, the optimiser, the preconditioning and the loss stay in float32 (autocast keeps
    reductions such as GroupNorm and the squared error in float32, and ScoreModel casts the backbone's
    output back to its input's dtype). On CPUs with AMX-bf16 and on GPUs the convolutions run in
    roughly half the time; what it costs in accuracy is measured in README ("Performance")."""
    if precision == "fp32":
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16)


def heldout_sigmas(k: int, sigma_min: float, sigma_max: float, levels: int = 0) -> torch.Tensor:
    """k noise levels spread evenly over the training distribution: the quantiles (i + 1/2) / k of
    sample_sigma's uniform variable, mapped exactly as sample_sigma maps it (ladder included)."""
    u = (torch.arange(k, dtype=torch.float64) + 0.5) / k
    if levels > 1:
        u = torch.floor(u * levels) / (levels - 1)
    return torch.exp(math.log(sigma_min) + u * math.log(sigma_max / sigma_min)).float()


def heldout_set(dataset: Dataset, opts: dict, device) -> dict | None:
    """The fixed held-out problems of a run: (x, sigma, z) for the first ``opts["heldout"]`` test points,
    z from a generator of its own (:data:`HELDOUT_SEED`); None when ``heldout`` is 0."""
    k = int(opts.get("heldout") or 0)
    if k <= 0:
        return None
    x = to_tensor(dataset.test(k), "cpu")
    g = torch.Generator(device="cpu").manual_seed(HELDOUT_SEED)
    order = torch.randperm(k, generator=g)          # which test point gets which noise level
    sigma = heldout_sigmas(k, opts["sigma_min"], opts["sigma_max"], opts["sigma_levels"])[order]
    z = torch.randn(x.shape, generator=g)
    held = {"x": x.to(device), "sigma": sigma.to(device), "z": z.to(device),
            "objective": heldout_objective(opts["variant"])}
    mixture = getattr(dataset, "mixture", None)
    if mixture is not None:        # a known density: the optimal denoiser D* of the same inputs
        y = _noisy(x, sigma, z).double().numpy()
        held["optimum"] = torch.from_numpy(mixture.denoise(y, sigma.double().numpy())).to(device)
    return held


def _noisy(x, sigma, z):
    return x + sigma.view((-1,) + (1,) * (x.dim() - 1)) * z


def heldout_objective(variant: str) -> str:
    """'reconstruction' (||D - x||^2, the denoiser's objective) or 'dsm' (||D - x||^2 / sigma^2)."""
    return "reconstruction" if variant == "denoiser" else "dsm"


class _Ema:
    """A moving average of the weights, watched on the held-out set and never trained or saved in
    model.pt: the mean of all iterates up to step ``tau``, then an exponential average with time
    constant ``tau`` = steps / 20. Its held-out loss is that of the average iterate, without most of
    the noise that the learning rate adds to the iterate itself."""

    def __init__(self, model, steps: int, saved=None):
        self.model = copy.deepcopy(model)
        for p in self.model.parameters():
            p.requires_grad_(False)
        if saved is not None:
            self.model.load_state_dict(saved)
        self.tau = max(1.0, steps / 20)

    @torch.no_grad()
    def update(self, model, step: int) -> None:
        keep = min(1 - 1 / self.tau, 1 - 1 / step)
        for mine, p in zip(self.model.parameters(), model.parameters()):
            mine.mul_(keep).add_(p.detach(), alpha=1 - keep)


@torch.no_grad()
def heldout_loss(model, held: dict, batch: int = 512, with_excess: bool = True) -> dict:
    """{"heldout": mean over the held-out set of ||D(x + sigma z, sigma) - x||^2, divided by sigma^2 for
    'dsm' (then it is ||sigma s + z||^2)}, and where the optimum D* is known (mixtures)
    "heldout_excess": the same mean of ||D - D*||^2 (/ sigma^2), the part of the loss above its minimum."""
    total = excess = 0.0
    x, sigma, z, best = held["x"], held["sigma"], held["z"], held.get("optimum") if with_excess else None
    dsm = held.get("objective", "dsm") == "dsm"
    for a in range(0, x.shape[0], batch):
        xs, ss = x[a:a + batch], sigma[a:a + batch]
        den = model.denoise(_noisy(xs, ss, z[a:a + batch]), ss).reshape(xs.shape[0], -1).double()
        w = 1 / ss.double() ** 2 if dsm else torch.ones_like(ss, dtype=torch.float64)
        total += float((((den - xs.reshape(xs.shape[0], -1).double()) ** 2).sum(1) * w).sum())
        if best is not None:
            excess += float((((den - best[a:a + batch].reshape(xs.shape[0], -1)) ** 2).sum(1) * w).sum())
    out = {"heldout": total / x.shape[0]}
    if best is not None:
        out["heldout_excess"] = excess / x.shape[0]
    return out


#: the convergence test (see :func:`convergence`): over the last WINDOW of the steps, the held-out loss of
#: the averaged weights changes by at most TOLERANCE of its value. Why these, from runs of 2-D, 100-D and
#: 40x40 models compared with 2.5x to 8x longer runs of the same cell: the cosine schedule leaves only 1.3%
#: of the summed learning rate to the last 20% of the steps, so any loss is flat there, done or not
#: (spiral / ssm, N = 1000: -0.1% over the last 20% of 2,500 steps, yet 4,000 steps end 1% lower with half
#: the excess over the optimum); the second half keeps 18%. Over the second half the iterate's own loss
#: also falls as the schedule anneals the noise away, by up to 3% in runs that longer training did not
#: improve (ssm); the averaged weights carry little of that noise. Their loss changed by -0.9% to -5.1%
#: in the runs that longer ones still improved and by -0.7% to +0.5% in those they did not, so 1% parts
#: them (README, "The whole study", has the runs).
CONVERGENCE_WINDOW = 0.5
CONVERGENCE_TOLERANCE = 0.01


def read_stats(path) -> list:
    """The rows of a stats.jsonl (lines that do not parse are skipped)."""
    rows = []
    for line in Path(path).read_text().splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if isinstance(r, dict) and isinstance(r.get("step"), int):
            rows.append(r)
    return rows


def convergence(rows, window: float = CONVERGENCE_WINDOW, tolerance: float = CONVERGENCE_TOLERANCE) -> dict:
    """Whether training had stopped improving the model, from the rows of a stats.jsonl.

    The measure is the held-out loss of the averaged weights (``heldout_ema``; the model's own
    ``heldout`` for rows without it). A straight line is fitted to it over the last ``window`` of the
    steps; ``change`` is the line's rise across the window divided by its value at the last step
    (negative: still falling; positive: rising, as when a small training set is being memorised).
    Converged when |change| <= ``tolerance``. Also given: ``end`` and ``excess_end``, the model's last
    held-out loss and its excess over the optimum's (mixtures). Without held-out rows (a run trained
    before they were logged), or with fewer than 3 in the window, ``converged`` is None."""
    key = "heldout_ema" if any(isinstance(r.get("heldout_ema"), (int, float)) for r in rows) else "heldout"
    pts = [(r["step"], float(r[key])) for r in rows if isinstance(r.get(key), (int, float))]
    out = {"measure": key, "window": window, "tolerance": tolerance, "change": None, "converged": None,
           "end": None, "excess_end": None, "points": 0}
    if not pts:
        return out
    last = next((r for r in reversed(rows) if isinstance(r.get("heldout"), (int, float))), {})
    out["end"] = float(last["heldout"])
    if isinstance(last.get("heldout_excess"), (int, float)):
        out["excess_end"] = float(last["heldout_excess"])
    end = max(s for s, _ in pts)
    lo = end * (1 - window)
    win = [(s, h) for s, h in pts if s >= lo]
    out["points"] = len(win)
    if len(win) < 3 or not all(math.isfinite(h) for _, h in win):
        return out
    n = len(win)
    ms, mh = sum(s for s, _ in win) / n, sum(h for _, h in win) / n
    slope = sum((s - ms) * (h - mh) for s, h in win) / sum((s - ms) ** 2 for s, _ in win)
    fit_end = mh + slope * (end - ms)
    out["change"] = slope * (end - lo) / max(abs(fit_end), 1e-300)
    out["converged"] = bool(abs(out["change"]) <= tolerance)
    return out



class _Sink:
    """The stats file of a process other than 0: takes the writes and keeps nothing."""

    def write(self, text):
        return len(text)

    def flush(self):
        pass

    def tell(self):
        return 0


def _open_partial(tmp: Path, out: Path, opts: dict, fresh: bool, split: str | None = None):
    """Process 0: the saved state of the unfinished run (its stats cut back to it), or a new partial run.
    ``split``: the dataset's :meth:`~tinyscore.data.splits.Dataset.split_sha256`, recorded and checked."""
    found = data_identity(opts["data"], out)          # the data file's place and digest (read once, here)
    if split is not None:
        found["split_sha256"] = split
    state, saved = _resume_state(tmp, opts, fresh, found)
    if state is None:
        tmp.mkdir()
        write_text(tmp / "options.json", json.dumps({**opts, **found}, indent=2) + "\n", force=True)
        os.close(create_new(tmp / "stats.jsonl"))
        return None
    with os.fdopen(open_own(tmp / "stats.jsonl", create=False), "r+b") as f:   # drop lines logged after the saved step
        f.truncate(int(state["stats_bytes"]))
    note = ""
    if saved.get("world_size", 1) != opts["world_size"]:
        note = f" with {opts['world_size']} process(es) (saved by {saved.get('world_size', 1)})"
    now = {"world_size": opts["world_size"]}              # options.json names the processes of the last attempt
    if saved.get("data") != opts["data"]:                  # the same file under another name (see _resume_state)
        saved = {k: v for k, v in saved.items() if k not in DATA_FIELDS}
        now.update(data=opts["data"], **found)             # ... named as it is now
    if any(saved.get(k) != v for k, v in now.items()):
        write_text(tmp / "options.json", json.dumps({**saved, **now}, indent=2) + "\n", force=True)
    log.info(f"resuming {out} from step {int(state['step'])} of {int(opts['steps'])}{note}")
    return state


def _save_state(tmp: Path, step, model, optim, gen, running, count, row, elapsed, stats_bytes, ema=None) -> None:
    """Everything the loop needs to continue at ``step + 1`` exactly as if it had never stopped
    (written atomically: a kill leaves the previous state whole)."""
    state = {"format": "tinyscore.resume", "step": step, "elapsed": elapsed, "running": running, "count": count,
             "last_row": json.dumps(row) if row else "", "stats_bytes": stats_bytes,
             "model": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
             "optim": optim.state_dict(),
             "gen": gen.get_state(), "cpu_rng": torch.get_rng_state()}
    if ema is not None:
        state["ema"] = {k: v.detach().cpu().clone() for k, v in ema.model.state_dict().items()}
    write_bytes(tmp / RESUME, torch_bytes(state), force=True)


#: what a resume state holds, and of which type
STATE_FIELDS = {"step": int, "elapsed": (int, float), "running": (int, float), "count": int, "last_row": str,
                "stats_bytes": int, "model": dict, "optim": dict, "gen": torch.Tensor, "cpu_rng": torch.Tensor}


def _read_partial(tmp: Path):
    """(options.json, resume state, what is damaged) of the unfinished run in ``tmp``. No state at all
    (a run stopped before its first save) is (..., None, None): nothing to resume, nothing lost."""
    resume, opts_file = tmp / RESUME, tmp / "options.json"
    if not resume.exists() and not resume.is_symlink():
        return None, None, None
    if resume.is_symlink() or not resume.is_file():
        return None, None, f"{resume} is not a regular file"
    try:
        state = load_weights_only(resume.read_bytes())     # torch's warnings dropped, as for every load
    except Exception as e:   # torch raises many kinds for a file cut short or overwritten
        first = (str(e).strip().splitlines() or [type(e).__name__])[0][:120]
        return None, None, f"{resume} is not a readable resume state (truncated or overwritten? {first})"
    if not isinstance(state, dict) or state.get("format") != "tinyscore.resume":
        return None, None, f"{resume} is not a tinyscore resume state"
    bad = next((k for k, kind in STATE_FIELDS.items() if not isinstance(state.get(k), kind)), None)
    if bad is not None:
        return None, None, f"{resume} lacks a valid field {bad!r}"
    try:
        saved = json.loads(opts_file.read_text())
    except (OSError, ValueError) as e:
        return None, None, f"{opts_file} cannot be read ({getattr(e, 'strerror', None) or e})"
    if not isinstance(saved, dict):
        return None, None, f"{opts_file} does not hold a JSON object"
    stats = tmp / "stats.jsonl"
    if stats.is_symlink() or not stats.is_file():
        return None, None, f"{stats} is {'a symbolic link' if stats.is_symlink() else 'missing'}"
    if stats.stat().st_size < state["stats_bytes"]:
        return None, None, f"{stats} is shorter than the state saved with it says ({state['stats_bytes']} bytes)"
    return saved, state, None


def _resume_state(tmp: Path, opts: dict, fresh: bool, found: dict | None = None):
    """(The saved state of an unfinished run of the same options, its options.json as read and checked), or
    (None, None) and a clean slate.

    A damaged unfinished run (its state unreadable, cut short or inconsistent) is refused with one
    line naming the file: training from step 0 would discard it without a word, and what looks
    damaged may be a state this version cannot read. ``fresh`` (``--fresh``) discards it. The
    folder must be a real folder of this user (:func:`~tinyscore.storage.files.check_own_folder`):
    its files are trusted and written again.

    ``data`` may differ when the run recorded the digest of its data file and ``found`` (the
    :func:`data_identity` of the data now) has the same: the file was moved, or is named otherwise."""
    if not tmp.exists() and not tmp.is_symlink():
        return None, None
    check_own_folder(tmp)
    if fresh:
        shutil.rmtree(tmp)
        return None, None
    saved, state, damage = _read_partial(tmp)
    if damage is not None:
        raise TinyscoreError(f"the unfinished run in {tmp} cannot be resumed: {damage}; pass --fresh to discard "
                             "it and train from step 0, or move it away to keep it")
    if state is None:
        shutil.rmtree(tmp)  # stopped before its first saved state: nothing to resume, and it is ours
        return None, None
    if saved.get("split_sha256") is not None and saved["split_sha256"] != (found or {}).get("split_sha256"):
        raise TinyscoreError(f"the unfinished run in {tmp} was trained on other halves of {brief(opts['data'])} "
                             "than it splits into now (field 'split_sha256'): its images, or the identities beside "
                             "them, have changed; restore them to resume, or pass --fresh to start over")
    same = {k: v for k, v in opts.items() if k not in RESUME_NEUTRAL}
    was = {k: v for k, v in saved.items() if k not in RESUME_NEUTRAL + DATA_FIELDS}
    if saved.get("data_sha256") and saved["data_sha256"] == (found or {}).get("data_sha256"):
        was["data"] = same["data"]        # the very file trained on, wherever it is now
    if "heldout" not in was:          # saved before the held-out loss was logged: it does not change the model
        was["heldout"] = same.get("heldout")
    was.setdefault("precision", "fp32")   # saved before --precision existed: those runs trained in fp32
    if same != was:
        diff = sorted(k for k in set(same) | set(was) if same.get(k) != was.get(k))
        d = diff[0]
        raise TinyscoreError(f"an unfinished run with other options is in {tmp} ({d}: {was.get(d)!r}, now "
                             f"{same.get(d)!r}); rerun with its options to resume it, or pass --fresh to discard it")
    return state, saved


def _progress(total: int, desc: str, enabled: bool):
    from tqdm.auto import tqdm
    return tqdm(total=total, desc=desc, disable=not enabled, leave=False, dynamic_ncols=True)
