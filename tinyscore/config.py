"""One source of configuration: every default and named choice that the library, the command line and
the study share, written out once.

* the **variants** (the three objectives), which of them is sigma-blind, and :func:`check_variant`;
* the **defaults of a training run** (:data:`TRAIN_DEFAULTS`; the ``train`` command shows the same);
* the **analysis** noise levels and attractor perturbation sizes (``trajectories``, ``score-error``,
  ``published``, ``attractors``, ``reproduce``);
* the settings of the **study's scales** (:data:`STUDY_SCALES`; tinyscore.study.grid completes them).

The library reads these values, the command line shows them in ``--help`` and the study records them,
so the three cannot drift apart (tests/test_config.py keeps them from being written out again
elsewhere). This module imports nothing heavy: the command line reads it to build ``--help``. See
docs/design.md for what each quantity means.
"""
from tinyscore.errors import TinyscoreError, brief

# ------------------------------------------------------------------------------ the variants
#: the three training objectives: reconstruction (denoiser), denoising score matching (ncsn), sliced
#: score matching (ssm); each trains the same backbone (docs/design.md)
VARIANTS = ("denoiser", "ncsn", "ssm")

#: the variant whose network is sigma-blind unless a run says otherwise: the denoiser of Kadkhodaie et al.
#: sees only the noisy point, D(y) = sigma_data F(y / sigma_data); every other variant is
#: sigma-conditional, D(y, sigma) = y + sigma F(c_in y, log sigma) (tinyscore.core.models)
BLIND_VARIANT = "denoiser"


def check_variant(variant, where: str = "variant", allowed: tuple = VARIANTS) -> str:
    """``variant`` when it is one of ``allowed`` (:data:`VARIANTS`; the study grid passes its own list);
    otherwise one line, ``WHERE must be one of denoiser, ncsn, ssm, got 'gan'``."""
    if isinstance(variant, str) and variant in allowed:
        return variant
    raise TinyscoreError(f"{where} must be one of {', '.join(allowed)}, got {brief(variant)}")


#: a run directory's checkpoint, beside its options.json (tinyscore.storage.runs writes and reads it)
CHECKPOINT = "model.pt"

#: the seeds numpy's seed sequences take (no negative numbers): data subsets, probes, resamples
DATA_SEED_RANGE = (0, 2 ** 64 - 1)


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_seed(value, option: str) -> int:
    """A seed from the command line: an integer in 0 .. 2^64 - 1 (numpy takes no negative seeds)."""
    lo, hi = DATA_SEED_RANGE
    if not is_int(value) or not lo <= value <= hi:
        raise TinyscoreError(f"{option} must be an integer from {lo} to {hi}, got {brief(value)}")
    return value


def is_conditional(variant: str, conditional: bool | None = None) -> bool:
    """Whether a ``variant`` model's network sees sigma -- the ``conditional`` flag of a run's options and
    of a checkpoint's config: ``conditional`` when given (``--conditional`` / ``--blind``), otherwise
    every variant but :data:`BLIND_VARIANT`."""
    return bool(conditional) if conditional is not None else variant != BLIND_VARIANT


# ------------------------------------------------------------------------------ training
#: every option of a training run and its default (None: decided from the data, below, or by the
#: backbone); ``tinyscore.training.loop.train``, the ``train`` command and ``tinyscore.train`` read these
TRAIN_DEFAULTS = dict(variant="ssm", data="uniform", data_seed=0, n=1000, half="a", steps=1500, batch_size=None,
                      lr=2e-3, seed=0, sigma_min=0.01, sigma_max=None, sigma_levels=0, conditional=None,
                      width=None, ssm_vr=True, ssm_kind="rademacher", ssm_proj=1, ssm_jvp="auto", log_every=None,
                      threads=1, save_every=200, keep_every=0, heldout=None, precision="fp32")

#: the sliced-score-matching choices (tinyscore.core.objectives.SSMLoss; the train command's --ssm-projection,
#: --ssm-jvp): the projections' distribution, and how v^T J v is computed
SSM_KINDS = ("rademacher", "gaussian")
SSM_JVP = ("auto", "backward", "forward")

#: ``batch_size`` and ``heldout`` when a run leaves them None: for points (vectors) and for images
BATCH_SIZE = {"vector": 256, "image": 32}
HELDOUT = {"vector": 1024, "image": 128}

#: ``precision``: fp32, or bf16 autocast of the convolutional backbone (tinyscore.training.loop.autocast)
PRECISIONS = ("fp32", "bf16")

# ------------------------------------------------------------------------------ the analyses
#: noise levels at which trajectories, one-step outputs and score errors are recorded (largest first)
ANALYSIS_SIGMAS = "1,0.5,0.25,0.1,0.05"

#: attractor perturbation sizes eps (relative to the data's scale), as a tuple and as CLI text
ATTRACTOR_EPS = (0.05, 0.1, 0.25)
ATTRACTOR_EPS_TEXT = ",".join(f"{e:g}" for e in ATTRACTOR_EPS)

#: bootstrap intervals over probes and starts (tinyscore.core.bootstrap): coverage, resamples and seed
BOOTSTRAP_LEVEL = 0.95
BOOTSTRAP_REPS = 2000
BOOTSTRAP_SEED = 0

# ------------------------------------------------------------------------------ the study
#: the settings of each scale of the study (tinyscore.study.grid): its datasets (None: every dataset the
#: study knows), training set sizes N, variants, training and analysis effort; ``image`` overrides the
#: vector settings for image datasets; ``seed_floor``: each cell also trains A', A's points with another seed
#: (one more model per cell, the control that separates the data's effect from optimisation's; off on the
#: paper scale, where the cost is a GPU's)
STUDY_SCALES = {
    "smoke": dict(datasets=("uniform", "celeba"), ns=(1, 100), variants=("denoiser", "ncsn"), steps=150, batch_size=64,
                  width=32, probes=64, path_substeps=2, eps=(0.05, 0.25), iters=5, starts=32, test_starts=32,
                  score_points=400, bins=4, seed_floor=True,
                  image=dict(ns=(10,), variants=("denoiser",), steps=10, batch_size=8, width=8, resolution=16,
                             probes=8, path_substeps=1, starts=8, test_starts=8, prepare_limit=600)),
    "small": dict(datasets=None, ns=(1, 10, 100, 1000), variants=VARIANTS, steps=400, batch_size=128,
                  width=None, probes=256, path_substeps=4, eps=ATTRACTOR_EPS, iters=10, starts=128,
                  test_starts=128, score_points=2000, bins=5, seed_floor=True,
                  image=dict(ns=(10, 100, 1000), variants=("denoiser", "ncsn"), steps=250, batch_size=16, width=8,
                             resolution=40, probes=32, path_substeps=2, starts=32, test_starts=32,
                             prepare_limit=None)),
    # the small grid trained until its models converge (tinyscore.training.loop.convergence); the steps come from
    # single cells trained against 2x to 8x longer runs of themselves (README, "The whole study")
    "medium": dict(datasets=None, ns=(1, 10, 100, 1000), variants=VARIANTS, steps=4000, batch_size=128,
                   width=None, probes=256, path_substeps=4, eps=ATTRACTOR_EPS, iters=10, starts=128,
                   test_starts=128, score_points=2000, bins=5, save_every=1000, keep_every=1000, seed_floor=True,
                   geometry=True,
                   image=dict(ns=(10, 100, 1000), variants=("denoiser", "ncsn"), steps=10000, batch_size=16, width=8,
                              resolution=40, probes=32, path_substeps=2, starts=32, test_starts=32,
                              prepare_limit=None, save_every=500, keep_every=2500)),
    # built to decide the low-noise claims on two CPU cores in under 2.5 hours with --jobs 2 (tinyscore.study.grid,
    # "The decisive scale"): three replicates of (A, B, A'), the sigma-conditioned denoiser beside ncsn, N to 10^5
    "decisive": dict(datasets=("uniform", "spiral", "thinmanifold"), ns=(100, 1000, 10000, 100000),
                     variants=("ncsn", "denoiser-cond"), steps=6000, batch_size=256, width=None, probes=2048,
                     path_substeps=4, sigmas="1,0.5,0.25,0.1,0.05,0.02", eps="spacing", iters=10, starts=256,
                     test_starts=256, score_points=2000, bins=5, save_every=1500, keep_every=1500, seed_floor=True,
                     replicates=3, geometry=True),
    "paper": dict(datasets=None, ns=(1, 10, 100, 1000, 10000, 100000), variants=VARIANTS, steps=20000,
                  batch_size=512, width=None, probes=1024, path_substeps=8, eps=ATTRACTOR_EPS, iters=20,
                  starts=1000, test_starts=1000, score_points=20000, bins=10,
                  image=dict(ns=(1, 10, 100, 1000, 10000, 100000), variants=VARIANTS, steps=100000, batch_size=64,
                             width=None, resolution=80, probes=256, path_substeps=8, starts=256, test_starts=256,
                             prepare_limit=None)),
}
