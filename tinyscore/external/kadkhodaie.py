r"""Published bias-free UNets (Kadkhodaie et al., ICLR 2024), their layout read from the tensors alone.

``kadkhodaie:PATH`` names the network's ``model.pt`` (a plain state dict) or the folder holding it.
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

The file is loaded with ``torch.load(..., weights_only=True)`` (nothing is unpickled) and its
warnings are kept off the terminal: a refused file is one line.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import re
import stat
import zipfile
from pathlib import Path

import torch
import torch.nn.functional as F

from tinyscore.core.models import as_sigma, bcast_sigma
from tinyscore.errors import TinyscoreError, brief, shown
from tinyscore.external.common import cut, existing, image_shape, model_path
from tinyscore.storage.limits import check_fits
from tinyscore.storage.runs import kind_of, load_weights_only, read_file_bytes

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
    _check_tensors(state, shapes, where, settings)
    return settings, shapes, prog


def _check_tensors(state: dict, shapes: dict, where: str, settings: dict) -> None:
    """Every tensor of ``state`` against the layout its settings describe: its name and shape, a
    floating-point dense tensor, finite; none missing; running standard deviations positive."""
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
        state = load_weights_only(data)
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
        chunk = cut(y.shape[0], per_image)
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
        """D(y) = y - f(y): the residual form, the same at every sigma."""
        return y - self.noise(y).to(y.dtype)

    def score(self, y, sigma):
        """s(y, sigma) = (D(y) - y) / sigma^2 = -f(y) / sigma^2 (Tweedie)."""
        return -self.noise(y).to(y.dtype) / bcast_sigma(as_sigma(sigma, y), y) ** 2


def open_kadkhodaie(spec: str, rest: str, device):
    """(model, info) of ``kadkhodaie:PATH`` (``rest`` is PATH): the file read and its layout inferred now,
    the image size checked against the dataset by ``info["fit"]`` (see :func:`tinyscore.external.resolve_external`)."""
    if not rest:
        raise TinyscoreError(f"MODEL {shown(spec)} names no file: write kadkhodaie:PATH (a model.pt or its folder)")
    path = model_path(spec, rest)
    if stat.S_ISDIR(existing(path, spec, "path").st_mode):
        path = path / "model.pt"
        existing(path, spec, "model file")
    state, sha = read_state_dict(path)
    settings, _, prog = infer_unet(state, shown(path))
    model = BiasFreeUNet(state, settings, prog)
    if device is not None:
        model.to(device)

    def fit(dataset, dev):
        shape = image_shape(dataset, spec)
        model.check_size(shape, f"{shown(path)} ({settings['blocks']} blocks)")
        model.shape = shape
        return model.to(dev)

    attrs = {"model_layout": json.dumps(settings, sort_keys=True)}
    return model, {"fit": fit, "sha256": sha, "checkpoint_sha256": sha, "attrs": attrs}
