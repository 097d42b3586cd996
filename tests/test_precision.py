"""--precision bf16: autocast of the conv backbone, refused where it does not apply, resumable as fp32 was."""
import json

import numpy as np
import pytest
import torch

from clihelp import assert_refused
from tinyscore.bench import bench_precision
from tinyscore.data.datasets import load_dataset
from tinyscore.storage.runs import load_run
from tinyscore.training.loop import train


@pytest.fixture(scope="module")
def faces(tmp_path_factory):
    """Smooth random 16x16 'faces' as a uint8 .npy: enough structure for a loss to fall."""
    g = np.random.default_rng(0)
    base = g.normal(size=(200, 1, 4, 4))
    img = np.kron(base, np.ones((1, 1, 4, 4))) + 0.3 * g.normal(size=(200, 1, 16, 16))
    img = (255 * (img - img.min()) / (img.max() - img.min())).astype(np.uint8)
    path = tmp_path_factory.mktemp("faces") / "faces.npy"
    np.save(path, img)
    return load_dataset(str(path))


def _train(faces, out, precision, steps=12):
    return train(faces, out, progress=False, variant="ncsn", n=64, steps=steps, batch_size=8, seed=3,
                 precision=precision, width=8)


def test_bf16_trains_the_same_model_to_bf16_round_off(faces, tmp_path):
    """The same seed in fp32 and bf16: different bytes (autocast really ran), nearly the same losses
    and weights (the same model, rounded differently)."""
    a = _train(faces, tmp_path / "fp32", "fp32")
    b = _train(faces, tmp_path / "bf16", "bf16")
    assert json.loads((tmp_path / "bf16" / "options.json").read_text())["precision"] == "bf16"
    assert np.isfinite(b["loss"]) and abs(b["loss"] - a["loss"]) < 0.05 * abs(a["loss"])
    ma, mb = (load_run(tmp_path / p)[0] for p in ("fp32", "bf16"))
    wa = torch.cat([p.flatten() for p in ma.parameters()])
    wb = torch.cat([p.flatten() for p in mb.parameters()])
    rel = ((wa - wb).norm() / wa.norm()).item()
    assert 0 < rel < 0.05, rel
    y = torch.rand(4, 1, 16, 16)
    assert mb.denoise(y, 0.3).dtype == torch.float32     # a bf16-trained model is an fp32 model


def test_bf16_under_autocast_returns_fp32_from_the_model(faces):
    """The backbone answers in bf16 under autocast; ScoreModel hands back y's dtype."""
    from tinyscore.core.models import ScoreModel
    m = ScoreModel(dict(variant="ncsn", arch="conv", shape=[1, 16, 16], sigma_data=0.5, net={"base": 8}))
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = m.denoise(torch.rand(2, 1, 16, 16), 0.5)
    assert out.dtype == torch.float32


def test_bf16_refused_for_the_mlp(capsys, tmp_path):
    assert_refused(["train", "--data", "uniform", "--precision", "bf16", "--steps", "2", "--out", tmp_path / "r"],
                   capsys, watch=[tmp_path], contains="convolutional backbone")


def test_resume_refuses_another_precision_and_keeps_old_runs_fp32(faces, tmp_path, monkeypatch):
    """A partial run saved without a precision field (before the option existed) resumes as fp32;
    resuming it in bf16 is refused naming the field."""
    import tinyscore.training.loop as tr
    from tinyscore.errors import TinyscoreError
    out = tmp_path / "r"
    real = tr._save_state

    def save_then_stop(*a, **k):           # an interruption right after the first saved state
        real(*a, **k)
        raise KeyboardInterrupt
    monkeypatch.setattr(tr, "_save_state", save_then_stop)
    with pytest.raises(KeyboardInterrupt):
        train(faces, out, progress=False, variant="ncsn", n=64, steps=6, batch_size=8, save_every=2, width=8)
    monkeypatch.setattr(tr, "_save_state", real)
    partial = tmp_path / ".r.tinyscore-partial"
    opts = json.loads((partial / "options.json").read_text())
    del opts["precision"]                                   # as written before --precision existed
    (partial / "options.json").write_text(json.dumps(opts))
    with pytest.raises(TinyscoreError, match="precision"):
        _ = train(faces, out, progress=False, variant="ncsn", n=64, steps=6, batch_size=8, save_every=2, width=8,
                  precision="bf16")
    s = train(faces, out, progress=False, variant="ncsn", n=64, steps=6, batch_size=8, save_every=2, width=8)
    assert s["resumed_from"] == 2


def test_bench_precision_rows():
    rows = bench_precision("cpu", quick=True, repeats=5, warmup=0)
    names = [r["name"] for r in rows]
    assert names == ["conv DSM step, bf16", "conv DSM step, fp32 + channels_last", "conv DSM step, bf16 + channels_last"]
    assert all(r["baseline"] == "conv DSM step, fp32" and r["ratio"] > 0 and r["repeats"] >= 5 for r in rows)
