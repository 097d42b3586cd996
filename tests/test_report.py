"""REPORT.md's findings from synthetic cells with known numbers: the per-sigma columns, the verdict on every
measure, the disagreements between measures, and that verdicts count only converged cells."""
import json
import re

import pytest
import torch

from tinyscore.data.datasets import load_dataset
from tinyscore.study.findings import findings
from tinyscore.study.report import write_report
from tinyscore.training.loop import convergence, read_stats, train

SIGMAS = [1.0, 0.5, 0.25, 0.1, 0.05]
LOW_NOISE = "Near the data manifold (low noise) they diverge, even where high-noise outputs converge"
LOW_DENSITY = "The learned score is least accurate in low-density regions"


def conv(converged, change=None):
    """A model's convergence record as tinyscore.training.loop.convergence writes it."""
    return {"measure": "heldout", "window": 0.5, "tolerance": 0.01, "points": 20, "end": 1.5, "excess_end": 0.01,
            "change": (0.001 if converged else -0.05) if change is None else change,
            "converged": None if converged is None else bool(converged)}


def div_rows(cos, l2, path_l2=None, path_cos=None):
    """diverge's {"onestep", "path"} from functions of sigma (path rows at the analysis sigmas only)."""
    def rows(c, l):
        return [{"sigma": s, "l2_mean": l(s), "l2_std": 0.0, "rms": l(s) / 2 ** 0.5, "cosine_mean": c(s),
                 "cosine_std": 0.0} for s in SIGMAS]
    return {"onestep": rows(cos, l2), "path": rows(path_cos or cos, path_l2 or l2)}


def cell(dataset, n, variant, diverge=None, converged=True, score_bins=None):
    c = {"dataset": dataset, "n": n, "n_requested": n, "variant": variant, "dim": 2, "is_image": False,
         "train_a": {"seconds": 1.0}, "train_b": {"seconds": 1.0},
         "convergence": {"a": conv(converged), "b": conv(True if converged is not None else None)}}
    if diverge:
        c["diverge"] = diverge
    if score_bins:
        # score_bins: (relative lowest, relative highest, weighted lowest, weighted highest)
        rl, rh, wl, wh = score_bins
        c["score_error"] = {"settings": {"bins": 2}, "rows": [
            {"sigma": s, "relative": 0.5, "relative_median": 0.5, "weighted_sq": 0.1, "count": 10,
             "bins": [{"bin": 0, "relative": rl, "weighted_sq": wl, "relative_median": rl, "count": 5},
                      {"bin": 1, "relative": rh, "weighted_sq": wh, "relative_median": rh, "count": 5}]}
            for s in SIGMAS]}
    return c


def claims_of(claims, expectation):
    return {measure.split(" (")[0]: (runs, verdict) for e, measure, runs, verdict in claims if e == expectation}


# the science at N = 1000: the scores' directions agree at every sigma and the noise predictions stay equally far
# apart, so raw L2 = sigma * const falls; the path ends far apart
AGREE = div_rows(cos=lambda s: 0.99, l2=lambda s: 0.05 * s, path_l2=lambda s: 0.05 + (1 - s))
# an undertrained cell that says the opposite on every measure
DIVERGE = div_rows(cos=lambda s: 0.99 if s == 1 else 0.2, l2=lambda s: 0.05 if s == 1 else 0.5,
                   path_cos=lambda s: 0.99 if s == 1 else 0.2)


def test_verdicts_count_only_converged_cells():
    cells = [cell(d, 1000, v, AGREE) for d in ("uniform", "spiral") for v in ("ncsn", "ssm")]
    cells += [cell("sharpcov", 1000, v, DIVERGE, converged=False) for v in ("ncsn", "ssm", "denoiser")]
    cells += [cell("thinmanifold", 1000, "ncsn", DIVERGE, converged=None)]
    lines, claims, _ = findings(cells, SIGMAS)
    low = claims_of(claims, LOW_NOISE)
    # 4 converged cells count; the 3 unconverged and the 1 without a record, all of which diverge, do not
    assert low["cosine"] == ("lower at sigma = 0.05 than at 1 by > 0.02 in 0 of 4 counted cells with N = 1000 "
                             "(4 not counted left out); mean 0.990 -> 0.990", "not supported")
    assert low["L2 / sigma"][0].startswith("larger at sigma = 0.05 than at 1 by > 10% in 0 of 4 ")
    assert low["L2 / sigma"][1] == "not supported"
    assert "not converged: sharpcov/n1000/ncsn, sharpcov/n1000/ssm, sharpcov/n1000/denoiser" in lines[0]
    assert "no convergence record: thinmanifold/n1000/ncsn" in lines[0]
    assert lines[0].startswith("- **Training convergence.** 4 of 8 cells converged")

    # counted with the unconverged cells the verdict would flip: the filter is what decides it
    everything = [dict(c, convergence={"a": conv(True), "b": conv(True)}) for c in cells]
    _, claims_all, _ = findings(everything, SIGMAS)
    assert claims_of(claims_all, LOW_NOISE)["cosine"] == (
        "lower at sigma = 0.05 than at 1 by > 0.02 in 4 of 8 counted cells with N = 1000; mean 0.990 -> 0.595",
        "mixed")


def test_every_measure_gets_a_verdict_and_disagreements_are_said():
    cells = [cell(d, 1000, "ncsn", AGREE) for d in ("uniform", "spiral", "sharpcov", "hd-uniform")]
    _, claims, disagree = findings(cells, SIGMAS)
    low = claims_of(claims, LOW_NOISE)
    assert set(low) == {"cosine", "L2 / sigma", "path L2", "path cosine", "raw L2"}
    assert low["cosine"][1] == low["L2 / sigma"][1] == low["path cosine"][1] == "not supported"
    assert low["raw L2"][1] == "not supported" and "median ratio 0.05x" in low["raw L2"][0]
    assert low["path L2"] == ("larger at sigma = 0.05 than at 1 by > 10% in 4 of 4 counted cells with N = 1000; "
                              "median ratio 20.00x", "supported")
    text = "\n".join(disagree)
    assert (f"*{LOW_NOISE}*: the measures disagree: not supported by cosine, L2 / sigma, path cosine, raw L2; "
            "supported by path L2.") in text
    assert "*At high noise, models trained on disjoint data converge (largest N)*: every measure gives the same " \
           "verdict (supported)." in text

    # the claim's own two measures split cell by cell: the cosine falls in two cells, L2 / sigma grows in the others
    cos_only = div_rows(cos=lambda s: 0.99 if s == 1 else 0.5, l2=lambda s: 0.05 * s)
    eps_only = div_rows(cos=lambda s: 0.99, l2=lambda s: 0.05 if s == 1 else 0.2)
    cells = [cell("uniform", 1000, "ncsn", cos_only), cell("spiral", 1000, "ncsn", cos_only),
             cell("sharpcov", 1000, "ncsn", eps_only), cell("hd-uniform", 1000, "ncsn", eps_only)]
    _, claims, disagree = findings(cells, SIGMAS)
    low = claims_of(claims, LOW_NOISE)
    assert low["cosine"][1] == low["L2 / sigma"][1] == "mixed"
    assert ("The claim's two measures, cosine and L2 / sigma, disagree on 4 of 4 cells; cosine only: "
            "uniform/n1000/ncsn, spiral/n1000/ncsn; L2 / sigma only: sharpcov/n1000/ncsn, hd-uniform/n1000/ncsn."
            ) in "\n".join(disagree)


def test_low_density_verdict_on_relative_and_weighted_error():
    # relative error says the high-density bin is worse (small true score at the modes); the weighted error says
    # the lowest-density bin is; an unconverged cell that would tip the weighted count is left out
    cells = [cell(d, 1000, "ncsn", AGREE, score_bins=(0.2, 0.6, 0.3, 0.1)) for d in ("uniform", "spiral")]
    cells.append(cell("sharpcov", 1000, "ncsn", AGREE, converged=False, score_bins=(0.2, 0.6, 0.01, 0.1)))
    lines, claims, disagree = findings(cells, SIGMAS)
    ld = claims_of(claims, LOW_DENSITY)
    assert ld["relative error"] == ("lowest-density bin worse than highest in 0 of 10 (counted cell, sigma) pairs "
                                    "(1 cells not counted left out)", "not supported")
    assert ld["sigma^2-weighted error"] == ("lowest-density bin worse than highest in 10 of 10 (counted cell, "
                                            "sigma) pairs (1 cells not counted left out)", "supported")
    text = "\n".join(disagree)
    assert f"*{LOW_DENSITY}*: the measures disagree: not supported by relative error; supported by " \
           "sigma^2-weighted error." in text
    assert "Relative and weighted error disagree on 10 of 10 (cell, sigma) pairs" in text
    bullet = next(x for x in lines if x.startswith("- **Score accuracy"))
    assert "lowest bin worse in 0 of 15" in bullet and "lowest bin worse in 10 of 15" in bullet


def test_report_shows_the_columns_and_the_convergence_table(tmp_path):
    cells = [cell("uniform", n, v, AGREE, converged=(n == 1000)) for n in (10, 1000) for v in ("ncsn", "ssm")]
    meta = {"scale": "synthetic", "sigmas": SIGMAS, "machine": {}, "commands": []}
    text = write_report(tmp_path, cells, meta).read_text()
    assert "| variant | N | sigma | cos | L2 | L2 / sigma | path L2 | path cos |" in text
    # at sigma = 0.05: L2 = 0.05 * 0.05, L2 / sigma = 0.05, path L2 = 0.05 + 0.95
    assert "| ncsn | 1000 | 0.05 | 0.990 | 0.0025 | 0.0500 | 1.0000 | 0.990 |" in text
    assert "| ncsn | 1000 | 1 | 0.990 | 0.0500 | 0.0500 | 0.0500 | 0.990 |" in text
    sec = text.split("## Training convergence")[1].split("\n## ")[0]
    assert "| uniform | ncsn | 10 | 1.5000 | 0.0100 | -5.0% | 1.5000 | 0.0100 | +0.1% | not converged |" in sec
    assert "| uniform | ssm | 1000 | 1.5000 | 0.0100 | +0.1% | 1.5000 | 0.0100 | +0.1% | converged |" in sec
    assert "over the last 50% of the steps, |change| <= 1.0%" in sec
    assert "2 of 4 cells converged. Not converged: uniform/n10/ncsn, uniform/n10/ssm." in sec
    findings_text = text.split("## Findings")[1].split("\n## ")[0]
    assert "| expectation | measure | these runs | verdict |" in findings_text
    assert "**Verdicts count only the counted cells** (2 of 4, by the held-out loss: both models' flat over the " \
           "end of training); left out: uniform/n10/ncsn, uniform/n10/ssm." in findings_text
    assert "L2 / sigma = sigma ||s_A - s_B|| = ||eps_A - eps_B||" in findings_text


def verdict_rows(text):
    """{(expectation, measure without its parenthesis): verdict} from REPORT.md's table of verdicts."""
    rows = {}
    for line in text.split("## Findings")[1].split("\n## ")[0].splitlines():
        cols = line.strip("| ").split(" | ")
        if len(cols) == 4 and cols[3] in ("supported", "not supported", "mixed", "no data"):
            rows[(cols[0], cols[1].split(" (")[0])] = cols[3]
    return rows


def test_report_gives_each_measure_its_verdict_and_says_where_they_disagree(tmp_path):
    # built so the measures must disagree: the scores agree at every sigma (cosine and L2 / sigma flat), the raw
    # one-step L2 falls with sigma, the reverse paths end apart (path L2 grows 20x); the relative score error is
    # larger in the highest-density bin, the weighted error in the lowest
    cells = [cell(d, 1000, "ncsn", AGREE, score_bins=(0.2, 0.6, 0.3, 0.1)) for d in ("uniform", "spiral", "sharpcov")]
    meta = {"scale": "synthetic", "sigmas": SIGMAS, "machine": {}, "commands": []}
    text = write_report(tmp_path, cells, meta).read_text()
    expected = {("cosine", "not supported"), ("L2 / sigma", "not supported"), ("path L2", "supported"),
                ("path cosine", "not supported"), ("raw L2", "not supported")}
    rows = verdict_rows(text)
    assert {(m, v) for (e, m), v in rows.items() if e == LOW_NOISE} == expected
    assert {(m, v) for (e, m), v in rows.items() if e == LOW_DENSITY} == {
        ("relative error", "not supported"), ("sigma^2-weighted error", "supported")}
    block = text.split("Where the measures of one expectation disagree:")[1].split("\n## ")[0]
    said = {line.split("*")[1]: line for line in block.splitlines() if line.startswith("- *")}
    assert said[LOW_NOISE].endswith("the measures disagree: not supported by cosine, L2 / sigma, path cosine, "
                                    "raw L2; supported by path L2.")
    assert said[LOW_DENSITY].endswith("the measures disagree: not supported by relative error; supported by "
                                      "sigma^2-weighted error.")
    assert "Relative and weighted error disagree on 15 of 15 (cell, sigma) pairs" in block
    # where every measure agrees the report says that instead
    high = next(e for e, _ in rows if e.startswith("At high noise"))
    assert said[high].endswith("every measure gives the same verdict (supported).")

    # the same cells with the paths agreeing too: path L2 now flat, so no disagreement about low noise is reported
    calm = div_rows(cos=lambda s: 0.99, l2=lambda s: 0.05 * s, path_l2=lambda s: 0.05)
    cells = [cell(d, 1000, "ncsn", calm) for d in ("uniform", "spiral", "sharpcov")]
    text = write_report(tmp_path / "calm", cells, meta).read_text()
    assert {v for (e, _), v in verdict_rows(text).items() if e == LOW_NOISE} == {"not supported"}
    assert f"- *{LOW_NOISE}*: every measure gives the same verdict (not supported)." in text


# ------------------------------------------------------------------------------ the convergence measure
def rows_of(values, every=10):
    return [{"step": every * (i + 1), "loss": 0.0, "heldout": v} for i, v in enumerate(values)]


def test_convergence_fits_the_last_part_of_the_held_out_loss():
    # a line falling by 0.1 per row over rows 1..20: over the last half (steps 100..200, 11 rows) it falls by 1.0
    # from a value of 10 at the end: change -10%
    falling = rows_of([12.0 - 0.1 * i for i in range(1, 21)])
    got = convergence(falling, window=0.5, tolerance=0.01)
    assert got["change"] == pytest.approx(-0.1) and got["converged"] is False and got["points"] == 11
    assert got["end"] == pytest.approx(10.0)
    # the early fall does not count: flat over the last half, converged
    early = rows_of([20.0 - i for i in range(9)] + [10.0] * 11)
    assert convergence(early, window=0.5, tolerance=0.01)["converged"] is True
    assert convergence(early, window=0.5, tolerance=0.01)["change"] == pytest.approx(0.0, abs=1e-12)
    # rising (a small training set being memorised) is not converged either
    rising = rows_of([10.0 * (1 + 0.01 * i) for i in range(20)])
    assert convergence(rising, window=0.5, tolerance=0.01)["converged"] is False
    assert convergence(rising, window=0.5, tolerance=0.01)["change"] > 0.05
    # the averaged weights' loss decides when it is there: the iterate's own falls, the average's is flat
    both = [dict(r, heldout_ema=10.0) for r in falling]
    got = convergence(both, window=0.5, tolerance=0.01)
    assert got["measure"] == "heldout_ema" and got["converged"] is True and got["end"] == pytest.approx(10.0)
    # within tolerance; and a run without held-out rows has no verdict
    assert convergence(rows_of([10.0 + 0.0001 * i for i in range(20)]), 0.5, 0.01)["converged"] is True
    assert convergence([{"step": 50, "loss": 1.0}], 0.5, 0.01)["converged"] is None


# ------------------------------------------------------------------------------ the held-out loss in training
@pytest.mark.parametrize("variant", ["ncsn", "ssm", "denoiser"])
def test_heldout_logging_leaves_the_model_bytes_unchanged(variant, tmp_path):
    data = load_dataset("uniform")
    kw = dict(progress=False, device="cpu", variant=variant, steps=60, n=100, batch_size=32, save_every=25)
    rng = torch.get_rng_state()
    train(data, tmp_path / "off", heldout=0, **kw)
    summary = train(data, tmp_path / "on", **kw)
    on, off = ((tmp_path / r / "model.pt").read_bytes() for r in ("on", "off"))
    assert on == off
    rows_on, rows_off = read_stats(tmp_path / "on" / "stats.jsonl"), read_stats(tmp_path / "off" / "stats.jsonl")
    assert [r["loss"] for r in rows_on] == [r["loss"] for r in rows_off]           # the same updates
    assert all("heldout" not in r for r in rows_off)
    assert [r["step"] for r in rows_on] == list(range(2, 61, 2))                  # log_every: 60 / 50 rounded up
    assert all(r["heldout_ema"] > 0 for r in rows_on)
    # the model itself is scored at the end only: every row before costs a pass over the held-out set
    assert all("heldout" not in r and "heldout_excess" not in r for r in rows_on[:-1])
    assert rows_on[-1]["heldout"] > 0 and rows_on[-1]["heldout_excess"] >= 0
    assert rows_on[-1]["heldout_ema"] < rows_on[0]["heldout_ema"]                 # it learns
    assert summary["convergence"] == convergence(rows_on) and summary["heldout"] == rows_on[-1]["heldout"]
    assert summary["convergence"]["measure"] == "heldout_ema" and summary["convergence"]["points"] == 16
    assert json.loads((tmp_path / "on" / "options.json").read_text())["heldout"] == 1024
    # the same held-out problems every time: a second run logs the same numbers
    train(data, tmp_path / "again", **kw)
    again = read_stats(tmp_path / "again" / "stats.jsonl")
    assert [r["heldout_ema"] for r in again] == [r["heldout_ema"] for r in rows_on]
    assert again[-1]["heldout"] == rows_on[-1]["heldout"]
    torch.set_rng_state(rng)


def test_train_heldout_option(tmp_path):
    """``train --heldout K``: K held-out points scored (recorded in options.json), 0 for none at all."""
    import cli
    base = ["train", "--variant", "ncsn", "--steps", "20", "--n", "50", "--no-progress", "--device", "cpu"]
    assert cli.main([*base, "--heldout", "0", "--out", str(tmp_path / "off")]) == 0
    assert cli.main([*base, "--heldout", "64", "--out", str(tmp_path / "on")]) == 0
    for run, k in (("off", 0), ("on", 64)):
        assert json.loads((tmp_path / run / "options.json").read_text())["heldout"] == k
    assert all(set(r) == {"step", "loss", "lr", "seconds"} for r in read_stats(tmp_path / "off" / "stats.jsonl"))
    assert all("heldout_ema" in r for r in read_stats(tmp_path / "on" / "stats.jsonl"))
    assert cli.main([*base, "--heldout", "-1", "--out", str(tmp_path / "bad")]) == 2


def test_after_one_step_the_average_is_the_model(tmp_path):
    summary = train(load_dataset("uniform"), tmp_path / "one", progress=False, device="cpu", variant="ncsn", steps=1,
                    n=100, batch_size=32)
    (row,) = read_stats(tmp_path / "one" / "stats.jsonl")
    assert row["heldout_ema"] == row["heldout"] == summary["heldout"] > 0


def test_heldout_logging_leaves_image_model_bytes_unchanged(tmp_path):
    import numpy as np
    faces = np.random.default_rng(0).random((60, 8, 8)).astype(np.float32)
    np.save(tmp_path / "faces.npy", faces)
    data = load_dataset(str(tmp_path / "faces.npy"))
    kw = dict(progress=False, device="cpu", variant="denoiser", steps=12, n=20, batch_size=4, width=4)
    train(data, tmp_path / "off", heldout=0, **kw)
    train(data, tmp_path / "on", **kw)
    assert (tmp_path / "on" / "model.pt").read_bytes() == (tmp_path / "off" / "model.pt").read_bytes()
    rows = read_stats(tmp_path / "on" / "stats.jsonl")
    assert rows[-1]["heldout"] > 0 and all("heldout_excess" not in r for r in rows)   # no known optimum for images
    assert all(r["heldout_ema"] > 0 for r in rows)
    assert re.fullmatch(r"\d+", str(json.loads((tmp_path / "on" / "options.json").read_text())["heldout"]))


def test_attractor_findings_read_each_datasets_own_eps():
    """With eps chosen from the data every dataset has its own smallest eps; each cell is read at its own."""
    from tinyscore.study.findings import _attractor_findings, cell_key

    def att(dataset, n, eps, own):
        rows = [{"eps": e, "model_return_own": own, "empirical_return_own": 1.0, "model_test_captured": 0.0}
                for e in eps]
        return {"dataset": dataset, "n": n, "variant": "ncsn", "key": f"{dataset}/n{n}/ncsn",
                "attractors": {"rows": rows}}
    cells = [att("uniform", 100, (0.338, 0.676), 0.8), att("uniform", 1000, (0.338, 0.676), 0.1),
             att("spiral", 100, (0.258, 0.516), 0.6), att("spiral", 1000, (0.258, 0.516), 0.0)]
    lines, claims = _attractor_findings(cells, {cell_key(c) for c in cells})
    assert "each dataset's smallest eps (uniform 0.338, spiral 0.258)" in lines[0]
    assert "N=100: model 0.70" in lines[0] and "N=1000: model 0.05" in lines[0]
    assert claims[0][2].startswith("at each dataset's smallest eps") and claims[0][3] == "supported"
