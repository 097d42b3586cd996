"""The machinery of evidence: bootstrap intervals, the controls of a cell, and verdicts that follow planted effects.

The planted cells are built from the exact denoiser of the uniform mixture: model A is D* itself; B and the
seed-floor model A' turn A's denoising direction d = D(y) - y by a planted angle per probe and sigma
(cos(d_A, d_B) = cos(angle) exactly), so every cosine the controls measure is known in advance and the
verdicts (supported / not supported / undecided) must follow what was planted.
"""
import math

import numpy as np
import pytest
import torch

from tinyscore.analyses import controls
from tinyscore.analyses.trajectories import choose_probes
from tinyscore.core import bootstrap
from tinyscore.core.models import AnalyticModel
from tinyscore.data.datasets import load_dataset
from tinyscore.storage.store import write_trajectories
from tinyscore.study import evidence as ev

SIGMAS = [1.0, 0.5, 0.25, 0.1, 0.05]


# ------------------------------------------------------------------------------ the bootstrap
def test_intervals_are_seeded_and_cover_at_their_width():
    v = np.random.default_rng(5).standard_normal(400)
    idx = bootstrap.resamples(400)
    assert np.array_equal(idx, bootstrap.resamples(400))                      # the same seed, the same resamples
    assert not np.array_equal(idx, bootstrap.resamples(400, seed=1))
    est, lo, hi = bootstrap.mean_interval(v, idx)
    assert est == pytest.approx(v.mean()) and lo < est < hi
    # the percentile interval of a mean of n unit-variance values is about 2 * 1.96 / sqrt(n) wide
    assert hi - lo == pytest.approx(2 * 1.96 * v.std() / 20, rel=0.1)
    # a ratio of means, on the same resamples
    r = bootstrap.ratio_interval(v + 10, np.full(400, 2.0), idx)
    assert r[0] == pytest.approx((v.mean() + 10) / 2) and r[1] == pytest.approx((lo + 10) / 2, rel=1e-9)


def test_difference_of_independent_intervals():
    z = bootstrap.z_of(0.95)
    assert z == pytest.approx(1.959964, rel=1e-6)
    d = bootstrap.difference([1.0, 1.0 - 3 * z, 1.0 + 3 * z], [0.5, 0.5 - 4 * z, 0.5 + 4 * z])
    assert d == pytest.approx([0.5, 0.5 - 5 * z, 0.5 + 5 * z])                 # se 3 and 4 make 5
    assert bootstrap.difference([1.0, None, None], [0.5, 0.4, 0.6]) is None


def test_decisions_and_the_claim_rule():
    assert ev.decide([0.1, 0.05, 0.15], 0.02) == "for"
    assert ev.decide([0.0, -0.01, 0.01], 0.02) == "against"
    assert ev.decide([0.02, 0.01, 0.03], 0.02) == "undecided"
    assert ev.decide(None, 0.02) is None and ev.decide([0.1, None, None], 0.02) is None
    assert ev.verdict({"a": "for", "b": "for", "c": "for", "d": "against"})[0] == "supported"
    assert ev.verdict({"a": "for", "b": "against", "c": "against", "d": "against"})[0] == "not supported"
    assert ev.verdict({"a": "for", "b": "against"})[0] == "mixed"
    assert ev.verdict({"a": "for", "b": "undecided", "c": "undecided"})[0] == "undecided"
    assert ev.verdict({})[0] == "no data"


# ------------------------------------------------------------------------------ planted cells
def _turn(d: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Each row of (P, 2) ``d`` turned by its own angle."""
    c, s = np.cos(angle)[:, None], np.sin(angle)[:, None]
    return np.concatenate([c * d[:, :1] - s * d[:, 1:], s * d[:, :1] + c * d[:, 1:]], axis=1)


def _write(path, x0, z, outputs):
    """A trajectory file whose one-step outputs and path (the analysis sigmas, states y) are ``outputs``."""
    y = np.stack([x0 + s * z for s in SIGMAS])
    write_trajectories(path, {"variant": "planted", "dataset": "uniform", "n_train": 10, "half": "a"}, SIGMAS, x0, z,
                       outputs, SIGMAS, y, outputs)


def planted_cell(tmp_path, name, turn_b, turn_a2, n=10, variant="ncsn", probes=64):
    """A cell whose B and A' differ from A = D* by the angles turn_b(sigma, P), turn_a2(sigma, P)."""
    data = load_dataset("uniform")
    x0, z = choose_probes(data, probes, 0)
    star = AnalyticModel(data.mixture)
    outs = {"a": [], "b": [], "a2": []}
    for s in SIGMAS:
        y = (x0 + s * z).astype(np.float64)
        d = star.denoise(torch.from_numpy(y), s).numpy() - y
        outs["a"].append(y + d)
        outs["b"].append(y + _turn(d, turn_b(s, probes)))
        outs["a2"].append(y + _turn(d, turn_a2(s, probes)))
    paths = {}
    for h, o in outs.items():
        paths[h] = tmp_path / f"{name}_{h}.h5"
        _write(paths[h], x0, z, np.stack(o))
    div = controls.divergence_controls(paths["a"], paths["b"], paths["a2"], data, n)
    return {"dataset": name, "n": n, "n_requested": n, "variant": variant, "key": f"{name}/n{n}/{variant}",
            "controls": {"divergence": div, "attractors": []}}


def angle(cos_value, above=0.9999):
    """A planted angle whose cosine is ``cos_value`` below sigma = 0.2 and ``above`` from there up."""
    return lambda s, p: np.full(p, math.acos(cos_value if s < 0.2 else above))


def everywhere(cos_value):
    return lambda s, p: np.full(p, math.acos(cos_value))


def claims(cells):
    got = {}
    for e, m, _, v in ev.evidence_claims(cells, {c["key"] for c in cells}):
        got.setdefault(e, {})[m.split(":")[0]] = v
    return got


def test_the_controls_measure_what_was_planted(tmp_path):
    c = planted_cell(tmp_path, "p", angle(0.8), everywhere(0.99))
    rows = {r["sigma"]: r for r in c["controls"]["divergence"]["rows"]}
    assert rows[1.0]["cos_ab"][0] == pytest.approx(0.9999, abs=1e-5)            # B near A above the cut
    assert rows[0.05]["cos_ab"][0] == pytest.approx(0.8, abs=1e-5)              # turned below it
    assert rows[0.05]["cos_aa2"][0] == pytest.approx(0.99, abs=1e-5)
    assert rows[0.05]["cos_a_star"][0] == pytest.approx(1.0, abs=1e-5)          # A is the exact denoiser
    assert rows[0.05]["div_a_star"][0] == pytest.approx(0.0, abs=1e-4)
    # a turn by t moves eps by 2 sin(t / 2) ||eps||: the scale-free divergence is exactly that
    assert rows[0.05]["div_ab"][0] == pytest.approx(2 * math.sin(math.acos(0.8) / 2), rel=1e-4)
    k = c["controls"]["divergence"]["contrasts"]
    assert k["cos_drop"][0] == pytest.approx(0.1999, abs=1e-5) and k["floor_cos"][0] == pytest.approx(0.19, abs=1e-5)
    assert k["floor_ratio"][0] == pytest.approx(math.sin(math.acos(0.8) / 2) / math.sin(math.acos(0.99) / 2),
                                                rel=1e-4)


def test_verdicts_follow_a_planted_data_effect(tmp_path):
    """B differs from A below sigma = 0.2 only, far beyond a tiny seed floor: low-noise divergence and
    its attribution to the data are supported, high-noise agreement too."""
    cells = [planted_cell(tmp_path, f"d{i}", angle(0.8), everywhere(0.999), variant=v)
             for i, v in enumerate(("ncsn", "ssm"))]
    got = claims(cells)
    assert got[ev.HIGH_NOISE]["cosine at the largest sigma"] == "supported"
    assert got[ev.LOW_NOISE]["cosine, largest to smallest sigma"] == "supported"
    assert got[ev.LOW_NOISE]["||eps_A - eps_B|| / ||eps*||"] == "supported"
    assert set(got[ev.DATA].values()) == {"supported"}
    # the planted outputs differ by |d_A - d_B|, which shrinks with sigma ||eps*|| on this full-rank mixture: the
    # paper's path L2 does not grow, but it is beyond the seed floor's
    assert got[ev.PATH] == {"path L2, largest to smallest sigma": "not supported", "path L2 AB / AA'": "supported"}


def test_verdicts_follow_a_seed_floor_above_the_divergence(tmp_path):
    """B diverges at low noise, but A' (the same data, another seed) differs from A more, at every sigma:
    the divergence is real and not the data's."""
    cells = [planted_cell(tmp_path, f"f{i}", angle(0.9), everywhere(0.5), variant=v)
             for i, v in enumerate(("ncsn", "ssm"))]
    got = claims(cells)
    assert got[ev.LOW_NOISE]["cosine, largest to smallest sigma"] == "supported"
    assert set(got[ev.DATA].values()) == {"not supported"}
    assert got[ev.PATH]["path L2 AB / AA'"] == "not supported"


def test_verdicts_are_undecided_at_the_margin(tmp_path):
    """Half the probes fall by 0.04, half not at all: the mean fall is the margin itself, so its interval
    holds the margin and the verdict is undecided; with no fall at all it is not supported."""
    at_margin = lambda s, p: np.where(np.arange(p) % 2 == 0, math.acos(1 - 2 * ev.COS_MARGIN), 0.0) * (s < 0.2)  # noqa: E731
    cells = [planted_cell(tmp_path, f"m{i}", at_margin, everywhere(0.999), variant=v)
             for i, v in enumerate(("ncsn", "ssm"))]
    k = cells[0]["controls"]["divergence"]["contrasts"]["cos_drop"]
    assert k[0] == pytest.approx(ev.COS_MARGIN, abs=1e-6) and k[1] < ev.COS_MARGIN < k[2]
    assert claims(cells)[ev.LOW_NOISE]["cosine, largest to smallest sigma"] == "undecided"
    flat = [planted_cell(tmp_path, f"z{i}", angle(0.9999), everywhere(0.999), variant=v)
            for i, v in enumerate(("ncsn", "ssm"))]
    assert claims(flat)[ev.LOW_NOISE]["cosine, largest to smallest sigma"] == "not supported"


def test_more_data_more_agreement_follows_the_planted_cosines(tmp_path):
    small = planted_cell(tmp_path, "n_small", angle(0.5), everywhere(0.999), n=10)
    large = planted_cell(tmp_path, "n_large", angle(0.95), everywhere(0.999), n=100)
    large["dataset"] = small["dataset"] = "uniform"
    small["key"], large["key"] = "uniform/n10/ncsn", "uniform/n100/ncsn"
    assert claims([small, large])[ev.WITH_N]["cosine at the smallest sigma"] == "supported"
    assert claims([large, dict(small, n=1000, key="uniform/n1000/ncsn")])[ev.WITH_N][
        "cosine at the smallest sigma"] == "not supported"


def test_attracted_counts_only_what_the_identity_did_not_already_do():
    """Attractor controls on a model that does nothing: it returns exactly the starts the identity does,
    so nothing is attracted, while the memoriser attracts."""
    data = load_dataset("uniform")
    rows = controls.attractor_controls(controls.Identity(), data, 10, (0.05, 0.25), 5, 10, 8, reps=200)
    for r in rows:
        assert r["model_own"] == r["identity_own"] and r["attracted"][0] == 0.0
        assert r["memoriser_own"][0] >= r["identity_own"][0]
    assert rows[0]["identity_own"][0] > 0                     # at eps = 0.05 the starts already pass the rule


# ------------------------------------------------------------------------------ planted geometry and objectives
def geo_cell(dataset, n, variant, rel, norm_over_tan=None, bins=None, key=None):
    """A cell whose geometry rows at the smallest sigma are planted (intervals +-2%), controls without rows."""
    iv = lambda x: [x, 0.98 * x, 1.02 * x]
    row = {"sigma": 0.05, "share_dim": 0.5, "rel": iv(rel), "rel_bins": [iv(b) for b in (bins or [rel] * 5)]}
    if norm_over_tan is not None:
        row.update(norm_over_tan=iv(norm_over_tan), rel_tan=iv(rel), rel_norm=iv(rel * norm_over_tan))
    ctl = {"divergence": {"rows": [], "contrasts": {}, "sigma_max": 1.0, "sigma_min": 0.05}, "attractors": []}
    return {"dataset": dataset, "n": n, "n_requested": n, "variant": variant, "key": key or f"{dataset}/n{n}/{variant}",
            "controls": ctl, "geometry": {"rows": [row]}}


def test_geometry_verdicts_follow_planted_errors():
    across = [geo_cell("spiral", 1000, v, 0.3, norm_over_tan=3.0) for v in ("ncsn", "denoiser-cond")]
    across += [geo_cell("uniform", 1000, v, 0.1) for v in ("ncsn", "denoiser-cond")]
    got = claims(across)
    assert got[ev.ACROSS]["relative score error across / along the span"] == "supported"
    assert got[ev.HARDER]["ln(relative score error / the isotropic dataset's)"] == "supported"
    even = [geo_cell("spiral", 1000, v, 0.1, norm_over_tan=1.0) for v in ("ncsn", "denoiser-cond")]
    even += [geo_cell("uniform", 1000, v, 0.1) for v in ("ncsn", "denoiser-cond")]
    got = claims(even)
    assert got[ev.ACROSS]["relative score error across / along the span"] == "not supported"
    assert got[ev.HARDER]["ln(relative score error / the isotropic dataset's)"] == "not supported"


def test_the_objectives_claim_is_an_interaction_not_a_variant_worse_everywhere():
    measure = "ln(rel_sm / rel_rec) lowest bin - the same highest bin"
    # score matching 3x worse in the lowest-density bin only: reconstruction's advantage is in low density
    low_only = [geo_cell("spiral", 1000, "denoiser-cond", 0.1, bins=[0.1] * 5),
                geo_cell("spiral", 1000, "ncsn", 0.2, bins=[0.3, 0.1, 0.1, 0.1, 0.1])]
    assert claims(low_only)[ev.OBJECTIVES][measure] == "supported"
    # score matching 3x worse everywhere: no interaction, however much worse it is in the lowest bin
    everywhere_worse = [geo_cell("spiral", 1000, "denoiser-cond", 0.1, bins=[0.1] * 5),
                        geo_cell("spiral", 1000, "ncsn", 0.3, bins=[0.3] * 5)]
    assert claims(everywhere_worse)[ev.OBJECTIVES][measure] == "not supported"
    # two score-matching variants are no reconstruction pair
    assert ev.OBJECTIVES not in claims([geo_cell("spiral", 1000, "ncsn", 0.1), geo_cell("spiral", 1000, "ssm", 0.3)])
