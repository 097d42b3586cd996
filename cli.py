"""tinyscore command line: parses and validates, then calls the library.

    python cli.py train --variant ssm          # trains on an embedded default, no download
    python cli.py trajectories RUN --out a.h5  # denoising trajectories into HDF5
    python cli.py diverge a.h5 b.h5            # how two models diverge as sigma -> 0

Bad input gets one line on stderr and exit status 2, never a traceback.
"""
from __future__ import annotations

import contextlib
import errno
import functools
import gc
import json
import logging
import math
import os
import re
import sys
from pathlib import Path

import click

from tinyscore import __version__
from tinyscore.config import (ANALYSIS_SIGMAS, ATTRACTOR_EPS_TEXT, BATCH_SIZE, BLIND_VARIANT, BOOTSTRAP_LEVEL,
                              BOOTSTRAP_REPS, BOOTSTRAP_SEED, HELDOUT, PRECISIONS, STUDY_SCALES, VARIANTS)
from tinyscore.config import SSM_JVP, SSM_KINDS
from tinyscore.config import TRAIN_DEFAULTS as TRAIN
from tinyscore.errors import TinyscoreError, one_line

SEED = click.IntRange(0, 2 ** 63 - 1)      # what every generator (NumPy, torch) accepts
log = logging.getLogger("tinyscore")


def _data_options(f):
    """--data / --data-seed / --resolution: how a dataset is chosen, shared by several commands."""
    f = click.option("--resolution", type=click.IntRange(min=4), default=None,
                     help="Images only: downsample to this many pixels a side at load.")(f)
    f = click.option("--data-seed", type=SEED, default=TRAIN["data_seed"], show_default=True,
                     help="Seed of the sample pool and its split into halves A, B and test.")(f)
    return f


def _json_out(obj, path) -> None:
    from tinyscore.storage.files import write_text
    write_text(path, json.dumps(obj, indent=2) + "\n")


class _Finite(click.FloatRange):
    """A FloatRange that also refuses infinity (which a range with no upper bound lets through: 1e309
    is inf) and NaN."""

    def convert(self, value, param, ctx):
        v = super().convert(value, param, ctx)
        if not math.isfinite(v):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return v


#: --threads above this is refused: torch crashed (a segmentation fault) on 100,000 threads
MAX_THREADS = 1024

PLOT_FORMATS = (".png", ".pdf", ".svg", ".jpg", ".jpeg", ".eps", ".ps", ".tif", ".tiff")


def _check_outputs(force: bool, paths: dict, make_parents=(), inputs=(), figures=("plot_path",)) -> None:
    """Refuse, before any work, an output that exists (without --force), lies in a missing folder,
    is a figure in a format we cannot draw, is named by two output options, or would replace one of
    the command's ``inputs`` (the file itself, or, with --force, a file inside an input folder such
    as the run being read)."""
    from tinyscore.storage.files import check_destination, check_not_input
    seen = {}
    for option, p in paths.items():
        if p is None:
            continue
        key = os.path.abspath(p)
        if key in seen:
            raise TinyscoreError(f"--{_flag(seen[key])} and --{_flag(option)} name the same file {p}; "
                                 "give each output its own name")
        seen[key] = option
        p = Path(p)
        check_not_input(p, inputs)
        check_destination(p, force)
        if not p.parent.is_dir() and option not in make_parents:
            raise TinyscoreError(f"folder {p.parent} of {p} does not exist")
        if option in figures and p.suffix.lower() not in PLOT_FORMATS:
            raise TinyscoreError(f"--{_flag(option)} {p}: unknown figure format {p.suffix or '(none)'!r}; "
                                 f"use one of {', '.join(PLOT_FORMATS)}")


def _threads(f, numpy_only=None):
    """--threads for an analysis command: torch's and NumPy's BLAS CPU threads while it runs (default 1, as
    training: on a shared 2-core machine spin-waiting OpenMP threads made trajectories and attractors 4-8x slower).
    ``numpy_only(params)``: whether these parameters run NumPy alone; then only its BLAS is told, and torch,
    which would take a second to load, is not loaded."""
    @functools.wraps(f)
    def wrapper(*args, threads, **kwargs):
        from tinyscore.devices import blas_threads, cpu_threads
        numpy_alone = numpy_only is not None and numpy_only(kwargs)
        with (blas_threads if numpy_alone else cpu_threads)(threads):    # the exact mixture's is NumPy's BLAS
            return f(*args, **kwargs)
    return click.option("--threads", type=click.IntRange(min=0, max=MAX_THREADS), default=1, show_default=True,
                        help="CPU threads (0: torch's default, all cores).")(wrapper)


def _numpy_route(params) -> bool:
    """Whether ``trajectories`` runs NumPy alone (tinyscore.analyses.trajectories.numpy_route)."""
    from tinyscore.analyses.trajectories import numpy_route
    return numpy_route(params["model"], params["device"])


def _flag(option: str) -> str:
    """The command-line spelling of an output option's parameter name: json_path -> json."""
    return option.removesuffix("_path").replace("_", "-")


def _bootstrap_options(over: str):
    """--reps, --boot-seed and --level of a command whose numbers carry percentile bootstrap intervals over
    ``over``, then --json and --device (controls, convergence, geometry)."""
    def decorate(f):
        for option in reversed([
                click.option("--reps", type=click.IntRange(min=10, max=100000), default=BOOTSTRAP_REPS,
                             show_default=True, help=f"Bootstrap resamples of {over}."),
                click.option("--boot-seed", type=SEED, default=BOOTSTRAP_SEED, show_default=True,
                             help="Seed of the resamples."),
                click.option("--level", type=_Finite(min=0.5, max=0.999), default=BOOTSTRAP_LEVEL, show_default=True,
                             help="Coverage of the percentile intervals."),
                click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
                             help="Write the numbers as JSON."),
                click.option("--device", default="auto", show_default=True)]):
            f = option(f)
        return f
    return decorate


def _writes(*options, make_parents=(), inputs=(), figures=("plot_path",), folders=(),
            force_help="Replace output files that exist already."):
    """Give a command --force, and check its output options before it starts any work; ``inputs``
    names the parameters that are files or folders the command reads, ``figures`` the outputs that
    are figures (their suffix names the format), ``folders`` the outputs that are folders, which
    the command checks and locks itself (only it knows what such a folder may hold).

    The one way --force reaches the library: the whole command runs inside
    ``tinyscore.storage.files.allow_replace(force)`` (see that module's docstring)."""
    def deco(f):
        @functools.wraps(f)
        def wrapper(*args, force, **kwargs):
            from tinyscore.storage.files import allow_replace, destination_lock
            outputs = {o: kwargs.get(o) for o in options if o not in folders}
            _check_outputs(force, outputs, make_parents, [kwargs[i] for i in inputs if kwargs.get(i)], figures)
            with allow_replace(force), contextlib.ExitStack() as stack:
                for p in outputs.values():       # held from the start: a second writer fails at once
                    if p is not None and Path(p).parent.is_dir():
                        stack.enter_context(destination_lock(p))
                return f(*args, **kwargs)
        return click.option("--force", is_flag=True, help=force_help)(wrapper)
    return deco


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(version=__version__, message="tinyscore %(version)s")
def cli():
    """Score-based diffusion models in the low-noise regime."""
    from tinyscore.storage.malloc import keep_freed_memory
    keep_freed_memory()          # no page faults for the tensors each step frees and allocates again


# ------------------------------------------------------------------------------- train
@cli.command()
@click.option("--variant", type=click.Choice(VARIANTS), default=TRAIN["variant"], show_default=True,
              help="Objective: reconstruction (denoiser), denoising score matching (ncsn), sliced score matching (ssm).")
@click.option("--data", default=TRAIN["data"], show_default=True,
              help="Benchmark mixture name, a mixture FILE.json, celeba:FILE.h5, an image folder or .npy/.npz.")
@_data_options
@click.option("--n", type=click.IntRange(min=1), default=TRAIN["n"], show_default=True,
              help="Train on the first N points of the half (capped at the half's size).")
@click.option("--half", type=click.Choice(["a", "b"]), default=TRAIN["half"], show_default=True,
              help="Which disjoint half.")
@click.option("--steps", type=click.IntRange(min=1), default=TRAIN["steps"], show_default=True)
@click.option("--batch-size", type=click.IntRange(min=1), default=TRAIN["batch_size"],
              help=f"Samples per step [default: {BATCH_SIZE['vector']} for vectors, {BATCH_SIZE['image']} for images].")
@click.option("--lr", type=_Finite(min=0, min_open=True), default=TRAIN["lr"], show_default=True,
              help="Adam learning rate (cosine-decayed to 0).")
@click.option("--seed", type=SEED, default=TRAIN["seed"], show_default=True,
              help="Seed of initialisation, batches and noise.")
@click.option("--sigma-min", type=_Finite(min=0, min_open=True), default=TRAIN["sigma_min"], show_default=True)
@click.option("--sigma-max", type=_Finite(min=0, min_open=True), default=TRAIN["sigma_max"],
              help="Top of the training noise range [default: 1.0 for images, about twice the spread for mixtures].")
@click.option("--sigma-levels", type=click.IntRange(min=0), default=TRAIN["sigma_levels"], show_default=True,
              help="0: sigma log-uniform; L > 1: a geometric ladder of L levels (NCSN style).")
@click.option("--conditional/--blind", default=TRAIN["conditional"],
              help=f"Make the denoiser sigma-aware [default: blind for {BLIND_VARIANT}, conditional for "
                   f"{' and '.join(v for v in VARIANTS if v != BLIND_VARIANT)}].")
@click.option("--width", type=click.IntRange(min=4), default=TRAIN["width"],
              help="Backbone width (MLP hidden width, or base channels of the conv UNet).")
@click.option("--ssm-objective", type=click.Choice(["vr", "plain"]), default="vr" if TRAIN["ssm_vr"] else "plain",
              show_default=True,
              help="SSM-VR (1/2 ||s||^2) or plain SSM (1/2 (v^T s)^2).")
@click.option("--ssm-projection", type=click.Choice(SSM_KINDS), default=TRAIN["ssm_kind"],
              show_default=True)
@click.option("--ssm-projections", type=click.IntRange(min=1), default=TRAIN["ssm_proj"], show_default=True,
              help="Number M of projections per sample.")
@click.option("--ssm-jvp", type=click.Choice(SSM_JVP), default=TRAIN["ssm_jvp"],
              show_default=True,
              help="How v^T J v is computed: double backward, forward mode, or auto (the faster, measured: "
                   "forward mode for the MLP on CPU, the double backward otherwise).")
@click.option("--precision", type=click.Choice(PRECISIONS), default=TRAIN["precision"], show_default=True,
              help="bf16: autocast the convolutional backbone of image data to bfloat16 (faster on GPUs and on "
                   "CPUs with AMX; its accuracy cost is measured in README). Weights and loss stay fp32.")
@click.option("--heldout", type=click.IntRange(min=0), default=TRAIN["heldout"],
              help="Held-out test points scored in stats.jsonl for the convergence record; 0: none (a short "
                   f"image run spends a large part of its time there) [default: {HELDOUT['vector']} for vectors, "
                   f"{HELDOUT['image']} for images].")
@click.option("--device", default="auto", show_default=True, help="auto, cpu, cuda or cuda:K.")
@click.option("--threads", type=click.IntRange(min=0, max=MAX_THREADS), default=TRAIN["threads"], show_default=True,
              help="CPU threads for training (0: torch's default, all cores).")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Run directory [default: runs/VARIANT-DATA-HALFN-sSEED].")
@_writes("out", folders=("out",), force_help="Replace an existing run directory.")
@click.option("--save-every", type=click.IntRange(min=1), default=TRAIN["save_every"], show_default=True,
              help="Save a resumable state every this many steps.")
@click.option("--keep-every", type=click.IntRange(min=0), default=TRAIN["keep_every"], show_default=True,
              help="Also keep the model of every this many steps as model_stepK.pt (0: only the final model.pt).")
@click.option("--fresh", is_flag=True, help="Discard an unfinished run of --out instead of resuming it.")
@click.option("--progress/--no-progress", default=True, show_default=True)
def train(variant, data, data_seed, resolution, n, half, steps, batch_size, lr, seed, sigma_min, sigma_max,
          sigma_levels, conditional, width, ssm_objective, ssm_projection, ssm_projections, ssm_jvp, precision,
          heldout, device, threads, out, save_every, keep_every, fresh, progress):
    """Train one model and write a run directory (options.json, stats.jsonl, model.pt).

    Interrupted runs resume: running the same command again continues from the last saved state.
    Under torchrun (torchrun --nproc-per-node K cli.py train ...) K processes train the same model
    on shares of each batch; process 0 writes the run.
    """
    from tinyscore.data.datasets import load_dataset
    from tinyscore.training.distributed import PeerFailed, env_world_size
    from tinyscore.training.loop import RUN_FILES, train as train_run
    from tinyscore.storage.files import check_destination
    if out is None:
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(data.split(":", 1)[-1]).stem)
        out = Path("runs") / f"{variant}-{stem}-{half}{n}-s{seed}"
    if env_world_size() == 1:          # under torchrun process 0 checks it, and tells the others
        check_destination(out, folder=True, owned=RUN_FILES)      # --force: the enclosing allow_replace
    dataset = load_dataset(data, data_seed=data_seed, resolution=resolution)
    try:
        summary = train_run(dataset, out, progress=progress, fresh=fresh, save_every=save_every,
                            keep_every=keep_every, variant=variant, data=data,
                            data_seed=data_seed, resolution=resolution, n=n, half=half, steps=steps,
                            batch_size=batch_size, lr=lr, seed=seed, sigma_min=sigma_min, sigma_max=sigma_max,
                            sigma_levels=sigma_levels, conditional=conditional, width=width,
                            ssm_vr=ssm_objective == "vr", ssm_kind=ssm_projection, ssm_proj=ssm_projections,
                            ssm_jvp=ssm_jvp, precision=precision, heldout=heldout, device=device, threads=threads)
    except PeerFailed as e:
        if e.quiet:                    # another process failed, and process 0 reports it
            raise click.exceptions.Exit(2) from None
        raise
    if summary["rank"] != 0:
        return
    if summary["resumed_from"]:
        click.echo(f"resumed from step {summary['resumed_from']}")
    click.echo(f"trained {variant} on {summary['n']} points of {dataset.name} half {half.upper()}: "
               f"final loss {summary['loss']:.4g}, {summary['steps_per_second']:.1f} steps/s, "
               f"{summary['seconds']:.1f} s -> {summary['run']}"
               + (f" ({summary['world_size']} processes)" if summary["world_size"] > 1 else ""))


# ------------------------------------------------------------------------ trajectories
@cli.command()
@click.argument("model")
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="Trajectory file to write (HDF5).")
@click.option("--sigmas", default=ANALYSIS_SIGMAS, show_default=True, help="Analysis noise levels.")
@click.option("--probes", type=click.IntRange(min=1), default=256, show_default=True,
              help="Number of held-out test points to probe.")
@click.option("--probe-seed", type=SEED, default=0, show_default=True, help="Chooses the probes and their noise.")
@click.option("--path-substeps", type=click.IntRange(min=1, max=1000), default=8, show_default=True,
              help="Heun steps of the reverse path between consecutive analysis sigmas.")
@click.option("--data", default=None, help="For analytic, empirical and models made elsewhere: the dataset (as in train) "
                   "[default: uniform; kadkhodaie: and diffusers: need it].")
@_data_options
@click.option("--n", type=click.IntRange(min=1), default=TRAIN["n"], show_default=True,
              help="For empirical: the training set is the first N points of the half.")
@click.option("--half", type=click.Choice(["a", "b"]), default=TRAIN["half"], show_default=True)
@click.option("--device", default="auto", show_default=True)
@click.option("--progress/--no-progress", default=True, show_default=True)
@_writes("out", inputs=("model",))
@functools.partial(_threads, numpy_only=_numpy_route)
def trajectories(model, out, sigmas, probes, probe_seed, path_substeps, data, data_seed, resolution, n, half, device,
                 progress):
    """Write one-step and reverse-path trajectories of MODEL on held-out probes to HDF5.

    MODEL is a run directory, `analytic` (the exact mixture denoiser) or `empirical`
    (the optimal denoiser of the training set chosen by --data/--n/--half).

    MODEL may also be a model made elsewhere (README, "Your own models"): kadkhodaie:PATH (a published
    bias-free UNet), diffusers:PATH (a UNet2DModel with its scheduler), or your own code,
    python:MODULE:CALLABLE or FILE.py:CALLABLE, which runs your code with your permissions: name only
    code you trust. Their probes come from --data.
    """
    from tinyscore.analyses.trajectories import write_model_trajectories
    info = write_model_trajectories(model, out, sigmas=sigmas, probes=probes, probe_seed=probe_seed,
                                    path_substeps=path_substeps, data=data, data_seed=data_seed,
                                    resolution=resolution, n=n, half=half, device=device,
                                    progress=progress)
    click.echo(f"wrote {info['probes']} probes x {info['sigmas']} sigmas, path of {info['steps']} steps "
               f"({info['variant']}, {info['dataset']}) -> {out}")


# ----------------------------------------------------------------------------- diverge
@cli.command()
@click.argument("file_a", type=click.Path())
@click.argument("file_b", type=click.Path())
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None, help="Write the numbers as JSON.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Draw L2 and cosine against sigma (PNG).")
@_writes("json_path", "plot_path", inputs=("file_a", "file_b"))
@_threads
def diverge(file_a, file_b, json_path, plot_path):
    """How two models diverge as sigma -> 0: L2 and cosine per sigma, one-step and path."""
    from tinyscore.analyses import metrics
    from tinyscore.analyses.plots import describe_trajectory_file
    from tinyscore.storage.store import open_trajectories
    with open_trajectories(file_a) as fa, open_trajectories(file_b) as fb:   # each opened and checked once
        result = metrics.diverge_open(fa, fb, str(file_a), str(file_b))
        attrs_a, attrs_b = dict(fa.attrs), dict(fb.attrs)
    click.echo(f"A: {Path(file_a).name} ({describe_trajectory_file(attrs_a)})")
    click.echo(f"B: {Path(file_b).name} ({describe_trajectory_file(attrs_b)})")
    click.echo(metrics.format_table(result, [r["sigma"] for r in result["onestep"]]))
    sha_a, sha_b = attrs_a.get("checkpoint_sha256"), attrs_b.get("checkpoint_sha256")
    if Path(file_a).resolve() == Path(file_b).resolve() or (
            sha_a and sha_a == sha_b and attrs_a.get("variant") == attrs_b.get("variant")):
        click.echo("note: A and B hold the same model, so every distance is 0 and every cosine 1")
    if json_path:
        _json_out(result, json_path)
    if plot_path:
        from tinyscore.analyses.plots import plot_divergence
        plot_divergence({"A vs B": result}, plot_path,
                        title=f"A: {describe_trajectory_file(attrs_a)}  vs  B: {describe_trajectory_file(attrs_b)}")


@cli.command()
@click.argument("run_a", type=click.Path())
@click.argument("file_a", type=click.Path())
@click.argument("file_b", type=click.Path())
@click.option("--floor", type=click.Path(dir_okay=False), default=None,
              help="Trajectories of the seed-floor model A' (A's points, another --seed), on the same probes.")
@click.option("--eps", default=ATTRACTOR_EPS_TEXT, show_default=True, help="Attractor perturbation sizes.")
@click.option("--iters", type=click.IntRange(min=1, max=10000), default=10, show_default=True)
@click.option("--starts", type=click.IntRange(min=1), default=256, show_default=True)
@click.option("--test-starts", type=click.IntRange(min=1), default=256, show_default=True)
@_bootstrap_options("the probes (and of the starts)")
@_writes("json_path", inputs=("run_a", "file_a", "file_b", "floor"))
@_threads
def controls(run_a, file_a, file_b, floor, eps, iters, starts, test_starts, reps, boot_seed, level, json_path, device):
    """Models A and B (trajectory files FILE_A, FILE_B; RUN_A trained A) beside their controls.

    The seed floor A vs A' (--floor), the memoriser pair (the empirical denoisers of A's and B's
    points), the analytic denoiser (mixtures) and, for attractors, the identity map; every number
    with a percentile bootstrap interval over the probes or the starts.
    """
    from tinyscore.analyses import controls as ctl
    from tinyscore.analyses.trajectories import resolve_model
    from tinyscore.devices import pick_device
    dev = pick_device(device)
    m, dataset, attrs = resolve_model(run_a, device=dev)
    res = ctl.cell_controls(m, dataset, attrs["n_train"], file_a, file_b, floor, eps, iters, starts, test_starts,
                            dev, reps, boot_seed, level)
    click.echo(ctl.format_table(res))
    if json_path:
        _json_out(res, json_path)


@cli.command()
@click.argument("run_a", type=click.Path())
@click.argument("run_b", type=click.Path())
@click.argument("file_a", type=click.Path())
@click.option("--floor", type=click.Path(), default=None,
              help="The run of the seed-floor model A' (A's points, another --seed).")
@click.option("--problems", type=click.IntRange(min=16, max=1000000), default=2048, show_default=True,
              help="Noisy training points on which each model's loss is compared with its memoriser's.")
@_bootstrap_options("the probes")
@_writes("json_path", inputs=("run_a", "run_b", "file_a", "floor"))
@_threads
def convergence(run_a, run_b, file_a, floor, problems, reps, boot_seed, level, json_path, device):
    """How far models A and B (runs RUN_A, RUN_B) are from their exact floors, and whether their decision
    metric has stopped moving.

    Each model's excess loss over the memoriser of its training points and (mixtures) over the analytic
    optimum; and cos(A, B) at the smallest sigma of FILE_A (A's trajectories, whose probes it reuses) at
    50%, 75% and 100% of training, from the models the runs kept (train --keep-every), with intervals.
    """
    from tinyscore.analyses import convergence as conv
    from tinyscore.analyses.trajectories import resolve_model
    from tinyscore.devices import pick_device
    dev = pick_device(device)
    _, dataset, _ = resolve_model(run_a, device=dev)
    runs = {"a": run_a, "b": run_b, **({"a2": floor} if floor else {})}
    res = conv.run_convergence(runs, file_a, dataset, dev, problems=problems, reps=reps, seed=boot_seed, level=level)
    click.echo(conv.format_table(res))
    if json_path:
        _json_out(res, json_path)


@cli.command()
@click.argument("run_a", type=click.Path())
@click.argument("run_b", type=click.Path())
@click.option("--sigmas", default=ANALYSIS_SIGMAS, show_default=True)
@click.option("--points", type=click.IntRange(min=10), default=2000, show_default=True,
              help="Held-out points (noised at each sigma).")
@_bootstrap_options("the points")
@_writes("json_path", inputs=("run_a", "run_b"))
@_threads
def geometry(run_a, run_b, sigmas, points, reps, boot_seed, level, json_path, device):
    """Where model A's score error, and A's difference from B, lie: along or across the mixture's spans.

    Each component's span is its covariance's long axes (a spiral's tangent, thinmanifold's frame); per
    sigma, A's relative score error along and across it, and the shares of A's error and of A - B that lie
    along it, beside the share of dimensions it holds; every number with a bootstrap interval.
    """
    from tinyscore.analyses import geometry as geo
    from tinyscore.analyses.trajectories import resolve_model
    from tinyscore.devices import pick_device
    dev = pick_device(device)
    model_a, dataset, _ = resolve_model(run_a, device=dev)
    model_b, dataset_b, _ = resolve_model(run_b, device=dev)
    if (dataset_b.name, tuple(dataset_b.shape)) != (dataset.name, tuple(dataset.shape)):
        raise TinyscoreError(f"RUN_B {run_b} was trained on {dataset_b.name!r}, RUN_A {run_a} on {dataset.name!r}: "
                             "the geometry compares two models of one dataset")
    res = geo.score_geometry(model_a, model_b, dataset, sigmas, points, device=dev, reps=reps, boot_seed=boot_seed,
                             level=level)
    click.echo(geo.format_table(res))
    if json_path:
        _json_out(res, json_path)


def _trajectory_attrs(path) -> dict:
    """The typed root attributes of a trajectory file, read through its checked reader."""
    from tinyscore.storage.store import open_trajectories
    with open_trajectories(path) as f:
        return dict(f.attrs)


# --------------------------------------------------------------------------- published
@cli.command()
@click.argument("folder", type=click.Path())
@click.option("--data", required=True, help="Images of the models' size, e.g. celeba:data/celeba80.h5.")
@click.option("--data-seed", type=SEED, default=TRAIN["data_seed"], show_default=True)
@click.option("--resolution", type=click.IntRange(min=4), default=None,
              help="Downsample the images to this many pixels a side at load.")
@click.option("--out", type=click.Path(file_okay=False), default="results/published", show_default=True)
@click.option("--sigmas", default=ANALYSIS_SIGMAS, show_default=True)
@click.option("--probes", type=click.IntRange(min=1), default=64, show_default=True)
@click.option("--probe-seed", type=SEED, default=0, show_default=True)
@click.option("--path-substeps", type=click.IntRange(min=1), default=8, show_default=True)
@click.option("--device", default="auto", show_default=True)
@click.option("--progress/--no-progress", default=True, show_default=True)
@_writes("out", folders=("out",), inputs=("folder",),
         force_help="Replace OUT's published.json, published.png and diverge/*.json, and trajectory files of other "
                    "models (those of the same models and probes are kept).")
def published(folder, data, data_seed, resolution, out, sigmas, probes, probe_seed, path_substeps, device, progress):
    """Diverge on published pairs of models: every set_size_N / set_size_N_swapped under FOLDER.

    Writes both models' trajectories on the same probes of --data, diverge per pair, OUT/published.json
    and OUT/published.png; resumes with the trajectory files already in OUT. A model whose partner on
    the other half is missing is named in a notice and left out.
    """
    from tinyscore.analyses.published import format_summary, study_published
    summary = study_published(folder, out, data, data_seed, resolution, probes, probe_seed, sigmas, path_substeps,
                              device, progress, echo=click.echo)
    click.echo(format_summary(summary))
    click.echo(f"wrote {len(summary['pairs'])} pairs -> {out}")


# -------------------------------------------------------------------------------- data
@cli.group()
def data():
    """Prepare image datasets."""


@data.command("prepare-celeba")
@click.argument("src", type=click.Path(exists=True, file_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), default="data/celeba80.h5", show_default=True)
@click.option("--size", type=click.IntRange(min=8), default=80, show_default=True, help="Side of the square output.")
@click.option("--dedup", is_flag=True, help="Drop near-duplicates (correlation > 0.95 of 20x20 thumbnails).")
@click.option("--identities", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CelebA's identity_CelebA.txt, for identity-disjoint halves.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the first K files.")
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None, help="Write the summary as JSON.")
@_writes("out", "json_path", make_parents=("out",), inputs=("src", "identities"))
def prepare_celeba(src, out, size, dedup, identities, limit, progress, json_path):
    """Crop, grayscale and resize aligned CelebA JPEGs in SRC into one HDF5 file."""
    from tinyscore.data.images import prepare_celeba as prepare
    summary = prepare(src, out, size=size, dedup=dedup, identities=identities, limit=limit, progress=progress)
    click.echo(f"wrote {summary['written']} images of {size}x{size} to {out} "
               f"({summary['skipped_unreadable']} unreadable skipped, {summary['duplicates_dropped']} duplicates "
               f"dropped, {summary['seconds']:.1f} s)")
    if json_path:
        _json_out({k: v for k, v in summary.items()}, json_path)


# -------------------------------------------------------------------------------- show
@cli.command()
@click.argument("file", type=click.Path())
@click.option("--out", type=click.Path(dir_okay=False), required=True, help="PNG to write.")
@click.option("--probes", type=click.IntRange(min=1), default=8, show_default=True, help="Rows (probes) to draw.")
@click.option("--path-steps", type=click.IntRange(min=1), default=6, show_default=True,
              help="Path states to draw per probe.")
@_writes("out", inputs=("file",), figures=("out",))
@_threads
def show(file, out, probes, path_steps):
    """Draw the probes of an image trajectory file and their denoised images per sigma and path step."""
    from tinyscore.analyses.gallery import show_trajectories
    show_trajectories(file, out, max_probes=probes, path_steps=path_steps)
    click.echo(f"wrote {out}")


# ------------------------------------------------------------------------------- bench
@cli.command()
@click.option("--quick", is_flag=True, help="Smaller sizes: a run under a minute.")
@click.option("--device", default="auto", show_default=True)
@click.option("--threads", type=click.IntRange(min=0, max=MAX_THREADS), default=1, show_default=True,
              help="CPU threads (0: torch's default, all cores).")
@click.option("--repeats", type=click.IntRange(min=5), default=5, show_default=True,
              help="Timed repeats of each compared function (medians are reported).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None)
@_writes("json_path")
def bench(quick, device, threads, repeats, json_path):
    """Time our paths against their baselines side by side, in one process (interleaved, medians)."""
    from tinyscore.bench import run_bench
    rows = run_bench(device=device, quick=quick, echo=click.echo, threads=threads, repeats=repeats)
    if json_path:
        _json_out(rows, json_path)


# -------------------------------------------------------------------------- attractors
@cli.command()
@click.argument("model")
@click.option("--eps", default=ATTRACTOR_EPS_TEXT, show_default=True, help="Perturbation sizes, comma-separated.")
@click.option("--iters", type=click.IntRange(min=1, max=10000), default=10, show_default=True,
              help="Denoiser iterations from each perturbed start.")
@click.option("--schedule", type=click.Choice(["anneal", "fixed"]), default="anneal", show_default=True,
              help="anneal: sigma falls geometrically from eps to --sigma-end; fixed: sigma = eps throughout.")
@click.option("--sigma-end", type=_Finite(min=0, min_open=True), default=0.01, show_default=True)
@click.option("--starts", type=click.IntRange(min=1), default=256, show_default=True,
              help="Training samples perturbed (at most N).")
@click.option("--test-starts", type=click.IntRange(min=1), default=256, show_default=True,
              help="Held-out test points perturbed, to measure capture.")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Chooses the starts and their noise.")
@click.option("--data", default=None, help="For analytic, empirical and models made elsewhere: the dataset (as in train) "
                   "[default: uniform; kadkhodaie: and diffusers: need it].")
@_data_options
@click.option("--n", type=click.IntRange(min=1), default=TRAIN["n"], show_default=True,
              help="For analytic/empirical: the training set is the first N points of the half.")
@click.option("--half", type=click.Choice(["a", "b"]), default=TRAIN["half"], show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write start and end points (HDF5).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None, help="Write the numbers as JSON.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="Fractions against eps (PNG); for images, a grid of starts and end points.")
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option("--device", default="auto", show_default=True)
@_writes("out", "json_path", "plot_path", inputs=("model",))
@_threads
def attractors(model, eps, iters, schedule, sigma_end, starts, test_starts, seed, data, data_seed, resolution, n,
               half, out, json_path, plot_path, device, progress):
    """Are training samples attractors? Iterate MODEL's denoiser from perturbed training samples.

    Reports per eps the fraction returning to their own sample (d1/d2 < 1/3), landing on any
    training sample, and held-out points captured, beside the empirical optimal denoiser.

    MODEL may also be a model made elsewhere (README, "Your own models"): kadkhodaie:PATH (a published
    bias-free UNet), diffusers:PATH (a UNet2DModel with its scheduler), or your own code,
    python:MODULE:CALLABLE or FILE.py:CALLABLE, which runs your code with your permissions: name only
    code you trust. Their training set is --n/--half of --data.
    """
    from tinyscore.analyses import attractors as att
    from tinyscore.analyses.trajectories import resolve_model
    from tinyscore.devices import pick_device
    dev = pick_device(device)
    m, dataset, attrs = resolve_model(model, data, data_seed, resolution, n, half, dev)
    n_train = attrs["n_train"] or n
    res = att.run_attractors(m, dataset, n_train, attrs["half"] or half, eps, iters, schedule, sigma_end, starts,
                             test_starts, seed, dev, keep_points=out is not None or plot_path is not None,
                             progress=progress, train=att.held_training_set(m))
    click.echo(f"{attrs['variant']} on {dataset.name}, N={res['settings']['n_train']}, {iters} iterations ({schedule})")
    click.echo(att.format_table(res))
    if out:
        att.write_attractors_h5(out, res, {"variant": attrs["variant"], "model": str(model)})
    if json_path:
        _json_out(att.public(res), json_path)
    if plot_path:
        if len(dataset.shape) == 3:
            from tinyscore.study.steps import attractor_grid
            attractor_grid(res, plot_path, f"{attrs['variant']} N={res['settings']['n_train']}")
        else:
            from tinyscore.analyses.plots import plot_attractors_vs_eps
            half = f", half {attrs['half'].upper()}" if attrs.get("half") in ("a", "b") else ""
            plot_attractors_vs_eps(res, plot_path, title=f"Attractors: {attrs['variant']} on {dataset.name}, "
                                                         f"N={res['settings']['n_train']}{half}")


# ------------------------------------------------------------------------- score-error
@cli.command("score-error")
@click.argument("model")
@click.option("--sigmas", default=ANALYSIS_SIGMAS, show_default=True)
@click.option("--bins", type=click.IntRange(min=1), default=5, show_default=True,
              help="Equal-count bins of the true log-density (bin 0 = lowest).")
@click.option("--points", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Held-out points noised at each sigma.")
@click.option("--seed", type=SEED, default=0, show_default=True)
@click.option("--data", default=None, help="For analytic, empirical and python: models: the mixture [default: uniform].")
@_data_options
@click.option("--n", type=click.IntRange(min=1), default=TRAIN["n"], show_default=True, help="For empirical: N.")
@click.option("--half", type=click.Choice(["a", "b"]), default=TRAIN["half"], show_default=True)
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None, help="Write the numbers as JSON.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None,
              help="2-D data: quiver plot of learned and true score fields; otherwise error by density (PNG).")
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option("--device", default="auto", show_default=True)
@_writes("json_path", "plot_path", inputs=("model",))
@_threads
def score_error(model, sigmas, bins, points, seed, data, data_seed, resolution, n, half, json_path, plot_path, device, progress):
    """Score error of MODEL against the analytic mixture score, per sigma and per density bin.

    MODEL may also be a model made elsewhere (README, "Your own models"): kadkhodaie:PATH (a published
    bias-free UNet), diffusers:PATH (a UNet2DModel with its scheduler), or your own code,
    python:MODULE:CALLABLE or FILE.py:CALLABLE, which runs your code with your permissions: name only
    code you trust. The mixture is --data.
    """
    from tinyscore.analyses import accuracy
    from tinyscore.analyses.trajectories import resolve_model
    from tinyscore.devices import pick_device
    dev = pick_device(device)
    m, dataset, attrs = resolve_model(model, data, data_seed, resolution, n, half, dev)
    res = accuracy.score_error_by_density(m, dataset, sigmas, points, bins, seed, dev, progress=progress)
    click.echo(f"{attrs['variant']} on {dataset.name}: score error against the analytic score")
    click.echo(accuracy.format_score_table(res))
    if json_path:
        _json_out(res, json_path)
    if plot_path:
        from tinyscore.analyses import plots
        if dataset.dim == 2:
            test = dataset.test(min(2000, dataset.test_size))
            lo, hi = test.min(0), test.max(0)
            pad = 0.1 * (hi - lo)
            from tinyscore.core.dynamics import parse_sigmas
            pts = dataset.subset(min(attrs["n_train"] or 500, 500), attrs["half"] or half)
            plots.plot_score_field(m, dataset.mixture, parse_sigmas(sigmas), plot_path,
                                   ((lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])), points=pts,
                                   title=f"Score fields: {attrs['variant']} on {dataset.name}")
        else:
            plots.plot_score_error_by_density({attrs["variant"]: res}, plot_path,
                                              title=f"{dataset.name}: relative score error by density")


# ----------------------------------------------------------------------------- quality
@cli.command()
@click.argument("file", type=click.Path())
@click.option("--data", default=None, help="The dataset, when the file's own name for it does not load (images).")
@_data_options
@click.option("--n", type=click.IntRange(min=1), default=None, help="Training set size for the empirical optimum "
              "[default: the file's].")
@click.option("--half", type=click.Choice(["a", "b"]), default=None)
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None, help="Write the numbers as JSON.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False), default=None, help="MSE against sigma (PNG).")
@click.option("--device", default="auto", show_default=True)
@_writes("json_path", "plot_path", inputs=("file",))
@_threads
def quality(file, data, data_seed, resolution, n, half, json_path, plot_path, device):
    """Denoising quality of a trajectory FILE: MSE and PSNR per sigma beside the optimum."""
    from tinyscore.analyses import accuracy
    from tinyscore.devices import pick_device
    res = accuracy.quality(file, data=data, data_seed=data_seed if data else None, resolution=resolution, n=n,
                           half=half, device=pick_device(device))
    click.echo(accuracy.format_quality_table(res))
    if res["settings"].get("data_not_followed"):
        click.echo(f"(no optimum: the file names its data as {res['settings']['data_not_followed']!r}, which is "
                   "not opened on the file's word; pass --data to use it)")
    elif not res["settings"]["references"]:
        click.echo("(no optimum: the file's dataset did not load; pass --data)")
    if json_path:
        _json_out(res, json_path)
    if plot_path:
        from tinyscore.analyses.plots import plot_quality
        from tinyscore.analyses.plots import describe_trajectory_file
        what = describe_trajectory_file(_trajectory_attrs(file))
        plot_quality({what: res}, plot_path, title=f"Denoising quality: {what} ({Path(file).name})")


# --------------------------------------------------------------------------- reproduce
@cli.command()
@click.option("--scale", type=click.Choice(list(STUDY_SCALES)), default="smoke", show_default=True,
              help="smoke: the pipeline end to end, ~15 s; small: six mixtures and CelebA 40x40, N <= 1000, briefly trained, "
                   "~30 min on 2 CPU cores; medium: the same grid trained to convergence (4,000 steps on the "
                   "mixtures, 10,000 on faces), ~2 h with --jobs 2 on 2 CPU cores (1.7 to 2.9 h measured); decisive: uniform, spiral and thinmanifold, "
                   "ncsn and denoiser-cond, N = 100 to 100,000, three replicates of A, B and A', ~2.5 h with --jobs 2 "
                   "on 2 CPU cores (estimated); paper: the full grid, for a GPU.")
@click.option("--datasets", default=None, help="Comma-separated subset of the scale's datasets "
              "(uniform, sharpcov, spiral, hd-uniform, hd-sharpcov, thinmanifold, celeba).")
@click.option("--variants", default=None, help=f"Comma-separated subset of {', '.join(VARIANTS)} and "
              "denoiser-cond (the denoiser told sigma, train --conditional).")
@click.option("--ns", default=None, help="Comma-separated subset of the scale's training set sizes N.")
@click.option("--data-root", type=click.Path(file_okay=False), default=None,
              help="Folder holding celeba/img_align_celeba [default: ../shared/data beside the repository].")
@click.option("--out", type=click.Path(file_okay=False), default="results", show_default=True)
@click.option("--device", default="auto", show_default=True)
@click.option("--threads", type=click.IntRange(min=0, max=MAX_THREADS), default=1, show_default=True,
              help="torch CPU threads (0: torch's default); small models run best on one.")
@click.option("--progress/--no-progress", default=True, show_default=True)
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local worker processes sharing the grid (one torch thread each with --threads 1).")
@click.option("--executor", type=click.Choice(["local", "slurm", "submitit-local"]), default="local",
              show_default=True, help="local: --jobs processes here; slurm: a Slurm job array through submitit "
              "(pip install -e \".[slurm]\"); submitit-local: the same path with submitit's local executor.")
@click.option("--array-size", type=click.IntRange(min=1), default=None,
              help="Slurm: workers in the job array [default: one per cell not yet done].")
@click.option("--partition", default=None, help="Slurm: the partition.")
@click.option("--gpus-per-task", type=click.IntRange(min=0), default=None, help="Slurm: GPUs per worker [default: 1].")
@click.option("--cpus-per-task", type=click.IntRange(min=1), default=None, help="Slurm: CPUs per worker.")
@click.option("--time", "time_limit", default=None,
              help="Slurm: time limit per worker, minutes or [DAYS-]HH:MM:SS [default: 24:00:00].")
@click.option("--wait/--no-wait", default=False, show_default=True,
              help="Slurm: wait for the array to finish (the last worker writes the report either way).")
@click.option("--lease", type=_Finite(min=1), default=300, show_default=True,
              help="Seconds a worker's claim on a cell lasts without renewal; a worker on another machine takes "
                   "the cell over after this (on the same machine, as soon as the holder's process is gone).")
@click.option("--report-only", is_flag=True, help="Write REPORT.md from a finished grid; run nothing.")
@click.option("--dry-run", is_flag=True, help="Print the grid and an estimate of device-hours and disk; run nothing.")
@click.option("--step-times", type=click.Path(dir_okay=False), default=None,
              help="With --dry-run: seconds per step from a JSON file (a --json plan, or {KEY: seconds}) instead "
                   "of timing them here.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), default=None,
              help="With --dry-run: also write the plan (cells, sizes, step times) to this JSON file.")
@_writes("json_path", "out", folders=("out",), inputs=("step_times", "data_root"),
         force_help="Replace the --json file if it exists (the study in --out is resumed, never replaced).")
def reproduce(scale, datasets, variants, ns, data_root, out, device, threads, progress, jobs, executor, array_size,
              partition, gpus_per_task, cpus_per_task, time_limit, wait, lease, report_only, dry_run, step_times,
              json_path):
    """Run the whole low-noise study and write OUT/REPORT.md; resumes where it stopped.

    Several workers can share one study: --jobs N local processes, a Slurm job array
    (--executor slurm), or reproduce started again on any machine that sees OUT. Each claims one
    cell (dataset, N, variant) at a time; the last to finish writes the report.
    """
    from tinyscore.study import plan, run

    def split(text):
        return [t.strip() for t in text.split(",") if t.strip()] if text else None
    try:
        n_list = [int(t) for t in split(ns)] if ns else None
    except ValueError:
        raise TinyscoreError(f"--ns must be comma-separated integers, got {ns!r}") from None
    slurm_given = {"--array-size": array_size, "--partition": partition, "--gpus-per-task": gpus_per_task,
                   "--cpus-per-task": cpus_per_task, "--time": time_limit, "--wait": wait or None}
    if executor == "local":
        stray = [k for k, v in slurm_given.items() if v is not None]
        if stray:
            raise TinyscoreError(f"{stray[0]} applies to --executor slurm (or submitit-local)")
    elif jobs != 1:
        raise TinyscoreError("--jobs N starts local workers; with --executor slurm the workers are --array-size N")
    if dry_run and report_only:
        raise TinyscoreError("--dry-run and --report-only exclude each other")
    if not dry_run and (step_times or json_path):
        raise TinyscoreError(f"{'--step-times' if step_times else '--json'} applies to --dry-run")
    from tinyscore.training.workers import parse_time
    time_min = parse_time(time_limit) if time_limit else 24 * 60      # checked before a dry run, too
    common = dict(scale=scale, datasets=split(datasets), variants=split(variants), ns=n_list, data_root=data_root,
                  device=device, threads=threads or None)
    if dry_run:
        times = plan.read_step_times(step_times) if step_times else None
        estimate = plan.plan_study(out, step_times=times, **common)
        click.echo(plan.format_plan(estimate))
        if json_path:
            _json_out(estimate, json_path)
        return
    slurm = {"array_size": array_size, "partition": partition,
             "gpus_per_task": 1 if gpus_per_task is None else gpus_per_task, "cpus_per_task": cpus_per_task,
             "time_min": time_min}
    run.reproduce(out, progress=progress, echo=click.echo, jobs=jobs, executor=executor, slurm=slurm,
                  report_only=report_only, lease=lease, wait=wait, **common)


#: the cyclic collector's first threshold while a command runs as its own process (Python's is 700)
GC_GEN0 = 50_000


def main(argv=None) -> int:
    """Run the CLI; user errors become one line on stderr and exit status 2.

    Without ``argv`` this is the process's own command line, and the process ends when it returns. The
    collector of reference cycles is then made to run less often (``GC_GEN0``) and, at the end, told to
    leave alone what exists (``gc.freeze``): a command that imports torch creates about a million
    objects, and each full collection walks all of them. Measured on a 2-core x86_64 box: of the 2.0 s
    of ``trajectories analytic --data thinmanifold --probes 2048``, 0.15 s went to collections during
    the imports and about 0.2 s to the last collection as the interpreter exits; the command now takes
    1.6 s. Reference counting frees everything as before; called with ``argv`` (a library or a test
    calling in), nothing is changed. Nor is the end once Triton is loaded (torch loads it on some paths):
    its compiled bindings check as the interpreter exits that every object they made was freed, and
    print a page of "leaked" warnings on stderr for those held in cycles, which only that last
    collection frees."""
    if argv is None:
        gc.set_threshold(GC_GEN0, *gc.get_threshold()[1:])
    try:
        return _main(argv)
    finally:
        if argv is None and "triton" not in sys.modules:
            gc.freeze()


def _main(argv) -> int:
    logging.basicConfig(format="tinyscore: %(message)s", level=logging.INFO, stream=sys.stderr)
    try:
        prog = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "cli.py"
        prog = prog if prog in ("cli.py", "tinyscore") else "cli.py"
        rv = cli.main(args=argv, prog_name=prog, standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except click.exceptions.Exit as e:
        return e.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):     # click turns Ctrl-C into Abort
        click.echo("interrupted", err=True)
        return 130
    except click.ClickException as e:
        click.echo(f"error: {one_line(e.format_message(), None)}", err=True)
        return 2
    except TinyscoreError as e:
        click.echo(f"error: {one_line(e, None)}", err=True)
        return 2
    except OSError as e:                                     # full disk, read-only folder, no permission
        click.echo(f"error: {_os_message(e)}", err=True)
        return 2
    except MemoryError:
        click.echo("error: out of memory (try fewer probes, a smaller --batch-size or a smaller model)", err=True)
        return 2
    except RecursionError:
        click.echo("error: input nested too deeply", err=True)
        return 2


def _os_message(e: OSError) -> str:
    """An OSError as one line: what failed, on which file."""
    reason = {errno.ENOSPC: "no space left on device", errno.EROFS: "read-only file system",
              errno.EACCES: "permission denied", errno.EDQUOT: "disk quota exceeded",
              errno.EFBIG: "file too large (a file size limit or a full disk)"}.get(e.errno)
    reason = reason or one_line(e.strerror or e, None)
    where = e.filename if e.filename is not None else None
    return f"{where}: {reason}" if where else reason


if __name__ == "__main__":
    sys.exit(main())
