"""Each kernel era's records on kernels the tests assemble: 5.10 templates read from
`patch_data_xxl`, 7.x `pv_ops_lock` and nested groups under each series' patch
rule, uncovered ops-table calls, a bad module among good ones, and `check`'s
`{ elf, symbol }` targets seen as the booted kernel runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from kernel_fixture import SAVE_FL, Alt, build, build_module

from pvverify.cli.gate import main
from pvverify.cli.main import main as cli_main
from pvverify.kernel.elf import open_image

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
#if defined(ERA_66)
struct alt_instr { s32 instr_offset; s32 repl_offset;
                   union { struct { u32 cpuid: 16; u32 flags: 16; }; u32 ft_flags; };
                   u8 instrlen; u8 replacementlen; } __attribute__((packed));
struct paravirt_patch_site { s32 instr_offset; u8 type; u8 len; } __attribute__((packed));
int apply_paravirt(struct paravirt_patch_site *p) { return p->len; }
#elif defined(ERA_52)
struct alt_instr { s32 instr_offset; s32 repl_offset; u16 cpuid; u8 instrlen; u8 replacementlen; };
struct paravirt_patch_site { u8 *instr; u8 type; u8 len; u16 clobbers; };
int native_patch(struct paravirt_patch_site *p) { return p->clobbers; }
int apply_paravirt(struct paravirt_patch_site *p) { return p->len; }
#elif defined(ERA_510)
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


ERA_DEFINES = {"5.10": ["-DERA_510"], "5.2": ["-DERA_52"], "6.6": ["-DERA_66"]}


def era_kernel(tmp: Path, series: str, alts: list[Alt], lock: bool = False, extra: str = "",
               clobbers: dict[str, int] | None = None) -> Path:
    """A fixture kernel of `series` with the C half's DWARF linked in."""
    c = tmp / "era.c"
    c.write_text(C_SOURCE)
    obj = tmp / "era_c.o"
    subprocess.run(["gcc", "-c", "-g", "-O2", "-ffreestanding", "-fno-pic", "-mcmodel=kernel",
                    "-mno-red-zone", *ERA_DEFINES.get(series, []),
                    "-o", obj, c],
                   check=True)
    return build(tmp, 64, series, alts, extra_objects=[obj], lock=lock, extra=extra, cover=True,
                 clobbers=clobbers)


def gate(capsys, *args) -> tuple[int, dict]:
    code = main([*map(str, args), "--no-cache", "--format", "json", "--jobs", "1"])
    doc = json.loads(capsys.readouterr().out)
    if "results" in doc:  # the installed functions' conformance rows: tests/test_backends.py
        doc["conformance"] = [r for r in doc["results"] if r["kind"] == "conformance"]
        doc["results"] = [r for r in doc["results"] if r["kind"] != "conformance"]
    return code, doc


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
    twin = f"s_save2: call *pv_ops+{SAVE_FL * 8}(%rip)\n .byte 0x90, 0x90"
    k7 = era_kernel(tmp_path, "7.2", [*group, *lock, Alt("s_save2", "nop", flags=2)], lock=True,
                    extra=twin)
    code, doc = gate(capsys, k7)
    b = doc["binaries"][0]
    # two sites with one op, one length, one target: one obligation, wherever they sit
    saves = [r for r in doc["results"] if r["op"] == "irq.save_fl" and r["kind"] == "direct-call"
             and r["hex"].endswith("9090")]
    assert len(saves) == 2 and saves[0]["key"] == saves[1]["key"], saves
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
    # a stray call, and one inside an alternative that is no paravirt site (its
    # original starts with a nop): neither has a record that patches it
    extra = (f"stray: call *pv_ops+{SAVE_FL * 8}(%rip)\n"
             f"s_mixed: nop\n call *pv_ops+{SAVE_FL * 8}(%rip)")
    k = build(tmp_path, 64, "6.1", [Alt("s_mixed", "nop", flags=1, length=7)], extra=extra)
    code, doc = gate(capsys, k)
    assert [u["op"] for u in doc["unpatched"]] == ["irq.save_fl"] * 2
    assert doc["totals"]["unpatched"] == 2 and code == 2
    assert doc["binaries"][0]["not_pv_records"] == 1
    out = tmp_path / "o.xml"
    code = main([str(k), "--no-cache", "--jobs", "1", "--allow-skipped", "--junit", str(out)])
    assert code == 0
    assert "unpatched" in capsys.readouterr().out
    assert 'skipped="2"' in out.read_text() and "unpatched (allowed)" in out.read_text()


def test_uncovered_call_in_a_module_is_unpatched(tmp_path, capsys):
    """In a relocatable module the call's operand is a relocation against the
    kernel's pv_ops: found once the module is laid out against --vmlinux."""
    k = build(tmp_path, 64, "6.1", [])
    m = build_module(tmp_path, 64, [], extra=f"m_stray: call *pv_ops+{SAVE_FL * 8}(%rip)")
    code, doc = gate(capsys, m, "--vmlinux", k)
    assert [(u["op"], u["source"]) for u in doc["unpatched"]] == [("irq.save_fl", ".text")]
    assert code == 2


def test_bad_module_among_good_ones(tmp_path, capsys):
    k = build(tmp_path, 64, "6.1", [])
    good = build_module(tmp_path, 64, [Alt("m_cli", "cli")])
    bad = tmp_path / "bad.ko"
    bad.write_bytes(b"\x7fELF not really")
    sarif, junit, html = tmp_path / "o.sarif", tmp_path / "o.xml", tmp_path / "o.html"
    code, doc = gate(capsys, good, bad, "--vmlinux", k, "--sarif", sarif, "--junit", junit,
                     "--html", html)
    assert code == 3
    assert [e["file"] for e in doc["errors"]] == [str(bad)]
    assert len(doc["results"]) == 4 and {r["verdict"] for r in doc["results"]} == {"equivalent"}
    assert "pvverify/bad-input" in sarif.read_text() and str(bad) in junit.read_text()
    assert str(bad) in html.read_text() and "not read" in html.read_text()


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


def test_dwarf_edited_after_linking_is_read_again(tmp_path, capsys):
    """A build ID survives edits after linking: DWARF facts are named by the DWARF
    they come from too, so a slot renamed in .debug_str (same build ID) is read
    afresh from a warm cache, as an uncached run reads it."""
    era_kernel(tmp_path, "7.2", [Alt("s_unlock", "nop", flags=2)], lock=True)
    k = tmp_path / "vmlinux-id"
    subprocess.run(["ld", "-m", "elf_x86_64", "-static", "-nostdlib", "-Ttext=0xffffffff81000000",
                    "--build-id=sha1", "-o", k, tmp_path / "vmlinux.o", tmp_path / "era_c.o"], check=True)
    cache = tmp_path / "cache"

    def ops(*extra: str) -> list[str]:
        assert main([str(k), *extra, "--format", "json", "--jobs", "1"]) == 0
        return sorted(r["op"] for r in json.loads(capsys.readouterr().out)["results"])

    first = ops("--cache", str(cache))
    img = open_image(k)
    sec = img.section(".debug_str")
    data = bytearray(k.read_bytes())
    at = data.index(b"queued_spin_unlock\0", sec.offset, sec.offset + sec.size)
    data[at:at + 18] = b"queued_spin_unloak"
    k.write_bytes(bytes(data))
    assert open_image(k).identity() == img.identity()  # the same build ID
    cold = ops("--no-cache")
    assert cold != first and "lock.queued_spin_unloak" in cold
    assert ops("--cache", str(cache)) == cold


# DEF_NATIVE's templates before 5.3: symbol pairs in .text; irq_disable's
# clobbers %rcx, which only a site whose mask allows it may take
DEF_NATIVE = ("start_irq_irq_disable: xor %ecx, %ecx\n cli\nend_irq_irq_disable:\n"
              "start_irq_save_fl: pushfq\n popq %rax\nend_irq_save_fl:\n"
              "start__mov64: mov %rdi, %rax\nend__mov64:\n")


def test_52_symbol_templates_and_clobber_masks(tmp_path, capsys):
    k = era_kernel(tmp_path, "5.2", [], extra=DEF_NATIVE)
    code, doc = gate(capsys, k)
    assert doc["binaries"][0]["templates"].startswith("start_")
    by_op = {(r["op"], r["kind"]) for r in doc["results"] if r["address"] and r["kind"] == "template"}
    assert {"irq.irq_disable", "irq.save_fl"} <= {op for op, _ in by_op}, doc["results"]
    # CLBR_ANY everywhere: the template may clobber %rcx; read_cr2 has no template: a call
    assert {r["verdict"] for r in doc["results"]} == {"equivalent"}, doc["results"]
    assert code == 0
    sub = tmp_path / "narrow"
    sub.mkdir()
    # s_cli's record says only %rax may change (CLBR_RAX); s_sti's CLBR_NONE keeps its call
    k = era_kernel(sub, "5.2", [], extra=DEF_NATIVE, clobbers={"s_cli": 1, "s_sti": 0})
    code, doc = gate(capsys, k)
    rows = {r["op"]: r for r in doc["results"] if r["op"] in ("irq.irq_disable", "irq.irq_enable")}
    assert rows["irq.irq_disable"]["verdict"] == "not-equivalent"
    assert "rcx" in json.dumps(rows["irq.irq_disable"]["counterexample"]).lower()
    assert rows["irq.irq_enable"]["kind"] == "unchanged" and rows["irq.irq_enable"]["verdict"] == "equivalent"
    assert code == 1


def test_a_record_without_outcome_is_skipped_with_its_reason(tmp_path, capsys):
    """A .parainstructions record whose type is not the slot its site calls through
    becomes no outcome: it is listed, counted, in every report, and fails the gate."""
    from kernel_fixture import IRQ_DISABLE, IRQ_ENABLE

    bad = (f"s_bad: call *pv_ops+{IRQ_ENABLE * 8}(%rip)\n .byte 0x90, 0x90\n"
           f".pushsection .parainstructions,\"a\"\n .quad s_bad\n .byte {IRQ_DISABLE}, 8\n .skip 6\n"
           ".popsection")
    k = build(tmp_path, 64, "6.1", [], extra=bad)
    sarif = tmp_path / "o.sarif"
    code, doc = gate(capsys, k, "--sarif", sarif)
    assert doc["totals"]["skipped"] == 1 and len(doc["skipped"]) == 1 and code == 2
    s = doc["skipped"][0]
    assert s["source"].startswith(".parainstructions[") and "slot 31" in s["reason"] \
        and "slot 32" in s["reason"], s
    assert "pvverify/skipped" in sarif.read_text()
    assert main([str(k), "--no-cache", "--jobs", "1", "--allow-skipped"]) == 0
    assert "skipped" in capsys.readouterr().out


OLD_C = r"""
typedef unsigned char u8; typedef unsigned short u16; typedef int s32;
struct paravirt_callee_save { void *func; };
struct pv_init_ops { unsigned (*patch)(u8 type, void *buf, unsigned long addr, unsigned len); };
struct pv_cpu_ops { void (*io_delay)(void); void (*wbinvd)(void); };
struct pv_irq_ops { struct paravirt_callee_save save_fl, restore_fl, irq_disable, irq_enable; };
struct paravirt_patch_template { struct pv_init_ops pv_init_ops; struct pv_cpu_ops pv_cpu_ops;
                                 struct pv_irq_ops pv_irq_ops; };
struct paravirt_patch_site { u8 *instr; u8 instrtype; u8 len; u16 clobbers; };
struct alt_instr { s32 instr_offset; s32 repl_offset; u16 cpuid; u8 instrlen; u8 replacementlen;
                   u8 padlen; } __attribute__((packed));
int native_patch(struct paravirt_patch_template *t, struct paravirt_patch_site *p) { return p->len + !t; }
int apply_alternatives(struct alt_instr *a) { return a->padlen; }
"""

OLD_S = """
.text
.globl _start
_start:
s_save: call *pv_irq_ops+0
 nop
s_cli: call *pv_irq_ops+16
 nop
s_io: call *pv_cpu_ops+0
 nop
 hlt
.type native_save_fl,@function
native_save_fl: pushfq
 popq %rax
 ret
.size native_save_fl, .-native_save_fl
.type native_irq_disable,@function
native_irq_disable: cli
 ret
.size native_irq_disable, .-native_irq_disable
.type native_io_delay,@function
native_io_delay: outb %al, $0x80
 ret
.size native_io_delay, .-native_io_delay
start_pv_irq_ops_save_fl: pushfq
 popq %rax
end_pv_irq_ops_save_fl:
start_pv_irq_ops_irq_disable: {cli}
end_pv_irq_ops_irq_disable:
.data
.type pv_init_ops,@object
pv_init_ops: .quad 0
.size pv_init_ops, 8
.type pv_cpu_ops,@object
pv_cpu_ops: .quad native_io_delay, 0
.size pv_cpu_ops, 16
.type pv_irq_ops,@object
pv_irq_ops: .quad native_save_fl, 0, native_irq_disable, 0
.size pv_irq_ops, 32
.section .rodata
linux_banner: .asciz "Linux version 4.19.0-test (fixture)"
.section .parainstructions,"a"
 .quad s_save
 .byte 3, 8
 .short 0x1ff
 .skip 4
 .quad s_cli
 .byte 5, 8
 .short 0x1ff
 .skip 4
 .quad s_io
 .byte 1, 8
 .short 0x1ff
 .skip 4
.section .altinstructions,"a"
"""


def test_419_separate_ops_structs(tmp_path, capsys):
    """Before 4.20: the sites call through pv_irq_ops/pv_cpu_ops, and a record's type
    is the slot in paravirt_patch_template, whose members DWARF places."""
    def kernel(cli: str, name: str) -> Path:
        c, s = tmp_path / "old.c", tmp_path / f"{name}.s"
        c.write_text(OLD_C)
        s.write_text(OLD_S.replace("{cli}", cli))
        subprocess.run(["gcc", "-c", "-g", "-O2", "-ffreestanding", "-fno-pic", "-mcmodel=kernel",
                        "-o", tmp_path / "old_c.o", c], check=True)
        subprocess.run(["as", "--64", "-o", tmp_path / f"{name}.o", s], check=True)
        out = tmp_path / name
        subprocess.run(["ld", "-m", "elf_x86_64", "-static", "-nostdlib", "-Ttext=0xffffffff81000000",
                        "-o", out, tmp_path / f"{name}.o", tmp_path / "old_c.o"], check=True)
        return out

    code, doc = gate(capsys, kernel("cli", "vmlinux"))
    rows = {r["op"]: r for r in doc["results"]}
    assert set(rows) == {"pv_irq_ops.save_fl", "pv_irq_ops.irq_disable", "pv_cpu_ops.io_delay"}, rows
    assert rows["pv_irq_ops.save_fl"]["kind"] == "template" and rows["pv_cpu_ops.io_delay"]["kind"] == "call"
    assert {r["verdict"] for r in rows.values()} == {"equivalent"}, rows
    assert doc["totals"]["skipped"] == 0 and doc["totals"]["unpatched"] == 0 and code == 0
    code, doc = gate(capsys, kernel("sti", "bad"))
    assert [r["op"] for r in doc["results"] if r["verdict"] == "not-equivalent"] == ["pv_irq_ops.irq_disable"]


def test_66_packed_relative_records(tmp_path, capsys):
    """6.5-6.7's packed `s32 instr_offset` records, read at DWARF's offsets."""
    k = era_kernel(tmp_path, "6.6", [Alt("s_cli", "cli", flags=1)])
    code, doc = gate(capsys, k)
    kinds = sorted(r["kind"] for r in doc["results"])
    assert kinds == ["call"] * 5 + ["inline", "nop"], doc["results"]
    assert {r["verdict"] for r in doc["results"]} == {"equivalent"}, doc["results"]
    assert doc["totals"]["skipped"] == 0 and doc["totals"]["unpatched"] == 0 and code == 0


def test_altinstructions_entsize_must_match_dwarf(tmp_path, capsys):
    """A binary that sets .altinstructions' sh_entsize says how big its records are:
    when DWARF's struct alt_instr disagrees, the file is refused, naming the field."""
    import struct as st

    from elftools.elf.elffile import ELFFile

    k = era_kernel(tmp_path, "7.2", [Alt("s_cli", "cli", flags=1)])
    data = bytearray(k.read_bytes())
    with open(k, "rb") as f:
        ef = ELFFile(f)
        idx = next(i for i, s in enumerate(ef.iter_sections()) if s.name == ".altinstructions")
        at = ef["e_shoff"] + idx * ef["e_shentsize"] + 56  # Elf64_Shdr.sh_entsize
    for size, want in ((14, 0), (13, 3)):
        st.pack_into("<Q", data, at, size)
        bad = tmp_path / f"vmlinux.{size}"
        bad.write_bytes(data)
        code = main([str(bad), "--no-cache", "--jobs", "1", "--allow-skipped"])
        err = capsys.readouterr().err
        assert code == want, err
        if want:
            assert "sh_entsize" in err and str(bad) in err


def test_module_for_another_release_is_refused(tmp_path, capsys):
    """A module's vermagic names the release it was built for: read against another
    vmlinux, its slots and layouts would be guesses, so it is refused (exit 3)."""
    k = build(tmp_path, 64, "6.1", [])
    other = '.pushsection .modinfo,"a"\n .asciz "vermagic=5.10.0-other SMP mod_unload"\n.popsection'
    m = build_module(tmp_path, 64, [], extra=other)
    code = main([str(m), "--vmlinux", str(k), "--no-cache", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 3 and "built for Linux 5.10.0-other" in err and "6.1.0-test" in err, err
