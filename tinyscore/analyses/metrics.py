r"""Divergence of two trajectory files: the metrics of :mod:`tinyscore.core.metrics`, read a chunk at a time.

``diverge`` compares the two models of two trajectory files written for the same probes
(docs/design.md, section 5): per analysis sigma the one-step outputs D_A(y), D_B(y) on the shared
noisy probes y = x0 + sigma z, and per rung of the probability-flow path each model's own state and
output -- L2, RMS and cosine per probe, combined into mean and sd (:mod:`tinyscore.core.metrics`).
Both files are checked as they are opened (tinyscore.storage.store.open_trajectories) and read a
chunk of probes at a time (every chunk checked for finite values), so trajectory files larger than
memory are fine and a crafted or damaged file ends in one TinyscoreError.
"""
from __future__ import annotations

import numpy as np
import torch

from tinyscore.core.metrics import Moments, divergence_row, onestep_divergence, path_divergence
from tinyscore.errors import TinyscoreError
from tinyscore.storage.store import check_comparable, open_trajectories


def _flat(a, source=None) -> torch.Tensor:
    """A chunk of a trajectory file as (rows, dim); NaN or inf in it is the file's fault, said so."""
    a = torch.from_numpy(np.ascontiguousarray(a))
    if source is not None and not torch.isfinite(a).all():
        raise TinyscoreError(f"{source} contains NaN or infinite values")
    return a.reshape(a.shape[0], -1)


def _rows(dim: int, chunk: int, budget: int = 1 << 26) -> int:
    """Probes per chunk: at most ``chunk``, and few enough that one chunk stays near ``budget`` bytes."""
    return max(1, min(int(chunk), budget // (4 * max(1, dim))))


def diverge(path_a, path_b, chunk: int = 1024) -> dict:
    """Compare two trajectory files: {"onestep": [row per sigma], "path": [row per path step]}.

    Both files are checked as they are opened (tinyscore.storage.store.open_trajectories) and every chunk
    as it is read (finite values), so a crafted or damaged file ends in one TinyscoreError."""
    with open_trajectories(path_a) as fa, open_trajectories(path_b) as fb:
        return diverge_open(fa, fb, str(path_a), str(path_b), chunk)


def diverge_open(fa, fb, name_a: str, name_b: str, chunk: int = 1024) -> dict:
    """:func:`diverge` on two files already opened by ``open_trajectories`` (whose typed
    attributes a caller may want too, without opening and checking the files a second time)."""
    check_comparable(fa, fb, name_a, name_b)
    P, dim = fa.P, fa.dim
    rows = _rows(dim, chunk)
    result = {"onestep": [], "path": []}

    def read(f, name, sel):
        return _flat(f[name].read(sel, finite=True))

    with np.errstate(all="ignore"):                 # overflow is checked below, not warned about
        for i, sigma in enumerate(fa.sigmas):
            l2, cos = Moments(), Moments()
            for a in range(0, P, rows):
                sl = slice(a, a + rows)
                y = _flat(fa["probes/x0"].read(sl, finite=True) + sigma * fa["probes/z"].read(sl, finite=True))
                if not torch.isfinite(y).all():
                    raise fa.error(f"x0 + sigma z overflows at sigma = {sigma:g}")
                d, c = onestep_divergence(read(fa, "onestep/denoised", (i, sl)),
                                          read(fb, "onestep/denoised", (i, sl)), y)
                l2.add(d)
                cos.add(c)
            result["onestep"].append(divergence_row(sigma, l2, cos, dim))
        for t, sigma in enumerate(fa.path_sigmas):
            l2, cos = Moments(), Moments()
            for a in range(0, P, rows):
                sl = slice(a, a + rows)
                d, c = path_divergence(read(fa, "path/denoised", (t, sl)), read(fa, "path/states", (t, sl)),
                                       read(fb, "path/denoised", (t, sl)), read(fb, "path/states", (t, sl)))
                l2.add(d)
                cos.add(c)
            result["path"].append(divergence_row(sigma, l2, cos, dim))
    return result


def format_table(result: dict, analysis_sigmas=None) -> str:
    """The table ``diverge`` prints: one line per (kind, sigma). Path rows are shown at the
    analysis sigmas (the ladder passes through them); --json holds every path step."""
    keep = None if analysis_sigmas is None else {round(float(s), 12) for s in analysis_sigmas}
    lines = [f"{'kind':<8}{'sigma':>9}{'L2 mean':>12}{'L2 sd':>12}{'RMS':>12}{'cos mean':>10}{'cos sd':>9}"]
    for kind in ("onestep", "path"):
        for r in result[kind]:
            if kind == "path" and keep is not None and round(r["sigma"], 12) not in keep:
                continue
            lines.append(f"{kind:<8}{r['sigma']:>9.4g}{r['l2_mean']:>12.5g}{r['l2_std']:>12.5g}{r['rms']:>12.5g}"
                         f"{r['cosine_mean']:>10.4f}{r['cosine_std']:>9.4f}")
    return "\n".join(lines)
