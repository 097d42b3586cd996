"""Score error by density, and denoising quality against the optimum."""
import json

import numpy as np
import pytest

from cli import main
from tinyscore.analyses import accuracy
from tinyscore.data.datasets import load_dataset
from tinyscore.errors import TinyscoreError
from tinyscore.core.models import AnalyticModel
from tinyscore.analyses.trajectories import write_model_trajectories


@pytest.mark.parametrize("name", ["uniform", "sharpcov", "thinmanifold"])
def test_analytic_pseudo_model_has_no_score_error(name):
    ds = load_dataset(name)
    res = accuracy.score_error_by_density(AnalyticModel(ds.mixture), ds, "1,0.1,0.05", points=300, bins=3)
    for row in res["rows"]:
        assert row["relative"] < 1e-5 and row["weighted_sq"] < 1e-8
        assert all(b["relative"] < 1e-5 for b in row["bins"])


def test_bins_partition_the_points():
    rng = np.random.default_rng(0)
    logp = np.concatenate([rng.normal(size=997), np.full(50, 0.3)])     # ties as well
    for bins in (1, 2, 5, 10):
        idx, edges = accuracy.density_bins(logp, bins)
        assert idx.shape == logp.shape and idx.min() >= 0 and idx.max() < bins
        assert np.bincount(idx, minlength=bins).sum() == len(logp)
        for b in range(bins - 1):       # lower bins hold lower densities
            if np.any(idx == b) and np.any(idx == b + 1):
                assert logp[idx == b].max() <= logp[idx == b + 1].min()
    with pytest.raises(TinyscoreError):
        accuracy.density_bins(logp[:3], 5)


def test_score_error_counts_add_up_and_images_are_refused():
    ds = load_dataset("spiral")
    res = accuracy.score_error_by_density(AnalyticModel(ds.mixture), ds, "0.5", points=101, bins=4)
    assert sum(b["count"] for b in res["rows"][0]["bins"]) == 101

    class NoMixture:
        name, mixture = "faces", None
    with pytest.raises(TinyscoreError):
        accuracy.score_error_by_density(None, NoMixture())


def test_quality_of_the_optimum_is_the_optimum(tmp_path):
    f = tmp_path / "an.h5"
    write_model_trajectories("analytic", f, probes=32, path_substeps=1, data="uniform", device="cpu", progress=False)
    res = accuracy.quality(f)
    assert res["settings"]["references"] == ["analytic"]
    for row in res["rows"]:
        assert row["mse_over_optimum"] == pytest.approx(1.0, rel=1e-4)
        assert row["noisy_mse"] == pytest.approx(row["sigma"] ** 2, rel=0.5)
    e = tmp_path / "emp.h5"
    write_model_trajectories("empirical", e, probes=32, path_substeps=1, data="uniform", n=5, device="cpu",
                             progress=False)
    res = accuracy.quality(e)
    assert set(res["settings"]["references"]) == {"analytic", "empirical"}
    assert all(r["empirical_mse"] == pytest.approx(r["mse"], rel=1e-4) for r in res["rows"])


def test_cli_score_error_and_quality(tmp_path):
    js, png = tmp_path / "s.json", tmp_path / "s.png"
    assert main(["score-error", "analytic", "--data", "uniform", "--points", "200", "--bins", "4",
                 "--sigmas", "1,0.1", "--json", str(js), "--plot", str(png), "--device", "cpu"]) == 0
    assert json.loads(js.read_text())["rows"][0]["relative"] < 1e-5 and png.stat().st_size > 0
    png2 = tmp_path / "hd.png"
    assert main(["score-error", "analytic", "--data", "hd-uniform", "--points", "100", "--bins", "2",
                 "--sigmas", "0.5", "--plot", str(png2), "--device", "cpu"]) == 0
    assert png2.is_file()
    f = tmp_path / "t.h5"
    write_model_trajectories("analytic", f, probes=16, path_substeps=1, data="uniform", device="cpu", progress=False)
    qj, qp = tmp_path / "q.json", tmp_path / "q.png"
    assert main(["quality", str(f), "--json", str(qj), "--plot", str(qp), "--device", "cpu"]) == 0
    assert json.loads(qj.read_text())["rows"][0]["optimum"] == "analytic" and qp.is_file()
    assert main(["quality", str(tmp_path / "missing.h5")]) == 2


def test_quality_does_not_open_data_a_file_merely_names(tmp_path, capsys):
    """A trajectory file may come from anyone: its 'data' path is followed only when --data says so."""
    import h5py
    from cli import main
    mix = tmp_path / "secret.json"
    mix.write_text('{"weights": [1], "means": [[0, 0]], "covs": [0.5]}')
    out = tmp_path / "t.h5"
    assert main(["trajectories", "analytic", "--data", str(mix), "--probes", "8", "--out", str(out),
                 "--no-progress"]) == 0
    with h5py.File(out, "r") as f:
        assert f.attrs["data"] == str(mix)
    capsys.readouterr()
    assert main(["quality", str(out)]) == 0
    text = capsys.readouterr().out
    assert "not opened on the file's word" in text and "analytic MSE" not in text
    assert main(["quality", str(out), "--data", str(mix)]) == 0
    assert "analytic MSE" in capsys.readouterr().out
