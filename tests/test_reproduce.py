"""The study grid: resume, the report generator, the steps' command lines, and the command."""
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from cli import cli, main
from tinyscore.storage.files import temp_name
from tinyscore.study import grid, plan, run, steps
from tinyscore.study.report import SECTIONS, write_report


def dead_pid() -> int:
    """The pid of a process that has exited."""
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid

SIGMAS = [1.0, 0.5, 0.25, 0.1, 0.05]


def _cell(dataset, n, variant, k):
    cos = lambda s: min(1.0, 0.5 + 0.4 * s + 0.001 * n ** 0.5)            # noqa: E731
    div_rows = [{"sigma": s, "l2_mean": 0.1 * s, "l2_std": 0.01, "rms": 0.07 * s / (1 + k), "cosine_mean": cos(s),
                 "cosine_std": 0.1} for s in SIGMAS]
    q_rows = [{"sigma": s, "mse": 1.5 * s * s / 4, "psnr": 10.0, "noisy_mse": s * s, "analytic_mse": s * s / 4,
               "analytic_psnr": 12.0, "optimum": "analytic", "mse_over_optimum": 1.5} for s in SIGMAS]
    at_rows = [{"eps": e, "starts": 10, "test_starts": 10, "model_return_own": 1.0 / n ** 0.25,
                "model_any": 1.0 / n ** 0.2, "model_test_captured": 0.1, "empirical_return_own": 1.0,
                "empirical_any": 1.0, "empirical_test_captured": 1.0} for e in (0.05, 0.25)]
    se_rows = [{"sigma": s, "relative": 0.2 + k, "relative_median": 0.2, "weighted_sq": 0.01, "count": 100,
                "bins": [{"bin": b, "logp_lo": b, "logp_hi": b + 1, "count": 20, "relative": (0.5 + k) / (1 + b),
                          "relative_median": 0.1, "weighted_sq": 0.01} for b in range(5)]} for s in SIGMAS]
    done = {"measure": "heldout", "window": 0.5, "tolerance": 0.01, "change": -0.001, "converged": True, "end": 1.0,
            "excess_end": 0.01, "points": 20}
    return {"dataset": dataset, "n": n, "n_requested": n, "variant": variant, "dim": 2, "is_image": False,
            "train_a": {"seconds": 1.0}, "train_b": {"seconds": 1.0}, "convergence": {"a": done, "b": done},
            "diverge": {"onestep": div_rows, "path": div_rows}, "quality": {"rows": q_rows},
            "attractors": {"rows": at_rows}, "score_error": {"settings": {"bins": 5}, "rows": se_rows}}


def test_report_generator_fills_every_section(tmp_path):
    cells = [_cell(d, n, v, k) for d in ("uniform", "spiral") for n in (1, 10, 1000)
             for k, v in enumerate(("denoiser", "ncsn"))]
    meta = {"scale": "synthetic", "sigmas": SIGMAS, "machine": {"processor": "test", "cpu_count": 1},
            "command": "python cli.py reproduce --scale smoke --out results", "commands": ["python cli.py train"],
            "notes": ["celeba skipped: no data."], "settings": {"uniform": {"steps": 5}}}
    path = write_report(tmp_path, cells, meta)
    text = path.read_text()
    heads = [m.group(1) for m in re.finditer(r"^## (.+)$", text, re.M)]
    assert heads == list(SECTIONS)
    bodies = re.split(r"^## .+$", text, flags=re.M)[1:]
    for head, body in zip(heads, bodies):
        assert body.strip(), head
    for q in ("1.", "2.", "3.", "4."):
        body = bodies[heads.index(next(h for h in heads if h.startswith(q)))]
        assert "| uniform" not in body and "No " not in body.split("\n")[3]     # tables, not "no results"
        assert "![" in body
    for img in re.findall(r"!\[[^]]*\]\(([^)]+)\)", text):
        assert (tmp_path / img).is_file(), img
    assert "celeba skipped" in text and "| supported |" in text and "12 of 12 cells converged" in text
    assert (tmp_path / "commands.sh").is_file()
    # missing pieces are said, not invented
    bare = write_report(tmp_path / "bare", [{k: v for k, v in cells[0].items() if k != "score_error"}], meta)
    assert "No score-error results" in bare.read_text()


MICRO = dict(datasets=("uniform",), ns=(1, 10), variants=("ncsn",), steps=5, batch_size=16, width=8, probes=8,
             path_substeps=1, eps=(0.05,), iters=2, starts=4, test_starts=4, score_points=40, bins=2, image={})


def test_micro_grid_resumes(tmp_path, monkeypatch):
    monkeypatch.setitem(grid.SCALES, "micro", MICRO)
    out = tmp_path / "r"
    first = run.reproduce(out, scale="micro", progress=False, echo=lambda *a: None)
    n_steps = first["ran"]
    assert n_steps == 2 * 9 and first["skipped"] == 0                 # 2 cells x 9 steps (8 and the controls)
    report = (out / "REPORT.md").read_text()
    assert "## 4. How accurate" in report and "uniform" in report
    # every model's convergence is recorded, from its held-out loss, and shown per cell
    for h in "ab":
        rec = json.loads((out / ".steps" / f"uniform__n10__ncsn__train_{h}.json").read_text())["result"]
        assert rec["convergence"]["converged"] in (True, False) and rec["convergence"]["points"] >= 3
    table = report.split("## Training convergence")[1].split("\n## ")[0]
    rows = [r for r in table.splitlines() if r.startswith("| uniform | ncsn |")]
    assert len(rows) == 2 and all(re.search(r"\| [+-]\d+\.\d% \|", r) for r in rows), rows
    again = run.reproduce(out, scale="micro", progress=False, echo=lambda *a: None)
    assert again["ran"] == 0 and again["skipped"] == n_steps and not again["regenerated"]

    # a half-done step (output gone, a temporary of a killed writer left) is redone; finished ones are
    # skipped; the killed writer's temporary goes, files of the user that merely look temporary stay
    cell = out / "uniform" / "n10" / "ncsn"
    (cell / "diverge.json").unlink()
    stale = temp_name(cell / "diverge.json").name.replace(f"-{os.getpid()}-", f"-{dead_pid()}-")
    (cell / stale).write_text("partial")
    user = [cell / ".traj_a.h5.tmp-999", cell / ".diverge.json.k2x9.tmp", cell / "notes" / ".draft.tmp"]
    user[2].parent.mkdir()
    for p in user:
        p.write_text("mine")
    third = run.reproduce(out, scale="micro", progress=False, echo=lambda *a: None)
    assert third["ran"] == 1 and third["skipped"] == n_steps - 1
    assert (cell / "diverge.json").is_file() and not (cell / stale).exists()
    assert all(p.read_text() == "mine" for p in user)

    # changed parameters invalidate a step and what follows from it
    monkeypatch.setitem(grid.SCALES, "micro", {**MICRO, "bins": 3})
    fourth = run.reproduce(out, scale="micro", progress=False, echo=lambda *a: None)
    assert fourth["ran"] == 2                                         # the score-error step of both cells
    assert json.loads((cell / "score_error.json").read_text())["settings"]["bins"] == 3


def test_each_command_line_says_what_its_step_runs(monkeypatch):
    """Every step's line of commands.sh, parsed by the real command, names the options the step runs with
    and writes the files the step writes (shown under the --out the user typed)."""
    monkeypatch.setitem(grid.SCALES, "micro", MICRO)
    g, cells = steps.build_grid(Path("/nowhere/r"), "r", "micro", ["uniform"])
    assert len(g.steps) == 2 * 9
    for st in g.steps:
        (line,) = st.cli
        words = shlex.split(line)
        assert words[:2] == ["python", "cli.py"], line
        params = cli.commands[words[2]].make_context(words[2], words[3:]).params
        shared = [k for k in st.params if k in params]
        assert len(shared) >= {"train": 9, "trajectories": 3, "attractors": 4, "score-error": 2}.get(words[2], 0), line
        for k in shared:
            want = st.params[k]
            want = ",".join(f"{x:g}" for x in want) if isinstance(want, list) else want
            assert str(params[k]) == str(want), (line, k)
        written = [params.get(k) for k in ("out", "json_path", "plot_path") if params.get(k)]
        assert written == [g.rel(p) for p in st.outputs] and all(w.startswith("r/uniform/n") for w in written), line


def test_command_shows_options_as_the_cli_reads_them():
    rel = grid.Grid(Path("/o"), "out").rel
    assert (steps.command("x", [Path("/o/a/run_a")], {"data": "celeba:/o/data/c.h5", "eps": [0.05, 0.1], "n": 0,
                                                          "width": None, "fresh": False, "force": True}, rel)
            == "python cli.py x out/a/run_a --data celeba:out/data/c.h5 --eps 0.05,0.1 --n 0 --force")


def test_cli_reproduce_rejects_bad_input(tmp_path, capsys):
    assert main(["reproduce", "--datasets", "nope", "--out", str(tmp_path / "x")]) == 2
    assert main(["reproduce", "--ns", "a,b", "--out", str(tmp_path / "x")]) == 2
    assert main(["reproduce", "--variants", "gan", "--out", str(tmp_path / "x")]) == 2
    assert "error:" in capsys.readouterr().err


def test_missing_image_data_is_a_note(tmp_path, monkeypatch):
    monkeypatch.setitem(grid.SCALES, "micro", {**MICRO, "ns": (1,), "datasets": ("uniform", "celeba"),
                                             "image": {"ns": (10,)}})
    res = run.reproduce(tmp_path / "r", scale="micro", data_root=tmp_path / "nothing", progress=False,
                       echo=lambda *a: None)
    assert res["ran"] == 9
    assert "celeba skipped" in (tmp_path / "r" / "REPORT.md").read_text()


def test_medium_scale_is_the_small_grid_trained_longer(tmp_path, capsys):
    _, medium, _ = grid.make_spec(tmp_path / "m", scale="medium", need_data=False)
    _, small, _ = grid.make_spec(tmp_path / "s", scale="small", need_data=False)
    assert [c["key"] for c in medium] == [c["key"] for c in small] and len(medium) == 78
    for m, s in zip(medium, small):
        assert m["settings"]["steps"] >= 10 * s["settings"]["steps"]
        assert m["settings"]["batch_size"] == s["settings"]["batch_size"]
        assert m["shape"] == s["shape"] and m["n"] <= 1000
    assert {c["shape"] for c in medium if c["dataset"] == "celeba"} == {(1, 40, 40)}
    # the command knows the scale; the plan comes from the given step times, so nothing is timed here
    times = {plan.train_key(c): 0.01 for c in medium} | {plan.forward_key(c): 1e-5 for c in medium}
    (tmp_path / "times.json").write_text(json.dumps({**times, "matmul-flops": 1e11}))
    assert main(["reproduce", "--scale", "medium", "--dry-run", "--step-times", str(tmp_path / "times.json"),
                 "--out", str(tmp_path / "m")]) == 0
    out = capsys.readouterr().out
    # three models a cell: A, B and the seed floor A'
    assert "reproduce --scale medium" in out and "78 cells (dataset, N, variant), 234 models" in out
    assert not (tmp_path / "m").exists()


def test_seed_floor_and_the_report_regenerated_from_its_results(tmp_path, monkeypatch, capsys):
    """With a seed floor each cell trains A' (another seed, A's points); the report's numbers are all in
    results.json, and ``--report-only`` on a folder holding only that file writes the same REPORT.md."""
    import shutil
    monkeypatch.setitem(grid.SCALES, "micro", {**MICRO, "seed_floor": True})
    out = tmp_path / "r"
    first = run.reproduce(out, scale="micro", progress=False, echo=lambda *a: None)
    assert first["ran"] == 2 * 11                                     # and train_a2, traj_a2
    opts = {h: json.loads((out / "uniform" / "n10" / "ncsn" / f"run_{h}" / "options.json").read_text())
            for h in ("a", "a2")}
    assert opts["a2"]["half"] == opts["a"]["half"] == "a" and opts["a2"]["seed"] != opts["a"]["seed"]
    assert (out / "uniform" / "n10" / "ncsn" / "run_a2" / "model.pt").read_bytes() != \
        (out / "uniform" / "n10" / "ncsn" / "run_a" / "model.pt").read_bytes()
    ctl = json.loads((out / "uniform" / "n10" / "ncsn" / "controls.json").read_text())
    assert ctl["settings"]["seed_floor"] and all(r["cos_aa2"][1] <= r["cos_aa2"][0] <= r["cos_aa2"][2]
                                                 for r in ctl["divergence"]["rows"])
    report = (out / "REPORT.md").read_text()
    assert "### Verdicts with controls and intervals" in report and "## Controls" in report
    copy = tmp_path / "committed"
    copy.mkdir()
    shutil.copy(out / "results.json", copy / "results.json")
    assert main(["reproduce", "--scale", "smoke", "--report-only", "--out", str(copy)]) == 0
    assert (copy / "REPORT.md").read_text() == report
    # a file that is not a results file is refused in one line
    (copy / "results.json").write_text("{}")
    assert main(["reproduce", "--scale", "smoke", "--report-only", "--out", str(copy)]) == 2
    assert "is not a results file" in capsys.readouterr().err
