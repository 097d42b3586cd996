"""Trajectories of a model on held-out probes: choose the model and the probes, run the dynamics, store.

A MODEL is one of

* a run directory written by ``train`` (its dataset, N and half come from its options.json; a dataset
  file that moved with the run is found beside it, see tinyscore.training.loop, "Moving a run");
* ``analytic``: the exact optimal denoiser of a Gaussian mixture (tinyscore.core.mixtures);
* ``empirical``: the optimal denoiser of the first N points of a half, the ideal memoriser.

Probes are held-out test points chosen by the probe seed, with one unit-noise vector z each:
the same dataset, data seed, number of probes and probe seed give the same probes and so the
same ``probes_digest``, which is what lets ``diverge`` compare two files.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np

from tinyscore.data.datasets import load_dataset
from tinyscore.config import ANALYSIS_SIGMAS, CHECKPOINT, TRAIN_DEFAULTS, check_seed, is_int
from tinyscore.core.dynamics import check_finite, one_step, parse_sigmas, path_ladder, pf_ode_steps
from tinyscore.core.mixtures import AnalyticModel
from tinyscore.errors import TinyscoreError, brief, shown
from tinyscore.storage.store import trajectory_writer
from tinyscore.devices import pick_device

PSEUDO = ("analytic", "empirical")
#: probes per batch through the model (and per write): memory holds one batch of outputs
BATCH = 512


def resolve_model(spec: str, data=None, data_seed=0, resolution=None, n=TRAIN_DEFAULTS["n"], half=TRAIN_DEFAULTS["half"],
                  device="cpu"):
    """(model, dataset, attrs) for a run directory or a pseudo-model name.

    A run directory is read in the order that refuses early and allocates late: its checkpoint and
    options.json are read and checked (tinyscore.storage.runs.read_run), then the dataset it names is
    loaded, and only when the checkpoint's declared shape is the dataset's is its network built."""
    if not isinstance(spec, str) or not spec:
        raise TinyscoreError(f"no MODEL given: a run directory written by train, or one of {', '.join(PSEUDO)}")
    if spec in PSEUDO:
        check_seed(data_seed, "--data-seed")
        dataset = load_dataset(data or "uniform", data_seed=data_seed, resolution=resolution)
        if spec == "analytic":
            if dataset.mixture is None:
                raise TinyscoreError(f"the analytic model needs a mixture dataset; {dataset.name} has no known density")
            attrs = dict(variant="analytic", n_train=0, half="", seed=-1, checkpoint_sha256="",
                         data=data or "uniform", resolution=resolution or 0, model_kind="analytic", model_sha256="")
            return AnalyticModel(dataset.mixture), dataset, attrs
        from tinyscore.core.models import EmpiricalModel, to_tensor
        n = dataset.cap(n, half)
        model = EmpiricalModel(to_tensor(dataset.subset(n, half), device))
        return model, dataset, dict(variant="empirical", n_train=n, half=half, seed=-1, checkpoint_sha256="",
                                    data=data or "uniform", resolution=resolution or 0, model_kind="empirical",
                                    model_sha256="")
    from tinyscore import external
    if external.claims(spec):          # kadkhodaie:PATH, diffusers:PATH, python:MODULE:CALLABLE, FILE.py:CALLABLE
        return external.resolve_external(spec, data, data_seed, resolution, n, half, device)
    hint = f"give a run directory written by train (it holds options.json and {CHECKPOINT}), or one of " \
           f"{', '.join(PSEUDO)}"
    try:
        is_dir = stat.S_ISDIR(os.stat(spec).st_mode)
    except FileNotFoundError:
        raise TinyscoreError(f"MODEL {shown(spec)} does not exist: {hint}") from None
    except (OSError, ValueError) as e:
        raise TinyscoreError(f"MODEL {shown(spec)} cannot be read ({getattr(e, 'strerror', None) or e}): "
                             f"{hint}") from None
    if not is_dir:
        raise TinyscoreError(f"MODEL {shown(spec)} is not a folder: {hint}")
    from tinyscore.storage.runs import read_run
    from tinyscore.training.loop import run_data
    files = read_run(spec)
    opts, opts_path = files.options, shown(Path(spec) / "options.json")
    found = run_data(spec, opts, opts_path)           # the data as recorded, or beside the run if it moved
    if data is not None and data not in (opts["data"], found):
        raise TinyscoreError(f"{shown(spec)} was trained on {brief(opts['data'])}, not {brief(data)}; "
                             "drop --data for a run directory")
    if resolution is not None and int(resolution) != int(opts.get("resolution") or 0):
        raise TinyscoreError(f"{shown(spec)} was trained at resolution {opts.get('resolution') or '(none)'}, "
                             f"not {resolution}; drop --resolution for a run directory")
    try:
        dataset = load_dataset(found, data_seed=opts.get("data_seed", 0), resolution=opts.get("resolution"))
    except TinyscoreError as e:
        raise TinyscoreError(f"{opts_path}: field 'data' {brief(opts['data'])} does not load: {shown(e)}") from None
    split = opts.get("split_sha256")
    if split is not None and split != dataset.split_sha256():
        raise TinyscoreError(f"{opts_path}: field 'split_sha256' says {shown(spec)} was trained on other halves of "
                             f"{brief(found)} than it splits into now: its images, or the identities beside them, "
                             "have changed; restore them")
    model, sha = files.build(device, shape=dataset.shape), files.sha256
    attrs = dict(variant=opts["variant"], n_train=int(opts["n"]), half=opts["half"], seed=int(opts["seed"]),
                 checkpoint_sha256=sha, data=found, resolution=opts.get("resolution") or 0,
                 model_kind="run", model_sha256=sha)
    return model, dataset, attrs


def numpy_route(spec, device) -> bool:
    """Whether MODEL runs on NumPy arrays alone: ``analytic`` on the CPU (``--device auto`` or ``cpu``).
    The exact mixture computes in NumPy anyway, so its dynamics then run on float32 arrays and the
    command never imports torch (which costs about a second to load); the file is the same, bit for bit
    (tinyscore.core.dynamics)."""
    return spec == "analytic" and device in ("auto", "cpu")


def choose_probes(dataset, probes: int, probe_seed: int):
    """P held-out test points picked by the probe seed, and one unit-noise vector each."""
    if probes > dataset.test_size:
        raise TinyscoreError(f"{dataset.name} has {dataset.test_size} held-out test points; --probes {probes} is too many")
    rng = np.random.default_rng([probe_seed, 1])
    idx = np.sort(rng.choice(dataset.test_size, size=probes, replace=False))
    x0 = dataset.test(dataset.test_size)[idx]
    z = rng.standard_normal((probes, *dataset.shape)).astype(np.float32)
    return x0.astype(np.float32, copy=False), z


def write_model_trajectories(spec, out, sigmas=ANALYSIS_SIGMAS, probes=256, probe_seed=0, path_substeps=8,
                             data=None, data_seed=0, resolution=None, n=TRAIN_DEFAULTS["n"],
                             half=TRAIN_DEFAULTS["half"], device="auto",
                             progress=True, batch: int = BATCH) -> dict:
    """Run the one-step and path dynamics of a model on its probes and write the HDF5 file.

    Probes go through the model ``batch`` at a time and every output is written to the file as it
    comes (tinyscore.storage.store.trajectory_writer): one-step outputs batch by batch, then the path
    batch by batch, rung by rung. Memory holds the probes (x0 and z) and one batch, whatever the
    number of probes or rungs. The default batch is the one the model always saw, so the numbers
    and the file's bytes are those of the unbatched writer. At another batch a model computed
    point by point (the analytic one) gives the same file; a network or the empirical denoiser may
    differ in the last bit, as CPU float32 matrix products round by how many rows they hold.
    """
    sigmas = parse_sigmas(sigmas)
    check_seed(probe_seed, "--probe-seed")
    if not is_int(batch) or batch < 1:
        raise TinyscoreError(f"the probe batch must be a whole number of at least 1, got {brief(batch)}")
    if not Path(out).resolve().parent.is_dir():
        raise TinyscoreError(f"folder {Path(out).parent} does not exist")
    dev = None if numpy_route(spec, device) else pick_device(device)
    model, dataset, attrs = resolve_model(spec, data, data_seed, resolution, n, half, dev)
    x0, z = choose_probes(dataset, probes, probe_seed)
    ladder = path_ladder(sigmas, path_substeps)
    attrs = {**attrs, "dataset": dataset.name, "data_seed": int(getattr(dataset, "data_seed", data_seed)),
             "probe_seed": int(probe_seed)}
    del dataset                      # its pool is not needed from here on (a model keeps what it uses)
    if dev is None:
        x0_t, z_t = x0, z                         # float32 arrays already (choose_probes)
    else:
        from tinyscore.core.models import to_tensor
        x0_t, z_t = to_tensor(x0, dev), to_tensor(z, dev)
    starts = range(0, probes, batch)
    from tqdm.auto import tqdm
    with trajectory_writer(out, attrs, np.asarray(sigmas), x0, z, ladder) as w, \
            tqdm(total=len(starts) * len(ladder), desc="path", disable=not progress, leave=False) as bar:
        for a in starts:
            onestep = one_step(model, x0_t[a:a + batch], z_t[a:a + batch], sigmas, batch)
            check_finite(onestep, "the model's one-step outputs")
            w.onestep(a, onestep)
        for a in starts:
            y0 = x0_t[a:a + batch] + float(ladder[0]) * z_t[a:a + batch]
            for t, state, den in pf_ode_steps(model, y0, ladder):
                check_finite(den, "the model's path outputs")
                w.path(t, a, state, den)
                bar.update(1)
    return {"probes": probes, "sigmas": len(sigmas), "steps": len(ladder), "variant": attrs["variant"],
            "dataset": attrs["dataset"]}
