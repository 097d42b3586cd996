"""`cli.py bench` must run: a smoke test of the training-step rows and of the command itself."""
import pytest
import torch

import cli
from tinyscore import bench


def test_bench_training_rows(monkeypatch):
    monkeypatch.setattr(bench, "_step_time", lambda model, loss_fn, x, steps, repeats=3: _one_step(model, loss_fn, x))
    rows = bench.bench_training(torch.device("cpu"), quick=True)
    names = [r["name"] for r in rows]
    assert any(n.startswith("SSM step, mlp 100-D") for n in names)
    assert any(n.startswith("steps/s ssm, conv") for n in names)
    for r in rows:
        assert r["ours_s"] > 0
        if r["baseline_s"] is not None:
            assert r["ratio"] == r["baseline_s"] / r["ours_s"]


def _one_step(model, loss_fn, x):
    """One real optimiser step through the loss (what _step_time times), returning a fake time."""
    gen = torch.Generator().manual_seed(0)
    sigma = torch.full((x.shape[0],), 0.3)
    loss = loss_fn(model, x, sigma, gen).mean()
    loss.backward()
    assert torch.isfinite(loss)
    return 0.01


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA device is present")
def test_bench_command_without_cuda_is_a_one_line_error(capsys):
    assert cli.main(["bench", "--quick", "--device", "cuda"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no CUDA device" in err
