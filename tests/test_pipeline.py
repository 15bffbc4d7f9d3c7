"""One gate pipeline for every input: the files given on the command line are a
package of one, so a vmlinux and its modules given as BINARY with --vmlinux and
the same files as a --package give the same rows, issues and figures, each file
named as its input names it; a module holding only a paravirt static call is
gated either way; and the run's --backend reaches the processes that read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from kernel_fixture import Alt, assemble_to, build, build_module
from test_backends import GOOD_64, PATCHER, STATIC_CALLS
from test_package import MODS, RELEASE, _with_vermagic

from pvverify.cli.gate import main

ROOT_NAME = "linux-image-sc-dbg"


def _static_call_module(tmp: Path, out: Path) -> Path:
    """A module whose one paravirt site is a static call (no pv_ops symbol at all):
    `call __SCT__pv_steal_clock`, with its .static_call_sites entry."""
    return assemble_to(".text\n.globl init_module\n.type init_module,@function\ninit_module:\n"
                       "sc: call __SCT__pv_steal_clock\n ret\n.size init_module, .-init_module\n"
                       '.section .static_call_sites,"a"\n .long sc - .\n .long __SCK__pv_steal_clock - .\n'
                       f'.section .modinfo,"a"\n .asciz "vermagic={RELEASE} SMP mod_unload"\n',
                       tmp / "sc.s", out)


@pytest.fixture(scope="module")
def pkg(tmp_path_factory) -> Path:
    """A -dbg package's tree: a vmlinux with paravirt static calls and a KVM backend,
    a module with ops-table sites (one of them broken) and one with a static call only."""
    tmp = tmp_path_factory.mktemp("pipeline")
    root = tmp / ROOT_NAME
    vm = root / f"usr/lib/debug/boot/vmlinux-{RELEASE}"
    vm.parent.mkdir(parents=True)
    vm.write_bytes(build(tmp, 64, "6.1", GOOD_64, extra=PATCHER + STATIC_CALLS).read_bytes())
    mod = build_module(tmp, 64, [Alt("m_save", "pushf\npop %rax"), Alt("m_cli", "sti")], name="mixed")
    _with_vermagic(mod, root / MODS / "drivers/mixed.ko")
    _static_call_module(tmp, root / MODS / "misc/sc.ko")
    return root


def _gate(capsys, *args, jobs: int = 1) -> tuple[int, dict]:
    code = main([*map(str, args), "--no-cache", "--format", "json", "--jobs", str(jobs)])
    return code, json.loads(capsys.readouterr().out)


def _files(root: Path) -> list[Path]:
    return [root / f"usr/lib/debug/boot/vmlinux-{RELEASE}", root / MODS / "drivers/mixed.ko",
            root / MODS / "misc/sc.ko"]


def _same(row: dict) -> dict:
    """A row but the two fields that say which input it came from."""
    return {k: v for k, v in row.items() if k not in ("file", "package")}


def test_given_files_and_the_package_give_the_same_rows_and_names(pkg, capsys):
    vm, mixed, sc = _files(pkg)
    code_p, as_package = _gate(capsys, "--package", pkg)
    code_f, as_files = _gate(capsys, vm, mixed, sc, "--vmlinux", vm)
    assert code_p == code_f == 1  # the module's cli made sti
    by_file = {}
    for r in as_package["results"]:
        by_file.setdefault(r["file"], []).append(_same(r))
    given = {}
    for r in as_files["results"]:
        given.setdefault(r["file"], []).append(_same(r))
    # each file named as its input names it: package/relative path, or as given
    assert sorted(by_file) == sorted(f"{ROOT_NAME}/{f.relative_to(pkg)}" for f in (vm, mixed, sc))
    assert sorted(given) == sorted(map(str, (vm, mixed, sc)))
    for f in (vm, mixed, sc):
        assert by_file[f"{ROOT_NAME}/{f.relative_to(pkg)}"] == given[str(f)], f
    assert {r["package"] for r in as_package["results"]} == {ROOT_NAME}
    assert {r["package"] for r in as_files["results"]} == {""}
    # the module's own paravirt static call: a row of that module in both runs
    for doc, name in ((as_package, f"{ROOT_NAME}/{sc.relative_to(pkg)}"), (as_files, str(sc))):
        rows = [r for r in doc["results"] if r["file"] == name]
        assert rows and {r["op"] for r in rows} == {"static_call pv_steal_clock"}, rows
        assert {r["verdict"] for r in rows} == {"equivalent"}
    # the same issues and per-file figures, under each input's names
    for kind in ("skipped", "unpatched", "backend_findings"):
        assert [{**i, "file": Path(i["file"]).name} for i in as_package[kind]] == \
            [{**i, "file": Path(i["file"]).name} for i in as_files[kind]], kind
    assert [{**b, "file": Path(b["file"]).name} for b in as_package["binaries"]] == \
        [{**b, "file": Path(b["file"]).name} for b in as_files["binaries"]]
    assert as_package["files"] == as_files["files"] == {"found": 3, "gated": 3}
    assert as_package["obligations"] == as_files["obligations"]
    # the JSON of given files keeps its shape: no package keys
    assert "packages" in as_package and "packages" not in as_files
    assert "files_read_again" not in as_files


def test_backend_selection_reaches_the_reading_processes(pkg, capsys):
    """--backend native with two reader processes: every row native, as with one
    (a worker imports pvverify afresh: the run's selection travels to it)."""
    _, everyone = _gate(capsys, "--package", pkg, jobs=2)
    assert any("kvm" in r["backend"] for r in everyone["results"])
    code1, one = _gate(capsys, "--package", pkg, "--backend", "native", jobs=1)
    code2, two = _gate(capsys, "--package", pkg, "--backend", "native", jobs=2)
    assert {r["backend"] for r in two["results"]} == {"native"}
    assert (code2, two["results"]) == (code1, one["results"])


def test_files_given_alone_are_named_and_ordered_as_given(pkg, capsys, monkeypatch):
    """Without --vmlinux each file is its own kernel: a module then has no pv_ops
    (bad input, named as given, after every other file is reported)."""
    vm, mixed, _ = _files(pkg)
    monkeypatch.chdir(vm.parent)
    code, doc = _gate(capsys, mixed, f"./{vm.name}")
    assert code == 3
    assert [e["file"] for e in doc["errors"]] == [str(mixed)]
    assert "give --vmlinux" in doc["errors"][0]["error"]
    assert {r["file"] for r in doc["results"]} == {f"./{vm.name}"}
    assert [b["file"] for b in doc["binaries"]] == [f"./{vm.name}"]
    assert doc["files"] == {"found": 2, "gated": 1}


def test_a_warm_run_of_given_files_reads_them_from_the_cache(pkg, tmp_path, capsys):
    vm, mixed, sc = _files(pkg)
    args = [str(vm), str(mixed), str(sc), "--vmlinux", str(vm), "--cache", str(tmp_path),
            "--format", "json", "--jobs", "1"]
    code = main(args)
    cold = json.loads(capsys.readouterr().out)
    assert len(list((tmp_path / "reads").rglob("*.json"))) == 3
    assert main(args) == code
    assert json.loads(capsys.readouterr().out)["results"] == cold["results"]
