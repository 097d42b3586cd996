"""The global heap check reads the file in windows: the same findings as one scan of the whole file,
in memory that does not grow with the file.

:func:`tinyscore.storage.h5safe.check_global_heaps` (threat 5 of :mod:`tinyscore.storage.h5safe`) looks through the
whole file for every global heap collection ("GCOL") and for every heap ID that points into one.
It used to map the whole file into memory and scan it; a mapped page the scan has touched counts as
the process's memory, so opening a 1.8 GB trajectory file peaked at 2 GB. It now reads the file a
window at a time, the windows overlapping by enough bytes that nothing on their edges is lost.

* equivalence: on pristine and damaged files (the library traps of ``test_h5_trust``, a damaged
  collection or an over-long string of each kind, seeded bit flips and truncations), with windows of
  every size from a few bytes up and window edges put on every byte around each collection and its
  first and last heap IDs, the windowed check reports exactly what :func:`whole_file_reference` (the scan as it was,
  kept here verbatim) reports: nothing, or the same refusal;
* memory: validating and opening a 256 MiB file (sparse: it costs no disk) raises a fresh process's
  peak resident memory by far less than the file's size; the whole-file scan raised it by about
  the file's size. A collection damaged at the far end of that file is still refused.
"""
from __future__ import annotations

import io
import subprocess
import sys
import textwrap
from pathlib import Path

import h5py
import numpy as np
import pytest
from h5craft import write_image_trajectories
from h5py import h5d, h5f, h5p, h5s, h5t
from test_h5_trust import PATCHES, write_prepared_images

import cli
from tinyscore.storage import h5safe
from tinyscore.errors import TinyscoreError

ROOT = Path(__file__).resolve().parents[1]
PATH = "f.h5"                                   # the name the findings are reported under


# ------------------------------------------------------------------ the whole-file reference
def _reference_superblock(buf) -> tuple[int, int, int]:
    """tinyscore.storage.h5safe._superblock as it was when the scan read the whole file (verbatim)."""
    for base in (0, 512, 1024, 2048, 4096, 8192):
        if buf[base:base + 8] == b"\x89HDF\r\n\x1a\n" and len(buf) > base + 14:
            v0 = buf[base + 8] in (0, 1)
            offsets, lengths = (buf[base + 13], buf[base + 14]) if v0 else (buf[base + 9], buf[base + 10])
            return base, offsets if offsets in (2, 4, 8) else 8, lengths if lengths in (2, 4, 8) else 8
    return 0, 8, 8


def whole_file_reference(path, buf) -> None:
    """REFERENCE ONLY: check_global_heaps as it was, scanning ``buf``, all of the file's bytes, at
    once (verbatim but for the helpers' names and the comments, and the size of the headers, since
    corrected to HDF5's: 8 bytes and a length, padded to 8; the same 16 for 8-byte lengths). The
    windowed check must match it."""
    base, O, L = _reference_superblock(buf)
    head = obj_head = (8 + L + 7) // 8 * 8
    objects = {}
    at = buf.find(b"GCOL")
    while at >= 0:
        if buf[at + 4:at + 5] == b"\x01" and at + head <= len(buf):
            size = int.from_bytes(buf[at + 8:at + 8 + L], "little")
            end = at + size
            if head <= size and end <= len(buf):
                sizes, p = {}, at + head
                while p < end:
                    if p + obj_head > end:
                        p = end
                        break
                    idx = int.from_bytes(buf[p:p + 2], "little")
                    n = int.from_bytes(buf[p + 8:p + 8 + L], "little")
                    step = obj_head + (n + 7) // 8 * 8 if idx > 0 else n
                    if step <= 0 or p + step > end or (idx > 0 and idx in sizes):
                        break
                    if idx > 0:
                        sizes[idx] = n
                    p += step
                if p != end:
                    raise TinyscoreError(h5safe.one_line(f"{path}: the global heap at byte {at} is damaged (its "
                                                         "objects do not tile it); refused before HDF5 reads it", 400))
                objects[at - base] = sizes
        at = buf.find(b"GCOL", at + 1)
    for address, sizes in objects.items():
        key = address.to_bytes(O, "little")
        q = buf.find(key, 4)
        while q >= 0:
            idx = int.from_bytes(buf[q + O:q + O + 4], "little")
            claimed = int.from_bytes(buf[q - 4:q], "little")
            vds = buf[q - 2:q] == b"\x04\x03"
            if idx in sizes and claimed > sizes[idx] and not vds:
                raise TinyscoreError(h5safe.one_line(
                    f"{path}: a variable-length value at byte {q - 4} claims {claimed} bytes but its heap "
                    f"object holds {sizes[idx]} (damaged file); refused before HDF5 allocates them", 400))
            q = buf.find(key, q + 1)


def finding(check, *args, **kwargs):
    """What a check reports: None (accepted) or (exception type, message)."""
    try:
        check(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - the refusal, or the error a malformed address raised
        return type(e).__name__, str(e)
    return None


def windowed(data: bytes, window: int):
    return finding(h5safe.check_global_heaps, PATH, io.BytesIO(data), window=window)


def reference(data: bytes):
    return finding(whole_file_reference, PATH, bytes(data))


# ------------------------------------------------------------------------------- the files
def layout(data: bytes):
    """(base, O, L, collections): each collection as (position, [(position, index, size) of its objects])."""
    base, O, L = _reference_superblock(data)
    head = (8 + L + 7) // 8 * 8                   # a collection's header, and an object's
    out, at = [], data.find(b"GCOL")
    while at >= 0:
        end, p, objs = at + int.from_bytes(data[at + 8:at + 8 + L], "little"), at + head, []
        while p + head <= end:
            idx, size = int.from_bytes(data[p:p + 2], "little"), int.from_bytes(data[p + 8:p + 8 + L], "little")
            objs.append((p, idx, size))
            if idx == 0:
                break
            p += head + (size + 7) // 8 * 8
        out.append((at, objs))
        at = data.find(b"GCOL", at + 1)
    return base, O, L, out


def heap_ids(data: bytes, at: int):
    """Positions of the heap IDs (their 4-byte length) that point at the collection at ``at``."""
    base, O, L, _ = layout(data)
    key, out = (at - base).to_bytes(O, "little"), []
    q = data.find(key, 4)
    while q >= 0:
        out.append(q - 4)
        q = data.find(key, q + 1)
    return out


def names_file(path, address=8, userblock=0, n=600, length=8):
    """Several collections (600 variable-length names outgrow one), string attributes before and after,
    with addresses of ``address`` bytes, lengths of ``length`` bytes and a user block ahead of the
    superblock if asked."""
    fcpl = h5p.create(h5p.FILE_CREATE)
    fcpl.set_sizes(address, length)
    if userblock:
        fcpl.set_userblock(userblock)
    with h5py.File(h5f.create(str(path).encode(), h5f.ACC_TRUNC, fcpl=fcpl)) as f:
        f.attrs["format"] = "a string attribute before the names"
        f.create_dataset("names", data=[f"{i:06d}-{'x' * (i % 23)}.jpg" for i in range(n)], dtype=h5py.string_dtype())
        f.attrs["after"] = "a string attribute after the names"
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The bytes of pristine files: the ones test_h5_trust damages, and ones of several collections."""
    d = tmp_path_factory.mktemp("heaps")
    assert cli.main(["trajectories", "analytic", "--out", str(d / "t.h5"), "--probes", "16", "--no-progress"]) == 0
    write_image_trajectories(d / "img.h5")
    write_prepared_images(d / "faces.h5")
    names_file(d / "names.h5")
    names_file(d / "names4.h5", address=4, userblock=512)   # 4-byte addresses, relative to byte 512
    names_file(d / "names2.h5", address=2, n=100)           # 2-byte addresses: a file under 64 KiB
    names_file(d / "lengths4.h5", length=4)                 # 4-byte lengths: the headers are still 16
    names_file(d / "lengths2.h5", address=4, length=2, n=200)
    out = {p.name: p.read_bytes() for p in sorted(d.glob("*.h5"))}
    assert len(layout(out["names.h5"])[3]) >= 2 and len(layout(out["names4.h5"])[3]) >= 2
    assert layout(out["names4.h5"])[:3] == (512, 4, 8) and layout(out["names2.h5"])[:3] == (0, 2, 8)
    assert layout(out["lengths4.h5"])[:3] == (0, 8, 4) and layout(out["lengths2.h5"])[:3] == (0, 4, 2)
    assert len(layout(out["lengths4.h5"])[3]) >= 2
    return out


def string_ids(data: bytes, at: int, objs) -> list:
    """Positions of the heap IDs that name an object of the collection at ``at`` with its length."""
    base, O, L, _ = layout(data)
    held = {idx: size for _, idx, size in objs}
    return [q for q in heap_ids(data, at)
            if int.from_bytes(data[q:q + 4], "little") == held.get(int.from_bytes(data[q + 4 + O:q + 8 + O], "little"))]


def overclaim(data, *positions) -> bytes:
    """``data`` with the heap IDs at ``positions`` claiming 64 MiB."""
    bad = bytearray(data)
    for q in positions:
        bad[q:q + 4] = (1 << 26).to_bytes(4, "little")
    return bytes(bad)


@pytest.fixture(scope="module")
def cases(files):
    """{name: bytes}: each file as it is, with each of test_h5_trust's library traps, per collection
    a free space of 0, an object of the wrong size and a heap ID claiming 64 MiB, and in a file of two
    collections both claiming too much, the second collection's earlier in the file. And one that
    must pass: a heap ID claiming 64 MiB of an index no object has (HDF5 will refuse it by itself),
    though the index's first three bytes name one: only its fourth, on a window's edge, says not."""
    out = {}
    for name, data in files.items():
        out[name] = data
        if name in ("t.h5", "img.h5"):
            for case, (patch, _) in PATCHES.items():
                bad = bytearray(data)
                patch(bad)
                out[f"{name}: {case}"] = bytes(bad)
        base, O, L, collections = layout(data)
        for k, (at, objs) in enumerate(collections):
            for free in [o for o in objs if o[1] == 0]:      # a full collection has none
                bad = bytearray(data)
                bad[free[0] + 8:free[0] + 8 + L] = bytes(L)
                out[f"{name}: collection {k} with a free space of 0"] = bytes(bad)
            p, idx, size = objs[len(objs) // 2]
            bad = bytearray(data)
            bad[p + 8:p + 8 + L] = (size + 8).to_bytes(L, "little")
            out[f"{name}: collection {k} with an object of the wrong size"] = bytes(bad)
            last = string_ids(data, at, objs)[-1]
            out[f"{name}: collection {k} with a string of 64 MiB"] = overclaim(data, last)
            bad = bytearray(overclaim(data, last))      # its index's last byte set: no object of its heap
            bad[last + 4 + O + 3] |= 1
            out[f"{name}: collection {k} with a string of 64 MiB of no object"] = bytes(bad)
        if len(collections) > 1:
            first, second = (string_ids(data, at, objs) for at, objs in collections[:2])
            assert second[0] < first[-1]
            out[f"{name}: two collections with a string of 64 MiB"] = overclaim(data, first[-1], second[0])
    return out


@pytest.fixture(params=["find each", "look up all"])
def search(request, monkeypatch):
    """Both ways of looking for heap IDs: a bytes.find per collection (files of few collections), and
    one look-up of every position in the sorted addresses (files of many): forced here on every file."""
    if request.param == "look up all":
        monkeypatch.setattr(h5safe, "FIND_KEYS", 0)
    return request.param


def test_damaged_files_are_refused_by_both(cases):
    """The cases are worth comparing: the reference refuses every damaged one, and of two heap IDs
    claiming too much it names the one of the first collection, although it lies later in the file."""
    refused = [name for name, data in cases.items() if reference(data)]
    assert sorted(refused) == sorted(name for name in cases if ":" in name and not name.endswith("of no object"))
    assert len(refused) >= 25
    for name in ("names.h5", "names4.h5", "names2.h5", "lengths4.h5"):
        data = cases[f"{name}: two collections with a string of 64 MiB"]
        (at, objs), (at2, objs2) = layout(data)[3][:2]
        assert f"at byte {string_ids(cases[name], at, objs)[-1]} claims" in reference(data)[1]


WINDOWS = [1, 3, 4, 5, 7, 13, 64, 1000, 4096, h5safe.SCAN_WINDOW]


# the look-up of all positions costs some numpy calls a window: on windows under 8 bytes, over every
# case, that is a minute of tests for nothing the windows from 7 bytes on do not also cover
@pytest.mark.parametrize("window,search", [(w, "find each") for w in WINDOWS]
                         + [(w, "look up all") for w in WINDOWS if w >= 7], indirect=["search"])
def test_windows_of_any_size_find_what_the_whole_file_scan_finds(cases, window, search):
    for name, data in cases.items():
        assert windowed(data, window) == reference(data), name


def edges(data: bytes):
    """Window sizes that put a window's edge on every byte from 12 before to 24 after each collection's
    "GCOL", each end of a collection, each of the first and last heap IDs pointing into each."""
    base, O, L, collections = layout(data)
    marks = set()
    for at, objs in collections:
        ids, strings = heap_ids(data, at), string_ids(data, at, objs)
        marks.update([at, at + int.from_bytes(data[at + 8:at + 8 + L], "little"),
                      *ids[:1], *ids[-1:], *strings[:1], *strings[-1:]])
    return sorted({m + k for m in marks for k in range(-12, 25) if m + k >= 1})


def test_window_edges_on_every_byte_around_the_heaps(files, cases, search):
    """A window of W bytes has its first edge at byte W: a collection, a heap ID or a damaged header
    straddling an edge is found as if there were none."""
    checked = 0
    for name, data in cases.items():
        want = reference(data)
        for window in edges(files[name.split(":")[0]]):
            assert windowed(data, window) == want, (name, window)
            checked += 1
    assert checked > 3000


def free_collection(L: int, size: int = 32) -> bytes:
    """A sound collection of ``size`` bytes holding nothing: one free space fills it."""
    free = size - (8 + L + 7) // 8 * 8
    return (b"GCOL\x01" + bytes(3) + size.to_bytes(L, "little") + bytes(8) + free.to_bytes(L, "little")).ljust(size, b"\0")


def test_an_address_no_heap_id_can_hold_fails_as_before(files, search):
    """A "GCOL" whose address its file's heap IDs cannot hold, in a user block ahead of the superblock
    (a negative address) or past 64 KiB in a file of 2-byte addresses: the whole-file scan failed
    there (OverflowError, which open_h5 reports as an unreadable file), but only after checking the
    heap IDs of the collections before it; the windowed scan fails the same way at the same point."""
    data = bytearray(files["names4.h5"])                          # addresses count from byte 512
    (at, objs), *_ = layout(bytes(data))[3]
    data[100:132] = free_collection(8)
    want = reference(bytes(data))
    assert want == ("OverflowError", "can't convert negative int to unsigned")
    for window in (1, 5, 64, 4096):
        assert windowed(bytes(data), window) == want
    late = overclaim(data, string_ids(bytes(data), at, objs)[-1])  # a collection after it: not reached
    assert windowed(late, 64) == reference(late) == want

    data = files["names2.h5"]
    (at, objs), (at2, objs2) = layout(data)[3][:2]
    far = data.ljust(70_000, b"\0") + free_collection(8)         # at byte 70,000 > 2 ** 16
    want = reference(far)
    assert want == ("OverflowError", "int too big to convert")
    for window in (7, 4096, 65536):
        assert windowed(far, window) == want
        for bad in (overclaim(data, string_ids(data, at, objs)[-1]), overclaim(data, string_ids(data, at2, objs2)[0])):
            bad = bad.ljust(70_000, b"\0") + free_collection(8)
            assert "claims 67108864 bytes" in reference(bad)[1]
            assert windowed(bad, window) == reference(bad)


@pytest.mark.parametrize("address,length", [(8, 8), (8, 4), (4, 4), (8, 2), (4, 2)])
def test_sound_files_of_every_field_size_are_accepted(tmp_path, address, length):
    """Files written by HDF5 with 2-, 4- or 8-byte lengths open through the check, and HDF5 reads their
    strings back. The check once took a header to be 8 bytes and a length, unpadded: every sound file
    with lengths shorter than 8 bytes (written by tools other than h5py's defaults) was refused."""
    path = names_file(tmp_path / "f.h5", address=address, length=length, n=300)
    assert layout(path.read_bytes())[1:3] == (address, length)
    with h5safe.open_h5(path) as h:
        names = [bytes(v).decode() for v in h.f["names"][()]]
        assert h.f.attrs["after"] == "a string attribute after the names"
    assert names == [f"{i:06d}-{'x' * (i % 23)}.jpg" for i in range(300)]


def test_a_file_of_many_collections_is_looked_through_once(tmp_path, monkeypatch):
    """5,000 tiny collections appended to a sound file, with heap IDs of two of them claiming too much:
    found as the whole-file scan finds them (the one of the earlier collection, though it lies later),
    by one pass over the file, not one per collection (a crafted file of 40,000 collections, 2 MB,
    took 95 s that way; the time grew with the square of the file)."""
    data = bytearray(names_file(tmp_path / "f.h5", n=50).read_bytes())
    base, O, L, _ = layout(bytes(data))
    tiny = (b"GCOL\x01" + bytes(3) + (48).to_bytes(8, "little")            # header, then object 1 of 8 bytes
            + (1).to_bytes(2, "little") + bytes(6) + (8).to_bytes(8, "little") + bytes(16))  # and a free tail
    first = len(data)
    data += tiny * 5000
    address = [first + 48 * k - base for k in range(5000)]

    def heap_id(k, claims):
        return claims.to_bytes(4, "little") + address[k].to_bytes(O, "little") + (1).to_bytes(4, "little")
    sound = bytes(data + heap_id(7, 8) + heap_id(4000, 8))
    damaged = bytes(data + heap_id(4000, 1 << 26) + heap_id(10, 1 << 26))
    calls = []
    starts = h5safe._starts
    monkeypatch.setattr(h5safe, "_starts", lambda *a, **k: calls.append(1) or starts(*a, **k))
    assert reference(sound) is None and windowed(sound, 1 << 16) is None
    assert len(calls) <= 2 * (len(sound) // (1 << 16) + 1)                # the "GCOL" pass and no other
    want = reference(damaged)
    assert f"at byte {len(data) + 16} claims 67108864" in want[1]           # collection 10's, the second
    for window in (4096, 1 << 16, h5safe.SCAN_WINDOW):
        assert windowed(damaged, window) == want
    monkeypatch.setattr(h5safe, "LOOKUP_CHUNK", 7)            # the look-up's chunks meet inside heap IDs
    for window in (4096, h5safe.SCAN_WINDOW):
        assert windowed(damaged, window) == want and windowed(sound, window) is None


def test_seeded_bit_flips_and_truncations(files, search):
    """Random damage, most of it in and around the heaps: the findings agree, whatever they are."""
    rng = np.random.default_rng(7)
    names = sorted(files)
    differ = 0
    for i in range(150):
        data = bytearray(files[names[i % len(names)]])
        base, O, L, collections = layout(bytes(data))
        at, objs = collections[int(rng.integers(len(collections)))]
        ids = heap_ids(bytes(data), at) or [at]
        for _ in range(int(rng.integers(1, 4))):
            spot = int(rng.choice([at, *[o[0] for o in objs], *ids]))
            pos = min(len(data) - 1, spot + int(rng.integers(0, 20)))
            data[pos] ^= 1 << int(rng.integers(8))
        if i % 5 == 0:
            data = data[:at + int(rng.integers(0, 64))]      # cut inside or just past a collection
        want = reference(bytes(data))
        differ += want is not None
        for window in (3, 61, 4096) if search == "find each" else (61, 4096):
            assert windowed(bytes(data), window) == want, (i, window)
    assert differ >= 30                                       # most of the damage is refused


# ------------------------------------------------------------------------------ memory
SIZE = 256 << 20

MEASURE = textwrap.dedent("""
    import resource, sys
    from tinyscore.storage.h5safe import open_h5
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open_h5(sys.argv[1]) as h:
        assert h.attr_str("format") == "tinyscore.analyses.trajectories"
    print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024)
""")


def big_sparse_file(path, size=SIZE):
    """An HDF5 file of ``size`` bytes that costs no disk: a dataset allocated when made but never
    written (its bytes are a hole), then the string attributes, whose collection lands after it."""
    with h5py.File(path, "w") as f:
        dcpl = h5p.create(h5p.DATASET_CREATE)
        dcpl.set_alloc_time(h5d.ALLOC_TIME_EARLY)
        dcpl.set_fill_time(h5d.FILL_TIME_NEVER)
        h5d.create(f.id, b"big", h5t.NATIVE_FLOAT, h5s.create_simple((size // 4,)), dcpl=dcpl)
        f.attrs["format"] = "tinyscore.analyses.trajectories"
        f.attrs["variant"] = "a string attribute at the end of the file"
    return path


def test_validating_a_large_file_takes_memory_of_a_window_not_of_the_file(tmp_path):
    """A fresh process opens a 256 MiB file (a sparse one: its hole reads as zeros, and a mapped page
    of zeros counted as resident memory like any other). Its peak resident memory may grow by a few
    windows and HDF5's own needs, 1/8 of the file at most; the whole-file scan grew it by nearly
    the whole file (over 200 MiB)."""
    path = big_sparse_file(tmp_path / "big.h5")
    size = path.stat().st_size
    try:
        assert size >= SIZE
        res = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        growth = int(res.stdout.split()[-1])
        assert growth < size / 8, f"validating a {size >> 20} MiB file grew peak memory by {growth >> 20} MiB"

        # the scan still reaches the far end: a free space of 0 there is refused
        tail = size - (1 << 20)                              # the last MiB holds the collection
        with open(path, "r+b") as fh:
            fh.seek(tail)
            _, _, L, [(at, objs)] = layout(fh.read())        # positions counted from the tail
            free = next(o[0] for o in objs if o[1] == 0)
            fh.seek(tail + free + 8)
            fh.write(bytes(L))
        with pytest.raises(TinyscoreError, match=f"global heap at byte {tail + at} is damaged"):
            with h5safe.open_h5(path):
                pass
    finally:
        path.unlink()
