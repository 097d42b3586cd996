"""Making HDF5 files to attack the readers with: shared by the crafted-file catalogue and the fuzz test.

* :func:`write_image_trajectories` a small, valid trajectory file of (1, H, W) images, by hand;
* :func:`replace` swaps a dataset for one made by ``create_dataset`` (external storage, new types);
* :func:`spy_outside_reads` records every h5py read whose bytes would come from outside the file;
* ``SENTINEL``, the float a planted outside file repeats (exact in float32), so it is recognisable.
"""
from __future__ import annotations

import h5py
import numpy as np

from tinyscore.storage.store import probes_digest

SENTINEL = 0.3125


def write_image_trajectories(path, P=3, S=2, T=3, H=8, W=8, seed=0):
    """A small trajectory file of (1, H, W) images, written by hand to the schema."""
    rng = np.random.default_rng(seed)
    sigmas, path_sigmas = np.geomspace(0.5, 0.1, S), np.geomspace(0.5, 0.05, T)
    x0 = rng.random((P, 1, H, W), dtype=np.float32)
    z = rng.standard_normal((P, 1, H, W)).astype(np.float32)
    with h5py.File(path, "w") as f:
        f.attrs.update(format="tinyscore.trajectories", version=1, variant="denoiser", dataset="faces",
                       n_train=10, half="a", probes_digest=probes_digest(x0, z, sigmas))
        f["sigmas"] = sigmas
        f["probes/x0"], f["probes/z"] = x0, z
        f["onestep/denoised"] = rng.random((S, P, 1, H, W), dtype=np.float32)
        f["path/sigmas"] = path_sigmas
        f["path/states"] = rng.random((T, P, 1, H, W), dtype=np.float32)
        f["path/denoised"] = rng.random((T, P, 1, H, W), dtype=np.float32)
    return path


def replace(f, name, **kwargs):
    """Replace dataset ``name`` by a new one made by create_dataset(**kwargs) (same shape and dtype
    unless given)."""
    old = f[name]
    kwargs.setdefault("shape", old.shape)
    kwargs.setdefault("dtype", old.dtype)
    del f[name]
    return f.create_dataset(name, **kwargs)


def spy_outside_reads(monkeypatch) -> list:
    """Every h5py dataset read whose bytes would come from outside its file (should stay empty):
    (file, dataset, method) tuples, collected while the test runs."""
    seen = []

    def spy(name):
        original = getattr(h5py.Dataset, name)

        def wrapper(self, *args, **kwargs):
            try:
                if self.id.get_create_plist().get_external_count() > 0 or self.is_virtual:
                    seen.append((self.file.filename, self.name, name))
            except Exception:  # noqa: BLE001 - a damaged dataset: the real read will say so
                pass
            return original(self, *args, **kwargs)
        monkeypatch.setattr(h5py.Dataset, name, wrapper)

    for name in ("__getitem__", "read_direct", "__array__"):
        spy(name)
    return seen
