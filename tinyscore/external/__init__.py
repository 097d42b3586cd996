r"""Models made elsewhere: published bias-free UNets, diffusers models, and your own code.

Wherever a MODEL is accepted (``trajectories``, ``attractors``, ``score-error``,
:func:`tinyscore.load_model`), besides a run directory, ``analytic`` and ``empirical``:

``kadkhodaie:PATH``
    a bias-free UNet denoiser of Kadkhodaie et al. (ICLR 2024), PATH its ``model.pt`` (a plain
    state dict) or the folder holding it;
``diffusers:PATH``
    a ``UNet2DModel`` saved with ``save_pretrained`` together with its scheduler's config (PATH
    holds ``config.json``, the weights and ``scheduler_config.json``, or is a pipeline folder with
    ``unet/`` and ``scheduler/``), read through the diffusers library (``pip install diffusers``);
``python:MODULE:CALLABLE`` or ``FILE.py:CALLABLE``
    your own code: CALLABLE is called once and returns a model (the protocol below). This *runs
    your code* with your permissions: name only code you trust.

**The data.** The MODEL names the model only. ``--data`` (with ``--data-seed`` and
``--resolution``) names the dataset that the probes, attractor starts and test points come from,
exactly as for ``empirical``; for ``kadkhodaie:`` and ``diffusers:`` it is required (images of the
model's size, e.g. ``--data celeba:FILE.h5 --resolution 80`` for the published CelebA models),
for ``python:`` it defaults to ``uniform``. tinyscore does not know the training set of a model
made elsewhere, so trajectory files record ``n_train = 0`` and ``half = ""``; ``attractors``
takes the training set to test from ``--n`` and ``--half`` (for a published model, the training
images are those of its authors' split, not tinyscore's). Two trajectory files can be compared by
``diverge`` when their probes agree: the same ``--data``, ``--data-seed``, ``--resolution``,
``--probes``, ``--probe-seed`` and ``--sigmas``.

**What the files record.** Every trajectory file names the kind of model that made it,
``model_kind`` (``run``, ``analytic``, ``empirical``, ``kadkhodaie``, ``diffusers``, ``python``),
and ``model_sha256``: the SHA-256 of its file (a run's or published ``model.pt``; the ``.py`` file
of a callable), of its files for diffusers (see :func:`folder_digest`), empty when there is none.
``variant`` holds the kind for these models.

The protocol for your own code
------------------------------
CALLABLE (a function or class; dotted names such as ``Factory.build`` are followed) is called with
no arguments, or with ``device=`` (a ``torch.device``) when it takes a parameter of that name, and
returns an object with

``denoise(y, sigma) -> tensor``
    the denoised image D(y, sigma) ~ E[x | y] for y = x + sigma z, z ~ N(0, I). ``y`` is a float32
    torch tensor (B, *shape) on the device; ``sigma`` is a (B,) float32 tensor on the same device
    (tinyscore always passes a tensor). The output must be a torch tensor of y's shape, dtype
    and device, and finite.
``score(y, sigma) -> tensor`` (optional)
    the score s(y, sigma); without it tinyscore uses Tweedie's formula s = (D(y, sigma) - y) / sigma^2.
``shape`` (optional)
    the shape of one point, e.g. ``(2,)`` or ``(1, 40, 40)``; when given it must be the dataset's.

Points are in the units of the dataset: mixture coordinates, or grayscale images (1, H, W) in
[0, 1] whose noise sigma is in the same units. Anything else (an exception, a wrong shape, dtype
or device, a NaN) is refused with one line naming the method, e.g.
``python:mymodel:make: denoise(y, sigma) raised ValueError: ...``.

Published bias-free UNets (Kadkhodaie et al.)
---------------------------------------------
The state dict is all tinyscore reads: the architecture is inferred from the tensors alone (any
``module.`` prefix, left by DataParallel, is stripped). With B blocks, K kernels in the first,
C image channels and k x k convolutions, every convolution without bias, ReLU written R, and the
bias-free batch norm N(x) = x / running_sd * gammas (evaluation mode):

    encoder block 0        conv C->K, R, then (conv K->K, N, R) per further convolution
    encoder block b > 0    (conv, N, R) per convolution, K 2^(b-1) -> K 2^b, then K 2^b -> K 2^b
    after each encoder     2x2 average pooling (stride 2); the block's output is kept as a skip
    middle                 (conv, N, R) per convolution, K 2^(B-1) -> K 2^B, then at K 2^B
    decoder b = B-1 .. 0   2x2 stride-2 transposed conv K 2^(b+1) -> K 2^b, concatenated
                           [upsampled, skip b], then (conv, N, R) per convolution, 2 K 2^b -> K 2^b;
                           block 0 ends with conv K -> C instead of its last (conv, N, R)

Keys: ``encoder.b.i.weight`` (i the layer's index in its block, counting the ReLUs),
``encoder.b.i.gammas`` / ``running_sd`` (1, C_b, 1, 1), likewise ``mid_block.i.*`` and
``decoder.b.i.*``, and ``upsample.b.weight`` (K 2^(b+1), K 2^b, 2, 2). The published CelebA
models have K = 64, B = 3 (B = 2 and 4 are "RF 45" and "RF 180"), two convolutions per block, one
channel. A state dict that fits no such layout is refused naming its first tensor (in file order)
that does not fit. The network is blind and returns the noise estimate f(y), pixels and sigma in
[0, 1]; so D(y) = y - f(y) and s(y, sigma) = (D(y) - y) / sigma^2 = -f(y) / sigma^2. Image sides
must divide by 2^B.

diffusers models (variance-preserving)
--------------------------------------
tinyscore's images are x in [0, 1], noised as y = x + sigma z (variance exploding). A diffusers
model works on x_m = 2 x - 1 in [-1, 1], so y_m = 2 y - 1 = x_m + sigma_m z with

    sigma_m = 2 sigma                      (the pixel range doubles, and so does the noise)

and is trained on x_t = sqrt(abar_t) x_m + sqrt(1 - abar_t) eps, abar_t the scheduler's
``alphas_cumprod``. Dividing by sqrt(abar_t) turns that into x_m + sigma_t eps with
sigma_t = sqrt((1 - abar_t) / abar_t); so for our y the model sees

    abar = 1 / (1 + sigma_m^2),            x_t = sqrt(abar) y_m

at the timestep t whose sigma_t is sigma_m. The timestep is interpolated: t is fractional, linear
in log sigma_t between the two neighbouring steps, for a ``positional`` time embedding (its
sinusoids take any real t); for a ``learned`` embedding (a table) it is the nearest step.
Outside the schedule's range, t is clamped to 0 or T - 1 (a notice says so). The input scaling
always uses the exact abar above, so only the time label is approximate. From the output:

    epsilon:       x0_m = (x_t - sqrt(1 - abar) eps) / sqrt(abar) = y_m - sigma_m eps
    v_prediction:  x0_m = sqrt(abar) x_t - sqrt(1 - abar) v
    sample:        x0_m = the output

and D(y, sigma) = (x0_m + 1) / 2, with no clipping to [-1, 1] (that belongs to a sampler, not to
the denoiser). tinyscore's images are grayscale (1, H, W): a one-channel model takes them as
they are; a three-channel model gets the gray image replicated to R = G = B, and its x0 is
averaged back over the channels. A model with twice as many output channels (learned variance)
has its first half read. H and W must be the model's ``sample_size``. Class-conditional models
and ``fourier`` time embeddings (score-SDE, variance-exploding models) are refused.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import inspect
import io
import itertools
import json
import logging
import math
import os
import re
import stat
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from tinyscore.errors import TinyscoreError, brief, shown
from tinyscore.storage.files import file_sha256
from tinyscore.storage.limits import check_fits
from tinyscore.core.models import as_sigma, bcast_sigma
from tinyscore.storage.runs import check_seed, kind_of, read_file_bytes, regular_file

log = logging.getLogger("tinyscore")

KINDS = ("kadkhodaie", "diffusers", "python")
FORMS = "kadkhodaie:PATH, diffusers:PATH, python:MODULE:CALLABLE or FILE.py:CALLABLE"
ACTIVATIONS = 256 << 20           # bytes of activations a network may hold at once: batches are cut to fit

_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9_-]+):")
_PYFILE = re.compile(r"^(?P<file>.+\.py)(?::(?P<name>.*))?$", re.IGNORECASE)
_DOTTED = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


def claims(spec) -> bool:
    """Is ``spec`` a MODEL of this module? The three prefixes, ``FILE.py[:CALLABLE]``, and any other
    ``word:`` prefix that names no existing path (refused as an unknown kind, not 'no such folder')."""
    if not isinstance(spec, str):
        return False
    m = _PREFIX.match(spec)
    if m and m.group(1) in KINDS:
        return True
    if _PYFILE.match(spec) and not os.path.isdir(spec):
        return True
    return bool(m) and not os.path.lexists(spec)


def _kind(spec: str) -> tuple[str, str]:
    """(kind, the rest of the spec)."""
    m = _PREFIX.match(spec)
    if m and m.group(1) in KINDS:
        return m.group(1), spec[m.end():]
    if _PYFILE.match(spec):
        return "python", spec
    word = m.group(1) if m else spec
    raise TinyscoreError(f"MODEL {shown(spec)}: unknown kind of model {shown(word)!r}: give a run directory, "
                         f"analytic, empirical, or {FORMS}")


def load_external(spec: str, device="cpu"):
    """The model of a ``kadkhodaie:``, ``diffusers:`` or ``python:`` spec, without a dataset.

    Its ``shape`` is the shape of one point when the model fixes it (diffusers: (1, size, size);
    a callable's own ``shape``), else None (a bias-free UNet takes any image size)."""
    model, _ = _open(spec, torch.device(device))
    return model


def resolve_external(spec: str, data=None, data_seed=0, resolution=None, n=1000, half="a", device="cpu"):
    """(model, dataset, trajectory-file attributes), as :func:`tinyscore.analyses.trajectories.resolve_model`.

    The model's files are read and checked first, then the dataset is loaded, then the two are
    checked against each other, and only then is the network moved to the device."""
    from tinyscore.data.datasets import load_dataset
    kind, _ = _kind(spec)
    if data is None and kind != "python":
        raise TinyscoreError(f"MODEL {shown(spec)} needs --data: the images its probes come from, of the size "
                             "it was trained on (the published CelebA models: --data celeba:FILE.h5 --resolution 80)")
    data = data or "uniform"
    check_seed(data_seed, "--data-seed")
    model, info = _open(spec, torch.device("cpu"), lazy=True)
    dataset = load_dataset(data, data_seed=data_seed, resolution=resolution)
    model = info["fit"](dataset, device)
    attrs = dict(variant=kind, n_train=0, half="", seed=-1, checkpoint_sha256=info["checkpoint_sha256"],
                 data=data, resolution=resolution or 0, model_kind=kind, model_sha256=info["sha256"],
                 **info.get("attrs", {}))
    return model, dataset, attrs


def _open(spec: str, device, lazy: bool = False):
    kind, rest = _kind(spec)
    opener = {"kadkhodaie": open_kadkhodaie, "diffusers": open_diffusers, "python": open_python}[kind]
    model, info = opener(spec, rest, None if lazy else device)
    return model, info


def _one_line(e: BaseException, limit: int = 200) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    text = shown(text)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _raised(e: BaseException) -> str:
    """'ValueError: message' for one line."""
    msg = " ".join(str(e).split())
    return shown(f"{type(e).__name__}: {_one_line(e)}" if msg else type(e).__name__)


def _image_shape(dataset, spec: str) -> tuple:
    if len(dataset.shape) != 3:
        raise TinyscoreError(f"MODEL {shown(spec)} is an image model, but {dataset.name} has points of shape "
                             f"{tuple(dataset.shape)}: give --data images (celeba:FILE.h5, a folder, .npy/.npz)")
    return tuple(dataset.shape)


def _cut(batch: int, per_item: int) -> int:
    """Items per chunk so that ``per_item`` bytes each stay within ACTIVATIONS (at least one)."""
    return max(1, min(batch, ACTIVATIONS // max(1, per_item)))


# ===================================================================== Kadkhodaie et al.
_NAMES = re.compile(r"^(?:(?P<part>encoder|decoder)\.(?P<b>\d+)\.(?P<i>\d+)\.(?P<what>weight|gammas|running_sd)"
                    r"|mid_block\.(?P<mi>\d+)\.(?P<mwhat>weight|gammas|running_sd)"
                    r"|upsample\.(?P<ub>\d+)\.weight)$")
MAX_BLOCKS, MAX_CONVS = 12, 64


def unet_layout(blocks: int, kernels: int, channels: int = 1, kernel_size: int = 3,
                enc_convs: int = 2, mid_convs: int = 2, dec_convs: int = 2):
    """(expected {key: shape} in the original's order, program) of a bias-free UNet.

    The program is {"encoder": [ops per block], "mid": [ops], "decoder": [ops per block],
    "upsample": [key per block]}; an op is ("conv", key), ("bn", gammas key, running_sd key) or
    ("relu",)."""
    K, C, k = kernels, channels, kernel_size
    shapes, prog = {}, {"encoder": [], "mid": [], "decoder": [None] * blocks, "upsample": [None] * blocks}

    def conv(ops, key, cin, cout):
        shapes[key] = (cout, cin, k, k)
        ops.append(("conv", key))

    def bn(ops, prefix, c):
        shapes[f"{prefix}.gammas"], shapes[f"{prefix}.running_sd"] = (1, c, 1, 1), (1, c, 1, 1)
        ops.append(("bn", f"{prefix}.gammas", f"{prefix}.running_sd"))

    for b in range(blocks):
        ops, i = [], 0
        cout = K * 2 ** b
        for layer in range(enc_convs):
            cin = (C if b == 0 else K * 2 ** (b - 1)) if layer == 0 else cout
            conv(ops, f"encoder.{b}.{i}.weight", cin, cout)
            if b == 0 and layer == 0:
                ops.append(("relu",))
                i += 2
                continue
            bn(ops, f"encoder.{b}.{i + 1}", cout)
            ops.append(("relu",))
            i += 3
        prog["encoder"].append(ops)
    ops, cm = [], K * 2 ** blocks
    for layer in range(mid_convs):
        conv(ops, f"mid_block.{3 * layer}.weight", K * 2 ** (blocks - 1) if layer == 0 else cm, cm)
        bn(ops, f"mid_block.{3 * layer + 1}", cm)
        ops.append(("relu",))
    prog["mid"] = ops
    for b in range(blocks - 1, -1, -1):
        ops, cout = [], K * 2 ** b
        for layer in range(dec_convs - (1 if b == 0 else 0)):
            conv(ops, f"decoder.{b}.{3 * layer}.weight", 2 * cout if layer == 0 else cout, cout)
            bn(ops, f"decoder.{b}.{3 * layer + 1}", cout)
            ops.append(("relu",))
        if b == 0:
            conv(ops, f"decoder.0.{3 * (dec_convs - 1)}.weight", K, C)
        prog["decoder"][b] = ops
    for b in range(blocks - 1, -1, -1):
        shapes[f"upsample.{b}.weight"] = (K * 2 ** (b + 1), K * 2 ** b, 2, 2)
        prog["upsample"][b] = f"upsample.{b}.weight"
    return shapes, prog


def infer_unet(state: dict, where: str):
    """The layout of a bias-free UNet state dict, inferred from its tensors; returns (settings, shapes, program).

    Refuses, in one line naming it, the first tensor (in the file's order) that fits no layout."""
    for key, v in state.items():
        if not isinstance(key, str):
            raise TinyscoreError(f"{where}: entry {brief(key)} is not a tensor name: not a state dict")
        if not isinstance(v, torch.Tensor):
            raise TinyscoreError(f"{where}: entry {shown(key)!r} is {kind_of(v)}, not a tensor: not a plain state "
                                 "dict of a bias-free UNet")
    first = state.get("encoder.0.0.weight")
    convs = {}                  # convolutions per block: ("encoder", b), ("decoder", b), ("mid", 0)
    for key in state:
        m = _NAMES.match(key)
        if m is None:
            raise TinyscoreError(f"{where}: tensor {shown(key)!r} does not fit the bias-free UNet of Kadkhodaie "
                                 "et al. (its tensors are encoder.B.I.*, mid_block.I.*, decoder.B.I.*, upsample.B.weight "
                                 "of bias-free convolutions and batch norms)")
        block = (m["part"], int(m["b"])) if m["part"] else ("mid", 0) if m["mwhat"] else None
        if block is not None:
            convs[block] = convs.get(block, 0) + ((m["what"] or m["mwhat"]) == "weight")
    blocks = len({b for part, b in convs if part == "encoder"})
    # counts come from the deepest encoder and decoder blocks, whose pattern has no exception
    counts = {"enc": convs.get(("encoder", blocks - 1), 0), "mid": convs.get(("mid", 0), 0),
              "dec": convs.get(("decoder", blocks - 1), 0)}
    if first is None or first.ndim != 4 or first.shape[2] != first.shape[3] or first.shape[2] % 2 == 0:
        if first is None:
            raise TinyscoreError(f"{where}: lacks tensor 'encoder.0.0.weight', the first convolution of a bias-free UNet")
        raise TinyscoreError(f"{where}: tensor 'encoder.0.0.weight' has shape {tuple(first.shape)}, not that of a "
                             "convolution with a square kernel of odd size (out, in, k, k)")
    settings = {"blocks": blocks, "kernels": int(first.shape[0]), "channels": int(first.shape[1]),
                "kernel_size": int(first.shape[2]), "enc_convs": counts["enc"], "mid_convs": counts["mid"],
                "dec_convs": counts["dec"]}
    if not (1 <= settings["blocks"] <= MAX_BLOCKS and settings["channels"] >= 1 and settings["kernels"] >= 1
            and 1 <= settings["enc_convs"] <= MAX_CONVS and 1 <= settings["mid_convs"] <= MAX_CONVS
            and 2 <= settings["dec_convs"] <= MAX_CONVS):
        described = ", ".join(f"{k} {v}" for k, v in settings.items())
        raise TinyscoreError(f"{where}: its tensors describe no bias-free UNet we can build ({described}; "
                             f"blocks 1 to {MAX_BLOCKS}, at least 1 convolution per encoder and middle block, "
                             "at least 2 per decoder block)")
    shapes, prog = unet_layout(**settings)
    check_fits(4 * sum(math.prod(s) for s in shapes.values()), f"{where}: the network its tensors declare")
    described = (f"{settings['blocks']} blocks, {settings['kernels']} kernels, {settings['channels']} channel(s), "
                 f"{settings['kernel_size']}x{settings['kernel_size']} convolutions, "
                 f"{settings['enc_convs']}/{settings['mid_convs']}/{settings['dec_convs']} per encoder/middle/decoder block")
    for key, v in state.items():
        if key not in shapes:
            raise TinyscoreError(f"{where}: tensor {shown(key)!r} does not fit the bias-free UNet its other tensors "
                                 f"describe ({described})")
        if tuple(v.shape) != shapes[key]:
            raise TinyscoreError(f"{where}: tensor {shown(key)!r} has shape {tuple(v.shape)}, but the bias-free UNet its "
                                 f"other tensors describe ({described}) needs {shapes[key]}")
        if v.layout != torch.strided or v.is_quantized or not v.is_floating_point():
            raise TinyscoreError(f"{where}: tensor {shown(key)!r} must hold floating-point numbers "
                                 f"(dtype {str(v.dtype).replace('torch.', '')}, layout {v.layout})")
        if not bool(torch.isfinite(v).all()):
            raise TinyscoreError(f"{where}: tensor {shown(key)!r} holds NaN or infinite values")
    missing = [k for k in shapes if k not in state]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise TinyscoreError(f"{where}: lacks tensor {missing[0]!r}{more} of the bias-free UNet its other tensors "
                             f"describe ({described})")
    zero = [k for k in shapes if k.endswith("running_sd") and not bool((state[k] > 0).all())]
    if zero:
        raise TinyscoreError(f"{where}: tensor {zero[0]!r} holds a standard deviation that is not positive")
    return settings, shapes, prog


def read_state_dict(path: Path) -> tuple[dict, str]:
    """(state dict, SHA-256 of the file), loaded with ``torch.load(..., weights_only=True)``."""
    p = shown(path)
    data = read_file_bytes(path, "model file")
    if not data:
        raise TinyscoreError(f"{p} is empty, not a state dict")
    declared = None
    with contextlib.suppress(Exception):         # a legacy (non-zip) torch file is fine too
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            declared = sum(info.file_size for info in z.infolist())
    check_fits((declared or 2 * len(data)) + len(data), f"{p}: loading the state dict")
    try:
        state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises many kinds for truncated, foreign or pickled files
        raise TinyscoreError(f"{p} is not a state dict of tensors that loads with weights_only=True "
                             f"({type(e).__name__})") from None
    if not isinstance(state, dict):
        raise TinyscoreError(f"{p} holds {kind_of(state)}, not a state dict (a dict of tensors)")
    if not state:
        raise TinyscoreError(f"{p} is an empty state dict")
    keys = list(state)
    if all(isinstance(k, str) and k.startswith("module.") for k in keys):
        state = {k[len("module."):]: v for k, v in state.items()}
    return state, hashlib.sha256(data).hexdigest()


class BiasFreeUNet:
    """A bias-free UNet of Kadkhodaie et al. in evaluation mode, written as plain tensor operations.

    ``noise(y)`` is the network's output f(y), the noise estimate; ``denoise(y, sigma) = y - f(y)``
    (sigma is not used: the network is blind); ``score(y, sigma) = -f(y) / sigma^2``."""

    variant = "kadkhodaie"

    def __init__(self, state: dict, settings: dict, program: dict, shape=None):
        self.w = {k: v.detach().to(torch.float32).contiguous() for k, v in state.items()}
        self.settings, self.prog = dict(settings), program
        self.channels, self.blocks = settings["channels"], settings["blocks"]
        self.shape = tuple(shape) if shape is not None else None

    def to(self, device):
        self.w = {k: v.to(device) for k, v in self.w.items()}
        return self

    def parameters(self):
        return iter(self.w.values())

    def eval(self):
        return self

    def _run(self, ops, x):
        pad = self.settings["kernel_size"] // 2
        for op in ops:
            if op[0] == "conv":
                x = F.conv2d(x, self.w[op[1]], padding=pad)
            elif op[0] == "bn":
                x = x / self.w[op[2]] * self.w[op[1]]
            else:
                x = F.relu(x)
        return x

    def check_size(self, shape, where: str) -> None:
        c, h, w = shape
        step = 2 ** self.blocks
        if c != self.channels:
            raise TinyscoreError(f"{where} takes images of {self.channels} channel(s), not {c}")
        if h % step or w % step:
            raise TinyscoreError(f"{where} has {self.blocks} blocks, so image sides must divide by {step}; "
                                 f"these are {h}x{w} (choose another --resolution)")

    def noise(self, y: torch.Tensor) -> torch.Tensor:
        """f(y): the network's output, computed in chunks that bound its activations."""
        if y.ndim != 4:
            raise TinyscoreError(f"a bias-free UNet takes images (B, C, H, W), got a tensor of shape {tuple(y.shape)}")
        self.check_size(tuple(y.shape[1:]), "this bias-free UNet")
        per_image = 6 * self.settings["kernels"] * y.shape[2] * y.shape[3] * 4
        check_fits(per_image, "one image through the bias-free UNet")
        chunk = _cut(y.shape[0], per_image)
        return torch.cat([self._forward(y[a:a + chunk].to(torch.float32)) for a in range(0, y.shape[0], chunk)])

    def _forward(self, x):
        skips = []
        for ops in self.prog["encoder"]:
            x = self._run(ops, x)
            skips.append(x)
            x = F.avg_pool2d(x, 2)
        x = self._run(self.prog["mid"], x)
        for b in range(self.blocks - 1, -1, -1):
            x = F.conv_transpose2d(x, self.w[self.prog["upsample"][b]], stride=2)
            x = self._run(self.prog["decoder"][b], torch.cat([x, skips[b]], dim=1))
        return x

    def denoise(self, y, sigma):
        return y - self.noise(y).to(y.dtype)

    def score(self, y, sigma):
        return -self.noise(y).to(y.dtype) / bcast_sigma(as_sigma(sigma, y), y) ** 2


def _existing(path: Path, spec: str, what: str) -> os.stat_result:
    try:
        return os.stat(path)
    except FileNotFoundError:
        raise TinyscoreError(f"MODEL {shown(spec)}: {what} {shown(path)} does not exist") from None
    except (OSError, ValueError) as e:
        raise TinyscoreError(f"MODEL {shown(spec)}: {what} {shown(path)} cannot be read "
                             f"({getattr(e, 'strerror', None) or _one_line(e)})") from None


def open_kadkhodaie(spec: str, rest: str, device):
    if not rest:
        raise TinyscoreError(f"MODEL {shown(spec)} names no file: write kadkhodaie:PATH (a model.pt or its folder)")
    path = Path(rest).expanduser()
    if stat.S_ISDIR(_existing(path, spec, "path").st_mode):
        path = path / "model.pt"
        _existing(path, spec, "model file")
    state, sha = read_state_dict(path)
    settings, _, prog = infer_unet(state, shown(path))
    model = BiasFreeUNet(state, settings, prog)
    if device is not None:
        model.to(device)

    def fit(dataset, dev):
        shape = _image_shape(dataset, spec)
        model.check_size(shape, f"{shown(path)} ({settings['blocks']} blocks)")
        model.shape = shape
        return model.to(dev)

    attrs = {"model_layout": json.dumps(settings, sort_keys=True)}
    return model, {"fit": fit, "sha256": sha, "checkpoint_sha256": sha, "attrs": attrs}


# ============================================================================= diffusers
WEIGHTS = ("diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.bin")
PREDICTIONS = ("epsilon", "v_prediction", "sample")


def _read_json(path: Path, what: str) -> dict:
    data = read_file_bytes(path, what, copies=20)
    try:
        obj = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        raise TinyscoreError(f"{shown(path)} is not valid JSON") from None
    if not isinstance(obj, dict):
        raise TinyscoreError(f"{shown(path)} must hold a JSON object, got {kind_of(obj)}")
    return obj


def diffusers_files(spec: str, rest: str) -> dict:
    """The files of a diffusers model folder: {"unet": folder, "config", "weights", "scheduler"}.

    Either the UNet and its scheduler saved into one folder (config.json, the weights and
    scheduler_config.json side by side), or a pipeline folder with unet/ and scheduler/."""
    if not rest:
        raise TinyscoreError(f"MODEL {shown(spec)} names no folder: write diffusers:PATH (a folder saved with "
                             "save_pretrained)")
    root = Path(rest).expanduser()
    if not stat.S_ISDIR(_existing(root, spec, "folder").st_mode):
        raise TinyscoreError(f"MODEL {shown(spec)}: {shown(root)} is not a folder (give the folder that "
                             "save_pretrained wrote)")
    if (root / "config.json").exists():
        unet, schedulers = root, [root / "scheduler_config.json", root.parent / "scheduler" / "scheduler_config.json"]
    elif (root / "unet" / "config.json").exists():
        unet, schedulers = root / "unet", [root / "scheduler" / "scheduler_config.json"]
    else:
        raise TinyscoreError(f"MODEL {shown(spec)}: {shown(root)} holds no config.json (nor unet/config.json): "
                             "not a diffusers model saved with save_pretrained")
    weights = [unet / w for w in WEIGHTS if (unet / w).exists()]
    if not weights:
        raise TinyscoreError(f"MODEL {shown(spec)}: {shown(unet)} holds no weights ({' or '.join(WEIGHTS)})")
    scheduler = next((s for s in schedulers if s.exists()), None)
    if scheduler is None:
        raise TinyscoreError(f"MODEL {shown(spec)}: {shown(unet)} has no scheduler config (scheduler_config.json "
                             "beside config.json, or scheduler/scheduler_config.json): tinyscore needs the noise "
                             "schedule to turn the model into a denoiser; save the scheduler with save_pretrained too")
    for f in (unet / "config.json", weights[0], scheduler):
        regular_file(f, "file")
    return {"unet": unet, "config": unet / "config.json", "weights": weights[0], "scheduler": scheduler}


def folder_digest(files) -> str:
    """SHA-256 over the files of a diffusers model: 'NAME SHA256\\n' per file, in the order given
    (config.json, the weights, scheduler_config.json)."""
    h = hashlib.sha256()
    for f in files:
        h.update(f"{Path(f).name} {file_sha256(f)}\n".encode())
    return h.hexdigest()


def _check_unet_config(cfg: dict, where: str) -> dict:
    def need(field, ok, what):
        if not ok:
            raise TinyscoreError(f"{where}: field {field!r} must be {what}, got {brief(cfg.get(field))}")

    name = cfg.get("_class_name", "UNet2DModel")
    need("_class_name", name == "UNet2DModel", "'UNet2DModel' (tinyscore reads unconditional 2-D UNets)")
    cin, cout = cfg.get("in_channels", 3), cfg.get("out_channels", 3)
    need("in_channels", cin in (1, 3) and not isinstance(cin, bool), "1 or 3")
    need("out_channels", cout in (cin, 2 * cin) and not isinstance(cout, bool),
         f"{cin} (or {2 * cin} with a learned variance)")
    size = cfg.get("sample_size")
    if isinstance(size, int) and not isinstance(size, bool):
        size = [size, size]
    need("sample_size", isinstance(size, list) and len(size) == 2 and all(isinstance(s, int) and s >= 1 for s in size),
         "a positive integer or [height, width]")
    emb = cfg.get("time_embedding_type", "positional")
    need("time_embedding_type", emb in ("positional", "learned"),
         "'positional' or 'learned' ('fourier' is a variance-exploding score-SDE model, which tinyscore does not read)")
    need("num_class_embeds", cfg.get("num_class_embeds") is None, "null (class-conditional models need labels)")
    need("class_embed_type", cfg.get("class_embed_type") is None, "null (class-conditional models need labels)")
    return {"in": cin, "out": cout, "size": tuple(size), "embedding": emb}


def _import_diffusers(spec: str):
    try:
        import diffusers
    except ImportError:
        raise TinyscoreError(f"MODEL {shown(spec)} needs the diffusers library: pip install 'tinyscore[diffusers]' "
                             "(or pip install 'diffusers>=0.25')") from None
    except Exception as e:       # an installed diffusers that does not import (a version clash, say)
        raise TinyscoreError(f"MODEL {shown(spec)}: the diffusers library does not import ({_raised(e)})") from None
    with contextlib.suppress(Exception):
        diffusers.utils.logging.set_verbosity_error()
        diffusers.utils.logging.disable_progress_bar()
    return diffusers


def _schedule(diffusers, cfg: dict, where: str):
    """(alphas_cumprod float64, prediction type, class name) of a scheduler config, through diffusers."""
    pred = cfg.get("prediction_type", "epsilon")
    if pred not in PREDICTIONS:
        raise TinyscoreError(f"{where}: field 'prediction_type' must be one of {', '.join(PREDICTIONS)}, "
                             f"got {brief(pred)}")
    name = cfg.get("_class_name", "DDPMScheduler")
    cls = getattr(diffusers, name, None) if isinstance(name, str) and name.endswith("Scheduler") else None
    if cls is None or not hasattr(cls, "from_config"):
        raise TinyscoreError(f"{where}: field '_class_name' {brief(name)} is not a diffusers scheduler")
    steps = cfg.get("num_train_timesteps", 1000)
    if not isinstance(steps, int) or isinstance(steps, bool) or not 2 <= steps <= 10 ** 6:
        raise TinyscoreError(f"{where}: field 'num_train_timesteps' must be an integer from 2 to 10^6, "
                             f"got {brief(steps)}")
    try:
        with contextlib.redirect_stdout(sys.stderr):
            sched = cls.from_config(cfg)
    except Exception as e:
        raise TinyscoreError(f"{where}: diffusers cannot build the scheduler ({_raised(e)})") from None
    abar = getattr(sched, "alphas_cumprod", None)
    if abar is None:
        raise TinyscoreError(f"{where}: {name} has no alphas_cumprod: not a variance-preserving (DDPM-type) "
                             "scheduler, which is what tinyscore converts")
    abar = torch.as_tensor(abar).double().cpu().numpy()
    if abar.ndim != 1 or len(abar) < 2 or not np.isfinite(abar).all() or not ((abar > 0) & (abar < 1)).all() \
            or not (np.diff(abar) < 0).all():
        raise TinyscoreError(f"{where}: its alphas_cumprod is not strictly decreasing inside (0, 1)")
    return abar, pred, name


def activation_bytes(config, size) -> int:
    """A generous estimate of the activations one image keeps alive in a diffusers UNet: ten
    feature maps per level, plus the attention matrix at levels with attention."""
    pixels, total = size[0] * size[1], 0
    for i, (c, kind) in enumerate(zip(config.block_out_channels, config.down_block_types)):
        level = pixels / 4 ** i
        total += 10 * c * level + (2 * level ** 2 if "Attn" in kind else 0)
    return int(4 * total)


class DiffusersDenoiser:
    """A variance-preserving diffusers UNet as a tinyscore denoiser (conversion in the module docstring)."""

    variant = "diffusers"

    def __init__(self, unet, alphas_cumprod, prediction: str, channels: int, out_channels: int, size, embedding: str):
        self.unet, self.prediction = unet, prediction
        self.abar = np.asarray(alphas_cumprod, dtype=np.float64)
        self.log_sigmas = np.log(np.sqrt((1 - self.abar) / self.abar))   # increasing with t
        self.channels, self.out_channels, self.embedding = channels, out_channels, embedding
        self.shape = (1, *size)
        self.per_image = activation_bytes(unet.config, size)
        self._warned = False

    def to(self, device):
        self.unet.to(device)
        return self

    def parameters(self):
        return self.unet.parameters()

    def eval(self):
        self.unet.eval()
        return self

    def timesteps(self, sigma_m: np.ndarray) -> np.ndarray:
        """The model's timestep for each noise level sigma_m (model units): fractional, linear in
        log sigma_t (positional embedding) or the nearest step (learned embedding); clamped to the schedule."""
        ls = np.log(sigma_m)
        lo, hi = self.log_sigmas[0], self.log_sigmas[-1]
        if (not self._warned) and ((ls < lo - 1e-9).any() or (ls > hi + 1e-9).any()):
            self._warned = True
            log.warning("sigma outside the diffusers model's schedule (%.3g to %.3g in its [-1, 1] units, "
                        "%.3g to %.3g in tinyscore's): its timestep is clamped to the nearest end",
                        math.exp(lo), math.exp(hi), math.exp(lo) / 2, math.exp(hi) / 2)
        t = np.interp(ls, self.log_sigmas, np.arange(len(self.abar), dtype=np.float64))
        return np.rint(t) if self.embedding == "learned" else t

    def x0(self, y: torch.Tensor, sigma) -> torch.Tensor:
        """The model's clean estimate in its own [-1, 1] units, gray (B, 1, H, W)."""
        s = as_sigma(sigma, y).double()
        s_m = 2 * s                                                      # sigma in [-1, 1] units
        abar = 1 / (1 + s_m ** 2)
        t = torch.as_tensor(self.timesteps(s_m.cpu().numpy()), device=y.device)
        t = t.long() if self.embedding == "learned" else t.float()
        y_m = 2 * y.double() - 1
        x_t = (bcast_sigma(abar.sqrt(), y) * y_m).float()
        if self.channels == 3:
            x_t = x_t.expand(-1, 3, -1, -1)
        with torch.no_grad():
            out = self.unet(x_t.contiguous(), t).sample
        out = out[:, :self.channels].double()
        if self.prediction == "epsilon":
            x0 = y_m - bcast_sigma(s_m, y) * out
        elif self.prediction == "v_prediction":
            x0 = bcast_sigma(abar, y) * y_m - bcast_sigma((1 - abar).sqrt(), y) * out
        else:
            x0 = out
        return x0.mean(dim=1, keepdim=True)

    def denoise(self, y, sigma):
        if y.ndim != 4 or tuple(y.shape[1:]) != self.shape:
            raise TinyscoreError(f"this diffusers model takes images of shape {self.shape}, got {tuple(y.shape[1:])}")
        s = as_sigma(sigma, y)
        chunk = _cut(y.shape[0], self.per_image)
        out = [(self.x0(y[a:a + chunk], s[a:a + chunk]) + 1) / 2 for a in range(0, y.shape[0], chunk)]
        return torch.cat(out).to(y.dtype)

    def score(self, y, sigma):
        return (self.denoise(y, sigma) - y) / bcast_sigma(as_sigma(sigma, y), y) ** 2


def open_diffusers(spec: str, rest: str, device):
    files = diffusers_files(spec, rest)
    cfg = _check_unet_config(_read_json(files["config"], "model config"), shown(files["config"]))
    sched_cfg = _read_json(files["scheduler"], "scheduler config")
    regular = regular_file(files["weights"], "weights")
    check_fits(3 * regular.st_size, f"{shown(files['weights'])}: loading the weights")
    diffusers = _import_diffusers(spec)
    abar, pred, sched_name = _schedule(diffusers, sched_cfg, shown(files["scheduler"]))
    if cfg["out"] == 2 * cfg["in"] and sched_cfg.get("variance_type") not in ("learned", "learned_range"):
        raise TinyscoreError(f"{shown(files['config'])}: field 'out_channels' is twice 'in_channels' but the "
                             "scheduler's variance_type is not learned or learned_range")
    where = shown(files["unet"])
    nbytes = regular.st_size                 # the weights' size, unless the config can be laid out without memory
    with contextlib.suppress(Exception):
        with torch.device("meta"):
            meta = diffusers.UNet2DModel.from_config(diffusers.UNet2DModel.load_config(files["unet"]))
        nbytes = sum(p.numel() * 4 for p in meta.parameters())
    check_fits(2 * nbytes, f"{where}: the UNet its config declares")
    try:
        with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            unet = diffusers.UNet2DModel.from_pretrained(files["unet"], local_files_only=True,
                                                         use_safetensors=files["weights"].suffix == ".safetensors")
    except Exception as e:
        raise TinyscoreError(f"{where}: diffusers cannot load the UNet ({_raised(e)})") from None
    unet = unet.float().eval()
    bad = next((n for n, p in itertools.chain(unet.named_parameters(), unet.named_buffers())
                if p.is_floating_point() and not bool(torch.isfinite(p).all())), None)
    if bad is not None:
        raise TinyscoreError(f"{where}: weight {bad!r} holds NaN or infinite values")
    model = DiffusersDenoiser(unet, abar, pred, cfg["in"], cfg["out"], cfg["size"], cfg["embedding"])
    if device is not None:
        model.to(device)

    def fit(dataset, dev):
        shape = _image_shape(dataset, spec)
        if shape != model.shape:
            raise TinyscoreError(f"{where} takes images of shape {model.shape} (config field 'sample_size'), but "
                                 f"{dataset.name} has {shape}: choose --resolution {model.shape[1]}"
                                 if shape[0] == 1 and shape[1] == shape[2] else
                                 f"{where} takes images of shape {model.shape}, but {dataset.name} has {shape}")
        return model.to(dev)

    digest = folder_digest([files["config"], files["weights"], files["scheduler"]])
    attrs = {"diffusers_prediction_type": pred, "diffusers_scheduler": sched_name,
             "diffusers_train_timesteps": int(len(abar)), "diffusers_channels": int(cfg["in"]),
             "diffusers_timesteps": ("nearest step" if cfg["embedding"] == "learned"
                                     else "fractional, linear in log sigma between steps"),
             "diffusers_sigma_scale": 2.0}
    return model, {"fit": fit, "sha256": digest, "checkpoint_sha256": digest, "attrs": attrs}


# ========================================================================== your own code
class UserModel:
    """A user's model behind checks: every output must be a finite tensor of y's shape, dtype and device."""

    variant = "python"

    def __init__(self, obj, label: str, shape=None):
        self.obj, self.label, self.shape = obj, label, shape
        self.has_score = callable(getattr(obj, "score", None))

    def parameters(self):
        params = getattr(self.obj, "parameters", None)
        if callable(params):
            with contextlib.suppress(Exception):
                return iter(list(params()))
        return iter(())

    def eval(self):
        return self

    def _call(self, method: str, y: torch.Tensor, sigma):
        s = as_sigma(sigma, y)
        what = f"{self.label}: {method}(y, sigma)"
        try:
            out = getattr(self.obj, method)(y, s)
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as e:
            raise TinyscoreError(f"{what} raised {_raised(e)}") from None
        if not isinstance(out, torch.Tensor):
            raise TinyscoreError(f"{what} returned {type(out).__name__}, not a torch tensor")
        if tuple(out.shape) != tuple(y.shape):
            raise TinyscoreError(f"{what} returned shape {tuple(out.shape)} for y of shape {tuple(y.shape)}")
        if out.dtype != y.dtype:
            raise TinyscoreError(f"{what} returned dtype {str(out.dtype).replace('torch.', '')}, not "
                                 f"{str(y.dtype).replace('torch.', '')} (the dtype of y)")
        if out.device != y.device:
            raise TinyscoreError(f"{what} returned a tensor on {out.device}, but y is on {y.device}")
        finite = torch.isfinite(out).reshape(out.shape[0], -1).all(dim=1)
        if not bool(finite.all()):
            i = int((~finite).nonzero()[0, 0])
            raise TinyscoreError(f"{what} returned NaN or infinite values (at sigma = {float(s[i]):.4g})")
        return out

    def denoise(self, y, sigma):
        return self._call("denoise", y, sigma)

    def score(self, y, sigma):
        if self.has_score:
            return self._call("score", y, sigma)
        return (self.denoise(y, sigma) - y) / bcast_sigma(as_sigma(sigma, y), y) ** 2


@contextlib.contextmanager
def _importing(extra_path=None):
    """While user code is imported: no __pycache__ written into the user's folders, and the current
    folder (or ``extra_path``) on sys.path."""
    before, added = sys.dont_write_bytecode, None
    sys.dont_write_bytecode = True
    entry = str(extra_path if extra_path is not None else os.getcwd())
    if entry not in sys.path:
        sys.path.insert(0, entry)
        added = entry
    try:
        yield
    finally:
        sys.dont_write_bytecode = before
        if added is not None:
            with contextlib.suppress(ValueError):
                sys.path.remove(added)


_COUNTER = itertools.count()


def _import_file(path: Path, spec: str):
    regular_file(path, f"MODEL {shown(spec)}: file")
    name = f"tinyscore_user_{re.sub(r'[^A-Za-z0-9_]', '_', path.stem)}_{next(_COUNTER)}"
    mspec = importlib.util.spec_from_file_location(name, path)
    if mspec is None or mspec.loader is None:
        raise TinyscoreError(f"MODEL {shown(spec)}: {shown(path)} cannot be imported as Python")
    module = importlib.util.module_from_spec(mspec)
    sys.modules[name] = module
    try:
        with _importing(path.resolve().parent):
            mspec.loader.exec_module(module)
    except (KeyboardInterrupt, MemoryError):
        sys.modules.pop(name, None)
        raise
    except BaseException as e:      # SystemExit from a script's guard is refused like any other failure
        sys.modules.pop(name, None)
        raise TinyscoreError(f"MODEL {shown(spec)}: importing {shown(path)} raised {_raised(e)}") from None
    return module


def _import_module(module: str, spec: str):
    if not _DOTTED.match(module):
        raise TinyscoreError(f"MODEL {shown(spec)}: {shown(module)!r} is not a module name (write python:MODULE:CALLABLE)")
    try:
        with _importing():
            return importlib.import_module(module)
    except (KeyboardInterrupt, MemoryError):
        raise
    except ModuleNotFoundError as e:
        if e.name and (module == e.name or module.startswith(e.name + ".")):
            raise TinyscoreError(f"MODEL {shown(spec)}: no module named {shown(e.name)!r} (it must be importable: "
                                 "installed, on PYTHONPATH, or a .py file in the current folder)") from None
        raise TinyscoreError(f"MODEL {shown(spec)}: importing {shown(module)} raised {_raised(e)}") from None
    except BaseException as e:
        raise TinyscoreError(f"MODEL {shown(spec)}: importing {shown(module)} raised {_raised(e)}") from None


def _parse_python(spec: str, rest: str):
    """(module file or None, module name or None, callable name) of a python: or FILE.py: spec."""
    m = _PYFILE.match(rest)
    if m and not spec.startswith("python:"):
        name = m["name"]
        if not name:
            raise TinyscoreError(f"MODEL {shown(spec)} names no callable: write FILE.py:CALLABLE")
        return Path(m["file"]).expanduser(), None, name
    parts = rest.rsplit(":", 1)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise TinyscoreError(f"MODEL {shown(spec)}: write python:MODULE:CALLABLE (or FILE.py:CALLABLE)")
    if parts[0].lower().endswith(".py"):
        return Path(parts[0]).expanduser(), None, parts[1]
    return None, parts[0], parts[1]


def _check_point_shape(shape, where: str):
    if shape is None:
        return None
    try:
        dims = tuple(shape)
    except TypeError:
        raise TinyscoreError(f"{where}: its shape {brief(shape)} is not a tuple of sizes") from None
    if not dims or not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 1 for d in dims):
        raise TinyscoreError(f"{where}: its shape {brief(shape)} is not a tuple of positive integers")
    return tuple(int(d) for d in dims)


def open_python(spec: str, rest: str, device):
    file, module_name, attr = _parse_python(spec, rest)
    if not _DOTTED.match(attr):
        raise TinyscoreError(f"MODEL {shown(spec)}: {shown(attr)!r} is not a Python name")
    sha = ""
    if file is not None:
        module = _import_file(file, spec)
        sha = _sha_or_empty(file)
        label = f"{file.name}:{attr}"
    else:
        module = _import_module(module_name, spec)
        src = getattr(module, "__file__", None)
        sha = _sha_or_empty(Path(src)) if isinstance(src, str) else ""
        label = f"python:{module_name}:{attr}"
    target = module
    for part in attr.split("."):
        if not hasattr(target, part):
            raise TinyscoreError(f"MODEL {shown(spec)}: {shown(label.rsplit(':', 1)[0])} has no attribute {attr!r}")
        target = getattr(target, part)
    if not callable(target):
        raise TinyscoreError(f"MODEL {shown(spec)}: {attr} is {type(target).__name__}, not a callable that returns "
                             "a model")
    def build(dev):
        kwargs = {}
        with contextlib.suppress(TypeError, ValueError):
            if "device" in inspect.signature(target).parameters:
                kwargs["device"] = dev
        try:
            obj = target(**kwargs)
        except (KeyboardInterrupt, MemoryError):
            raise
        except BaseException as e:
            raise TinyscoreError(f"MODEL {shown(spec)}: {attr}() raised {_raised(e)}") from None
        if not callable(getattr(obj, "denoise", None)):
            raise TinyscoreError(f"MODEL {shown(spec)}: {attr}() returned {type(obj).__name__}, which has no "
                                 "denoise(y, sigma) method")
        if getattr(obj, "score", None) is not None and not callable(obj.score):
            raise TinyscoreError(f"MODEL {shown(spec)}: {attr}() returned an object whose score is not a method")
        shape = _check_point_shape(getattr(obj, "shape", None), f"MODEL {shown(spec)}")
        return UserModel(obj, shown(label), shape)

    def fit(dataset, dev):
        model = build(dev)
        if model.shape is not None and model.shape != tuple(dataset.shape):
            raise TinyscoreError(f"MODEL {shown(spec)}: its shape {model.shape} is not the shape "
                                 f"{tuple(dataset.shape)} of the points of {dataset.name} (--data)")
        model.shape = tuple(dataset.shape)
        return model

    model = build(device) if device is not None else None
    return model, {"fit": fit, "sha256": sha, "checkpoint_sha256": "",
                   "attrs": {"model_callable": shown(label)}}


def _sha_or_empty(path: Path) -> str:
    try:
        return file_sha256(path) if path.is_file() else ""
    except OSError:
        return ""
