"""Trajectories of a model on held-out probes: choose the model and the probes, run the dynamics, store.

A MODEL is one of

* a run directory written by ``train`` (its dataset, N and half come from its options.json);
* ``analytic``: the exact optimal denoiser of a Gaussian mixture (tinyscore.mixtures);
* ``empirical``: the optimal denoiser of the first N points of a half, the ideal memoriser.

Probes are held-out test points chosen by the probe seed, with one unit-noise vector z each:
the same dataset, data seed, number of probes and probe seed give the same probes and so the
same ``probes_digest``, which is what lets ``diverge`` compare two files.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .datasets import load_dataset
from .dynamics import check_finite, one_step, parse_sigmas, path_ladder, pf_ode_path
from .errors import TinyscoreError
from .models import AnalyticModel, EmpiricalModel, load_run, to_tensor
from .store import write_trajectories
from .training import pick_device

PSEUDO = ("analytic", "empirical")


def resolve_model(spec: str, data=None, data_seed=0, resolution=None, n=1000, half="a", device="cpu"):
    """(model, dataset, attrs) for a run directory or a pseudo-model name."""
    if spec in PSEUDO:
        dataset = load_dataset(data or "uniform", data_seed=data_seed, resolution=resolution)
        if spec == "analytic":
            if dataset.mixture is None:
                raise TinyscoreError(f"the analytic model needs a mixture dataset; {dataset.name} has no known density")
            attrs = dict(variant="analytic", n_train=0, half="", seed=-1, checkpoint_sha256="",
                         data=data or "uniform", resolution=resolution or 0)
            return AnalyticModel(dataset.mixture), dataset, attrs
        n = dataset.cap(n, half)
        model = EmpiricalModel(to_tensor(dataset.subset(n, half), device))
        return model, dataset, dict(variant="empirical", n_train=n, half=half, seed=-1, checkpoint_sha256="",
                                    data=data or "uniform", resolution=resolution or 0)
    model, opts, sha = load_run(spec, device=device)
    if data is not None and data != opts.get("data"):
        raise TinyscoreError(f"{spec} was trained on {opts.get('data')!r}, not {data!r}; drop --data for a run directory")
    dataset = load_dataset(opts["data"], data_seed=opts.get("data_seed", 0), resolution=opts.get("resolution"))
    if tuple(dataset.shape) != tuple(model.shape):
        raise TinyscoreError(f"{spec}: the model takes points of shape {model.shape}, its data has {dataset.shape}")
    attrs = dict(variant=opts["variant"], n_train=int(opts["n"]), half=opts["half"], seed=int(opts["seed"]),
                 checkpoint_sha256=sha, data=opts["data"], resolution=opts.get("resolution") or 0)
    return model, dataset, attrs


def choose_probes(dataset, probes: int, probe_seed: int):
    """P held-out test points picked by the probe seed, and one unit-noise vector each."""
    if probes > dataset.test_size:
        raise TinyscoreError(f"{dataset.name} has {dataset.test_size} held-out test points; --probes {probes} is too many")
    rng = np.random.default_rng([probe_seed, 1])
    idx = np.sort(rng.choice(dataset.test_size, size=probes, replace=False))
    x0 = dataset.test(dataset.test_size)[idx]
    z = rng.standard_normal((probes, *dataset.shape)).astype(np.float32)
    return x0.astype(np.float32), z


def write_model_trajectories(spec, out, sigmas="1,0.5,0.25,0.1,0.05", probes=256, probe_seed=0, path_substeps=8,
                             data=None, data_seed=0, resolution=None, n=1000, half="a", device="auto",
                             progress=True) -> dict:
    """Run the one-step and path dynamics of a model on its probes and write the HDF5 file."""
    sigmas = parse_sigmas(sigmas)
    if not Path(out).resolve().parent.is_dir():
        raise TinyscoreError(f"folder {Path(out).parent} does not exist")
    dev = pick_device(device)
    model, dataset, attrs = resolve_model(spec, data, data_seed, resolution, n, half, dev)
    x0, z = choose_probes(dataset, probes, probe_seed)
    ladder = path_ladder(sigmas, path_substeps)
    x0_t, z_t = to_tensor(x0, dev), to_tensor(z, dev)
    from tqdm.auto import tqdm
    with tqdm(total=len(ladder) - 1, desc="path", disable=not progress, leave=False) as bar:
        onestep = one_step(model, x0_t, z_t, sigmas)
        states, denoised = pf_ode_path(model, x0_t + float(ladder[0]) * z_t, ladder, progress=bar)
    for arr, what in ((onestep, "one-step outputs"), (denoised, "path outputs")):
        check_finite(arr, f"the model's {what}")
    attrs = {**attrs, "dataset": dataset.name, "data_seed": int(getattr(dataset, "data_seed", data_seed)),
             "probe_seed": int(probe_seed)}
    write_trajectories(out, attrs, np.asarray(sigmas), x0, z, onestep, ladder, states, denoised)
    return {"probes": probes, "sigmas": len(sigmas), "steps": len(ladder), "variant": attrs["variant"],
            "dataset": dataset.name}
