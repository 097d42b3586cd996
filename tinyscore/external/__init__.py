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
    your own code: CALLABLE is called once and returns a model (the protocol in
    :mod:`tinyscore.external.user_code`). This *runs your code* with your permissions: name only
    code you trust.

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
of a callable), of its files for diffusers (see :func:`tinyscore.external.hf_diffusers.folder_digest`),
empty when there is none. ``variant`` holds the kind for these models.

**One module per kind.** This package only tells the kinds apart and hands a MODEL to its opener:
:mod:`~tinyscore.external.kadkhodaie` (the bias-free UNet, its layout read from the tensors),
:mod:`~tinyscore.external.hf_diffusers` (the VP -> VE conversion of a diffusers UNet),
:mod:`~tinyscore.external.user_code` (your code, called behind checks) and, shared by the three,
:mod:`~tinyscore.external.common` (a foreign failure told in one line). An opener returns
``(model, info)``: ``info["fit"](dataset, device)`` checks the model against the dataset and
moves it to the device; ``info`` also holds the digests and the attributes a trajectory file records.
"""
from __future__ import annotations

import os
import re

import torch

from tinyscore.config import TRAIN_DEFAULTS
from tinyscore.errors import TinyscoreError, shown
from tinyscore.external.common import PYFILE
from tinyscore.external.hf_diffusers import open_diffusers
from tinyscore.external.kadkhodaie import open_kadkhodaie
from tinyscore.external.user_code import open_python
from tinyscore.config import check_seed

KINDS = ("kadkhodaie", "diffusers", "python")
FORMS = "kadkhodaie:PATH, diffusers:PATH, python:MODULE:CALLABLE or FILE.py:CALLABLE"
OPENERS = {"kadkhodaie": open_kadkhodaie, "diffusers": open_diffusers, "python": open_python}

_PREFIX = re.compile(r"^([A-Za-z][A-Za-z0-9_-]+):")


def claims(spec) -> bool:
    """Is ``spec`` a MODEL of this package? The three prefixes, ``FILE.py[:CALLABLE]``, and any other
    ``word:`` prefix that names no existing path (refused as an unknown kind, not 'no such folder')."""
    if not isinstance(spec, str):
        return False
    m = _PREFIX.match(spec)
    if m and m.group(1) in KINDS:
        return True
    if PYFILE.match(spec) and not os.path.isdir(spec):
        return True
    return bool(m) and not os.path.lexists(spec)


def _kind(spec: str) -> tuple[str, str]:
    """(kind, the rest of the spec)."""
    m = _PREFIX.match(spec)
    if m and m.group(1) in KINDS:
        return m.group(1), spec[m.end():]
    if PYFILE.match(spec):
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


def resolve_external(spec: str, data=None, data_seed=0, resolution=None, n=TRAIN_DEFAULTS["n"],
                     half=TRAIN_DEFAULTS["half"], device="cpu"):
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
    """(model, info) from the kind's opener; ``lazy``: the files read and checked, the network built
    but left on the CPU (and a callable not yet called) until ``info["fit"]``."""
    kind, rest = _kind(spec)
    return OPENERS[kind](spec, rest, None if lazy else device)
