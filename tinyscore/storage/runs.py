r"""Run directories and checkpoints: written atomically, read back without unpickling, every field checked.

A checkpoint (``model.pt``) holds a state dict and the model's config as a JSON string, so it loads
with ``torch.load(..., weights_only=True)``: nothing a user hands us is ever unpickled. A run
directory holds that checkpoint beside ``options.json`` (docs/design.md, the run directory).

Reading is the defensive half. A run directory can be edited, truncated or replaced by hand, so
everything read from it is checked before it is used, in the order that refuses early and
allocates late: the checkpoint's fields and config (types and ranges), the size of the network it
declares (before anything is allocated), its state dict against the network's own (keys, shapes,
dtypes, finite values), and the fields of options.json the analyses use. Each problem is one
:class:`tinyscore.errors.TinyscoreError` line naming the file and the field. The model itself,
:class:`tinyscore.core.models.ScoreModel`, is built only from a config and state dict that passed.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import stat
import warnings
import zipfile
from pathlib import Path

import torch

from tinyscore.config import CHECKPOINT, DATA_SEED_RANGE, check_variant, is_int
from tinyscore.core.models import ScoreModel
from tinyscore.errors import TinyscoreError, brief, shown
from tinyscore.storage.files import file_sha256, write_bytes
from tinyscore.storage.limits import check_fits


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


# ------------------------------------------------------------------- reading a run back
ARCHS = ("mlp", "conv")
#: the backbone options a config's "net" may hold, per architecture (tinyscore.core.nets, tinyscore.core.unet)
NET_OPTIONS = {"mlp": ("width", "emb_dim"), "conv": ("base", "mults", "groups", "emb_dim", "blocks")}
MAX_LEVELS, MAX_BLOCKS = 16, 64     # a conv UNet of more levels or blocks than this is not one we wrote
SEED_RANGE = (-2 ** 63, 2 ** 64 - 1)     # what torch.manual_seed accepts


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def kind_of(value) -> str:
    """The JSON name of a value's type (for 'must be an object, got a list')."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "an integer",
             float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def regular_file(path: Path, what: str) -> os.stat_result:
    """stat ``path`` and refuse anything but a regular file (folder, FIFO, dangling or looping link)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise TinyscoreError(f"{what} {shown(path)} does not exist") from None
    except OSError as e:
        raise TinyscoreError(f"{what} {shown(path)} cannot be read ({e.strerror or type(e).__name__})") from None
    if stat.S_ISDIR(st.st_mode):
        raise TinyscoreError(f"{what} {shown(path)} is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise TinyscoreError(f"{what} {shown(path)} is not a regular file")
    return st


def fits(nbytes: int, what: str) -> None:
    """:func:`tinyscore.storage.limits.check_fits` for sizes computed from a user's numbers, however large."""
    check_fits(min(nbytes, 2 ** 100), what)


def read_file_bytes(path: Path, what: str, copies: float = 2) -> bytes:
    """The bytes of a regular file, after checking that ``copies`` times its size fit in memory."""
    st = regular_file(path, what)
    fits(int(copies * st.st_size), f"reading {what} {shown(path)}")
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise TinyscoreError(f"{what} {shown(path)} cannot be read ({e.strerror or type(e).__name__})") from None


def check_config(config, where) -> dict:
    """Check a checkpoint's config (types, values, backbone options); returns it."""
    if not isinstance(config, dict):
        raise TinyscoreError(f"{where}: field 'config_json' must hold a JSON object, got {kind_of(config)}")

    def need(field, ok, what, value):
        if not ok:
            raise TinyscoreError(f"{where}: config field {field!r} must be {what}, got {brief(value)}")

    for field in ("variant", "arch", "shape", "sigma_data"):
        if field not in config:
            raise TinyscoreError(f"{where}: config field {field!r} is missing")
    variant, arch, shape = config["variant"], config["arch"], config["shape"]
    check_variant(variant, f"{where}: config field 'variant'")
    need("arch", isinstance(arch, str) and arch in ARCHS, f"one of {', '.join(ARCHS)}", arch)
    dims = 1 if arch == "mlp" else 3
    need("shape", isinstance(shape, list) and len(shape) == dims and all(is_int(s) and s >= 1 for s in shape),
         f"a list of {dims} positive integer{'s' if dims > 1 else ''} for the {arch} backbone", shape)
    fits(4 * math.prod(shape), f"{where}: config field 'shape' {brief(shape)}: one point")
    sigma_data = config["sigma_data"]
    need("sigma_data", is_number(sigma_data) and math.isfinite(sigma_data) and sigma_data > 0,
         "a positive number", sigma_data)
    if "conditional" in config:
        need("conditional", isinstance(config["conditional"], bool), "true or false", config["conditional"])
    net = config.get("net", {})
    need("net", isinstance(net, dict), "an object of backbone options", net)
    for key, value in net.items():
        field = f"net.{key}"
        if key not in NET_OPTIONS[arch]:
            raise TinyscoreError(f"{where}: config field {field!r} is not an option of the {arch} backbone "
                                 f"({', '.join(NET_OPTIONS[arch])})")
        if key == "mults":
            need(field, isinstance(value, list) and 1 <= len(value) <= MAX_LEVELS
                 and all(is_int(m) and m >= 1 for m in value),
                 f"a list of 1 to {MAX_LEVELS} positive integers", value)
        elif key == "blocks":
            need(field, is_int(value) and 1 <= value <= MAX_BLOCKS, f"an integer from 1 to {MAX_BLOCKS}", value)
        else:
            need(field, is_int(value) and value >= 1, "a positive integer", value)
    return config


def load_weights_only(data: bytes):
    """``torch.load(..., weights_only=True)`` of a file's bytes onto the CPU, torch's warnings dropped.

    Only tensors and plain containers load (nothing is unpickled). torch warns before it refuses some
    files (a pickle protocol other than 2, a TorchScript archive); dropped here, so that a refused
    file is the one line of its refusal, even under ``python -W default``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)


def read_checkpoint(path):
    """(config, state dict, SHA-256) of a checkpoint file, its fields checked; builds nothing.

    Loaded with ``torch.load(..., weights_only=True)`` from the bytes read once, so the digest is
    that of the file loaded. A tinyscore checkpoint is a zip archive (torch's format); the sizes it
    declares are checked against the memory available before torch reads it."""
    path = Path(path)
    p = shown(path)
    data = read_file_bytes(path, "checkpoint")
    if not data:
        raise TinyscoreError(f"{p} is not a readable tinyscore checkpoint (an empty file)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            declared = sum(info.file_size for info in z.infolist())
    except Exception:  # zipfile raises several kinds for foreign or truncated bytes
        raise TinyscoreError(f"{p} is not a readable tinyscore checkpoint (not a complete zip archive)") from None
    fits(declared + len(data), f"{p}: loading the checkpoint")
    try:
        blob = load_weights_only(data)
    except Exception as e:  # torch raises many kinds for truncated, foreign or pickled files
        raise TinyscoreError(f"{p} is not a readable tinyscore checkpoint ({type(e).__name__})") from None
    if not isinstance(blob, dict) or blob.get("format") != "tinyscore.checkpoint":
        raise TinyscoreError(f"{p} is not a tinyscore checkpoint (its field 'format' is not 'tinyscore.checkpoint')")
    config_json = blob.get("config_json")
    if not isinstance(config_json, str):
        raise TinyscoreError(f"{p}: field 'config_json' must be a JSON string, got {kind_of(config_json)}")
    try:
        config = json.loads(config_json)
    except (ValueError, RecursionError):
        raise TinyscoreError(f"{p}: field 'config_json' is not valid JSON") from None
    config = check_config(config, p)
    state = blob.get("state_dict")
    if not isinstance(state, dict):
        raise TinyscoreError(f"{p}: field 'state_dict' must be a dict of tensors, got {kind_of(state)}")
    return config, state, hashlib.sha256(data).hexdigest()


def check_state_dict(state: dict, expected: dict, where) -> None:
    """A checkpoint's state dict against the network's own: same keys, shapes, float dtypes, finite."""
    for k in state:
        if not isinstance(k, str):
            raise TinyscoreError(f"{where}: field 'state_dict' has a key {brief(k)} that is not a name")
    missing = [k for k in expected if k not in state]
    if missing:
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise TinyscoreError(f"{where}: state_dict lacks entry {shown(missing[0])!r}{more} of its config's network")
    extra = [k for k in state if k not in expected]
    if extra:
        more = f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""
        raise TinyscoreError(f"{where}: state_dict has entry {brief(extra[0])}{more}, which its config's network "
                             "does not have")
    for k, ref in expected.items():
        v, name = state[k], f"state_dict entry {shown(k)!r}"
        if not isinstance(v, torch.Tensor):
            raise TinyscoreError(f"{where}: {name} must be a tensor, got {type(v).__name__}")
        if v.layout != torch.strided or v.is_quantized or v.is_nested or v.device.type != "cpu":
            raise TinyscoreError(f"{where}: {name} must be a dense tensor (layout {v.layout}, device {v.device})")
        if not v.is_floating_point():
            raise TinyscoreError(f"{where}: {name} has dtype {str(v.dtype).replace('torch.', '')}, "
                                 f"the network needs {str(ref.dtype).replace('torch.', '')}")
        if tuple(v.shape) != tuple(ref.shape):
            raise TinyscoreError(f"{where}: {name} has shape {tuple(v.shape)}, the network needs {tuple(ref.shape)}")
        if not bool(torch.isfinite(v).all()):
            raise TinyscoreError(f"{where}: {name} holds NaN or infinite values")


def build_model(config: dict, state: dict, where, device="cpu") -> ScoreModel:
    """The network a checked config describes, with the state dict loaded once it is known to fit.

    The network is first laid out on the meta device (no memory), so that a config declaring a
    huge network is refused by size before anything is allocated."""
    try:
        with torch.device("meta"):
            expected = ScoreModel(config).state_dict()
    except TinyscoreError as e:        # the backbone refuses its options or their size itself
        raise TinyscoreError(f"{where}: {shown(e)}") from None
    except (ValueError, TypeError, RuntimeError) as e:
        reason = shown(str(e).splitlines()[0] if str(e) else type(e).__name__)
        raise TinyscoreError(f"{where}: its config describes no network we can build ({reason})") from None
    nbytes = sum(t.numel() * t.element_size() for t in expected.values())
    fits(nbytes, f"{where}: the network its config declares (fields 'shape' and 'net')")
    check_state_dict(state, expected, where)
    model = ScoreModel(config)
    try:
        model.load_state_dict(state)
    except RuntimeError as e:  # pragma: no cover - check_state_dict refuses what this would
        raise TinyscoreError(f"{where}: state_dict does not fit its config ({type(e).__name__})") from None
    return model.to(device).eval()


def load_checkpoint(path, device="cpu") -> ScoreModel:
    """Load a checkpoint safely (weights_only): a corrupt or foreign file is a one-line error."""
    config, state, _ = read_checkpoint(path)
    return build_model(config, state, shown(path), device)


def check_options(options, where) -> dict:
    """Check the fields of a run's options.json that the analyses use; returns the options.

    variant, data, n, half and seed are required (train always writes them); data_seed and
    resolution may be absent (0 and none)."""
    if not isinstance(options, dict):
        raise TinyscoreError(f"{where} must hold a JSON object, got {kind_of(options)}")

    def need(field, ok, what):
        if not ok:
            raise TinyscoreError(f"{where}: field {field!r} must be {what}, got {brief(options[field])}")

    for field in ("variant", "data", "n", "half", "seed"):
        if field not in options:
            raise TinyscoreError(f"{where}: field {field!r} is missing")
    check_variant(options["variant"], f"{where}: field 'variant'")
    need("data", isinstance(options["data"], str) and options["data"] != "", "a dataset name or path")
    lo, hi = DATA_SEED_RANGE
    if "data_seed" in options:
        need("data_seed", is_int(options["data_seed"]) and lo <= options["data_seed"] <= hi,
             "a non-negative integer")
    if options.get("resolution") is not None:
        need("resolution", is_int(options["resolution"]) and options["resolution"] >= 4, "an integer >= 4 or null")
    need("n", is_int(options["n"]) and options["n"] >= 1, "a positive integer")
    need("half", options["half"] in ("a", "b"), "'a' or 'b'")
    lo, hi = SEED_RANGE
    need("seed", is_int(options["seed"]) and lo <= options["seed"] <= hi, f"an integer from {lo} to {hi}")
    return options


class RunFiles:
    """A run directory's checked files, read but not yet built: options, checkpoint config, state dict."""

    def __init__(self, run_dir, options: dict, config: dict, state: dict, sha256: str):
        self.run, self.options, self.config, self.state, self.sha256 = Path(run_dir), options, config, state, sha256

    @property
    def checkpoint(self) -> str:
        return shown(self.run / CHECKPOINT)

    def build(self, device="cpu", shape=None) -> ScoreModel:
        """The run's model. The checkpoint's variant must be the one options.json names and, with
        ``shape`` (the points of the run's dataset), its config's shape must be that shape: both
        are checked before the network is built."""
        where, config, opts = self.checkpoint, self.config, self.options
        if config["variant"] != opts["variant"]:
            raise TinyscoreError(f"{where}: config field 'variant' is {config['variant']!r}, but options.json "
                                 f"says {opts['variant']!r}")
        if shape is not None and tuple(config["shape"]) != tuple(shape):
            raise TinyscoreError(f"{where}: config field 'shape' is {brief(config['shape'])}, but the run's data "
                                 f"{brief(opts['data'])} (options.json field 'data') has points of shape "
                                 f"{tuple(shape)}")
        return build_model(config, self.state, where, device)


def kept_checkpoint(step: int) -> str:
    """The name of the model a run kept at ``step`` (``train --keep-every``): ``model_step4000.pt``."""
    return f"model_step{int(step)}.pt"


#: the names :func:`kept_checkpoint` gives
KEPT_PATTERN = re.compile(r"model_step[1-9][0-9]*\.pt")


def read_run(run_dir, checkpoint: str = CHECKPOINT) -> RunFiles:
    """Read and check a run directory's files, building nothing: the folder, its checkpoint (see
    :func:`read_checkpoint`; ``checkpoint``: another model the run kept, :func:`kept_checkpoint`), then its
    options.json (see :func:`check_options`)."""
    run = Path(run_dir)
    try:
        st = os.stat(run)
    except FileNotFoundError:
        raise TinyscoreError(f"run directory {shown(run)} does not exist") from None
    except (OSError, ValueError) as e:
        raise TinyscoreError(f"run directory {shown(run)} cannot be read "
                             f"({getattr(e, 'strerror', None) or shown(e)})") from None
    if not stat.S_ISDIR(st.st_mode):
        raise TinyscoreError(f"{shown(run)} is a file, not a run directory")
    opts_path = run / "options.json"
    if not (opts_path.exists() or opts_path.is_symlink()):
        raise TinyscoreError(f"{shown(run)} is not a tinyscore run directory (no options.json)")
    if checkpoint != CHECKPOINT and not KEPT_PATTERN.fullmatch(checkpoint):
        raise TinyscoreError(f"{checkpoint!r} is not a model a run keeps ({CHECKPOINT} or model_stepK.pt)")
    if checkpoint != CHECKPOINT and not (run / checkpoint).is_file():
        raise TinyscoreError(f"run {shown(run)} kept no {checkpoint} (train it with --keep-every)")
    config, state, sha = read_checkpoint(run / checkpoint)
    data = read_file_bytes(opts_path, "options file", copies=20)
    try:
        options = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):   # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise TinyscoreError(f"{shown(opts_path)} is not valid JSON") from None
    return RunFiles(run, check_options(options, shown(opts_path)), config, state, sha)


def load_run(run_dir, device="cpu", shape=None, checkpoint: str = CHECKPOINT):
    """A trained run directory -> (model, options dict, checkpoint sha256), every file checked;
    ``checkpoint``: a model the run kept during training (:func:`kept_checkpoint`) instead of the final one."""
    files = read_run(run_dir, checkpoint)
    return files.build(device, shape), files.options, files.sha256
