"""The convergence analysis: kept checkpoints, the memoriser floor, and the metric read at each checkpoint.

Oracles: the memoriser itself sits at its own floor (zero excess); a model trained longer is nearer it;
the decision metric at 100% equals the one the controls compute from the trajectory files."""
import json

import numpy as np
import pytest

import cli
from tinyscore.analyses import convergence as conv
from tinyscore.core.models import EmpiricalModel, to_tensor
from tinyscore.data.datasets import load_dataset
from tinyscore.storage.runs import kept_checkpoint, load_run
from tinyscore.errors import TinyscoreError

TRAIN = ["train", "--variant", "ncsn", "--n", "30", "--steps", "40", "--keep-every", "10", "--save-every", "10",
         "--no-progress", "--device", "cpu"]


def run_cli(args) -> int:
    code = cli.main([str(a) for a in args])
    assert code in (0, None), args
    return code


@pytest.fixture(scope="module")
def cell(tmp_path_factory):
    d = tmp_path_factory.mktemp("conv")
    for name, extra in (("a", []), ("b", ["--half", "b"]), ("a2", ["--seed", "1"])):
        run_cli([*TRAIN, *extra, "--out", d / name])
    run_cli(["trajectories", d / "a", "--out", d / "a.h5", "--probes", "64", "--no-progress", "--device", "cpu"])
    run_cli(["trajectories", d / "b", "--out", d / "b.h5", "--probes", "64", "--no-progress", "--device", "cpu"])
    return d


def test_a_run_keeps_the_models_of_every_keep_every_steps_and_they_load(cell):
    names = sorted(p.name for p in (cell / "a").iterdir())
    assert names == ["model.pt", "model_step10.pt", "model_step20.pt", "model_step30.pt", "options.json",
                     "stats.jsonl"]
    m10 = load_run(cell / "a", checkpoint=kept_checkpoint(10))[0]
    m40 = load_run(cell / "a")[0]
    p10, p40 = (np.concatenate([p.detach().numpy().ravel() for p in m.parameters()]) for m in (m10, m40))
    assert not np.allclose(p10, p40)           # a kept model is the model of its step, not the final one
    with pytest.raises(TinyscoreError, match="kept no"):
        load_run(cell / "a", checkpoint=kept_checkpoint(15))
    with pytest.raises(TinyscoreError, match="not a model a run keeps"):
        load_run(cell / "a", checkpoint="../options.json")


def test_kept_at_names_the_checkpoints_of_each_fraction():
    assert conv.kept_at({"steps": 8000, "keep_every": 2000}, 0.5) == "model_step4000.pt"
    assert conv.kept_at({"steps": 8000, "keep_every": 2000}, 1.0) == "model.pt"
    assert conv.kept_at({"steps": 8000, "keep_every": 3000}, 0.5) is None
    assert conv.kept_at({"steps": 8000}, 0.75) is None


def test_the_memoriser_has_no_excess_over_itself_and_a_model_does():
    ds = load_dataset("uniform")
    opts = {"n": 50, "half": "a", "sigma_min": 0.01, "sigma_max": 3.0, "variant": "ncsn"}
    problems = conv.training_problems(ds, opts, k=256)
    memo = EmpiricalModel(to_tensor(ds.subset(50, "a")).double())
    gap = conv.memoriser_gap(memo, problems)
    assert gap["train_excess"] == pytest.approx(0.0, abs=1e-9) and gap["train_loss"] > 0

    class Shrunk:                               # the memoriser pulled halfway back to y: strictly worse
        def denoise(self, y, sigma):
            return 0.5 * (memo.denoise(y, sigma) + y)
    worse = conv.memoriser_gap(Shrunk(), problems)
    assert worse["train_excess"] > 0.01 and worse["train_loss"] > gap["train_loss"]
    # loss = the floor's loss + the excess, up to the cross term (mean zero: D_emp is the posterior mean)
    assert worse["train_loss"] - worse["train_excess"] == pytest.approx(gap["train_loss"], rel=0.25)


def test_the_metric_at_the_end_is_the_controls_cosine_and_earlier_ones_are_read_from_kept_models(cell, tmp_path,
                                                                                               capsys):
    run_cli(["convergence", cell / "a", cell / "b", cell / "a.h5", "--floor", cell / "a2", "--reps", "50",
                   "--problems", "64", "--json", tmp_path / "c.json"])
    out = json.loads((tmp_path / "c.json").read_text())
    assert [r["step"] for r in out["checkpoints"]] == [20, 30, 40]
    assert "cos_ab" in capsys.readouterr().out
    run_cli(["controls", cell / "a", cell / "a.h5", cell / "b.h5", "--reps", "50", "--starts", "4",
                   "--test-starts", "4", "--iters", "2", "--eps", "0.1", "--json", tmp_path / "k.json"])
    rows = json.loads((tmp_path / "k.json").read_text())["divergence"]["rows"]
    smallest = min(rows, key=lambda r: r["sigma"])
    assert out["settings"]["sigma"] == smallest["sigma"]
    assert out["checkpoints"][-1]["cos_ab"][0] == pytest.approx(smallest["cos_ab"][0], abs=1e-5)
    assert out["checkpoints"][-1]["floor_cos"] is not None
    assert out["truth"]["a"]["heldout_excess"] > 0            # a mixture: the analytic optimum is logged
    # the kept models differ, so the metric differs between checkpoints
    assert len({round(r["cos_ab"][0], 8) for r in out["checkpoints"]}) == 3


def test_models_or_probes_of_another_dataset_are_refused_in_one_line(cell, tmp_path, capsys):
    """A run of other data beside A, or a trajectory file of another dataset's probes (which a reshape would
    silently have turned into other inputs), is refused, for convergence and for geometry."""
    np.save(tmp_path / "x.npy", np.random.default_rng(0).random((60, 8, 8)).astype(np.float32))
    run_cli(["train", "--variant", "denoiser", "--data", tmp_path / "x.npy", "--n", "20", "--steps", "4",
             "--out", tmp_path / "img", "--no-progress", "--device", "cpu"])
    capsys.readouterr()
    cases = [(["convergence", cell / "a", tmp_path / "img", cell / "a.h5"], "trained on 'x'"),
             (["convergence", tmp_path / "img", tmp_path / "img", cell / "a.h5"], "holds probes of 'uniform'"),
             (["geometry", cell / "a", tmp_path / "img"], "trained on 'x'")]
    for args, why in cases:
        assert cli.main([str(a) for a in args]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and why in err[0], err
