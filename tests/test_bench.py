"""`cli.py bench` must run and report trustworthy rows: the training-step rows run real steps,
the report carries the machine and the load, and the README table is rendered from it."""
import json

import pytest
import torch

import cli
from kernels import bench as kbench
from tinyscore import bench

TINY_NETS = [("MLP 3-D", dict(arch="mlp", shape=[3], net={"width": 8}), 8)]


def _checked_steps(monkeypatch):
    """Make every benchmarked training step also assert that its loss is finite."""
    real = bench.make_step
    ran = []

    def checked(model, loss_fn, x, *args):
        step = real(model, loss_fn, x, *args)

        def run():
            loss = step()
            assert torch.isfinite(loss)
            ran.append(loss_fn)
            return loss
        return run

    monkeypatch.setattr(bench, "make_step", checked)
    return ran


def test_bench_training_rows(monkeypatch):
    ran = _checked_steps(monkeypatch)
    nets = TINY_NETS + [("conv 1x8x8", dict(arch="conv", shape=[1, 8, 8], net={}), 2)]
    rows = bench.bench_training(torch.device("cpu"), repeats=1, warmup=0, nets=nets)
    assert len(ran) == 5 * len(nets)  # ssm, the other jvp, Song et al., dsm, denoiser: one step each
    names = [r["name"] for r in rows]
    assert "SSM step (double backward, default on cpu)" in names  # measured: backward is faster on CPU
    assert "SSM step (forward-mode jvp)" in names
    assert any(n.startswith("seeded Philox directions") for n in names)
    assert any(n == "training steps/s, ssm" and r["case"].startswith("conv") for n, r in zip(names, rows))
    for r in rows:
        assert set(r) == set(kbench.ROW_KEYS)
        assert r["time_s"] > 0
        if r["baseline_s"] is not None:
            assert r["ratio"] == r["baseline_s"] / r["time_s"]
    floor = [r for r in rows if r["baseline"] == "floor: DSM step, same net"]
    assert len(floor) == 2 * len(nets)
    assert all(f"{r['time_s'] / r['baseline_s']:.2f}x a DSM step" in r["note"] for r in floor)


def test_bench_command_writes_a_report_and_the_readme_table(monkeypatch, tmp_path):
    monkeypatch.setattr(kbench, "EMPIRICAL_CASES_QUICK", [(8, 300, 3)])
    monkeypatch.setattr(kbench, "DIVERGENCE_CASES_QUICK", [(4, 10)])
    monkeypatch.setattr(bench, "training_nets", lambda quick: TINY_NETS)
    out = tmp_path / "bench.json"
    assert cli.main(["bench", "--quick", "--device", "cpu", "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    machine, rows = report["machine"], report["rows"]
    assert machine["threads"] == 1 and machine["torch"] == torch.__version__
    assert "load_avg_start" in machine and "load_avg_end" in machine
    assert {r["name"] for r in rows} >= {"empirical denoiser", "divergence (L2 and cosine)"}
    assert all(r["repeats"] >= 5 and r["clock"] == "cpu" for r in rows)
    table = bench.markdown(report)
    assert "| B=8 N=300 D=3, spread |" in table and "| B=8 N=300 D=3, near |" in table
    assert "fraction of floor" in table and "SSM costs" in table


def test_markdown_table_from_rows():
    t = {"time_s": 0.010, "wall_s": 0.012, "cpu_time_s": 0.010, "clock": "cpu", "samples": [0.01] * 5,
         "load_avg": 1.5}
    emp = [kbench.make_row("empirical denoiser", "B=2 N=3 D=4, near", t, base, baseline_s=b, peak_mem="1 KiB est.")
           for base, b in (("floor: two GEMMs (4BND flops)", 0.008), ("floor: one GEMM (2BND flops)", 0.004),
                           ("cdist + softmax + matmul", 0.05), ("plain reference (broadcast)", None))]
    report = {"machine": {"cpu": "X", "cpu_cores": 2, "device": "cpu", "torch": "t", "threads": 1,
                          "date_utc": "d", "load_avg_start": 1.0, "load_avg_end": 2.0}, "rows": emp}
    line = [ln for ln in bench.markdown(report).splitlines() if ln.startswith("| B=2 N=3 D=4, near")][0]
    assert line.split(" | ")[1:5] == ["10 ms", "8 ms", "0.80", "4 ms (0.40)"]
    assert "50 ms (5.0x)" in line


@pytest.mark.skipif(torch.cuda.is_available(), reason="a CUDA device is present")
def test_bench_command_without_cuda_is_a_one_line_error(capsys):
    assert cli.main(["bench", "--quick", "--device", "cuda"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no CUDA device" in err
