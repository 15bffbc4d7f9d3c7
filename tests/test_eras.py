"""Each kernel era's records on kernels the tests assemble: 5.10 templates read from
`patch_data_xxl`, 7.x `pv_ops_lock` and nested groups under each series' patch
rule, uncovered ops-table calls, a bad module among good ones, and `check`'s
`{ elf, symbol }` targets seen as the booted kernel runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from kernel_fixture import SAVE_FL, Alt, build, build_module

from pvverify.cli import main as cli_main
from pvverify.gate import main

# The C half of an era fixture: what the real kernel's DWARF describes (the ops
# structs, patch_xxl and the record structs) and the 5.10 template data.
C_SOURCE = r"""
typedef unsigned char u8; typedef unsigned short u16; typedef unsigned int u32; typedef int s32;
struct paravirt_callee_save { void *func; };
struct pv_irq_ops { struct paravirt_callee_save save_fl, irq_disable, irq_enable; };
struct pv_lazy_ops { void (*enter)(void); void (*leave)(void); void (*flush)(void); };
struct pv_mmu_ops { struct paravirt_callee_save read_cr2; void *pad[32]; struct pv_lazy_ops lazy_mode; };
struct paravirt_patch_template { void *pad0[30]; struct pv_irq_ops irq; void *pad1[9];
                                 struct pv_mmu_ops mmu; void *pad2[6]; };
struct pv_lock_ops { void (*queued_spin_lock_slowpath)(void *l, u32 v);
                     struct paravirt_callee_save queued_spin_unlock; void (*wait)(u8 *p, u8 v);
                     void (*kick)(int cpu); struct paravirt_callee_save vcpu_is_preempted; };
#ifdef ERA_510
struct alt_instr { s32 instr_offset; s32 repl_offset; u16 cpuid; u8 instrlen; u8 replacementlen; };
struct paravirt_patch_site { u8 *instr; u8 type; u8 len; };
struct patch_xxl { const unsigned char irq_irq_disable[1]; const unsigned char irq_irq_enable[1];
                   const unsigned char irq_save_fl[2]; const unsigned char mmu_read_cr2[3];
                   const unsigned char mov64[3]; };
static const struct patch_xxl patch_data_xxl = {
    .irq_irq_disable = { 0xfa }, .irq_irq_enable = { 0xfb }, .irq_save_fl = { 0x9c, 0x58 },
    .mmu_read_cr2 = { 0x0f, 0x20, 0xd0 }, .mov64 = { 0x48, 0x89, 0xf8 } };
const void *native_patch(int t) { return &patch_data_xxl.irq_save_fl[t]; }
int apply_paravirt(struct paravirt_patch_site *p) { return p->len; }
#else
struct alt_instr { s32 instr_offset; s32 repl_offset;
                   union { struct { u32 cpuid: 16; u32 flags: 16; }; u32 ft_flags; };
                   u8 instrlen; u8 replacementlen; } __attribute__((packed));
int paravirt_set_cap(struct pv_lock_ops *l) { return l != 0; }
#endif
int apply_alternatives(struct alt_instr *a, struct paravirt_patch_template *t)
{ return a->instrlen + (t != 0); }
"""


def era_kernel(tmp: Path, series: str, alts: list[Alt], lock: bool = False, extra: str = "") -> Path:
    """A fixture kernel of `series` with the C half's DWARF linked in."""
    c = tmp / "era.c"
    c.write_text(C_SOURCE)
    obj = tmp / "era_c.o"
    subprocess.run(["gcc", "-c", "-g", "-O2", "-ffreestanding", "-fno-pic", "-mcmodel=kernel",
                    "-mno-red-zone", *(["-DERA_510"] if series == "5.10" else []), "-o", obj, c],
                   check=True)
    return build(tmp, 64, series, alts, extra_objects=[obj], lock=lock, extra=extra, cover=True)


def gate(capsys, *args) -> tuple[int, dict]:
    code = main([*map(str, args), "--no-cache", "--format", "json", "--jobs", "1"])
    return code, json.loads(capsys.readouterr().out)


def test_510_templates_from_patch_data(tmp_path, capsys):
    k = era_kernel(tmp_path, "5.10", [])
    code, doc = gate(capsys, k)
    b = doc["binaries"][0]
    assert b["templates"].startswith("patch_data_xxl")
    rows = {(r["address"], r["kind"]): r for r in doc["results"]}
    kinds = sorted(k for _, k in rows)
    # save_fl, cli, sti, read_cr2 and the nested save_fl: templates; the lazy flush: nothing
    assert kinds == ["nop"] + ["template"] * 5, rows
    assert {r["verdict"] for r in doc["results"]} == {"equivalent"}, doc["results"]
    assert doc["totals"]["skipped"] == 0 and doc["totals"]["unpatched"] == 0 and code == 0
    # the original is the absolute `call *pv_ops+off` of 5.10 x86_64
    # a byte changed in one template is caught at every site that uses it
    data = bytearray(k.read_bytes())
    i = data.find(bytes.fromhex("fafb9c580f20d0"))
    assert i > 0 and data.find(bytes.fromhex("fafb9c580f20d0"), i + 1) < 0
    data[i + 3] = 0x59  # irq_save_fl: pop %rcx
    bad = tmp_path / "vmlinux.bad"
    bad.write_bytes(data)
    code, doc = gate(capsys, bad)
    wrong = [r for r in doc["results"] if r["verdict"] == "not-equivalent"]
    assert code == 1
    assert len(wrong) == 2 and {r["op"] for r in wrong} == {"irq.save_fl"}
    assert all(r["hex"].startswith("9c59") for r in wrong)


def test_7x_lock_table_and_patch_rule(tmp_path, capsys):
    # a nested group at s_cli: an inner 6-byte entry leaves the outer's 2 bytes,
    # whose own replacement has a `cli` there
    group = [Alt("s_cli", "nop\nnop\nnop\nnop\nnop\nnop\ncli\nnop", flags=0, length=8),
             Alt("s_cli", "cli", flags=1, length=6)]
    lock = [Alt("s_unlock", "nop", flags=2), Alt("s_unlock", "movb $0, (%rdi)", flags=1)]
    k7 = era_kernel(tmp_path, "7.2", group + lock, lock=True)
    code, doc = gate(capsys, k7)
    b = doc["binaries"][0]
    assert b["ops_tables"]["pv_ops_lock"] == 5 and "7.0" in b["patch_rule"]
    unlock = [r for r in doc["results"] if r["op"] == "lock.queued_spin_unlock"]
    assert sorted(r["kind"] for r in unlock) == ["direct-call", "inline"], doc["results"]
    assert {r["verdict"] for r in doc["results"]} == {"equivalent"}, doc["results"]
    assert code == 0
    cli7 = sorted(r["hex"] for r in doc["results"] if r["op"] == "irq.irq_disable")
    sub = tmp_path / "612"
    sub.mkdir()
    k6 = era_kernel(sub, "6.12", group, lock=False)
    code, doc = gate(capsys, k6)
    cli6 = sorted(r["hex"] for r in doc["results"] if r["op"] == "irq.irq_disable")
    # up to 6.19 the inner entry on top of the outer one leaves both cli's
    assert "fa9090909090fa90" in cli6 and "fa9090909090fa90" not in cli7
    assert len(cli7) == 2 and len(cli6) == 3


def test_uncovered_ops_call_is_unpatched(tmp_path, capsys):
    k = build(tmp_path, 64, "6.1", [], extra=f"stray: call *pv_ops+{SAVE_FL * 8}(%rip)")
    code, doc = gate(capsys, k)
    assert [u["op"] for u in doc["unpatched"]] == ["irq.save_fl"]
    assert doc["totals"]["unpatched"] == 1 and code == 2
    code = main([str(k), "--no-cache", "--jobs", "1", "--allow-skipped"])
    assert code == 0
    assert "unpatched" in capsys.readouterr().out


def test_bad_module_among_good_ones(tmp_path, capsys):
    k = build(tmp_path, 64, "6.1", [])
    good = build_module(tmp_path, 64, [Alt("m_cli", "cli")])
    bad = tmp_path / "bad.ko"
    bad.write_bytes(b"\x7fELF not really")
    sarif, junit = tmp_path / "o.sarif", tmp_path / "o.xml"
    code, doc = gate(capsys, good, bad, "--vmlinux", k, "--sarif", sarif, "--junit", junit)
    assert code == 3
    assert [e["file"] for e in doc["errors"]] == [str(bad)]
    assert len(doc["results"]) == 4 and {r["verdict"] for r in doc["results"]} == {"equivalent"}
    assert "pvverify/bad-input" in sarif.read_text() and str(bad) in junit.read_text()


def test_check_elf_target_is_the_booted_function(tmp_path, capsys):
    """`{ elf, symbol }`: __fentry__ NOPed, the return thunk a return, .altinstr_aux followed."""
    k = build(tmp_path, 64, "6.1", [])
    ob = tmp_path / "save_fl.toml"
    ob.write_text(f'schema = 1\nname = "save_fl"\narch = "x86_64"\nconvention = "pv-callee-save"\n'
                  f'returns = "u64"\nargs = []\nsite_length = 6\n[original]\n'
                  f'target = {{ elf = "{k}", symbol = "native_save_fl" }}\n'
                  f'[replacement]\nasm = "pushfq\\npopq %rax"\n')
    assert cli_main(["check", str(ob)]) == 0, capsys.readouterr().out
    ob.write_text(ob.read_text().replace("popq %rax", "popq %rcx"))
    assert cli_main(["check", str(ob)]) == 1


def test_dwarf_tables_are_cached(tmp_path, capsys):
    """The ops tables and record shapes read from DWARF are cached per build and
    read back intact (a checksum mismatch would be recomputed with a warning)."""
    k = era_kernel(tmp_path, "7.2", [Alt("s_unlock", "nop", flags=2)], lock=True)
    cache = tmp_path / "cache"
    docs = []
    for _ in range(2):
        code = main([str(k), "--cache", str(cache), "--format", "json", "--jobs", "1"])
        out = capsys.readouterr()
        assert code == 0 and "damaged" not in out.err, out.err
        docs.append(json.loads(out.out)["binaries"][0]["ops_tables"])
    assert docs[0] == docs[1] == {"pv_ops": 7, "pv_ops_lock": 5}
    assert list((cache / "optables2").rglob("*.json")) and list((cache / "records2").rglob("*.json"))
