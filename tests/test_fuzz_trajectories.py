"""Fuzzing the readers of trajectory files: thousands of mutated files, never a traceback.

Two small pristine files (4 probes of a 2-D mixture; 2 probes of 8x8 images) are mutated in
seeded ways: bit flips and overwritten bytes anywhere, truncation, datasets deleted, renamed,
retyped, reshaped or poked with NaN, inf and extremes, attributes deleted or given other types,
chunks compressed and then damaged, and planted objects whose bytes live outside the file
(external storage and links pointing at a sentinel file of valid floats or at a copy of the
pristine file, soft links, virtual datasets). Each mutant goes through `diverge` (against the
pristine file, in either order), `quality` and `show`, in-process, and every run must:

* exit 0 or 2, and on 2 print exactly one stderr line, starting `error:`, and no warning;
* never raise (an uncaught exception fails the test, naming the case and its seed);
* never print a traceback, at the Python level or from the HDF5 library (stderr is captured at
  the file-descriptor level);
* refuse every file with a planted outside object, with no h5py read ever touching a dataset whose
  bytes live outside its file (a spy on h5py's reads checks it);
* not hang: a watchdog writes the stacks to hang.txt in the test's folder and stops the run if 50
  cases take minutes (HDF5 can loop inside C, where no Python timeout reaches).

Everything is deterministic: case i uses numpy's generator seeded with (SEED, i), so a failure
names the case that reproduces it.
"""
from __future__ import annotations

import faulthandler
import os
import shutil
import warnings
from pathlib import Path
from unittest import mock

import h5py
import numpy as np
import pytest

import cli
from tinyscore.analyses import gallery
from h5craft import SENTINEL, replace, spy_outside_reads, write_image_trajectories
from tinyscore.storage.store import DATASETS

SEED = 20250609
CASES = 2000
IMAGE_SHARE = 0.3         # fraction of mutants made from the image file (the ones show draws)
DRAW_EVERY = 10           # show renders a real PNG for every 10th image mutant it draws; the others
                          # draw on a stand-in figure (the file is read and checked all the same)
WATCHDOG_S = 600          # 50 cases running this long is a hang, not slowness: stacks go to hang.txt
WATCHDOG_EVERY = 50

ATTRS = ("format", "version", "variant", "dataset", "data", "n_train", "half", "data_seed", "resolution",
         "probes_digest", "seed")


# ------------------------------------------------------------------------------ pristine files
@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    d = tmp_path_factory.mktemp("pristine")
    assert cli.main(["trajectories", "analytic", "--out", str(d / "vec.h5"), "--probes", "4", "--sigmas", "1,0.1",
                     "--path-substeps", "1", "--no-progress"]) == 0
    write_image_trajectories(d / "img.h5", P=2, T=2)
    for name in ("vec.h5", "img.h5"):             # targets of planted links: valid files a follower would accept
        shutil.copy(d / name, d / f"copy-{name}")
    (d / "sentinel.bin").write_bytes(np.full(1 << 16, SENTINEL, "<f4").tobytes())
    return d


# ---------------------------------------------------------------------------------- mutations
def _datasets(f):
    return [n for n in DATASETS if n in f and isinstance(f.get(n, getlink=False), h5py.Dataset)]


def m_delete(rng, f, ctx):
    name = rng.choice(list(DATASETS) + ["probes", "path", "onestep"])
    if name in f:
        del f[name]
    return f"delete {name}"


def m_rename(rng, f, ctx):
    names = _datasets(f)
    a, b = rng.choice(names, 2, replace=False)
    f.move(a, "tmp_swap")
    if rng.random() < 0.5:
        f.move(b, a)
        f.move("tmp_swap", b)
        return f"swap {a} {b}"
    f.move("tmp_swap", a + "_renamed")
    return f"rename {a}"


def m_retype(rng, f, ctx):
    name = rng.choice(_datasets(f))
    data = f[name][()]
    choice = int(rng.integers(9))
    if choice == 0:
        new = data.astype("i4")
    elif choice == 1:
        new = np.nan_to_num(data * 100).clip(0, 255).astype("u1")
    elif choice == 2:
        new = data.astype("f2")
    elif choice == 3:
        new = data.astype("f8" if data.dtype == np.float32 else "f4")
    elif choice == 4:
        new = data.astype("S8")
    elif choice == 5:
        new = data.astype(str).astype(object)
    elif choice == 6:
        new = data > 0.5
    elif choice == 7:
        new = np.zeros(data.shape, [("a", "f4"), ("b", "i2")])
    else:
        new = data.astype("c8")
    del f[name]
    f.create_dataset(name, data=new, dtype=h5py.string_dtype() if new.dtype == object else new.dtype)
    return f"retype {name} ({choice})"


def m_reshape(rng, f, ctx):
    name = rng.choice(_datasets(f))
    data = f[name][()]
    choice = int(rng.integers(6))
    if choice == 0:
        new = data[:-1]
    elif choice == 1:
        new = data[None]
    elif choice == 2:
        new = np.asarray(data.ravel()[0])
    elif choice == 3:
        new = data.T.copy()
    elif choice == 4:
        new = data[:0]
    else:
        new = np.concatenate([data, data])
    del f[name]
    f[name] = new
    return f"reshape {name} ({choice})"


def m_value(rng, f, ctx):
    name = rng.choice(_datasets(f))
    ds = f[name]
    if ds.size == 0 or ds.dtype.kind != "f":
        return f"value {name} (skipped)"
    value = rng.choice([np.nan, np.inf, -np.inf, -1.0, 0.0, 3e38, -3e38, 1e-45, 1e300])
    if ds.dtype == np.float32 and abs(value) == 1e300:
        value = np.inf
    idx = tuple(int(rng.integers(s)) for s in ds.shape)
    ds[idx] = value
    return f"value {name}{list(idx)}={value}"


def _random_text(rng):
    kind = int(rng.integers(6))
    if kind == 0:
        return ""
    if kind == 1:
        return "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), int(rng.integers(1, 12))))
    if kind == 2:
        return "x" * int(rng.integers(200, 6000))
    if kind == 3:
        return rng.choice(["a", "b", "uniform", "spiral", "tinyscore.trajectories", "tinyscore.images"])
    if kind == 4:
        return "line one\nline two $\\frac{1}{0}$"
    return "0" * 64


def m_attr(rng, f, ctx):
    key = rng.choice(ATTRS)
    kind = int(rng.integers(12))
    values = {
        0: None, 1: int(rng.integers(-2 ** 40, 2 ** 40)), 2: float(rng.normal()), 3: np.nan,
        4: _random_text(rng), 5: np.bytes_(rng.bytes(int(rng.integers(1, 16)))),
        6: np.array([1, 2, 3]), 7: h5py.Empty("f4"), 8: np.bytes_(b"tinyscore.trajectories"),
        9: np.uint64(2 ** 64 - 1), 10: np.array(["a", "b"], dtype="S1"), 11: True,
    }
    value = values[kind]
    if value is None:
        if key in f.attrs:
            del f.attrs[key]
    else:
        f.attrs[key] = value
    return f"attr {key} ({kind})"


def m_huge(rng, f, ctx):
    name = rng.choice(_datasets(f))
    old = f[name]
    shape = list(old.shape) or [1]
    shape[int(rng.integers(len(shape)))] = int(10 ** int(rng.integers(6, 13)))
    del f[name]
    f.create_dataset(name, shape=tuple(shape), maxshape=tuple(None for _ in shape),
                     chunks=tuple(min(s, 64) for s in shape), dtype=old.dtype)
    return f"huge {name} {tuple(shape)}"


def m_compress(rng, f, ctx):
    """Rewrite a dataset with filters; returns the byte range of its first chunk, to damage later."""
    name = rng.choice(_datasets(f))
    data = f[name][()]
    if data.ndim == 0 or data.size == 0:
        return f"compress {name} (skipped)"
    filters = [{"compression": "gzip", "shuffle": True}, {"compression": "lzf"}, {"fletcher32": True},
               {"compression": "gzip", "compression_opts": 9, "fletcher32": True}][int(rng.integers(4))]
    del f[name]
    ds = f.create_dataset(name, data=data, chunks=data.shape, **filters)
    info = ds.id.get_chunk_info(0)
    ctx["chunk"] = (int(info.byte_offset), int(info.size))
    return f"compress {name} {sorted(filters)}"


# planted objects whose bytes would come from outside the file: every command must refuse these
def p_external_storage(rng, f, ctx):
    name = rng.choice(_datasets(f))
    replace(f, name, external=[(str(ctx["dir"] / "sentinel.bin"), 0, h5py.h5f.UNLIMITED)])
    return f"plant external storage {name}"


def p_external_link(rng, f, ctx):
    name = rng.choice(list(DATASETS) + ["probes", "path", "onestep"])
    del f[name]
    f[name] = h5py.ExternalLink(str(ctx["copy"]), "/" + name)
    return f"plant external link {name}"


def p_soft_link(rng, f, ctx):
    pairs = [("probes/z", "/probes/x0"), ("path/states", "/path/denoised"), ("path/denoised", "/path/states"),
             ("probes/x0", "/probes/z")]
    name, target = pairs[int(rng.integers(len(pairs)))]
    del f[name]
    f[name] = h5py.SoftLink(target)
    return f"plant soft link {name}"


def p_virtual(rng, f, ctx):
    name = rng.choice(_datasets(f))
    old = f[name]
    layout = h5py.VirtualLayout(shape=old.shape, dtype=old.dtype)
    layout[...] = h5py.VirtualSource(str(ctx["copy"]), name, shape=old.shape)
    del f[name]
    f.create_virtual_dataset(name, layout)
    return f"plant virtual {name}"


STRUCTURAL = [m_delete, m_rename, m_retype, m_reshape, m_value, m_attr, m_huge, m_compress]
PLANTS = [p_external_storage, p_external_link, p_soft_link, p_virtual]


def flip_bits(rng, data: bytearray, lo=0, hi=None, count=None):
    hi = len(data) if hi is None else min(hi, len(data))
    lo = min(lo, hi - 1)                   # a chunk recorded before a later step moved things: stay inside
    for _ in range(count or int(rng.integers(1, 9))):
        pos = int(rng.integers(lo, hi))
        data[pos] ^= 1 << int(rng.integers(8))


def make_mutant(i, pristine: Path, out: Path):
    """Write mutant i; returns (description, planted, kind of pristine file)."""
    rng = np.random.default_rng([SEED, i])
    kind = "img" if rng.random() < IMAGE_SHARE else "vec"
    src = pristine / f"{kind}.h5"
    ctx = {"dir": pristine, "copy": pristine / f"copy-{kind}.h5"}
    shutil.copy(src, out)
    r = rng.random()
    planted, desc = False, []
    if r < 0.30:                                           # bits flipped anywhere
        data = bytearray(out.read_bytes())
        flip_bits(rng, data)
        out.write_bytes(bytes(data))
        return "flip bits", planted, kind
    if r < 0.36:                                           # a run of bytes overwritten
        data = bytearray(out.read_bytes())
        n = int(rng.integers(1, 65))
        at = int(rng.integers(0, len(data) - n))
        data[at:at + n] = bytes([int(rng.choice([0, 255]))]) * n if rng.random() < 0.5 else rng.bytes(n)
        out.write_bytes(bytes(data))
        return f"overwrite {n} at {at}", planted, kind
    if r < 0.42:                                           # truncated
        data = out.read_bytes()
        out.write_bytes(data[:int(rng.integers(0, len(data)))])
        return "truncate", planted, kind
    steps = [STRUCTURAL[int(rng.integers(len(STRUCTURAL)))] for _ in range(1 + int(rng.random() < 0.25))]
    if r > 0.88:
        steps.append(PLANTS[int(rng.integers(len(PLANTS)))])
        planted = True
    with h5py.File(out, "r+") as f:
        for step in steps:
            try:
                desc.append(step(rng, f, ctx))
            except (KeyError, ValueError, TypeError, OSError):   # an earlier step removed what this one needs
                desc.append(f"{step.__name__} (not applicable)")
                planted = planted and step not in PLANTS
    data = bytearray(out.read_bytes())
    if "chunk" in ctx and rng.random() < 0.8:              # damage the compressed chunk
        at, size = ctx["chunk"]
        flip_bits(rng, data, at, at + max(1, size), count=int(rng.integers(1, 4)))
        desc.append("damage chunk")
    elif rng.random() < 0.2:
        flip_bits(rng, data)
        desc.append("flip bits")
    out.write_bytes(bytes(data))
    return "; ".join(desc), planted, kind


# --------------------------------------------------------------------------------- the test
@pytest.fixture
def outside_reads(monkeypatch):
    """h5py dataset reads whose bytes would come from outside the file (must stay empty)."""
    return spy_outside_reads(monkeypatch)


def run_in_process(args, capfd):
    """Run the command line in-process; returns (code, stdout, stderr, warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = cli.main([str(a) for a in args])
    out, err = capfd.readouterr()
    return code, out, err, [str(w.message) for w in caught]


def test_fuzzed_trajectory_files(pristine, tmp_path, capfd, monkeypatch, outside_reads):
    work, cwd = tmp_path / "work", tmp_path / "cwd"
    work.mkdir()
    cwd.mkdir()
    monkeypatch.chdir(cwd)                     # a dataset name from a mutated file resolves in an empty folder
    real_figure, real_save = gallery._figure, gallery._save
    drawn = {"figures": 0, "rendered": 0}

    def figure(width, height):                 # matplotlib's layout and rasterising are most of show's time:
        drawn["figures"] += 1                  # every DRAW_EVERY-th drawing is real, the others go to a stand-in
        return real_figure(width, height) if drawn["figures"] % DRAW_EVERY == 1 else mock.MagicMock()

    def save(fig, out_png):
        if isinstance(fig, mock.MagicMock):
            Path(out_png).write_bytes(b"not rendered in this test")
            return Path(out_png)
        drawn["rendered"] += 1
        return real_save(fig, out_png)

    monkeypatch.setattr(gallery, "_figure", figure)
    monkeypatch.setattr(gallery, "_save", save)
    hang_log = open(tmp_path / "hang.txt", "w")   # where the watchdog writes the stacks of a hang
    outcomes = {"ok": 0, "refused": 0}
    planted_seen = 0
    try:
        for i in range(CASES):
            mutant = work / f"m{i}.h5"
            desc, planted, kind = make_mutant(i, pristine, mutant)
            planted_seen += planted
            png = work / f"show-{i}.png"
            first, second = (pristine / f"{kind}.h5", mutant) if i % 2 else (mutant, pristine / f"{kind}.h5")
            commands = (["diverge", first, second], ["quality", mutant],
                        ["show", mutant, "--out", png, "--probes", "1", "--path-steps", "1"])
            if i % WATCHDOG_EVERY == 0:            # re-armed now and then: arming costs a thread start
                faulthandler.dump_traceback_later(WATCHDOG_S, exit=True, file=hang_log)
            for args in commands:
                where = f"case {i} ({kind}: {desc}), {args[0]}"
                try:
                    code, out, err, warned = run_in_process(args, capfd)
                except Exception as e:  # noqa: BLE001 - the point: nothing may escape
                    pytest.fail(f"{where}: uncaught {type(e).__name__}: {e}")
                lines = [line for line in err.splitlines() if line.strip()]
                assert "Traceback" not in err and "HDF5-DIAG" not in err, f"{where}: {err}"
                assert code in (0, 2), f"{where}: exit {code}, stderr {err!r}"
                if code == 2:
                    assert len(lines) == 1 and lines[0].startswith("error: "), f"{where}: stderr {err!r}"
                    assert not warned, f"{where}: warnings before the error line: {warned}"
                    assert not png.exists() or args[0] != "show", f"{where}: a refused show left {png}"
                if planted:
                    assert code == 2, f"{where}: a file borrowing bytes from outside was accepted: {out!r}"
                    assert out == "", f"{where}: printed {out!r}"
                assert not outside_reads, f"{where}: read outside the file: {outside_reads}"
                outcomes["ok" if code == 0 else "refused"] += 1
            mutant.unlink(missing_ok=True)
            png.unlink(missing_ok=True)
    finally:
        faulthandler.cancel_dump_traceback_later()
        hang_log.close()
    # the fuzzer must exercise both outcomes, and plant outside objects in a good number of cases
    assert outcomes["ok"] > CASES // 4 and outcomes["refused"] > CASES // 4, outcomes
    assert planted_seen > CASES // 20
    assert drawn["figures"] > 50 and drawn["rendered"] > 5    # show drew images (image mutants reached drawing)
    assert os.listdir(work) == []
