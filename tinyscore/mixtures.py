r"""Gaussian mixtures: the analytic benchmarks, exact at every noise level (NumPy, float64).

A mixture has weights w_k, means mu_k and covariances Sigma_k. Adding Gaussian noise of size
sigma convolves every component with N(0, sigma^2 I), so everything stays closed-form:

    log p_sigma(y) = logsumexp_k [ log w_k + log N(y; mu_k, Sigma_k + sigma^2 I) ]        (1)
    r_k(y)         = softmax_k  [ log w_k + log N(y; mu_k, Sigma_k + sigma^2 I) ]        (2)
    s(y, sigma)    = grad_y log p_sigma(y)
                   = sum_k r_k(y) (Sigma_k + sigma^2 I)^{-1} (mu_k - y)                 (3)
    D*(y, sigma)   = E[x | y] = y + sigma^2 s(y, sigma)          (Tweedie)               (4)

Each covariance is diagonalised once, Sigma_k = U_k diag(lambda_k) U_k^T, so the noised inverse
is U_k diag(1 / (lambda_k + sigma^2)) U_k^T and the log-determinant is sum log(lambda_k + sigma^2):
no matrix is ever inverted, and near-singular components (lambda ~ 1e-6) stay finite. The
responsibilities (2) use logsumexp, so points far from every component still get a finite
score (that of the nearest component, in the Mahalanobis sense).

The six benchmark mixtures of the study are built by :func:`make_benchmark` from one documented
seed and checked in as ``data/mixtures/NAME.json``; :func:`load_mixture` reads those or any
user file of the same format (see :func:`GaussianMixture.from_dict`).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from .errors import TinyscoreError
from .files import write_text

#: the seed from which the benchmark mixtures were drawn (see data/mixtures/generate.py)
BENCHMARK_SEED = 20250609
BENCHMARKS = ("uniform", "sharpcov", "spiral", "hd-uniform", "hd-sharpcov", "thinmanifold")
#: where the checked-in mixture definitions live
MIXTURE_DIR = Path(__file__).resolve().parent.parent / "data" / "mixtures"
#: eigenvalues are floored here so that sigma = 0 on an exactly singular component stays finite
EIG_FLOOR = 1e-12


class GaussianMixture:
    """A mixture of K Gaussians in R^D with exact noisy scores (equations (1) to (4))."""

    def __init__(self, weights, means, covs, name: str = "mixture", description: str = ""):
        w = np.asarray(weights, dtype=np.float64)
        mu = np.asarray(means, dtype=np.float64)
        cov = np.asarray(covs, dtype=np.float64)
        if mu.ndim != 2:
            raise TinyscoreError(f"mixture {name!r}: means must be a K x D list, got shape {mu.shape}")
        K, D = mu.shape
        if w.shape != (K,):
            raise TinyscoreError(f"mixture {name!r}: {w.size} weights for {K} means")
        if cov.shape != (K, D, D):
            raise TinyscoreError(f"mixture {name!r}: covariances have shape {cov.shape}, expected {(K, D, D)}")
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(mu)) and np.all(np.isfinite(cov))):
            raise TinyscoreError(f"mixture {name!r}: weights, means and covariances must be finite")
        if np.any(w < 0) or w.sum() <= 0:
            raise TinyscoreError(f"mixture {name!r}: weights must be non-negative with a positive sum")
        if not np.allclose(cov, cov.transpose(0, 2, 1), atol=1e-10 * max(1.0, np.abs(cov).max())):
            raise TinyscoreError(f"mixture {name!r}: covariances must be symmetric")
        lam, U = np.linalg.eigh(0.5 * (cov + cov.transpose(0, 2, 1)))
        if np.any(lam < -1e-9 * max(1.0, lam.max())):
            raise TinyscoreError(f"mixture {name!r}: covariances must be positive semi-definite")
        self.name, self.description = name, description
        self.weights = w / w.sum()
        self.means, self.covs = mu, cov
        self.eigvals, self.eigvecs = np.maximum(lam, EIG_FLOOR), U  # (K, D), (K, D, D)
        self.K, self.D = K, D

    # ---------------------------------------------------------------- the exact quantities
    def _noised(self, y, sigma):
        """Component log-densities (B, K) and whitened offsets for y under p_sigma."""
        y = np.asarray(y, dtype=np.float64)
        if y.ndim != 2 or y.shape[1] != self.D:
            raise TinyscoreError(f"points must have shape (B, {self.D}), got {y.shape}")
        s2 = np.asarray(sigma, dtype=np.float64) ** 2
        if np.any(s2 < 0) or not np.all(np.isfinite(s2)):
            raise TinyscoreError("sigma must be finite and >= 0")
        s2 = s2.reshape(-1, 1, 1) if s2.ndim else s2            # per-point sigma: (B, 1, 1)
        var = self.eigvals[None] + s2                             # (B or 1, K, D)
        # offsets in each component's eigenbasis: r[b, k] = U_k^T (y_b - mu_k)
        r = np.einsum("bkd,kde->bke", y[:, None, :] - self.means[None], self.eigvecs)
        log_n = -0.5 * (self.D * math.log(2 * math.pi) + np.log(var).sum(-1) + (r * r / var).sum(-1))
        logits = np.log(np.maximum(self.weights, 1e-300))[None] + log_n
        return logits, r, var

    def log_prob(self, y, sigma=0.0):
        """log p_sigma(y), equation (1); y (B, D), sigma a number or (B,) array."""
        logits, _, _ = self._noised(y, sigma)
        return _logsumexp(logits)

    def responsibilities(self, y, sigma=0.0):
        """Posterior component probabilities r_k(y), equation (2): (B, K)."""
        logits, _, _ = self._noised(y, sigma)
        return np.exp(logits - _logsumexp(logits)[:, None])

    def score(self, y, sigma=0.0):
        """The exact score grad_y log p_sigma(y), equation (3): (B, D)."""
        logits, r, var = self._noised(y, sigma)
        resp = np.exp(logits - _logsumexp(logits)[:, None])       # (B, K)
        # (Sigma_k + s^2 I)^{-1} (mu_k - y) = U_k diag(1/var) U_k^T (mu_k - y) = -U_k (r / var)
        per_comp = -np.einsum("bke,kde->bkd", r / var, self.eigvecs)
        return np.einsum("bk,bkd->bd", resp, per_comp)

    def denoise(self, y, sigma):
        """The optimal (MMSE) denoiser D*(y, sigma) = y + sigma^2 s(y, sigma), equation (4)."""
        s2 = np.asarray(sigma, dtype=np.float64) ** 2
        s2 = s2.reshape(-1, 1) if s2.ndim else s2
        return np.asarray(y, dtype=np.float64) + s2 * self.score(y, sigma)

    def sample(self, n: int, seed=0) -> np.ndarray:
        """n exact samples (n, D), float64, from a seed (an int or a numpy SeedSequence)."""
        rng = np.random.default_rng(seed)
        comp = rng.choice(self.K, size=n, p=self.weights)
        z = rng.standard_normal((n, self.D))
        scaled = self.eigvecs[comp] * np.sqrt(self.eigvals[comp])[:, None, :]  # U diag(sqrt lambda)
        return self.means[comp] + np.einsum("nde,ne->nd", scaled, z)

    def spread(self) -> float:
        """Root-mean-square per-coordinate standard deviation of the mixture (for sigma_max)."""
        mean = self.weights @ self.means
        second = sum(w * (np.trace(c) + m @ m) for w, m, c in zip(self.weights, self.means, self.covs))
        return float(math.sqrt(max(second - mean @ mean, 0.0) / self.D))

    # ---------------------------------------------------------------- the JSON format
    def to_dict(self) -> dict:
        return {"format": "tinyscore.mixture", "name": self.name, "description": self.description,
                "weights": self.weights.tolist(), "means": self.means.tolist(), "covs": self.covs.tolist()}

    @classmethod
    def from_dict(cls, d: dict, name: str = "mixture") -> "GaussianMixture":
        """Build from a dict with ``weights`` (K), ``means`` (K x D) and ``covs`` (K entries).

        Each covariance may be a number c (c I), a list of D numbers (a diagonal), a D x D
        matrix, or ``{"factor": D x r matrix F, "iso": c}`` meaning F F^T + c I (low rank plus
        isotropic: how the 100-dimensional benchmarks stay small on disk).
        """
        if not isinstance(d, dict):
            raise TinyscoreError(f"mixture {name!r}: expected a JSON object")
        missing = [k for k in ("weights", "means", "covs") if k not in d]
        if missing:
            raise TinyscoreError(f"mixture {name!r}: missing field(s) {', '.join(missing)}")
        name = str(d.get("name", name))
        try:
            means = np.asarray(d["means"], dtype=np.float64)
            if means.ndim != 2:
                raise ValueError(f"means must be a K x D list, got shape {means.shape}")
            if not isinstance(d["covs"], list) or len(d["covs"]) != len(means):
                raise ValueError(f"covs must be a list of {len(means)} entries")
            covs = np.stack([_cov_from_json(c, means.shape[1]) for c in d["covs"]])
            weights = np.asarray(d["weights"], dtype=np.float64)
        except (TypeError, ValueError) as e:
            raise TinyscoreError(f"mixture {name!r}: {e}") from None
        return cls(weights, means, covs, name=name, description=str(d.get("description", "")))

    def save(self, path) -> None:
        """Write the JSON definition atomically (temporary name, then rename)."""
        write_text(path, json.dumps(self.to_dict()))


def _cov_from_json(c, D: int) -> np.ndarray:
    if isinstance(c, dict):
        F = np.asarray(c.get("factor", np.zeros((D, 0))), dtype=np.float64).reshape(D, -1)
        return F @ F.T + float(c.get("iso", 0.0)) * np.eye(D)
    a = np.asarray(c, dtype=np.float64)
    if a.ndim == 0:
        return float(a) * np.eye(D)
    if a.shape == (D,):
        return np.diag(a)
    if a.shape == (D, D):
        return a
    raise ValueError(f"a covariance has shape {a.shape}; expected a number, {D} numbers or {D} x {D}")


def _logsumexp(a: np.ndarray) -> np.ndarray:
    m = a.max(axis=-1)
    m = np.where(np.isfinite(m), m, 0.0)
    return m + np.log(np.exp(a - m[..., None]).sum(-1))


def load_mixture(spec: str) -> GaussianMixture:
    """A benchmark by name (``uniform``, ...) or a JSON file of the :meth:`from_dict` format."""
    path = Path(spec)
    if spec in BENCHMARKS:
        path = MIXTURE_DIR / f"{spec}.json"
        if not path.exists():
            raise TinyscoreError(f"benchmark mixture file {path.name} is missing from data/mixtures")
    elif not spec.endswith(".json"):
        raise TinyscoreError(f"unknown dataset {spec!r}: expected one of {', '.join(BENCHMARKS)} or a FILE.json")
    if not path.is_file():
        raise TinyscoreError(f"mixture file {spec} does not exist")
    try:
        d = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise TinyscoreError(f"mixture file {spec} is not valid JSON ({e.__class__.__name__}: {e})") from None
    return GaussianMixture.from_dict(d, name=path.stem)


# -------------------------------------------------------------------- the six benchmarks
def _rotation(rng, D):
    """A Haar-random rotation (QR of a Gaussian matrix with the sign fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((D, D)))
    return q * np.sign(np.diag(r))


def _spiral_components(normal_var: float):
    """Means and 2x2 covariances of the spiral: 10 components along r = 3.5 (1 - t / 2 pi)."""
    t = np.linspace(0, 1.9 * np.pi, 10)
    r = 3.5 * (1 - t / (2 * np.pi))
    means = np.stack([r * np.cos(t), r * np.sin(t)], 1)
    dr = -3.5 / (2 * np.pi)                                   # r'(t)
    tangent = np.stack([dr * np.cos(t) - r * np.sin(t), dr * np.sin(t) + r * np.cos(t)], 1)
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    normal = np.stack([-tangent[:, 1], tangent[:, 0]], 1)
    scale = np.maximum(0.1, r / 3.5)
    covs = np.stack([s * (0.5 * np.outer(T, T) + normal_var * np.outer(N, N)) + 1e-6 * np.eye(2)
                     for s, T, N in zip(scale, tangent, normal)])
    return means, covs


def make_benchmark(name: str, seed: int = BENCHMARK_SEED) -> dict:
    """The JSON dict of one benchmark mixture of DESIGN section 3, drawn from ``seed``."""
    if name not in BENCHMARKS:
        raise TinyscoreError(f"unknown benchmark mixture {name!r}")
    rng = np.random.default_rng([seed, BENCHMARKS.index(name)])
    D, K = (100, 10) if name.startswith("hd-") or name == "thinmanifold" else (2, 3)
    if name in ("uniform", "hd-uniform", "sharpcov", "hd-sharpcov"):
        means = rng.uniform(-3, 3, size=(K, D))
        weights = rng.dirichlet(np.ones(K))
        if name.endswith("uniform"):
            covs = [0.5] * K
            desc = f"{K} components, means ~ U(-3, 3)^{D}, weights ~ Dirichlet(1), Sigma = 0.5 I"
        else:
            rate, floor = (3.0, 0.0) if name == "sharpcov" else (1.0, 1e-6)
            lam = np.maximum(0.5 * np.exp(-rate * np.arange(D)), floor)
            covs = []
            for _ in range(K):
                Q = _rotation(rng, D)
                if floor == 0:
                    covs.append((Q * lam) @ Q.T)
                else:   # low rank plus isotropic: Q diag(lam - floor) Q^T + floor I
                    keep = lam > floor
                    covs.append({"factor": (Q[:, keep] * np.sqrt(lam[keep] - floor)).tolist(), "iso": floor})
            covs = [c.tolist() if isinstance(c, np.ndarray) else c for c in covs]
            desc = (f"{K} components, means ~ U(-3, 3)^{D}, weights ~ Dirichlet(1), Sigma_k = Q_k diag(0.5 "
                    f"exp(-{rate:g} j){', floored at 1e-6' if floor else ''}) Q_k^T, Q_k random rotations")
    else:
        means2, covs2 = _spiral_components(0.05 if name == "spiral" else 0.005)
        weights = np.full(10, 0.1)
        if name == "spiral":
            means, covs = means2, covs2.tolist()
            desc = "10 equal components along a spiral, elongated along its tangent"
        else:   # embed the thin spiral in 100-D: F C F^T + 1e-4 (I - F F^T) = F (C - 1e-4 I) F^T + 1e-4 I
            F = np.linalg.qr(rng.standard_normal((D, 2)))[0]
            means = means2 @ F.T
            covs = []
            for c in covs2:
                lam, V = np.linalg.eigh(c - 1e-4 * np.eye(2))
                covs.append({"factor": (F @ V * np.sqrt(lam)).tolist(), "iso": 1e-4})
            desc = ("the spiral with its normal variance shrunk 10x, embedded in 100-D by a random "
                    "orthonormal frame, plus 1e-4 I off the plane")
    return {"format": "tinyscore.mixture", "name": name, "description": desc, "seed": seed,
            "weights": np.asarray(weights).tolist(), "means": np.asarray(means).tolist(), "covs": covs}
