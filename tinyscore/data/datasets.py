"""Datasets: the benchmark and user mixtures as datasets, and ``load_dataset``, which opens any kind.

The study trains two models on disjoint data and compares them, so every dataset answers

    subset(n, half)   the first n points of half A or half B (n capped at the half's size)
    test(n)           the first n points of a held-out test set, disjoint from both halves

and the answer depends only on the dataset and its ``data_seed``: the same seed gives the same
points, and the first n of a half are the same whatever larger n another run asked for.

Mixture datasets draw their points in blocks of ``BLOCK`` samples, block k of stream s (0 = A,
1 = B, 2 = test) from the seed sequence (data_seed, s, k); a subset of n points draws only the
blocks it needs. Image datasets (``tinyscore.data.images``) keep the same interface, which lives in
``tinyscore.data.splits`` (``Dataset`` and ``HALVES`` are importable from here too); imports run one way:
this module opens images through ``tinyscore.data.images``, which never imports this module.
"""
from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np

from tinyscore.errors import TinyscoreError
from tinyscore.core.mixtures import GaussianMixture
from tinyscore.storage.mixture_files import BENCHMARKS, load_mixture
from tinyscore.data.splits import HALVES, Dataset
from tinyscore.storage.files import what_is
from tinyscore.storage.paths import expand_path

__all__ = ["HALVES", "Dataset", "MixtureDataset", "load_dataset"]


class MixtureDataset(Dataset):
    """Samples of a Gaussian mixture: up to 100,000 per half and 10,000 test points."""

    BLOCK = 1000

    def __init__(self, mixture: GaussianMixture, data_seed: int = 0, half_size: int = 100_000,
                 test_size: int = 10_000):
        self.mixture, self.data_seed = mixture, int(data_seed)
        self.name, self.shape = mixture.name, (mixture.D,)
        self.half_size, self.test_size = half_size, test_size
        self.sigma_data = mixture.spread()
        if not self.sigma_data > 1e-6:       # networks divide by it: 0 would be a NaN, not "diverged"
            where = (f"mixture file {mixture.source}" if getattr(mixture, "source", None) is not None
                     else f"mixture {mixture.name!r}")
            raise TinyscoreError(f"{where} has zero variance (every sample is the same "
                                 f"point, spread {self.sigma_data:.3g}); nothing to learn")
        # noise should reach past the data's spread; the analysis sigmas go up to 1.0
        self.sigma_max = float(max(1.0, round(2 * self.sigma_data, 1)))

    def _take(self, stream: int, n: int) -> np.ndarray:
        """The first n points of a stream: blocks of BLOCK points, block k drawn from its own seed
        (data_seed, stream, k), so any n gives a prefix of any larger n. Each call draws them again
        into one array (a call is rare and cheap next to what is done with the points; a cache of
        blocks kept a second copy of every half for the dataset's lifetime)."""
        out = np.empty((n, *self.shape), dtype=np.float32)
        for k, a in enumerate(range(0, n, self.BLOCK)):
            seq = np.random.SeedSequence([self.data_seed, stream, k])
            rows = min(self.BLOCK, n - a)
            out[a:a + rows] = self.mixture.sample(self.BLOCK, seq)[:rows]
        return out


IMAGE_PREFIXES = ("celeba:", "images:")
ARRAY_SUFFIXES = (".npy", ".npz", ".h5", ".hdf5")


def split_spec(spec: str) -> tuple[str, Path]:
    """A dataset spec as its image prefix ('celeba:', 'images:' or '') and the path it names after it."""
    prefix = spec[:spec.index(":") + 1] if spec.lower().startswith(IMAGE_PREFIXES) else ""
    return prefix, expand_path(spec[len(prefix):], "data")


def load_dataset(spec: str, data_seed: int = 0, resolution: int | None = None) -> Dataset:
    """A dataset from its command-line spelling.

    ``uniform`` ... ``thinmanifold``   a benchmark mixture (docs/design.md, section 3)
    ``FILE.json``                      a user's mixture in the same JSON format
    ``celeba:FILE.h5``, a folder of images, ``FILE.npy`` / ``FILE.npz``   images (tinyscore.data.images)

    ``resolution`` applies to images only; given with a mixture it is refused, not ignored.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise TinyscoreError("no dataset given")
    if resolution is not None and int(resolution) == 0:
        resolution = None                     # 0 is how run files record "no resolution"
    lower = spec.lower()
    if spec in BENCHMARKS or lower.endswith(".json"):
        if resolution is not None:
            raise TinyscoreError(f"--resolution applies to image data; {spec} is a mixture of points")
        return MixtureDataset(load_mixture(spec), data_seed=data_seed)
    path = split_spec(spec)[1]
    if lower.startswith(IMAGE_PREFIXES) and not str(path).strip():
        raise TinyscoreError(f"{spec!r} names no file: write {spec.split(':')[0]}:FILE.h5 (or a folder, .npy, .npz)")
    if lower.startswith(IMAGE_PREFIXES) or lower.endswith(ARRAY_SUFFIXES) or path.is_dir():
        try:
            from tinyscore.data import images
        except ImportError as e:  # pragma: no cover - images is part of the package
            raise TinyscoreError(f"image datasets are unavailable: {e}") from None
        return images.load_image_dataset(spec, data_seed=data_seed, resolution=resolution)
    expected = "expected a mixture FILE.json, celeba:FILE.h5, a folder of images or an .npy/.npz array"
    if path.is_file():
        what = ("a single image; give the folder that holds the images"
                if lower.endswith(_image_suffixes()) else "not a dataset file")
        raise TinyscoreError(f"{spec} is {what} ({expected})")
    near = difflib.get_close_matches(lower, BENCHMARKS, n=1, cutoff=0.6)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    truth = what_is(path)
    if truth != "does not exist":         # a device, a pipe, a socket, a dangling link, a path through a file
        raise TinyscoreError(f"dataset {spec!r} {truth} ({expected})")
    if "/" in spec or "\\" in spec or "." in Path(spec).name:
        raise TinyscoreError(f"dataset {spec!r}: no such file or folder{hint}")
    raise TinyscoreError(f"unknown dataset {spec!r}{hint}: expected one of {', '.join(BENCHMARKS)}, a mixture "
                         "FILE.json, celeba:FILE.h5, a folder of images or an .npy/.npz array")


def _image_suffixes() -> tuple:
    from tinyscore.data.images import IMAGE_SUFFIXES
    return IMAGE_SUFFIXES
