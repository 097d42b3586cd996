"""`cli.py bench`'s rows for the exact mixture: the analytic score at the benchmark shapes and in 1600-D,
each against the floor of its covariance forms and the dense einsum of before (no timed assertions)."""
import math

from kernels import bench as kbench
from tinyscore import bench
from tinyscore.storage.mixture_files import load_mixture


def test_the_floor_counts_the_columns_of_each_form():
    assert bench.analytic_columns(load_mixture("uniform")) == 3             # c I: y.mu_k, one column each
    assert bench.analytic_columns(load_mixture("thinmanifold")) == 10 * 3   # mu_k and a rank-2 factor
    assert bench.analytic_columns(load_mixture("hd-sharpcov")) == 10 * 15   # rank 14
    assert bench.analytic_columns(load_mixture("spiral")) == 10 * 2         # full: D columns each


def test_analytic_rows_exist_and_are_finite():
    cases = [("uniform", 16), ("thinmanifold", 16), ("iso-1600", 4)]
    rows = bench.bench_analytic(repeats=1, warmup=0, cases=cases)
    assert len(rows) == 2 * len(cases)                  # the floor and the dense einsum, per case
    for r in rows:
        assert set(r) == set(kbench.ROW_KEYS) and r["name"] == "analytic score"
        assert math.isfinite(r["time_s"]) and r["time_s"] > 0 and math.isfinite(r["baseline_s"])
        assert r["ratio"] == r["baseline_s"] / r["time_s"]
    assert [r["baseline"] for r in rows[:2]] == ["floor: its two products, N=3", "dense D x D einsum (before)"]
    assert rows[-2]["case"] == "iso-1600: K=1 D=1600 Isotropic, B=4"
    report = {"machine": {"cpu": "X", "cpu_cores": 2, "device": "cpu", "torch": "t", "threads": 1, "date_utc": "d",
                          "load_avg_start": 1.0, "load_avg_end": 1.0}, "rows": rows}
    table = bench.markdown(report)
    assert "| analytic score | time | floor (its two products) |" in table
    assert "| thinmanifold: K=10 D=100 LowRank, B=16 |" in table and "(N=30)" in table


def test_quick_analytic_rows_skip_the_slow_dense_baseline_in_1600_d():
    rows = bench.bench_analytic(quick=True, repeats=1, warmup=0, cases=[("iso-1600", 2)])
    assert [r["baseline"] for r in rows] == ["floor: its two products, N=1"]
