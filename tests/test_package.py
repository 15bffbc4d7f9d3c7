"""`pvverify gate --package` on kernel packages the tests build: a directory tree
as a `-dbg` package unpacks and the same tree as a `.deb`, with modules that
hold sites (good and broken), a module without any, a compressed one and an
unreadable one. The package run must give every outcome the verdict the
module-at-a-time path (`--vmlinux`) gives it."""

from __future__ import annotations

import io
import json
import lzma
import shutil
import subprocess
from pathlib import Path

import pytest
from kernel_fixture import Alt, assemble_to, build, build_module

from pvverify.cli.gate import main
from pvverify.gate import progress
from pvverify.gate.package import PackageError, from_directory
from pvverify.kernel.binary import read_binary
from pvverify.kernel.elf import open_image
from pvverify.kernel.peek import peek_file

RELEASE = "6.1.0-test"
MODS = f"usr/lib/debug/lib/modules/{RELEASE}/kernel"


def _with_vermagic(src_module: Path, out: Path) -> Path:
    """Re-assemble a fixture module with the .modinfo its kernel release stamps."""
    src = src_module.with_suffix(".s").read_text()
    src += f'.section .modinfo,"a"\n .asciz "vermagic={RELEASE} SMP mod_unload"\n'
    return assemble_to(src, src_module.with_name(f"{src_module.stem}-vermagic.s"), out)


def _plain_module(tmp: Path, out: Path) -> Path:
    """A module with an alternative but no call through the ops table."""
    return assemble_to(".text\n.globl f\nf: lfence\n ret\n"
                       '.section .altinstr_replacement,"ax"\nr: mfence\nr_end:\n'
                       '.section .altinstructions,"a"\n .long f - .\n .long r - .\n .word 3\n'
                       ' .byte 3, r_end - r\n'
                       f'.section .modinfo,"a"\n .asciz "vermagic={RELEASE} SMP"\n', tmp / "plain.s", out)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """linux-image-test-dbg/ as dpkg unpacks a -dbg package."""
    tmp = tmp_path_factory.mktemp("pkg")
    root = tmp / "linux-image-test-dbg"
    (root / "usr/lib/debug/boot").mkdir(parents=True)
    k = build(tmp, 64, "6.1", [])
    vm = root / f"usr/lib/debug/boot/vmlinux-{RELEASE}"
    vm.write_bytes(k.read_bytes())  # its banner: "Linux version 6.1.0-test"
    link = root / f"usr/lib/debug/lib/modules/{RELEASE}/vmlinux"
    link.parent.mkdir(parents=True)
    link.symlink_to(f"../../../boot/vmlinux-{RELEASE}")
    good = build_module(tmp, 64, [Alt("m_save", "pushf\npop %rax"), Alt("m_cli", "cli")], name="good")
    bad = build_module(tmp, 64, [Alt("m_cli", "sti")], name="bad")
    _with_vermagic(good, root / MODS / "drivers/good.ko")
    _with_vermagic(bad, root / MODS / "net/bad.ko")
    _plain_module(tmp, root / MODS / "fs/plain.ko")
    xz = root / MODS / "crypto/packed.ko.xz"
    xz.parent.mkdir(parents=True)
    xz.write_bytes(lzma.compress((root / MODS / "drivers/good.ko").read_bytes()))
    return root


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """One result cache for the module's runs: each obligation is proved once."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def gate(cache, capsys):
    def run(*args: str, cache_dir: Path = cache) -> tuple[int, dict]:
        code = main([*map(str, args), "--cache", str(cache_dir), "--format", "json", "--jobs", "2"])
        out = capsys.readouterr().out
        return code, (json.loads(out) if out.strip() else {})
    return run


def rows_of(doc: dict, package: str | None = None) -> dict[tuple[str, str, str], tuple[str, str]]:
    return {(r["file"].split("/", 1)[1] if package else r["file"], r["address"], r["kind"]):
            (r["verdict"], r["key"]) for r in doc["results"] if package is None or r["package"] == package}


def test_directory_package_matches_the_module_at_a_time_path(tree, gate):
    code, doc = gate("--package", tree)
    assert code == 1  # bad.ko turns cli into sti
    [pk] = doc["packages"]
    assert pk["files"] == 5 and pk["errors"] == 0
    assert pk["files_with_sites"] == 4  # vmlinux, good, bad, packed (plain has none)
    files = {r["file"] for r in doc["results"]}
    assert all(f.startswith("linux-image-test-dbg/usr/lib/debug/") for f in files)
    assert all(r["package"] == "linux-image-test-dbg" for r in doc["results"])
    assert not any("plain.ko" in f for f in files)
    # every outcome as the module-at-a-time path sees it
    vm = tree / f"usr/lib/debug/boot/vmlinux-{RELEASE}"
    expected: dict = {}
    for rel in (f"usr/lib/debug/boot/vmlinux-{RELEASE}", f"{MODS}/drivers/good.ko", f"{MODS}/net/bad.ko",
                f"{MODS}/crypto/packed.ko.xz", f"{MODS}/fs/plain.ko"):
        extra = () if rel.startswith("usr/lib/debug/boot") else ("--vmlinux", vm)
        _, one = gate(tree / rel, *extra)
        for (_, addr, kind), v in rows_of(one).items():
            expected[(rel, addr, kind)] = v
    assert rows_of(doc, "linux-image-test-dbg") == expected
    bad = [r for r in doc["results"] if r["verdict"] == "not-equivalent"]
    assert [r["file"].rsplit("/", 1)[1] for r in bad] == ["bad.ko"]


def test_cached_reads_give_the_same_rows_and_missing_verdicts_are_proved_again(tree, tmp_path, gate):
    own = tmp_path / "cache"
    code, first = gate("--package", tree, cache_dir=own)
    reads = list((own / "reads").rglob("*.json"))
    assert len(reads) == 4  # the vmlinux and the three modules with sites, by content
    code2, warm = gate("--package", tree, cache_dir=own)
    assert (code2, rows_of(warm)) == (code, rows_of(first))
    assert warm["files_read_again"] == 0 and warm["obligations"] == first["obligations"]
    # verdicts gone, reads kept: the files are read afresh and their obligations proved
    shutil.rmtree(own / "results")
    code3, again = gate("--package", tree, cache_dir=own)
    assert (code3, rows_of(again)) == (code, rows_of(first))
    assert again["files_read_again"] == 4
    assert list((own / "results").rglob("*.json"))


def test_peek_never_drops_a_module_with_sites(tree):
    """A module the headers call site-free has no outcome when read whole."""
    vm = read_binary(str(tree / f"usr/lib/debug/boot/vmlinux-{RELEASE}"), None, None)
    for ko in sorted((tree / MODS).rglob("*.ko*")):
        b = read_binary(str(ko), vm.code, None)
        assert peek_file(ko).sites == bool(b.outcomes), ko


def test_lazy_relocation_reads_only_what_is_asked(tree):
    vm = open_image(tree / f"usr/lib/debug/boot/vmlinux-{RELEASE}")
    img = open_image(tree / MODS / "drivers/good.ko", externs=vm)
    assert img.pending and not img.patched
    text = img.section(".text")
    assert text is not None and text.index in img.pending
    code = img.read(text.addr, 6)
    assert text.index not in img.pending and text.index in img.patched
    # the call's displacement now reaches pv_ops, as the loader would leave it
    disp = int.from_bytes(code[2:6], "little", signed=True)
    assert (text.addr + 6 + disp) % (1 << 64) == vm.symbol("pv_ops").value + 30 * 8
    assert img.section(".altinstructions").index in img.pending  # not read, not relocated


@pytest.fixture(scope="module")
def deb(tree, tmp_path_factory) -> Path:
    """The fixture package as dpkg-deb builds it (data.tar.xz)."""
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is needed to build the test package")
    tmp = tmp_path_factory.mktemp("deb")
    staging = tmp / "linux-image-test-dbg"
    shutil.copytree(tree, staging, symlinks=True)
    (staging / "DEBIAN").mkdir()
    (staging / "DEBIAN/control").write_text(
        "Package: linux-image-test-dbg\nVersion: 1\nArchitecture: amd64\n"
        "Maintainer: t <t@example.org>\nDescription: test\n")
    out = tmp / "linux-image-test-dbg_1_amd64.deb"
    subprocess.run(["dpkg-deb", "-Zxz", "--root-owner-group", "--build", staging, out], check=True,
                   capture_output=True)
    return out


def test_deb_gives_the_directory_verdicts(tree, deb, tmp_path, gate):
    work = tmp_path / "work"
    code_d, doc_d = gate("--package", tree)
    code, doc = gate("--package", deb, "--workdir", work)
    assert code == code_d == 1
    assert rows_of(doc, "linux-image-test-dbg_1_amd64") == rows_of(doc_d, "linux-image-test-dbg")
    [pk] = doc["packages"]
    assert pk["files"] == 5 and pk["files_with_sites"] == 4
    # the module without sites was decided in the stream and never written out
    assert not list(work.rglob("plain.ko"))
    assert list(work.rglob("good.ko"))


def test_deb_members_too_big_for_memory_go_through_the_disk(deb, tmp_path, gate, monkeypatch):
    from pvverify.gate import package

    _, small = gate("--package", deb, "--workdir", tmp_path / "a")
    monkeypatch.setattr(package, "MAX_MODULE", 1)
    code, big = gate("--package", deb, "--workdir", tmp_path / "b")
    assert code == 1 and rows_of(big) == rows_of(small)
    assert list((tmp_path / "b").rglob("plain.ko"))  # written out, then decided from the file
    assert [p["files"] for p in big["packages"]] == [5]


def test_matrix_shares_deduplication_and_names_each_package(tree, tmp_path, gate):
    other = tmp_path / "linux-image-copy-dbg"
    shutil.copytree(tree, other, symlinks=True)
    _, one = gate("--package", tree)
    code, doc = gate("--package", tree, "--package", other)
    assert code == 1
    assert doc["obligations"] == one["obligations"]  # the copy adds no obligation
    assert {p["package"] for p in doc["packages"]} == {"linux-image-test-dbg", "linux-image-copy-dbg"}
    assert rows_of(doc, "linux-image-copy-dbg") == rows_of(doc, "linux-image-test-dbg")


def test_unreadable_module_is_reported_with_everything_else(tree, tmp_path, gate):
    broken = tmp_path / "linux-image-broken-dbg"
    shutil.copytree(tree, broken, symlinks=True)
    ko = broken / MODS / "drivers/good.ko"
    data = bytearray(ko.read_bytes())
    data[0x3C:0x3E] = (0xFFFF).to_bytes(2, "little")  # e_shnum: far past the file
    ko.write_bytes(bytes(data))
    (broken / MODS / "fs/squeezed.ko.zst").write_bytes(b"\x28\xb5\x2f\xfd" + bytes(60))
    code, doc = gate("--package", broken)
    assert code == 3  # a file not read is bad input, after every other file is reported
    assert sorted(e["file"] for e in doc["errors"]) == [f"linux-image-broken-dbg/{MODS}/drivers/good.ko",
                                                       f"linux-image-broken-dbg/{MODS}/fs/squeezed.ko.zst"]
    assert doc["totals"]["files_not_read"] == 2
    assert any(r["file"].endswith("bad.ko") and r["verdict"] == "not-equivalent" for r in doc["results"])
    assert any(r["file"].endswith("packed.ko.xz") for r in doc["results"])


def test_an_edited_file_keeping_its_build_id_is_read_again(tree, tmp_path, gate):
    """A build ID survives edits after linking, so the read cache must not take it for
    the content: a module whose `call *` became a `jmp *` passed warm (its unedited
    read served) where an uncached run refused it."""
    pkg = tmp_path / "linux-image-edit-dbg"
    shutil.copytree(tree, pkg, symlinks=True)
    note = ('.section .note.gnu.build-id,"a",@note\n .long 4, 20, 3\n .asciz "GNU"\n .byte '
            + ", ".join(map(str, range(1, 21))) + "\n")
    src = tmp_path / "good-id.s"
    src.write_text((tree.parent / "good-vermagic.s").read_text() + note)
    ko = pkg / MODS / "drivers/good.ko"
    subprocess.run(["as", "--64", "-o", ko, src], check=True)
    own = tmp_path / "cache"
    _, first = gate("--package", pkg, cache_dir=own)
    data = bytearray(ko.read_bytes())
    at = data.index(b"\xff\x15\x00\x00\x00\x00")  # the first site's call *pv_ops+N(%rip)
    data[at + 1] = 0x25  # jmp *pv_ops+N(%rip): the same build ID, another instruction
    ko.write_bytes(bytes(data))
    code, warm = gate("--package", pkg, cache_dir=own)
    code_cold, cold = gate("--package", pkg, cache_dir=tmp_path / "empty")
    assert rows_of(cold) != rows_of(first)  # the edit changes what the gate sees
    assert (code, rows_of(warm)) == (code_cold, rows_of(cold))


def test_not_a_package_is_refused(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    with pytest.raises(PackageError):
        from_directory(tmp_path / "empty")
    assert main(["--package", str(tmp_path / "empty"), "--no-cache"]) == 3
    assert "no vmlinux" in capsys.readouterr().err
    junk = tmp_path / "x.deb"
    junk.write_bytes(b"not an archive")
    assert main(["--package", str(junk), "--no-cache"]) == 3


def test_progress_only_for_a_person_watching(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    assert progress.wanted("auto", False, Tty())
    assert not progress.wanted("auto", True, Tty())           # JSON on stdout
    assert not progress.wanted("auto", False, io.StringIO())  # not a terminal
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted("auto", False, Tty())
    assert progress.wanted("always", True, io.StringIO())
    out = Tty()
    p = progress.Progress(True, out, interval=0)
    p.reading(10, 40, 7, 2)
    p.proving(1, 2)
    p.done()
    assert "read 10/40 files, 7 outcomes, 2 obligations" in out.getvalue()
    assert "proved 1/2 obligations" in out.getvalue() and "s left" in out.getvalue()
    quiet = io.StringIO()
    progress.Progress(False, quiet).reading(1, 2, 3, 4, force=True)
    assert quiet.getvalue() == ""


def test_shared_obligations_are_each_outcomes_own(tree):
    """The view builds one obligation per distinct placed outcome: every outcome's
    key is the one its own obligation has."""
    from pvverify.gate.obligations import obligation_of
    from pvverify.gate.reading import FileRead, KernelView

    view = KernelView("p", tree / f"usr/lib/debug/boot/vmlinux-{RELEASE}", None)
    files = [view.binary] + [read_binary(str(k), None, None, kernel=view.binary)
                             for k in sorted((tree / MODS).rglob("*.ko*")) if peek_file(k).sites]
    for b in files:
        read = FileRead("p", b.path)
        view.obligations(b, read)
        alone = [obligation_of(b, view.targets, view.canon, o, view.md).key() for o in b.outcomes]
        assert read.keys == alone and len(alone) == len(b.outcomes) > 0
    assert len(view._memo) < sum(len(b.outcomes) for b in files)


# -- every layout a user can point --package at (issue 22) ------------------------------


def _by_name(doc: dict) -> dict[tuple[str, str, str], tuple[str, str]]:
    """Rows keyed by the file's own name (each layout names files from its own root)."""
    return {(r["file"].rsplit("/", 1)[1].replace(f"vmlinux-{RELEASE}", "vmlinux"), r["address"],
             r["kind"]): (r["verdict"], r["key"]) for r in doc["results"]}


@pytest.fixture(scope="module")
def layouts(tree, tmp_path_factory) -> dict[str, Path]:
    """The fixture kernel in every layout --package accepts: the unpacked -dbg root,
    its usr/lib/debug, its lib/modules/<release> (vmlinux a link), an installed tree
    (boot/ + lib/modules/<release>), and lib/modules/<release> holding the vmlinux
    file itself beside kernel/ (Debian 7.x dbg packages)."""
    tmp = tmp_path_factory.mktemp("layouts")
    dbg = tree / "usr/lib/debug"
    installed = tmp / "installed"
    (installed / "boot").mkdir(parents=True)
    shutil.copy(dbg / f"boot/vmlinux-{RELEASE}", installed / f"boot/vmlinux-{RELEASE}")
    shutil.copytree(dbg / f"lib/modules/{RELEASE}/kernel", installed / f"lib/modules/{RELEASE}/kernel")
    seven = tmp / RELEASE
    shutil.copytree(dbg / f"lib/modules/{RELEASE}/kernel", seven / "kernel")
    shutil.copy(dbg / f"boot/vmlinux-{RELEASE}", seven / "vmlinux")
    return {"root": tree, "usr/lib/debug": dbg, "lib/modules/<release>": dbg / f"lib/modules/{RELEASE}",
            "boot + lib/modules": installed, "lib/modules/<release> with vmlinux": seven}


def test_every_layout_gates_the_vmlinux_and_every_module(layouts, deb, tmp_path, gate):
    _, reference = gate("--package", layouts["root"])
    assert reference["totals"]["files_found"] == reference["totals"]["files_gated"] == 5
    for name, path in [*layouts.items(), (".deb", deb)]:
        extra = ("--workdir", tmp_path / "work") if name == ".deb" else ()
        code, doc = gate("--package", path, *extra)
        assert code == 1, name  # bad.ko is among what was read
        assert _by_name(doc) == _by_name(reference), name
        [pk] = doc["packages"]
        assert pk["files_found"] == pk["files_gated"] == 5, (name, pk)
        assert doc["files"] == {"found": 5, "gated": 5}


def test_a_layout_whose_modules_cannot_be_found_is_refused(tree, tmp_path, capsys):
    """--package at the directory holding only the vmlinux (or a tree without modules)
    would gate the vmlinux alone: refused, naming the path, never a pass."""
    boot = tree / "usr/lib/debug/boot"
    assert main(["--package", str(boot), "--no-cache"]) == 3
    err = capsys.readouterr().err
    assert str(boot) in err and "no kernel module" in err
    lonely = tmp_path / "lonely"
    (lonely / "boot").mkdir(parents=True)
    shutil.copy(boot / f"vmlinux-{RELEASE}", lonely / f"boot/vmlinux-{RELEASE}")
    assert main(["--package", str(lonely), "--no-cache"]) == 3
    assert "no kernel module" in capsys.readouterr().err


def test_modules_outside_kernel_dir_are_gated_too(tree, tmp_path, gate):
    """DKMS puts modules in lib/modules/<release>/updates/: they are read like the rest."""
    pkg = tmp_path / "linux-image-dkms-dbg"
    shutil.copytree(tree, pkg, symlinks=True)
    extra = pkg / f"usr/lib/debug/lib/modules/{RELEASE}/updates/dkms/bad2.ko"
    extra.parent.mkdir(parents=True)
    shutil.copy(pkg / MODS / "net/bad.ko", extra)
    code, doc = gate("--package", pkg)
    assert code == 1 and doc["files"] == {"found": 6, "gated": 6}
    assert any(r["file"].endswith("updates/dkms/bad2.ko") and r["verdict"] == "not-equivalent"
               for r in doc["results"])


def test_a_module_found_and_not_gated_is_bad_input(tree, gate, monkeypatch):
    """Should a read go missing (a lost task, a bug), the file is named and the gate fails."""
    from pvverify.gate import reading

    real = reading.read_packages

    def losing(*args, **kwargs):
        return [r for r in real(*args, **kwargs) if not r.file.endswith("good.ko")]

    monkeypatch.setattr(reading, "read_packages", losing)
    code, doc = gate("--package", tree, cache_dir=tree.parent / "lost-cache")
    assert code == 3
    assert [e["file"] for e in doc["errors"]] == [f"linux-image-test-dbg/{MODS}/drivers/good.ko"]
    assert "not gated" in doc["errors"][0]["error"]
    assert doc["files"] == {"found": 5, "gated": 4}
