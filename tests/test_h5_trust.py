"""Crafted HDF5 files: every reader refuses them in one line, and reads nothing outside the file.

Each case starts from a valid file (a trajectory file of vectors written by `trajectories analytic`,
a trajectory file of 8x8 images and a prepared-images file written by hand to their schemas), breaks
one thing, and runs the command line in-process: `diverge` against the pristine file, `quality`,
`show`, or `quality --data celeba:FILE` for the prepared images. The refusal contract (exit 2,
exactly one stderr line starting `error:`, no traceback, no file changed) is checked by
`clihelp.assert_refused`, and a spy on h5py's dataset reads checks that no read ever touched a
dataset whose bytes live elsewhere (external storage, virtual datasets).

Targets of external storage and links hold valid data (floats of a recognisable pattern, or the
pristine file itself): a reader that followed them would succeed, so a refusal cannot come from
the borrowed bytes being garbage.
"""
from __future__ import annotations

import faulthandler
import os
import shutil
from pathlib import Path

import h5py
import numpy as np
import pytest
from clihelp import assert_refused, run_cli
from h5craft import SENTINEL, replace, spy_outside_reads, write_image_trajectories

import cli

def write_prepared_images(path, N=30, size=8, seed=0):
    """A prepared-images file as tinyscore.data.images.prepare_celeba writes it."""
    rng = np.random.default_rng(seed)
    with h5py.File(path, "w") as f:
        f.create_dataset("images", data=rng.integers(0, 256, (N, size, size), dtype=np.uint8),
                         maxshape=(None, size, size), chunks=(8, size, size))
        f.create_dataset("names", data=[f"{i:06d}.jpg" for i in range(N)], dtype=h5py.string_dtype())
        f.create_dataset("identities", data=np.arange(N, dtype=np.int32) // 2)
        f.attrs.update(format="tinyscore.images", version=1, size=size, source="faces")
    return path


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    """Pristine files: t.h5 (16 probes of uniform), img.h5 (images), faces.h5 (prepared images)."""
    d = tmp_path_factory.mktemp("pristine")
    assert cli.main(["trajectories", "analytic", "--out", str(d / "t.h5"), "--probes", "16", "--no-progress"]) == 0
    write_image_trajectories(d / "img.h5")
    write_prepared_images(d / "faces.h5")
    (d / "sentinel.bin").write_bytes(np.full(1 << 16, SENTINEL, "<f4").tobytes())
    return d


@pytest.fixture
def outside_reads(monkeypatch):
    """Every h5py dataset read whose bytes would come from outside its file (should stay empty)."""
    return spy_outside_reads(monkeypatch)


def system_file() -> str:
    """A real file of the system that is not ours."""
    return "/etc/passwd" if os.path.isfile("/etc/passwd") else os.__file__


# ------------------------------------------------------------------------------ mutations
def external_storage(target_of):
    def mutate(f, d):
        replace(f, "probes/z", external=[(str(target_of(d)), 0, h5py.h5f.UNLIMITED)])
    return mutate


def external_onestep(f, d):
    replace(f, "onestep/denoised", external=[(str(d / "sentinel.bin"), 0, h5py.h5f.UNLIMITED)])


def external_link(f, d):
    del f["probes/z"]
    f["probes/z"] = h5py.ExternalLink(str(d / "t.h5"), "/probes/z")


def external_link_group(f, d):
    del f["path"]
    f["path"] = h5py.ExternalLink(str(d / "t.h5"), "/path")


def soft_link(f, d):
    del f["probes/z"]
    f["probes/z"] = h5py.SoftLink("/probes/x0")


def soft_link_loop(f, d):
    del f["onestep"]
    f["onestep"] = h5py.SoftLink("/onestep")


def virtual(source_file):
    def mutate(f, d):
        old = f["probes/x0"]
        layout = h5py.VirtualLayout(shape=old.shape, dtype=old.dtype)
        layout[...] = h5py.VirtualSource(str(source_file(d)) if source_file else ".", "probes/x0", shape=old.shape)
        if source_file is None:        # a view of this file's own data, under another name
            f.move("probes/x0", "probes/x0_orig")
            layout = h5py.VirtualLayout(shape=old.shape, dtype=old.dtype)
            layout[...] = h5py.VirtualSource(".", "probes/x0_orig", shape=old.shape)
        else:
            del f["probes/x0"]
        f.create_virtual_dataset("probes/x0", layout)
    return mutate


def retype(name, dtype, fill=None):
    def mutate(f, d):
        old = f[name][()]
        data = np.asarray(old.astype(str).astype(object) if fill is None else fill(old))
        del f[name]
        f.create_dataset(name, data=data, dtype=dtype)
    return mutate


def set_data(name, value):
    def mutate(f, d):
        data = f[name][()]
        del f[name]
        f[name] = value(data) if callable(value) else value
    return mutate


def poke(name, index, value):
    def mutate(f, d):
        f[name][index] = value
    return mutate


def huge(name, shape, chunks, dtype="f4"):
    def mutate(f, d):
        del f[name]
        f.create_dataset(name, shape=shape, maxshape=tuple(None for _ in shape), chunks=chunks, dtype=dtype)
    return mutate


def unknown_filter(f, d):
    del f["probes/z"]
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk((16, 2))
    dcpl.set_filter(307, h5py.h5z.FLAG_OPTIONAL)          # bzip2's plugin number: HDF5 would go looking
    dsid = h5py.h5d.create(f["probes"].id, b"z", h5py.h5t.IEEE_F32LE, h5py.h5s.create_simple((16, 2)), dcpl=dcpl)
    h5py.Dataset(dsid)[...] = np.ones((16, 2), np.float32)


def damaged_chunk(filters):
    """Rewrite onestep/denoised compressed (or checksummed), then overwrite bytes inside its chunk."""
    def mutate(f, d):
        data = f["onestep/denoised"][()]
        del f["onestep/denoised"]
        ds = f.create_dataset("onestep/denoised", data=data, chunks=data.shape, **filters)
        info = ds.id.get_chunk_info(0)
        return info.byte_offset + info.size // 2
    return mutate


def set_attr(key, value):
    def mutate(f, d):
        if value is None:
            del f.attrs[key]
        else:
            f.attrs[key] = value
    return mutate


def vlen_attr(f, d):
    """An attribute nobody asks for, of a type that crashes a reader who converts it to text."""
    del f.attrs["tinyscore_version"]
    value = np.empty(1, dtype=object)
    value[0] = np.arange(3.0)
    f.attrs.create("tinyscore_version", value, dtype=h5py.vlen_dtype("f8"))


def delete(name):
    def mutate(f, d):
        del f[name]
    return mutate


def group_instead_of_dataset(f, d):
    del f["sigmas"]
    f.create_group("sigmas")


def dataset_instead_of_group(f, d):
    x0 = f["probes/x0"][()]
    del f["probes"]
    f["probes"] = x0


# --------------------------------------------------------------------------------- cases
# id: (pristine file, mutation, command, words the error line must contain)
CASES = {
    # bytes from outside the file
    "external storage in a system file": ("t.h5", external_storage(lambda d: system_file()), "diverge", "external file"),
    "external storage in a valid float file": ("t.h5", external_storage(lambda d: d / "sentinel.bin"), "diverge",
                                               "external file"),
    "external storage, quality": ("t.h5", external_onestep, "quality", "external file"),
    "external storage, show": ("img.h5", external_storage(lambda d: d / "sentinel.bin"), "show", "external file"),
    "external link to a dataset": ("t.h5", external_link, "diverge", "external link"),
    "external link to a group": ("t.h5", external_link_group, "quality", "external link"),
    "soft link": ("t.h5", soft_link, "diverge", "soft link"),
    "soft link loop": ("t.h5", soft_link_loop, "quality", "soft link"),
    "virtual dataset of another file": ("t.h5", virtual(lambda d: d / "t.h5"), "diverge", "virtual"),
    "virtual dataset of its own file": ("img.h5", virtual(None), "show", "virtual"),
    "unknown filter (a plugin)": ("t.h5", unknown_filter, "diverge", "filter 307"),
    # types
    "text sigmas": ("t.h5", retype("sigmas", h5py.string_dtype()), "diverge", "/sigmas holds text"),
    "fixed-length text probes": ("t.h5", retype("probes/x0", "S12", lambda a: a.astype("S12")), "quality", "/probes/x0 holds text"),
    "integer sigmas": ("t.h5", retype("sigmas", "i8", lambda a: (a * 100).astype("i8")), "diverge", "integers"),
    "compound outputs": ("t.h5", retype("onestep/denoised", [("a", "f4"), ("b", "f4")],
                                        lambda a: np.zeros(a.shape[:2], [("a", "f4"), ("b", "f4")])),
                         "quality", "compound"),
    "complex states": ("img.h5", retype("path/states", "c8", lambda a: a.astype("c8")), "show", "complex"),
    "array-typed probes": ("t.h5", lambda f, d: replace(f, "probes/z", shape=(16,), dtype=np.dtype(("f4", (2,))))
                           and None, "diverge", "array type"),
    "float128 sigmas": ("t.h5", retype("sigmas", np.longdouble, lambda a: a.astype(np.longdouble)), "diverge",
                        "128-bit floats"),
    # shapes
    "scalar sigmas": ("t.h5", set_data("sigmas", np.float64(1.0)), "diverge", "/sigmas has 0 dimensions"),
    "2-D sigmas": ("t.h5", set_data("sigmas", lambda a: a[:, None]), "quality", "/sigmas has 2 dimensions"),
    "one sigma too few": ("t.h5", set_data("sigmas", lambda a: a[:-1]), "diverge", "/onestep/denoised has shape"),
    "probes of another shape": ("t.h5", set_data("probes/z", lambda a: a[:, :1]), "diverge", "/probes/z has shape"),
    "path ladder of another length": ("img.h5", set_data("path/sigmas", lambda a: a[:-1]), "show", "/path/states"),
    "no probes": ("t.h5", set_data("probes/x0", lambda a: a[:0]), "quality", "no probes"),
    "vector probes for show": ("t.h5", lambda f, d: None, "show", "not grayscale images"),
    # values
    "NaN sigma": ("t.h5", poke("sigmas", 1, np.nan), "diverge", "NaN"),
    "negative sigma": ("t.h5", poke("sigmas", 4, -0.05), "quality", "not positive"),
    "ascending sigmas": ("t.h5", set_data("sigmas", lambda a: a[::-1].copy()), "diverge", "descending"),
    "repeated path sigma": ("img.h5", poke("path/sigmas", 1, 0.5), "show", "descending"),
    "NaN probe": ("t.h5", poke("probes/x0", (3, 1), np.nan), "quality", "NaN"),
    "infinite path state": ("t.h5", poke("path/states", (7, 2, 0), np.inf), "diverge", "infinite"),
    "NaN pixel": ("img.h5", poke("onestep/denoised", (1, 0, 0, 3, 3), np.nan), "show", "NaN"),
    "edited probe (digest)": ("t.h5", poke("probes/z", (0, 0), 0.5), "diverge", "probes_digest does not match"),
    # declared sizes
    "10^12 sigmas declared, none stored": ("t.h5", huge("sigmas", (10 ** 12,), (1024,), "f8"), "diverge",
                                           "stores only"),
    "10^12 probes declared, none stored": ("t.h5", huge("probes/x0", (10 ** 12, 2), (1024, 2)), "quality",
                                           "stores only"),
    "10^12 outputs declared": ("img.h5", huge("onestep/denoised", (2, 10 ** 12, 1, 8, 8), (1, 16, 1, 8, 8)), "show",
                               "stores only"),
    # damage
    "corrupt compressed chunk": ("t.h5", damaged_chunk({"compression": "gzip", "shuffle": True}), "diverge",
                                 "/onestep/denoised"),
    "checksum mismatch": ("t.h5", damaged_chunk({"fletcher32": True}), "quality", "/onestep/denoised"),
    # structure
    "missing dataset": ("t.h5", delete("path/denoised"), "diverge", "missing path/denoised"),
    "group where a dataset belongs": ("t.h5", group_instead_of_dataset, "quality", "/sigmas is not a dataset"),
    "dataset where a group belongs": ("t.h5", dataset_instead_of_group, "diverge", "/probes is not a group"),
    # attributes
    "wrong format": ("t.h5", set_attr("format", "tinyscore.attractors"), "diverge", "not a tinyscore trajectory"),
    "no format": ("t.h5", set_attr("format", None), "quality", "not a tinyscore trajectory"),
    "numeric format": ("t.h5", set_attr("format", 7), "show", "not a tinyscore trajectory"),
    "version as text": ("t.h5", set_attr("version", "1"), "diverge", "'version' must be an integer"),
    "version 2": ("t.h5", set_attr("version", 2), "quality", "schema version 2"),
    "n_train as text": ("t.h5", set_attr("n_train", "ten"), "quality", "'n_train' must be an integer"),
    "n_train as float": ("t.h5", set_attr("n_train", 10.0), "quality", "'n_train' must be an integer"),
    "negative n_train": ("t.h5", set_attr("n_train", -3), "quality", "'n_train' is -3"),
    "half c": ("t.h5", set_attr("half", "c"), "quality", "'half'"),
    "half as a number": ("img.h5", set_attr("half", 1), "show", "'half' must be text"),
    "digest not hex": ("t.h5", set_attr("probes_digest", "z" * 64), "diverge", "probes_digest"),
    "digest as an array": ("t.h5", set_attr("probes_digest", np.array(["ab", "cd"], dtype="S2")), "diverge",
                           "array"),
    "no digest": ("t.h5", set_attr("probes_digest", None), "diverge", "no probes_digest"),
    "negative data_seed": ("t.h5", set_attr("data_seed", -1), "quality", "'data_seed'"),
    "resolution as float": ("t.h5", set_attr("resolution", 0.5), "quality", "'resolution' must be an integer"),
    "dataset name not UTF-8": ("img.h5", set_attr("dataset", np.bytes_(b"\xff\xfe")), "show", "UTF-8"),
    "empty attribute": ("t.h5", set_attr("variant", h5py.Empty("f4")), "quality", "'variant' is empty"),
    "attribute of a sequence type": ("t.h5", vlen_attr, "diverge", "'tinyscore_version' has a damaged or foreign"),
    "attribute holding a reference": ("img.h5", lambda f, d: f.attrs.__setitem__("created", f.ref) or None, "show",
                                      "'created' has a damaged or foreign"),
}


def build(good, tmp_path, src, mutate) -> Path:
    bad = tmp_path / "bad.h5"
    shutil.copy(good / src, bad)
    with h5py.File(bad, "r+") as f:
        at = mutate(f, good)
    if at is not None:                     # damage bytes at this offset, after HDF5 closed the file
        with open(bad, "r+b") as fh:
            fh.seek(at)
            fh.write(b"\xde\xad\xbe\xef" * 4)
    return bad


def command(kind, bad, pristine, tmp_path):
    """The command line that reads ``bad``: diverge compares it with the file it was made from."""
    if kind == "diverge":
        return ["diverge", pristine, bad]
    if kind == "quality":
        return ["quality", bad]
    return ["show", bad, "--out", tmp_path / "out.png"]


@pytest.mark.parametrize("case", list(CASES))
def test_crafted_trajectory_file_is_refused(case, good, tmp_path, capsys, outside_reads):
    src, mutate, kind, contains = CASES[case]
    bad = build(good, tmp_path, src, mutate)
    line = assert_refused(command(kind, bad, good / src, tmp_path), capsys, watch=[tmp_path, good], contains=contains)
    assert "bad.h5" in line, line                    # the line names the file
    assert outside_reads == [], outside_reads


def test_pristine_files_are_accepted(good, tmp_path, capsys, outside_reads):
    """The baseline every case breaks: each command accepts the pristine files."""
    for args in (["diverge", good / "t.h5", good / "t.h5"], ["quality", good / "t.h5"],
                 ["diverge", good / "img.h5", good / "img.h5"], ["quality", good / "img.h5"],
                 ["show", good / "img.h5", "--out", tmp_path / "img.png"],
                 ["quality", good / "img.h5", "--data", f"celeba:{good / 'faces.h5'}"]):
        code, out, err = run_cli(args, capsys)
        assert code == 0, (args, err)
        assert "error" not in err
    assert (tmp_path / "img.png").stat().st_size > 1000
    assert outside_reads == []


def test_external_storage_bytes_never_reach_the_output(good, tmp_path, capsys):
    """A reader that used the sentinel's bytes would print numbers made of 0.3125: nothing is printed."""
    bad = build(good, tmp_path, "t.h5", external_onestep)
    code, out, err = run_cli(["quality", bad], capsys)
    assert code == 2 and out == "" and "external file" in err


# ------------------------------------------------------------------- files that are not HDF5
def not_hdf5(tmp_path, good):
    p = tmp_path / "bad.h5"
    p.write_text("sigma,value\n1,2\n")
    return p


def empty_file(tmp_path, good):
    p = tmp_path / "bad.h5"
    p.write_bytes(b"")
    return p


def truncated(tmp_path, good):
    p = tmp_path / "bad.h5"
    data = (good / "t.h5").read_bytes()
    p.write_bytes(data[:len(data) // 2])
    return p


def header_only(tmp_path, good):
    p = tmp_path / "bad.h5"
    p.write_bytes((good / "t.h5").read_bytes()[:64])
    return p


def folder(tmp_path, good):
    p = tmp_path / "bad.h5"
    p.mkdir()
    return p


def missing(tmp_path, good):
    return tmp_path / "bad.h5"


def fifo(tmp_path, good):
    p = tmp_path / "bad.h5"
    os.mkfifo(p)
    return p


RAW = {
    "not HDF5": (not_hdf5, "not an HDF5 file"),
    "empty file": (empty_file, "not an HDF5 file"),
    "truncated": (truncated, "truncated"),
    "superblock only": (header_only, "not an HDF5 file"),
    "folder": (folder, "is a folder"),
    "missing": (missing, "does not exist"),
    "fifo (would block a naive open)": (fifo, "not a regular file"),
}


@pytest.mark.parametrize("kind", ["diverge", "quality", "show"])
@pytest.mark.parametrize("case", list(RAW))
def test_unreadable_trajectory_file_is_refused(case, kind, good, tmp_path, capsys):
    make, contains = RAW[case]
    if case.startswith("fifo") and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    bad = make(tmp_path, good)
    line = assert_refused(command(kind, bad, good / "t.h5", tmp_path), capsys, watch=[tmp_path, good],
                          contains=contains)
    assert "bad.h5" in line


# --------------------------------------------------------------------------- prepared images
def images_external(f, d):
    replace(f, "images", external=[(system_file(), 0, h5py.h5f.UNLIMITED)], chunks=None, maxshape=None)


def images_external_link(f, d):
    del f["images"]
    f["images"] = h5py.ExternalLink(str(d / "faces.h5"), "/images")


def images_virtual(f, d):
    shape = f["images"].shape
    layout = h5py.VirtualLayout(shape=shape, dtype=np.uint8)
    layout[...] = h5py.VirtualSource(str(d / "faces.h5"), "images", shape=shape)
    del f["images"]
    f.create_virtual_dataset("images", layout)


def soft_linked_images(f, d):
    f.move("images", "pixels")
    f["images"] = h5py.SoftLink("/pixels")


IMAGE_CASES = {
    "external storage": (images_external, "external file"),
    "external link": (images_external_link, "external link"),
    "virtual images": (images_virtual, "virtual"),
    "10^9 images declared": (huge("images", (10 ** 9, 8, 8), (8, 8, 8), "u1"), "stores only"),
    "text images": (retype("images", h5py.string_dtype(), lambda a: a.reshape(len(a), -1)[:, 0].astype(str).astype(object)),
                    "/images holds text"),
    "float images": (retype("images", "f4", lambda a: a / 255), "/images holds floats"),
    "2-D images": (set_data("images", lambda a: a.reshape(len(a), -1)), "/images has 2 dimensions"),
    "names of another length": (set_data("names", lambda a: a[:5]), "/names has shape"),
    "identities as text": (retype("identities", h5py.string_dtype()), "/identities holds text"),
    "version as text": (set_attr("version", "one"), "'version' must be an integer"),
    "format as a number": (set_attr("format", 3), "not a tinyscore image file"),
    "soft-linked images": (soft_linked_images, "soft link"),
}


@pytest.mark.parametrize("case", list(IMAGE_CASES))
def test_crafted_prepared_images_are_refused(case, good, tmp_path, capsys, outside_reads):
    mutate, contains = IMAGE_CASES[case]
    bad = build(good, tmp_path, "faces.h5", mutate)
    line = assert_refused(["quality", good / "img.h5", "--data", f"celeba:{bad}"], capsys,
                          watch=[tmp_path, good], contains=contains)
    assert "bad.h5" in line
    assert outside_reads == []


# ------------------------------------------------------------- traps inside the HDF5 library
def heap_objects(data: bytes):
    """(position, index, size) of each object of the file's first global heap collection."""
    at = data.find(b"GCOL")
    end, p, out = at + int.from_bytes(data[at + 8:at + 16], "little"), at + 16, []
    while p + 16 <= end:
        idx, size = int.from_bytes(data[p:p + 2], "little"), int.from_bytes(data[p + 8:p + 16], "little")
        out.append((p, idx, size))
        if idx == 0:
            break
        p += 16 + (size + 7) // 8 * 8
    return at, out


def free_space_of_zero(data: bytearray):
    """HDF5 steps through a collection by its objects' sizes: a free space of 0 bytes never ends."""
    at, objects = heap_objects(data)
    p = objects[-1][0]
    data[p + 8:p + 16] = (0).to_bytes(8, "little")


def object_size_off(data: bytearray):
    at, objects = heap_objects(data)
    p, idx, size = objects[0]
    data[p + 8:p + 16] = (size + 64).to_bytes(8, "little")


def string_length_of_64_mib(data: bytearray):
    """A string attribute's heap ID claiming 64 MiB: HDF5 would allocate and clear them first."""
    at, objects = heap_objects(data)
    p, idx, size = next(o for o in objects if o[1] > 0 and o[2] > 0)
    key = at.to_bytes(8, "little") + idx.to_bytes(4, "little")
    q = data.find(key)
    assert q >= 4 and int.from_bytes(data[q - 4:q], "little") == size
    data[q - 4:q] = (1 << 26).to_bytes(4, "little")


PATCHES = {
    "global heap with a free space of 0 bytes": (free_space_of_zero, "global heap"),
    "global heap object of the wrong size": (object_size_off, "global heap"),
    "string claiming 64 MiB": (string_length_of_64_mib, "claims 67108864 bytes"),
}


@pytest.mark.parametrize("kind", ["diverge", "quality", "show"])
@pytest.mark.parametrize("case", list(PATCHES))
def test_library_traps_are_refused_first(case, kind, good, tmp_path, tmp_path_factory, capsys):
    """Damage HDF5 itself handles badly (an endless loop, gigabytes cleared) is refused before it reads."""
    patch, contains = PATCHES[case]
    src = good / ("img.h5" if kind == "show" else "t.h5")
    data = bytearray(src.read_bytes())
    patch(data)
    bad = tmp_path / "bad.h5"
    bad.write_bytes(bytes(data))
    hang = open(tmp_path_factory.mktemp("watchdog") / "hang.txt", "w")
    faulthandler.dump_traceback_later(120, exit=True, file=hang)   # a regression loops inside HDF5 forever
    try:
        line = assert_refused(command(kind, bad, src, tmp_path), capsys, watch=[tmp_path, good], contains=contains)
    finally:
        faulthandler.cancel_dump_traceback_later()
        hang.close()
    assert "bad.h5" in line


def test_catalogue_is_large_enough():
    assert len(CASES) + len(RAW) * 3 + len(IMAGE_CASES) + len(PATCHES) * 3 >= 30
