"""Outputs that would destroy inputs or a user's folder are refused, even with --force; absurd sizes are
refused before they run for hours (found by a sweep of bad inputs over every command).

* ``train --force`` replaces a folder only when it holds nothing but a run's own files: it deleted a
  data folder, and a folder holding the very mixture file it trained on;
* an output that is one of the command's inputs, or an existing file inside an input folder (the run
  being read), is refused: ``diverge a.h5 b.h5 --json a.h5 --force`` overwrote a.h5, ``trajectories
  RUN --out RUN/model.pt --force`` the run's checkpoint;
* two output options naming one file, and '.', '..' or '/' as an output, are refused (the first wrote
  one output and then failed on the other; the second was a traceback);
* ``--threads`` is capped (100,000 threads crashed torch with a segmentation fault), so are
  ``--path-substeps`` and ``--iters`` (10^8 and 10^9 ran for hours);
* a mixture holding an integer of 5,001 digits, and an identity file that is not text, are one line.
"""
import json
import os
import shutil

import numpy as np
import pytest

from clihelp import assert_refused, run_cli

@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A trained run, its trajectory file and a second one."""
    d = tmp_path_factory.mktemp("made")
    import cli
    assert cli.main(["train", "--variant", "ncsn", "--steps", "20", "--n", "50", "--out", str(d / "run"),
                     "--no-progress", "--device", "cpu"]) == 0
    for name in ("a", "b"):
        assert cli.main(["trajectories", str(d / "run"), "--out", str(d / f"{name}.h5"), "--probes", "4",
                         "--path-substeps", "1", "--sigmas", "1,0.1", "--no-progress", "--device", "cpu"]) == 0
    return d


def copy(made, tmp_path):
    shutil.copytree(made, tmp_path / "w")
    return tmp_path / "w"


MIXTURE = {"format": "tinyscore.mixture", "name": "m", "weights": [0.5, 0.5], "means": [[-1.0, 0.0], [1.0, 0.0]],
           "covs": [0.5, 0.5]}
TRAIN = ["train", "--variant", "ncsn", "--steps", "2", "--n", "10", "--no-progress", "--device", "cpu"]


def test_train_force_replaces_a_run_but_not_a_folder_of_other_files(made, tmp_path, capsys):
    w = copy(made, tmp_path)
    data = tmp_path / "data"
    data.mkdir()
    (data / "faces.npy").write_bytes(b"the user's data")
    line = assert_refused([*TRAIN, "--out", data, "--force"], capsys, watch=[tmp_path],
                          contains="did not write")
    assert "faces.npy" in line
    # nor the folder holding the mixture file it trains on
    mix = tmp_path / "m"
    mix.mkdir()
    (mix / "m.json").write_text(json.dumps(MIXTURE))
    assert_refused([*TRAIN, "--data", mix / "m.json", "--out", mix, "--force"], capsys, watch=[tmp_path])
    # a run directory, and an empty folder, are replaced
    (tmp_path / "empty").mkdir()
    for out in (w / "run", tmp_path / "empty"):
        code, _, err = run_cli([*TRAIN, "--out", out, "--force"], capsys)
        assert code == 0, err
        assert sorted(os.listdir(out)) == ["model.pt", "options.json", "stats.jsonl"]


@pytest.mark.parametrize("name", [".", "..", "/"])
def test_train_out_names_no_new_folder(tmp_path, capsys, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("mine")
    assert_refused([*TRAIN, "--out", name, "--force"], capsys, watch=[tmp_path], contains="names no new folder")


def test_an_input_is_never_an_output(made, tmp_path, capsys):
    w = copy(made, tmp_path)
    cases = [
        (["diverge", w / "a.h5", w / "b.h5", "--json", w / "a.h5", "--force"], "also an input"),
        (["diverge", w / "a.h5", w / "b.h5", "--plot", w / "b.h5", "--force"], "also an input"),
        (["trajectories", w / "run", "--out", w / "run" / "model.pt", "--force", "--probes", "4",
          "--no-progress"], "inside"),
        (["quality", w / "a.h5", "--json", w / "a.h5", "--force"], "also an input"),
        (["show", w / "a.h5", "--out", w / "a.h5", "--force"], "also an input"),
        (["attractors", w / "run", "--json", w / "run" / "options.json", "--force", "--no-progress"], "inside"),
        (["diverge", w / "a.h5", w / "b.h5", "--json", w / "x.json", "--plot", w / "x.json"], "the same file"),
    ]
    for args, contains in cases:
        assert_refused(args, capsys, watch=[tmp_path], contains=contains)
    # a new file inside the run being read is fine
    code, _, err = run_cli(["trajectories", w / "run", "--out", w / "run" / "t.h5", "--probes", "4",
                            "--path-substeps", "1", "--no-progress", "--device", "cpu"], capsys)
    assert code == 0, err


def test_prepare_celeba_outputs_of_one_name_write_nothing(tmp_path, capsys):
    from PIL import Image
    src = tmp_path / "jpgs"
    src.mkdir()
    rng = np.random.default_rng(0)
    for i in range(4):
        Image.fromarray(rng.integers(0, 256, (218, 178, 3), dtype=np.uint8)).save(src / f"{i:06d}.jpg")
    out = tmp_path / "o" / "x.out"
    assert_refused(["data", "prepare-celeba", src, "--out", out, "--json", out, "--no-progress", "--size", "8"],
                   capsys, watch=[tmp_path], contains="the same file")
    binary = tmp_path / "ids.bin"
    binary.write_bytes(b"\x89HDF\r\n\x1a\n\xff\xfe")
    assert_refused(["data", "prepare-celeba", src, "--out", tmp_path / "y.h5", "--identities", binary,
                    "--no-progress", "--size", "8"], capsys, watch=[tmp_path], contains="not text")


def test_absurd_sizes_are_refused_before_any_work(made, tmp_path, capsys):
    w = copy(made, tmp_path)
    for args in (["trajectories", w / "run", "--out", w / "t.h5", "--threads", "100000"],
                 ["trajectories", w / "run", "--out", w / "t.h5", "--path-substeps", "100000000"],
                 ["attractors", w / "run", "--iters", "1000000000"],
                 [*TRAIN, "--out", w / "r2", "--threads", "100000"]):
        assert_refused(args, capsys, watch=[tmp_path])


def test_a_mixture_with_a_huge_integer_is_one_line(tmp_path, capsys):
    m = tmp_path / "m.json"
    m.write_text(json.dumps(MIXTURE).replace("0.5, 0.5]", "9" * 5001 + ", 1]", 1))
    assert_refused([*TRAIN, "--data", m, "--out", tmp_path / "r"], capsys, watch=[tmp_path],
                   contains="not a mixture")


def test_quality_refuses_data_of_another_shape(made, tmp_path, capsys):
    """quality --data with points of another shape than the file's probes was ignored, and the command
    said "pass --data" though it had been passed; now it is one line naming both shapes."""
    w = copy(made, tmp_path)
    faces = tmp_path / "faces.npy"
    np.save(faces, np.random.default_rng(0).integers(0, 256, (30, 8, 8), dtype=np.uint8))
    for data, shape in ((faces, "shape (1, 8, 8)"), ("hd-uniform", "shape (100,)")):
        assert_refused(["quality", w / "a.h5", "--data", data], capsys, watch=[tmp_path], contains=shape)
    code, out, err = run_cli(["quality", w / "a.h5", "--data", "uniform"], capsys)
    assert code == 0 and "no optimum" not in out, (out, err)


def test_infinite_numbers_and_a_ladder_of_one_level_are_refused(made, tmp_path, capsys):
    w = copy(made, tmp_path)
    for args in ([*TRAIN, "--out", w / "r", "--lr", "inf"], [*TRAIN, "--out", w / "r", "--sigma-max", "1e309"],
                 [*TRAIN, "--out", w / "r", "--sigma-min", "nan"],
                 ["attractors", w / "run", "--sigma-end", "1e309", "--no-progress"]):
        assert_refused(args, capsys, watch=[tmp_path], contains="finite")
    assert_refused([*TRAIN, "--out", w / "r", "--sigma-levels", "1"], capsys, watch=[tmp_path],
                   contains="at least 2")


def test_show_writes_the_format_its_name_says(tmp_path, capsys):
    """show wrote PNG bytes under any name (s.h5, s.pdf); now the suffix is the format, or refused."""
    from h5craft import write_image_trajectories
    write_image_trajectories(tmp_path / "img.h5")
    assert_refused(["show", tmp_path / "img.h5", "--out", tmp_path / "s.h5"], capsys, watch=[tmp_path],
                   contains="unknown figure format")
    for name, magic in (("s.png", b"\x89PNG"), ("s.pdf", b"%PDF")):
        code, _, err = run_cli(["show", tmp_path / "img.h5", "--out", tmp_path / name], capsys)
        assert code == 0, err
        assert (tmp_path / name).read_bytes().startswith(magic)


def test_a_dry_run_checks_the_slurm_time_too(tmp_path, capsys):
    assert_refused(["reproduce", "--dry-run", "--executor", "slurm", "--time", "banana", "--out", tmp_path / "s"],
                   capsys, watch=[tmp_path], contains="--time")


def test_a_run_directory_refuses_another_resolution(made, tmp_path, capsys):
    """--resolution was silently ignored for a run directory (its options.json decides)."""
    w = copy(made, tmp_path)
    assert_refused(["trajectories", w / "run", "--out", w / "t.h5", "--resolution", "100000", "--no-progress"],
                   capsys, watch=[tmp_path], contains="resolution")
