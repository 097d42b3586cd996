r"""diffusers UNets as tinyscore denoisers: a variance-preserving model read in variance-exploding units.

``diffusers:PATH`` names a ``UNet2DModel`` saved with ``save_pretrained`` together with its
scheduler's config: PATH holds ``config.json``, the weights and ``scheduler_config.json``, or is a
pipeline folder with ``unet/`` and ``scheduler/``. It is read through the diffusers library
(``pip install diffusers``), which is imported only here, and only once the folder has passed
its checks.

:class:`DiffusersDenoiser` is the idea: :meth:`DiffusersDenoiser.x0` writes out the conversion from
tinyscore's y = x + sigma z, x in [0, 1], to the model's x_t = sqrt(abar_t) x_m + sqrt(1 - abar_t) eps,
x_m in [-1, 1], and back from its output to D(y, sigma). The timestep is interpolated: t is
fractional, linear in log sigma_t between the two neighbouring steps, for a ``positional`` time
embedding (its sinusoids take any real t); for a ``learned`` embedding (a table) it is the nearest
step. Outside the schedule's range, t is clamped to 0 or T - 1 (a notice says so). The input
scaling always uses the exact abar, so only the time label is approximate.

tinyscore's images are grayscale (1, H, W): a one-channel model takes them as they are; a
three-channel model gets the gray image replicated to R = G = B, and its x0 is averaged back over
the channels. A model with twice as many output channels (learned variance) has its first half
read. H and W must be the model's ``sample_size``. Class-conditional models and ``fourier`` time
embeddings (score-SDE, variance-exploding models) are refused. What diffusers warns or prints while
it reads the folder is kept off an error path (:func:`tinyscore.external.common.quiet`).
"""
from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import stat
from pathlib import Path

import numpy as np
import torch

from tinyscore.core.models import as_sigma, bcast_sigma
from tinyscore.errors import TinyscoreError, brief, shown
from tinyscore.external.common import cut, existing, image_shape, log, model_path, quiet, raised
from tinyscore.storage.files import file_sha256
from tinyscore.storage.limits import check_fits
from tinyscore.storage.runs import kind_of, read_file_bytes, regular_file


class DiffusersDenoiser:
    """A variance-preserving diffusers UNet as a tinyscore denoiser: D(y, sigma) = (x0_m + 1) / 2, x0_m from
    :meth:`x0`, and s(y, sigma) = (D(y, sigma) - y) / sigma^2 (Tweedie)."""

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
        r"""The model's clean estimate x0_m of noisy images ``y`` at tinyscore's ``sigma``, in the model's
        own [-1, 1] units, gray (B, 1, H, W): the VP -> VE conversion.

        tinyscore noises x in [0, 1] as y = x + sigma z (variance exploding). The model works on
        x_m = 2 x - 1 in [-1, 1], so y_m = 2 y - 1 = x_m + sigma_m z with

            sigma_m = 2 sigma                     (the pixel range doubles, and so does the noise)

        It was trained on x_t = sqrt(abar_t) x_m + sqrt(1 - abar_t) eps (variance preserving), abar_t
        the scheduler's ``alphas_cumprod``; divided by sqrt(abar_t) that is x_m + sigma_t eps with
        sigma_t = sqrt((1 - abar_t) / abar_t). So the model sees our y as

            abar = 1 / (1 + sigma_m^2),           x_t = sqrt(abar) y_m

        at the timestep t whose sigma_t is sigma_m (:meth:`timesteps`). From its output:

            epsilon:       x0_m = (x_t - sqrt(1 - abar) eps) / sqrt(abar) = y_m - sigma_m eps
            v_prediction:  x0_m = sqrt(abar) x_t - sqrt(1 - abar) v     = abar y_m - sqrt(1 - abar) v
            sample:        x0_m = the output

        and :meth:`denoise` returns D(y, sigma) = (x0_m + 1) / 2, with no clipping to [-1, 1] (that
        belongs to a sampler, not to the denoiser)."""
        s_m = 2 * as_sigma(sigma, y).double()                           # sigma in [-1, 1] units
        abar = 1 / (1 + s_m ** 2)
        t = torch.as_tensor(self.timesteps(s_m.cpu().numpy()), device=y.device)
        t = t.long() if self.embedding == "learned" else t.float()
        y_m = 2 * y.double() - 1
        x_t = (bcast_sigma(abar.sqrt(), y) * y_m).float()
        if self.channels == 3:
            x_t = x_t.expand(-1, 3, -1, -1)                             # gray to R = G = B
        with torch.no_grad():
            out = self.unet(x_t.contiguous(), t).sample
        out = out[:, :self.channels].double()                          # a learned variance's half is not read
        if self.prediction == "epsilon":
            x0 = y_m - bcast_sigma(s_m, y) * out
        elif self.prediction == "v_prediction":
            x0 = bcast_sigma(abar, y) * y_m - bcast_sigma((1 - abar).sqrt(), y) * out
        else:
            x0 = out
        return x0.mean(dim=1, keepdim=True)                             # back to gray

    def denoise(self, y, sigma):
        """D(y, sigma) = (x0_m + 1) / 2 in tinyscore's units, in batches that bound the activations."""
        if y.ndim != 4 or tuple(y.shape[1:]) != self.shape:
            raise TinyscoreError(f"this diffusers model takes images of shape {self.shape}, got {tuple(y.shape[1:])}")
        s = as_sigma(sigma, y)
        chunk = cut(y.shape[0], self.per_image)
        out = [(self.x0(y[a:a + chunk], s[a:a + chunk]) + 1) / 2 for a in range(0, y.shape[0], chunk)]
        return torch.cat(out).to(y.dtype)

    def score(self, y, sigma):
        """s(y, sigma) = (D(y, sigma) - y) / sigma^2 (Tweedie)."""
        return (self.denoise(y, sigma) - y) / bcast_sigma(as_sigma(sigma, y), y) ** 2


def activation_bytes(config, size) -> int:
    """A generous estimate of the activations one image keeps alive in a diffusers UNet: ten
    feature maps per level, plus the attention matrix at levels with attention."""
    pixels, total = size[0] * size[1], 0
    for i, (c, kind) in enumerate(zip(config.block_out_channels, config.down_block_types)):
        level = pixels / 4 ** i
        total += 10 * c * level + (2 * level ** 2 if "Attn" in kind else 0)
    return int(4 * total)


# ------------------------------------------------------------------ reading the folder
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
    root = model_path(spec, rest)
    if not stat.S_ISDIR(existing(root, spec, "folder").st_mode):
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
        with quiet():                # its dependencies may warn (deprecations) as they import
            import diffusers
    except ImportError:
        raise TinyscoreError(f"MODEL {shown(spec)} needs the diffusers library: pip install 'tinyscore[diffusers]' "
                             "(or pip install 'diffusers>=0.25')") from None
    except Exception as e:       # an installed diffusers that does not import (a version clash, say)
        raise TinyscoreError(f"MODEL {shown(spec)}: the diffusers library does not import ({raised(e)})") from None
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
        with quiet():
            sched = cls.from_config(cfg)
    except Exception as e:
        raise TinyscoreError(f"{where}: diffusers cannot build the scheduler ({raised(e)})") from None
    abar = getattr(sched, "alphas_cumprod", None)
    if abar is None:
        raise TinyscoreError(f"{where}: {name} has no alphas_cumprod: not a variance-preserving (DDPM-type) "
                             "scheduler, which is what tinyscore converts")
    abar = torch.as_tensor(abar).double().cpu().numpy()
    if abar.ndim != 1 or len(abar) < 2 or not np.isfinite(abar).all() or not ((abar > 0) & (abar < 1)).all() \
            or not (np.diff(abar) < 0).all():
        raise TinyscoreError(f"{where}: its alphas_cumprod is not strictly decreasing inside (0, 1)")
    return abar, pred, name


def _load_unet(diffusers, files: dict, nbytes: int, where: str):
    """The UNet of a checked folder, in float32 and evaluation mode, its weights finite. Its size is
    checked first: that of the network its config lays out on the meta device (no memory), or else
    ``nbytes``, the weights file's."""
    with contextlib.suppress(Exception), quiet():
        with torch.device("meta"):
            meta = diffusers.UNet2DModel.from_config(diffusers.UNet2DModel.load_config(files["unet"]))
        nbytes = sum(p.numel() * 4 for p in meta.parameters())
    check_fits(2 * nbytes, f"{where}: the UNet its config declares")
    try:
        with quiet():
            unet = diffusers.UNet2DModel.from_pretrained(files["unet"], local_files_only=True,
                                                         use_safetensors=files["weights"].suffix == ".safetensors")
    except Exception as e:
        raise TinyscoreError(f"{where}: diffusers cannot load the UNet ({raised(e)})") from None
    unet = unet.float().eval()
    bad = next((n for n, p in itertools.chain(unet.named_parameters(), unet.named_buffers())
                if p.is_floating_point() and not bool(torch.isfinite(p).all())), None)
    if bad is not None:
        raise TinyscoreError(f"{where}: weight {bad!r} holds NaN or infinite values")
    return unet


def open_diffusers(spec: str, rest: str, device):
    """(model, info) of ``diffusers:PATH`` (``rest`` is PATH): the folder's files checked before diffusers
    is imported, then the scheduler and the UNet built; the image size is checked by ``info["fit"]``."""
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
    unet = _load_unet(diffusers, files, regular.st_size, where)
    model = DiffusersDenoiser(unet, abar, pred, cfg["in"], cfg["out"], cfg["size"], cfg["embedding"])
    if device is not None:
        model.to(device)

    def fit(dataset, dev):
        shape = image_shape(dataset, spec)
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
