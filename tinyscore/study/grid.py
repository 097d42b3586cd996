r"""The grid of a study: its scales, its cells, and where each cell's files live.

A study is a grid of **cells**, one per (dataset, training-set size N, variant). A **scale** names
the grid and how hard each cell works: ``smoke`` is a CI check (a couple of minutes on one CPU core),
``small`` covers the six mixtures and CelebA at 40x40 with N up to 1,000, briefly trained (about
17 minutes on one CPU core, 9 with ``--jobs 2``), ``medium`` is the same grid trained to convergence (4,000 steps on
the mixtures, 10,000 on the faces; about 2 hours with ``--jobs 2`` on two CPU cores), ``paper`` is
the study's full grid for a GPU. Image datasets override some settings (``image``).

**The decisive scale** (``decisive``) is built to decide the low-noise claims, above all that models
trained on disjoint data diverge at low noise and that the data (not the seed) makes it, on two CPU cores
in under 2.5 hours with ``--jobs 2`` (issue 22, item 9):

* datasets: two 2-D mixtures, ``uniform`` (isotropic) and ``spiral`` (curved), and one 100-D,
  ``thinmanifold`` (the spiral on a 2-D frame in R^100, variance 1e-4 off the frame: at sigma = 0.02 the
  noise is twice the spread off the manifold, the low-noise regime where memorisation and the manifold meet);
* variants: ``ncsn`` and ``denoiser-cond``, the denoiser told sigma (``train --conditional``; a grid
  variant, :data:`GRID_VARIANTS`), so that reconstruction and score matching differ only in their loss;
* N = 10^2, 10^3, 10^4, 10^5; 2048 probes; analysis sigmas ``1,0.5,0.25,0.1,0.05,0.02`` (the scale's
  ``sigmas``); attractor eps chosen from the training points' spacing (``eps="spacing"``,
  tinyscore.analyses.controls.spacing_eps);
* **three seeds = three independent replicates** of each cell (``replicates=3``): replicate r trains
  A and B with seed 2r and A' with seed 2r + 1 (other initialisation, noise and batch order for every
  model), so the seeds' spread of AB itself, not only of the floor, enters the intervals; the verdicts
  pool the replicates of a (dataset, N, variant) into one case (tinyscore.study.evidence, "Replicates").
  Replicate 0 is the cell a scale without replicates would run (same folder, same step identities);
* 6,000 steps at batch 256 per model (1.5 million samples: 15 passes over N = 10^5), the resumable state
  saved and the model kept every 1,500 (``keep_every``: the convergence gate reads the decision metric
  at 50%, 75% and 100% of training); the ``geometry`` step on every cell.

Cut to fit, and why: ``ssm`` (its step costs ~1.8x ncsn's), N = 1 and 10 (memorisers by construction: the
empirical pair answers them exactly), ``hd-uniform`` (isotropic in 100-D, the 2-D ``uniform`` asks the same
question) and the other mixtures, CelebA (a UNet step costs ~100x an MLP's on CPU), and training length
(6,000 steps for every cell rather than a schedule per N until the metric stops moving; the convergence
gate says which cells that leaves short, and the verdicts count only the others). The dry run
(``reproduce --scale decisive --dry-run --jobs 2``) estimates 2.4 h of device time, 1.2 h of wall time
with two workers, from step times measured on two cores while they were quiet (docs/study-decisive holds
them and says how long the committed run took).

Every file of a study lives under the folder the user gave as ``--out``::

    OUT/DATASET/nN/VARIANT/       one cell: run_a, run_b (models), traj_a.h5, traj_b.h5, RESULT.json
    OUT/data/celeba80*.h5         the prepared faces, shared by the image cells
    OUT/.steps/STEP.json          one manifest per finished step (see :class:`Grid`)
    OUT/REPORT.md, commands.sh    the report and the equivalent commands of every step

**Resume.** Every step writes its outputs atomically (temporary name, then rename) and then its
manifest, holding the step's parameters and results. A step is done when its manifest holds the
same parameters (by digest) and its outputs exist; anything else (never started, interrupted
half-way, parameters changed) is redone from scratch.

**Moving a study.** The parameters name a file inside OUT by its path relative to OUT (the
prepared faces: ``celeba:data/celeba80.h5``), never by the OUT the user typed, so a study folder
that is moved or renamed, reached through a relative or an absolute path, a symbolic link or
another mount of the same disk, keeps its finished steps. Studies written before named the file under OUT as
typed; their manifests count as done while OUT is spelled as when they were written, and are then
rewritten with the new parameters (:meth:`Grid.is_done`), so that the folder moves freely after one
``reproduce`` (or ``--report-only``) where it is.

A study is first described without touching the disk (:func:`make_spec`: the options checked, a
snapshot of the scale's settings and the planned cells), so that every worker of the study --
started here or on another machine -- runs the same grid. The steps of the cells are in
:mod:`tinyscore.study.steps`.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from pathlib import Path

import numpy as np

from tinyscore.config import STUDY_SCALES, VARIANTS, check_variant, is_conditional
from tinyscore.errors import TinyscoreError
from tinyscore.storage.files import write_text
from tinyscore.storage.mixture_files import BENCHMARKS

log = logging.getLogger("tinyscore")

REPO = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATA_ROOT = "../shared/data"     # relative to the repository root
IMAGE_DATASETS = ("celeba",)
ALL_DATASETS = BENCHMARKS + IMAGE_DATASETS

#: the settings of each scale (tinyscore.config.STUDY_SCALES), each scale's datasets filled in where the
#: configuration leaves them to the study (None: every dataset it knows); ``image`` overrides the vector
#: settings for image datasets
SCALES = {name: {**settings, "datasets": settings["datasets"] or ALL_DATASETS}
          for name, settings in STUDY_SCALES.items()}


def scale_settings(scale: str, dataset: str, table: dict | None = None) -> dict:
    """The settings of ``scale`` for ``dataset`` (from ``table``, by default :data:`SCALES`)."""
    table = SCALES if table is None else table
    if scale not in table:
        raise TinyscoreError(f"unknown scale {scale!r}: expected one of {', '.join(table)}")
    s = {k: v for k, v in table[scale].items() if k != "image"}
    if dataset in IMAGE_DATASETS:
        s.update(table[scale].get("image") or {})
    return s


# ------------------------------------------------------------------------------ the grid's variants
#: variants only the grid knows, each the ``train`` (variant, --conditional) it stands for: the denoiser told
#: sigma, D(y, sigma) = y + sigma F(c_in y, log sigma), beside the sigma-blind default (issue 22, item 6)
GRID_VARIANTS = {"denoiser-cond": ("denoiser", True)}
STUDY_VARIANTS = VARIANTS + tuple(GRID_VARIANTS)


def check_grid_variant(variant, where: str = "variant") -> str:
    """``variant`` when it is one of :data:`STUDY_VARIANTS`; otherwise one line, as check_variant's."""
    return check_variant(variant, where, allowed=STUDY_VARIANTS)


def train_variant(variant: str) -> tuple[str, bool | None]:
    """(the ``train`` variant, its --conditional flag) of a grid variant: ('denoiser', True) for
    'denoiser-cond'; (variant, None), the variant's default, for the three of tinyscore.config.VARIANTS."""
    return GRID_VARIANTS.get(variant, (variant, None))


def grid_conditional(variant: str) -> bool:
    """Whether a grid variant's network sees sigma."""
    return is_conditional(*train_variant(variant))


# ------------------------------------------------------------------------------ where the files live
def cell_key(dataset: str, n: int, variant: str, replicate: int = 0) -> str:
    """'uniform/n100/ncsn': a cell's name, and its folder under OUT (by the N it asked for); the
    replicates after the first of a scale with ``replicates`` > 1 are 'uniform/n100/ncsn_r1', ..."""
    return f"{dataset}/n{n}/{variant}" + (f"_r{replicate}" if replicate else "")


def replicates(settings: dict) -> range:
    """The replicate numbers of a scale: range(settings["replicates"]), range(1) without the setting.

    Replicate r is a whole cell -- models A, B and (with the seed floor) A' -- whose models take the seeds
    2r (A and B) and 2r + 1 (A'): replicate 0 is the cell of a scale without replicates (seeds 0 and 1),
    and the others are independent repeats of it, which the verdicts pool (tinyscore.study.evidence)."""
    return range(int(settings.get("replicates") or 1))


def data_root_of(spec: dict) -> Path:
    """The folder holding celeba/img_align_celeba: the study's --data-root, else beside the repository."""
    return Path(spec["data_root"]) if spec.get("data_root") else (REPO / DEFAULT_DATA_ROOT)


def image_target(out: Path, settings: dict) -> Path:
    """Where the study keeps its prepared CelebA faces (80x80, all or the first ``prepare_limit``)."""
    limit = settings.get("prepare_limit")
    return Path(out) / "data" / (f"celeba80-first{limit}.h5" if limit else "celeba80.h5")


def celeba_source(data_root: Path) -> Path:
    return Path(data_root) / "celeba" / "img_align_celeba"


NO_CELEBA = f"no CelebA images under the data root ({DEFAULT_DATA_ROOT}/celeba/img_align_celeba)"


def digest(obj) -> str:
    """16 hex digits naming a JSON-able value: a step's parameters, a trained model's options, a study."""
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()[:16]


def write_json(path: Path, obj, force: bool | None = None) -> None:
    """``obj`` as indented JSON, written atomically (numpy numbers and arrays become JSON's)."""
    write_text(path, json.dumps(obj, indent=2, default=_json_default) + "\n", force=force)


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    return str(o)


class Grid:
    """The steps of one study, with their manifests under OUT/.steps (see the module's "Resume")."""

    def __init__(self, out: Path, label: str):
        self.out, self.label = Path(out), label
        self.steps: list = []
        self.manifests = self.out / ".steps"

    def rel(self, p) -> str:
        """A path as the report and the commands show it: under the --out the user typed."""
        p = Path(p)
        try:
            return str(Path(self.label) / p.relative_to(self.out))
        except ValueError:
            return str(p)

    def inside(self, p) -> str:
        """A path as the steps' parameters name it: relative to OUT when it lies inside OUT (so that
        they do not depend on where OUT is or how it is spelled), else as it is."""
        p = Path(p)
        try:
            return p.relative_to(self.out).as_posix()
        except ValueError:
            return str(p)

    def add(self, step) -> None:
        self.steps.append(step)

    def manifest(self, step) -> Path:
        return self.manifests / f"{step.id.replace('/', '__')}.json"

    def is_done(self, step) -> bool:
        """Whether the step's manifest holds its parameters and its outputs exist.

        A manifest holding ``step.legacy`` (the parameters as the code before a study could move
        computed them, for OUT spelled as now) counts as well, and is rewritten with the parameters
        of today: the same step, named as it is named now."""
        m = self.manifest(step)
        if not m.is_file():
            return False
        try:
            rec = json.loads(m.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            return False
        if not isinstance(rec, dict) or not all(Path(o).exists() for o in step.outputs):
            return False
        if rec.get("params_digest") == digest(step.params):
            return True
        if step.legacy is None or rec.get("params_digest") != digest(step.legacy):
            return False
        write_json(m, {**rec, "params": step.params, "params_digest": digest(step.params),
                       "legacy_params_digest": rec["params_digest"]}, force=True)
        return True

    def load(self, step):
        return json.loads(self.manifest(step).read_text())


# ------------------------------------------------------------------------------ the image data
def prepare_image_data(name: str, out: Path, data_root: Path, settings: dict, progress: bool, guard=None,
                       prepare: bool = True):
    """The prepared HDF5 file for an image dataset, or (None, reason) when it cannot be made.

    ``guard(key)`` (a context manager) is held while preparing, so that of several workers one
    prepares and the others wait; ``prepare=False`` only finds a file prepared before."""
    if name != "celeba":
        return None, f"unknown image dataset {name}"
    target = image_target(out, settings)
    if target.is_file():
        return target, None
    if not prepare:
        return None, f"its data is not prepared yet ({target} is missing)"
    try:
        from tinyscore.data import images
    except ImportError as e:
        return None, f"the image code is unavailable ({e})"
    if not hasattr(images, "prepare_celeba") or not hasattr(images, "load_image_dataset"):
        return None, "tinyscore.data.images has no prepare_celeba / load_image_dataset"
    src = celeba_source(data_root)
    if not src.is_dir():
        return None, NO_CELEBA
    ident = data_root / "celeba" / "identity_CelebA.txt"
    with guard(f"data/{target.name}") if guard else contextlib.nullcontext():
        if target.is_file():                 # prepared by another worker while this one waited
            return target, None
        target.parent.mkdir(parents=True, exist_ok=True)
        info = images.prepare_celeba(src, target, size=80, identities=ident if ident.is_file() else None,
                                     limit=settings.get("prepare_limit"), progress=progress)
    log.info("prepared %d CelebA faces (80x80) in %.0f s", info["written"], info["seconds"])
    return target, None


# ------------------------------------------------------------------------------ describing a study
def make_spec(out, scale: str = "smoke", datasets=None, variants=None, ns=None, data_root=None, device="auto",
              threads: int | None = 1, label: str | None = None, lease: float | None = None,
              need_data: bool = True) -> tuple[dict, list, list]:
    """Check a study's options and describe it: (spec, planned cells, notes); nothing is written.

    The spec is what every worker of the study receives (picklable, JSON-safe): the folder, the
    options, a snapshot of the scale's settings (so that workers started later, elsewhere, run the
    same study), and the study's digest, by which workers in one folder recognise each other."""
    from tinyscore.training.workers import LEASE
    out = Path(out)
    datasets = _check_options(out, scale, datasets, variants)
    label = label or str(out)
    lease = float(lease or LEASE)
    if not lease > 0:
        raise TinyscoreError("the claim lease must be positive")
    spec = {"out": str(out), "label": label, "scale": scale, "settings": SCALES[scale], "datasets": datasets,
            "variants": list(variants) if variants else None, "ns": list(ns) if ns else None,
            "data_root": str(data_root) if data_root else None, "device": device, "threads": threads,
            "lease": lease, "command": command_line(scale, datasets, variants, ns, label, data_root, device, threads)}
    planned, notes = plan_cells(spec, need_data=need_data)
    table = {scale: spec["settings"]}
    spec["digest"] = digest({"scale": scale, "settings": {d: scale_settings(scale, d, table) for d in datasets},
                             "cells": [c["key"] for c in planned]})
    return spec, planned, notes


def _check_options(out, scale, datasets, variants) -> list:
    """One-line errors for a study's options; the datasets (the scale's when none are given)."""
    if scale not in SCALES:
        raise TinyscoreError(f"unknown scale {scale!r}: expected one of {', '.join(SCALES)}")
    datasets = list(datasets) if datasets else list(SCALES[scale]["datasets"])
    bad = [d for d in datasets if d not in ALL_DATASETS]
    if bad:
        raise TinyscoreError(f"unknown dataset {bad[0]!r} for reproduce: expected some of {', '.join(ALL_DATASETS)}")
    for v in variants or ():
        check_grid_variant(v, "each of --variants")
    if out.exists() and not out.is_dir():
        raise TinyscoreError(f"--out {out} exists and is not a folder")
    return datasets


def plan_cells(spec: dict, need_data: bool = True) -> tuple[list, list]:
    """The (dataset, N, variant) cells of a spec, in grid order, without preparing or writing anything.

    An image dataset whose images are absent is left out with a note (``need_data=False`` keeps it,
    for a plan). Raises when the options leave no cell."""
    from tinyscore.data.datasets import load_dataset
    from tinyscore.core.nets import backbone_parameters
    table = {spec["scale"]: spec["settings"]}
    cells, notes = [], []
    for ds in spec["datasets"]:
        s = scale_settings(spec["scale"], ds, table)
        if ds in IMAGE_DATASETS:
            r = int(s.get("resolution") or 80)
            shape, half = (1, r, r), None
            if not image_target(Path(spec["out"]), s).is_file() and not celeba_source(data_root_of(spec)).is_dir():
                if need_data:
                    notes.append(f"{ds} skipped: {NO_CELEBA}.")
                    continue
                notes.append(f"{ds}: {NO_CELEBA}; a run here would skip it.")
        else:
            d = load_dataset(ds)                   # a mixture: nothing is sampled until asked
            shape, half = tuple(d.shape), d.half_size
        arch = "mlp" if len(shape) == 1 else "conv"
        net = {("width" if arch == "mlp" else "base"): s["width"]} if s.get("width") else {}
        for n, v in cell_choices(spec, s):
            for r in replicates(s):
                cells.append({"key": cell_key(ds, n, v, r), "dataset": ds, "n": n, "n_eff": min(n, half) if half else n,
                              "variant": v, "replicate": r, "shape": shape, "arch": arch, "settings": s,
                              "params": backbone_parameters(arch, shape, grid_conditional(v), **net)})
    if not cells:
        raise TinyscoreError("nothing to run: the chosen datasets, variants and N leave an empty grid"
                             + (f" ({notes[0].rstrip('.')})" if notes else ""))
    return cells, notes


def cell_choices(spec: dict, settings: dict) -> list:
    """The (N, variant) pairs of one dataset, N-major: the scale's lists as --ns and --variants restrict them."""
    vs = [v for v in settings["variants"] if not spec.get("variants") or v in spec["variants"]]
    ns = [n for n in settings["ns"] if not spec.get("ns") or n in spec["ns"]]
    return [(n, v) for n in ns for v in vs]


def command_line(scale, datasets, variants, ns, label, data_root, device, threads) -> str:
    """The ``reproduce`` command of a study, as its report shows it (the data root is not the reader's)."""
    cmd = f"python cli.py reproduce --scale {scale}"
    if datasets and list(datasets) != list(SCALES[scale]["datasets"]):
        cmd += f" --datasets {','.join(datasets)}"
    if variants:
        cmd += f" --variants {','.join(variants)}"
    if ns:
        cmd += f" --ns {','.join(str(n) for n in ns)}"
    if data_root:
        cmd += " --data-root DATA_ROOT"
    if device != "auto":
        cmd += f" --device {device}"
    if threads != 1:
        cmd += f" --threads {threads}"
    return cmd + f" --out {label}"
