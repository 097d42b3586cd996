"""The decisive scale's machinery: replicates pooled into one case, the sigma-conditioned denoiser as a
grid variant, attractor eps chosen from the training points' spacing, the scale's own sigmas."""
import json
import math
from statistics import NormalDist

import numpy as np
import pytest

from tinyscore.analyses import controls
from tinyscore.config import STUDY_SCALES
from tinyscore.data.datasets import load_dataset
from tinyscore.errors import TinyscoreError
from tinyscore.study import evidence as ev
from tinyscore.study import grid, run, steps

from test_evidence import angle, claims, everywhere, planted_cell

Z = NormalDist().inv_cdf(0.975)


# ------------------------------------------------------------------------------ pooling replicates
def test_pooled_interval_holds_each_replicates_noise_and_the_seeds_spread():
    ivs = [[0.5, 0.5 - Z * 0.1, 0.5 + Z * 0.1], [0.7, 0.7 - Z * 0.2, 0.7 + Z * 0.2], [0.6, 0.6 - Z * 0.3, 0.6 + Z * 0.3]]
    est, lo, hi = ev.pool_intervals(ivs)
    se = math.sqrt(0.2 ** 2 + 0.01 / 3)              # the mean replicate's se (shared probes) + s^2 / R, s^2 = 0.01
    assert est == pytest.approx(0.6) and lo == pytest.approx(0.6 - Z * se) and hi == pytest.approx(0.6 + Z * se)
    assert ev.pool_intervals([None, [0.2, None, None]]) == [0.2, None, None]
    assert ev.pool_intervals([None]) is None


def test_pooling_keeps_what_the_seeds_do_not_change_and_merges_rows():
    a = {"rows": [{"sigma": 1.0, "cos": [0.9, 0.8, 1.0], "mem": [0.3, 0.2, 0.4]}], "n": 10}
    b = {"rows": [{"sigma": 1.0, "cos": [0.7, 0.6, 0.8], "mem": [0.3, 0.2, 0.4]}], "n": 10}
    got = ev._pool([a, b], 0.95)
    assert got["rows"][0]["sigma"] == 1.0 and got["n"] == 10
    assert got["rows"][0]["mem"] == [0.3, 0.2, 0.4]                     # identical in both: kept, not narrowed
    assert got["rows"][0]["cos"] == ev.pool_intervals([[0.9, 0.8, 1.0], [0.7, 0.6, 0.8]])


def test_replicates_are_one_case_and_their_spread_decides(tmp_path):
    """Three replicates of one cell: B turned by the same angle below sigma = 0.2 in each, the seed floor
    A' tiny in two and wide in the third. Counted as three cases the attribution to the data would be
    2 for, 1 against ("mixed"); pooled it is one case whose mean (0.19 + 0.19 - 0.3) / 3 lies within the
    seeds' spread of the margin: undecided."""
    floors = (0.99, 0.99, 0.5)
    reps = [planted_cell(tmp_path, f"r{r}", angle(0.8), everywhere(f)) for r, f in enumerate(floors)]
    for r, c in enumerate(reps):
        c.update(dataset="uniform", key=grid.cell_key("uniform", 10, "ncsn", r))
    unpooled = [dict(c, dataset=f"u{r}") for r, c in enumerate(reps)]     # as if three cells
    assert claims(unpooled)[ev.DATA]["cosine"] == "mixed"
    pooled = ev.pool_replicates(reps)
    assert len(pooled) == 1 and pooled[0]["replicates"] == 3
    k = pooled[0]["controls"]["divergence"]["contrasts"]["floor_cos"]
    assert k[0] == pytest.approx((0.19 + 0.19 - 0.3) / 3, abs=1e-4) and k[1] < ev.COS_MARGIN < k[2]
    assert claims(reps)[ev.DATA]["cosine"] == "undecided"
    # all three tiny floors: the pooled case is for
    same = [planted_cell(tmp_path, f"s{r}", angle(0.8), everywhere(0.99)) for r in range(3)]
    for r, c in enumerate(same):
        c.update(dataset="uniform", key=grid.cell_key("uniform", 10, "ncsn", r))
    assert claims(same)[ev.DATA]["cosine"] == "supported"


# ------------------------------------------------------------------------------ eps from the spacing
def _brute(x, eps, z):
    """The identity's return rate by brute force: nearest of x_i + eps z_i is x_i and d1/d2 < 1/3."""
    y = x + eps * z
    d = np.sqrt(((y[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    order = np.argsort(d, axis=1)
    d1, d2 = np.take_along_axis(d, order[:, :2], axis=1).T
    return float(np.mean((order[:, 0] == np.arange(len(x))) & (d1 / d2 < 1 / 3)))


@pytest.mark.parametrize("name", ["spiral", "thinmanifold"])
def test_spacing_eps_makes_the_identity_fail(name):
    x = np.asarray(load_dataset(name).subset(100, "a"), dtype=np.float64)
    d = np.sqrt(((x[:, None] - x[None]) ** 2).sum(-1)) + np.diag(np.full(len(x), np.inf))
    assert controls.nn_spacing(x) == pytest.approx(np.median(d.min(1)), rel=1e-9)
    got = controls.spacing_eps(x)
    z = np.random.default_rng([0, 22, 5]).standard_normal(x.shape)
    assert got["eps"] == [pytest.approx(got["eps0"] * f, rel=2e-3) for f in controls.SPACING_FACTORS]
    for e, rate in zip(got["eps"], got["identity"]):
        assert rate == pytest.approx(_brute(x, e, z)) and rate <= controls.IDENTITY_CEILING
    # eps_0 is the smallest rung that does it: a quarter-octave below, the identity still returns more
    below = float(f"{got['eps0'] / 2 ** 0.25:.3g}")
    if below >= got["spacing"] / (3 * math.sqrt(x.shape[1])) * 0.999:
        assert _brute(x, below, z) > controls.IDENTITY_CEILING
    # and the fixed eps of before let the identity pass on the sparse 2-D set
    if name == "spiral":
        assert _brute(x, 0.05, z) > 0.3


# ------------------------------------------------------------------------------ the grid
def test_the_decisive_grid(tmp_path):
    """Three replicates per (dataset, N, variant); replicate 0 is the cell of a scale without replicates
    (the same step identities), replicate r takes seeds 2r (A, B) and 2r + 1 (A'); the conditional
    denoiser trains the denoiser with --conditional; the scale's sigmas reach the trajectories."""
    s = STUDY_SCALES["decisive"]
    assert s["replicates"] == 3 and min(s["ns"]) == 100 and max(s["ns"]) == 100_000 and s["probes"] >= 2048
    assert min(float(x) for x in s["sigmas"].split(",")) == 0.02 and "denoiser-cond" in s["variants"]
    table = {"d": {**grid.SCALES["decisive"], "datasets": ("spiral",), "ns": (100, 1000)},
             "one": {**grid.SCALES["decisive"], "datasets": ("spiral",), "ns": (100, 1000), "replicates": 1}}
    g, cells = steps.build_grid(tmp_path, "o", "d", ("spiral",), table=table)
    keys = [c["key"] for c in cells]
    assert keys[:3] == ["spiral/n100/ncsn", "spiral/n100/ncsn_r1", "spiral/n100/ncsn_r2"] and len(keys) == 12
    _, one = steps.build_grid(tmp_path, "o", "one", ("spiral",), table=table)
    ids = {st.id: st.params for st in g.steps}
    for c in one:                                      # replicate 0 is the cell without replicates, step by step
        for name, st in c["steps"].items():
            assert ids[st.id] == st.params
    for c in cells:
        seeds = {h: c["steps"][f"train_{h}"].params["seed"] for h in ("a", "b", "a2")}
        r = c["replicate"]
        assert seeds == {"a": 2 * r, "b": 2 * r, "a2": 2 * r + 1}
        tr = c["steps"]["train_a"].params
        if c["variant"] == "denoiser-cond":
            assert tr["variant"] == "denoiser" and tr["conditional"] is True
            assert "--variant denoiser" in c["steps"]["train_a"].cli[0] and "--conditional" in c["steps"]["train_a"].cli[0]
        else:
            assert "conditional" not in tr
        assert c["steps"]["traj_a"].params["sigmas"] == s["sigmas"]
        # the eps of every N come from the sparsest training set (N = 100): the same for every N
        x = load_dataset("spiral").subset(100, "a")
        assert c["steps"]["attractors"].params["eps"] == controls.spacing_eps(x)["eps"]


def test_grid_variants_are_checked_in_one_line():
    assert grid.check_grid_variant("denoiser-cond") == "denoiser-cond"
    with pytest.raises(TinyscoreError, match="denoiser, ncsn, ssm, denoiser-cond"):
        grid.check_grid_variant("denoiser-blind", "each of --variants")
    assert grid.train_variant("ncsn") == ("ncsn", None) and grid.grid_conditional("denoiser-cond")
    assert not grid.grid_conditional("denoiser")


MICRO = dict(datasets=("uniform",), ns=(10,), variants=("denoiser-cond",), steps=5, batch_size=16, width=8, probes=8,
             path_substeps=1, eps="spacing", iters=2, starts=4, test_starts=4, score_points=40, bins=2, image={},
             seed_floor=True, replicates=2, sigmas="1,0.1,0.02")


def test_a_micro_decisive_study_runs_and_resumes(tmp_path, monkeypatch):
    monkeypatch.setitem(grid.SCALES, "micro", MICRO)
    out = tmp_path / "r"
    first = run.reproduce(out, scale="micro", progress=False, echo=lambda *a: None)
    assert first["ran"] == 2 * 11                                   # two replicates of one cell, 11 steps each
    for r, folder in enumerate(("denoiser-cond", "denoiser-cond_r1")):
        opts = json.loads((out / "uniform" / "n10" / folder / "run_a2" / "options.json").read_text())
        assert opts["variant"] == "denoiser" and opts["conditional"] is True and opts["seed"] == 2 * r + 1
        ctl = json.loads((out / "uniform" / "n10" / folder / "controls.json").read_text())
        assert [row["sigma"] for row in ctl["divergence"]["rows"]] == [1.0, 0.1, 0.02]
    again = run.reproduce(out, scale="micro", progress=False, echo=lambda *a: None)
    assert again["ran"] == 0
    assert "denoiser-cond" in (out / "REPORT.md").read_text()


def test_the_gate_and_geometry_steps_run_count_as_steps_left_and_reach_the_report(tmp_path, monkeypatch):
    """With kept models and geometry on, each cell gets the convergence and geometry steps; a study missing only
    one of them resumes to run it; the report shows the gate's table and the geometry table."""
    monkeypatch.setitem(grid.SCALES, "micro", {**MICRO, "replicates": 1, "steps": 8, "keep_every": 2,
                                               "geometry": True})
    out = tmp_path / "r"
    first = run.reproduce(out, scale="micro", progress=False, echo=lambda *a: None)
    assert first["ran"] == 13
    cell = out / "uniform" / "n10" / "denoiser-cond"
    assert sorted(p.name for p in (cell / "run_a").iterdir()) == ["model.pt", "model_step2.pt", "model_step4.pt",
                                                                  "model_step6.pt", "options.json", "stats.jsonl"]
    conv = json.loads((cell / "convergence.json").read_text())
    assert [r["step"] for r in conv["checkpoints"]] == [4, 6, 8]
    report = (out / "REPORT.md").read_text()
    assert "**The gate.**" in report and "| uniform/n10/denoiser-cond |" in report and "#### uniform" in report
    (out / ".steps" / "uniform__n10__denoiser-cond__geometry.json").unlink()
    again = run.reproduce(out, scale="micro", progress=False, echo=lambda *a: None)
    assert again["ran"] == 1 and (cell / "geometry.json").is_file()
