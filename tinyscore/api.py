"""The library in a dozen functions: what the command line does, callable from Python.

    import tinyscore as ts

    run = ts.train("runs/a", variant="ncsn", n=1000, half="a", steps=1500)   # a run directory
    model = ts.load_model("runs/a")               # or "analytic", or "empirical"
    x = ts.load_dataset("uniform").test(5)        # held-out points, a NumPy array (5, 2)
    d = ts.denoise(model, x + 0.1 * noise, 0.1)   # D(y, sigma), NumPy in, NumPy out, no gradients
    s = ts.score(model, y, 0.1)                   # s(y, sigma) = (D(y, sigma) - y) / sigma^2

    ts.write_trajectories("runs/a", "a.h5")       # the HDF5 file of `cli.py trajectories`
    table = ts.diverge("a.h5", "b.h5")            # {"onestep": [...], "path": [...]} per sigma

Every model -- trained by any of the three objectives, or one of the exact pseudo-models -- has
the same two methods, ``model.denoise(y, sigma)`` and ``model.score(y, sigma)`` on torch tensors,
tied by Tweedie's formula D(y, sigma) = y + sigma^2 s(y, sigma) (docs/design.md, section 2).
Those methods keep autograd (the objectives differentiate through them); :func:`denoise` and
:func:`score` here are the inference helpers: they accept NumPy arrays or tensors, run without
tracking gradients, and hand back the type they were given.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from tinyscore.config import ANALYSIS_SIGMAS, ATTRACTOR_EPS_TEXT, TRAIN_DEFAULTS
from tinyscore.devices import pick_device

__all__ = ["load_model", "load_dataset", "load_mixture", "train", "denoise", "score", "write_trajectories",
           "diverge", "score_error", "run_attractors"]


def load_model(spec, device="cpu", data=None, n: int = TRAIN_DEFAULTS["n"], half: str = TRAIN_DEFAULTS["half"]):
    """A model from a run directory written by ``train``, ``"analytic"`` / ``"empirical"``, or a model
    made elsewhere: ``kadkhodaie:PATH``, ``diffusers:PATH``, ``python:MODULE:CALLABLE``, ``FILE.py:CALLABLE``
    (tinyscore.external; these need no ``data``).

    For the pseudo-models, ``data`` names the dataset (default ``uniform``), and ``n`` / ``half``
    the training set of the empirical denoiser. The model is in evaluation mode on ``device``."""
    from tinyscore.external import claims, load_external
    from tinyscore.analyses.trajectories import resolve_model
    if data is None and claims(str(spec)):       # kadkhodaie:, diffusers:, python: (tinyscore.external)
        return load_external(str(spec), pick_device(str(device)))
    model, _, _ = resolve_model(str(spec), data, 0, None, n, half, pick_device(str(device)))
    return model


def load_dataset(spec: str = "uniform", data_seed: int = 0, resolution: int | None = None):
    """A dataset by name (a benchmark mixture), mixture JSON file, ``celeba:FILE.h5``, image folder
    or ``.npy``; ``.subset(n, half)`` gives training points and ``.test(n)`` held-out ones."""
    from tinyscore.data.datasets import load_dataset as load
    return load(spec, data_seed=data_seed, resolution=resolution)


def load_mixture(spec: str):
    """A Gaussian mixture (benchmark name or JSON file) with exact ``score``, ``denoise``, ``log_prob``."""
    from tinyscore.storage.mixture_files import load_mixture as load
    return load(spec)


def train(out, data: str = TRAIN_DEFAULTS["data"], progress: bool = False, force: bool = False, **options) -> dict:
    """Train one model into the run directory ``out`` (options as in ``cli.py train``, with
    underscores: ``variant``, ``n``, ``half``, ``steps``, ``batch_size``, ``lr``, ``seed``, ...).
    Resumes an unfinished run of the same options; returns a summary dict."""
    from tinyscore.data.datasets import load_dataset as load
    from tinyscore.training.loop import train as run
    dataset = load(data, data_seed=options.get("data_seed", TRAIN_DEFAULTS["data_seed"]),
                   resolution=options.get("resolution"))
    return run(dataset, Path(out), progress=progress, force=force, data=data, **options)


def _inference(method, y, sigma):
    as_numpy = isinstance(y, np.ndarray)
    params = getattr(method.__self__, "parameters", None)
    device = next(params(), torch.empty(0)).device if callable(params) else torch.device("cpu")
    yt = torch.as_tensor(y, dtype=torch.float32, device=device) if as_numpy else y
    squeeze = yt.ndim == len(getattr(method.__self__, "shape", None) or yt.shape[1:])
    if squeeze:
        yt = yt.unsqueeze(0)
    with torch.inference_mode():
        out = method(yt, sigma)
    out = out[0] if squeeze else out
    return out.cpu().numpy() if as_numpy else out.clone()


def denoise(model, y, sigma):
    """D(y, sigma) of any model, without gradients; ``y`` a batch (B, *shape) or one point (*shape)."""
    return _inference(model.denoise, y, sigma)


def score(model, y, sigma):
    """s(y, sigma) of any model, without gradients; ``y`` a batch (B, *shape) or one point (*shape)."""
    return _inference(model.score, y, sigma)


def write_trajectories(model, out, **options) -> dict:
    """One-step and reverse-path trajectories of ``model`` (run directory or pseudo-model name) on
    held-out probes, written to the HDF5 file ``out`` (options as in ``cli.py trajectories``)."""
    from tinyscore.analyses.trajectories import write_model_trajectories
    options.setdefault("progress", False)
    return write_model_trajectories(str(model), out, **options)


def diverge(file_a, file_b) -> dict:
    """L2 and cosine between the two models of two trajectory files, per sigma, one-step and path."""
    from tinyscore.analyses.metrics import diverge as run
    return run(file_a, file_b)


def score_error(model_spec, sigmas=ANALYSIS_SIGMAS, points: int = 2000, bins: int = 5, seed: int = 0,
                device="cpu") -> dict:
    """Error of a model's score against the analytic score of its mixture, per sigma and density bin."""
    from tinyscore.analyses.accuracy import score_error_by_density
    from tinyscore.analyses.trajectories import resolve_model
    dev = pick_device(str(device))
    model, dataset, _ = resolve_model(str(model_spec), None, 0, None, TRAIN_DEFAULTS["n"], TRAIN_DEFAULTS["half"], dev)
    return score_error_by_density(model, dataset, sigmas, points, bins, seed, dev)


def run_attractors(model_spec, eps=ATTRACTOR_EPS_TEXT, iters: int = 10, starts: int = 256, seed: int = 0,
               device="cpu") -> dict:
    """Do perturbed training samples return to themselves (d1/d2 < 1/3) under the model's denoiser?"""
    from tinyscore.analyses.attractors import held_training_set, run_attractors as run
    from tinyscore.analyses.trajectories import resolve_model
    dev = pick_device(str(device))
    n, half = TRAIN_DEFAULTS["n"], TRAIN_DEFAULTS["half"]
    model, dataset, attrs = resolve_model(str(model_spec), None, 0, None, n, half, dev)
    return run(model, dataset, attrs["n_train"] or n, attrs["half"] or half, eps, iters,
                          starts=starts, test_starts=starts, seed=seed, device=dev, train=held_training_set(model))
