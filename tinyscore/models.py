r"""Models: one interface, ``denoise(y, sigma)`` and ``score(y, sigma)``, for every variant.

All analyses (trajectories, divergence, attractors, score error) talk to a model only through
these two methods, tied together by Tweedie's formula (DESIGN section 2):

    D(y, sigma) = y + sigma^2 s(y, sigma),        d(y, sigma) = D(y, sigma) - y = sigma^2 s(y, sigma)

**Preconditioning** (one small class, as in EDM). A backbone F sees its input scaled to unit
variance, c_in(sigma) = 1 / sqrt(sigma_data^2 + sigma^2), and its output is read as a direction:

    sigma-conditional (ncsn, ssm, --conditional denoiser):  d(y, sigma) = sigma F(c_in y, log sigma)
        so s(y, sigma) = F / sigma: the NCSN parameterisation s(y, sigma) = s_theta(y) / sigma
        (Song and Ermon 2020), whose output has the same scale at every noise level;
    sigma-blind denoiser (Kadkhodaie et al. 2024):        d(y) = sigma_data F(y / sigma_data)
        the residual form D(y) = y - (noise estimate), which must infer the noise level from y.

Besides trained networks, two pseudo-models answer the same interface exactly:

* :class:`AnalyticModel` the optimal denoiser of a Gaussian mixture (tinyscore.mixtures, float64);
* :class:`EmpiricalModel` the optimal denoiser of a finite training set {x_i}, the ideal memoriser:
      D_emp(y, sigma) = sum_i softmax_i(-||y - x_i||^2 / 2 sigma^2) x_i,
  evaluated by the fused kernel ``kernels.empirical_denoise``.

Checkpoints hold a state dict and the config as a JSON string, so they load with
``torch.load(..., weights_only=True)``: nothing a user hands us is ever unpickled.
"""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .errors import TinyscoreError
from .files import write_bytes
from .nets import build_backbone

VARIANTS = ("denoiser", "ncsn", "ssm")
CHECKPOINT = "model.pt"


def as_sigma(sigma, y: torch.Tensor) -> torch.Tensor:
    """sigma as a (B,) tensor on y's device and dtype, from a number or a (B,) tensor."""
    s = torch.as_tensor(sigma, dtype=y.dtype, device=y.device)
    return s.expand(y.shape[0]) if s.ndim == 0 else s


def bcast_sigma(s: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """(B,) -> (B, 1, ..., 1) to multiply points of any shape."""
    return s.reshape(-1, *([1] * (y.ndim - 1)))


class ScoreModel(nn.Module):
    """A backbone with its preconditioning: the model of the ``denoiser``, ``ncsn`` and ``ssm`` variants."""

    def __init__(self, config: dict):
        super().__init__()
        if config.get("variant") not in VARIANTS:
            raise ValueError(f"unknown variant {config.get('variant')!r}")
        self.config = dict(config)
        self.variant = config["variant"]
        self.conditional = bool(config.get("conditional", self.variant != "denoiser"))
        self.sigma_data = float(config["sigma_data"])
        self.shape = tuple(config["shape"])
        self.net = build_backbone(config["arch"], self.shape, self.conditional, **config.get("net", {}))

    def direction(self, y: torch.Tensor, sigma) -> torch.Tensor:
        """d(y, sigma) = D(y, sigma) - y, the denoising direction (see the module docstring)."""
        if not self.conditional:
            return self.sigma_data * self.net(y / self.sigma_data, None)
        s = as_sigma(sigma, y)
        c_in = bcast_sigma(torch.rsqrt(self.sigma_data ** 2 + s ** 2), y)
        return bcast_sigma(s, y) * self.net(y * c_in, s.log())

    def denoise(self, y: torch.Tensor, sigma) -> torch.Tensor:
        return y + self.direction(y, sigma)

    def score(self, y: torch.Tensor, sigma) -> torch.Tensor:
        return self.direction(y, sigma) / bcast_sigma(as_sigma(sigma, y), y) ** 2

    forward = denoise


class AnalyticModel:
    """The exact optimal denoiser and score of a Gaussian mixture (float64 internally)."""

    variant = "analytic"

    def __init__(self, mixture):
        self.mixture = mixture
        self.shape = (mixture.D,)

    def _apply(self, fn, y, sigma):
        s = as_sigma(sigma, y).detach().cpu().double().numpy()
        out = fn(y.detach().cpu().double().numpy(), s)
        return torch.from_numpy(out).to(device=y.device, dtype=y.dtype)

    def denoise(self, y, sigma):
        return self._apply(self.mixture.denoise, y, sigma)

    def score(self, y, sigma):
        return self._apply(self.mixture.score, y, sigma)


class EmpiricalModel:
    """The optimal denoiser of a finite training set: the model that memorises perfectly."""

    variant = "empirical"

    def __init__(self, train: torch.Tensor):
        self.train = train
        self.shape = tuple(train.shape[1:])

    def denoise(self, y, sigma):
        import kernels
        flat = y.reshape(y.shape[0], -1)
        x = self.train.reshape(self.train.shape[0], -1).to(device=y.device, dtype=y.dtype)
        den, _ = kernels.empirical_denoise(flat, x, as_sigma(sigma, y))
        return den.reshape(y.shape)

    def score(self, y, sigma):
        return (self.denoise(y, sigma) - y) / bcast_sigma(as_sigma(sigma, y), y) ** 2


# ------------------------------------------------------------------------ checkpoints
def save_checkpoint(model: ScoreModel, path) -> str:
    """Write state dict + JSON config atomically; returns the file's SHA-256."""
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    blob = {"format": "tinyscore.checkpoint", "config_json": json.dumps(model.config), "state_dict": state}
    write_bytes(path, torch_bytes(blob))
    return file_sha256(path)


def torch_bytes(obj) -> bytes:
    """``torch.save`` into memory. Saving to a file name would embed that (temporary) name in the
    archive, so identical models would give different bytes; in memory the archive is always named
    the same, and writing the bytes afterwards turns a full disk into a plain OSError."""
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def load_checkpoint(path, device="cpu") -> ScoreModel:
    """Load a checkpoint safely (weights_only): a corrupt or foreign file is a one-line error."""
    path = Path(path)
    if not path.is_file():
        raise TinyscoreError(f"checkpoint {path} does not exist")
    try:
        blob = torch.load(path, map_location=device, weights_only=True)
    except Exception as e:  # torch raises many kinds for truncated, foreign or pickled files
        raise TinyscoreError(f"{path} is not a readable tinyscore checkpoint ({type(e).__name__})") from None
    if not isinstance(blob, dict) or blob.get("format") != "tinyscore.checkpoint":
        raise TinyscoreError(f"{path} is not a tinyscore checkpoint")
    try:
        model = ScoreModel(json.loads(blob["config_json"]))
        model.load_state_dict(blob["state_dict"])
    except (KeyError, ValueError, TypeError, RuntimeError) as e:
        raise TinyscoreError(f"{path}: checkpoint does not match its config ({type(e).__name__})") from None
    return model.to(device).eval()


def file_sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_run(run_dir, device="cpu"):
    """A trained run directory -> (model, options dict, checkpoint sha256)."""
    run = Path(run_dir)
    if not run.is_dir():
        raise TinyscoreError(f"run directory {run} does not exist")
    opts_path = run / "options.json"
    if not opts_path.is_file():
        raise TinyscoreError(f"{run} is not a tinyscore run directory (no options.json)")
    try:
        options = json.loads(opts_path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise TinyscoreError(f"{opts_path} is not valid JSON") from None
    model = load_checkpoint(run / CHECKPOINT, device=device)
    return model, options, file_sha256(run / CHECKPOINT)


def to_tensor(x: np.ndarray, device="cpu") -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)).to(device)
