"""Hypervisor backends on kernels the tests assemble: slot writes recovered from
the code (single stores, stores from registers, `rep movs` struct copies), the
patcher replayed per backend, installed callee-save functions held to their
convention, and writes after the patcher found."""

from __future__ import annotations

import json
import subprocess

import pytest
from kernel_fixture import IRQ_DISABLE, IRQ_ENABLE, READ_CR2, SAVE_FL, Alt, build

from pvverify.cli.gate import main
from pvverify.kernel import backends as bk
from pvverify.kernel.elf import open_image
from pvverify.kernel.records import ops_tables
from pvverify.x86.arch import X86_64

GOOD_64 = [Alt("s_save", "pushfq\npopq %rax"), Alt("s_cli", "cli"), Alt("s_sti", "sti"),
           Alt("s_cr2", "movq %cr2, %rax")]


def fn(name: str, body: str, section: str = ".text") -> str:
    return (f".pushsection {section},\"ax\"\n.globl {name}\n.type {name},@function\n{name}:\n{body}\n"
            f".size {name}, .-{name}\n.popsection\n")


def obj(name: str, body: str) -> str:
    return (f".pushsection .data\n.globl {name}\n.type {name},@object\n.align 8\n{name}:\n{body}\n"
            f".size {name}, .-{name}\n.popsection\n")


# the patch point: arch_cpu_finalize_init calls alternative_instructions
PATCHER = (fn("alternative_instructions", " ret", ".init.text")
           + fn("arch_cpu_finalize_init", " call alternative_instructions\n ret", ".init.text"))


def slot(n: int) -> str:
    return f"pv_ops+{8 * n}(%rip)"


def kvm(save_fl_body: str) -> str:
    """A KVM-like backend: its descriptor's init hook stores one slot (an immediate)."""
    return (obj("x86_hyper_kvm", " .quad 0, kvm_init_platform, 0")
            + fn("kvm_init_platform", f" movq $kvm_save_fl, {slot(SAVE_FL)}\n ret", ".init.text")
            + fn("kvm_save_fl", save_fl_body))


def xen(irq_enable_body: str = " sti\n ret") -> str:
    """A Xen-PV-like backend: xen_start_kernel copies a table of two ops over
    irq.irq_disable/irq_enable with `rep movsl` (6.1's pv_ops.irq = xen_irq_ops)."""
    return (obj("xen_irq_ops", " .quad xen_irq_disable, xen_irq_enable")
            + fn("xen_start_kernel", f" mov $pv_ops+{8 * IRQ_DISABLE}, %rdi\n mov $xen_irq_ops, %rsi\n"
                 " mov $4, %ecx\n rep movsl\n ret", ".init.text")
            + fn("xen_irq_disable", " cli\n ret") + fn("xen_irq_enable", irq_enable_body))


def hyperv(read_cr2_body: str) -> str:
    """A Hyper-V-like backend: a store from a register (`lea f(%rip),%rax`)."""
    return (obj("x86_hyper_ms_hyperv", " .quad ms_hyperv_init_platform")
            + fn("ms_hyperv_init_platform", f" lea hv_read_cr2(%rip), %rax\n mov %rax, {slot(READ_CR2)}\n"
                 " ret", ".init.text")
            + fn("hv_read_cr2", read_cr2_body))


def gate(capsys, *args: str) -> tuple[int, dict]:
    code = main([*map(str, args), "--no-cache", "--format", "json", "--jobs", "1"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def recovered(k) -> bk.Findings:
    img = open_image(k)
    return bk.recover(img, X86_64, ops_tables(img, 8))


def test_single_store_register_store_and_struct_copy_are_recovered(tmp_path):
    k = build(tmp_path, 64, "6.1", GOOD_64,
              extra=PATCHER + kvm(" pushfq\n popq %rax\n ret") + xen() + hyperv(" movq %cr2, %rax\n ret"))
    f = recovered(k)
    img = open_image(k)
    names = {b: {s: [bk.describe(img, v) for v in vs] for (_, s), vs in be.values().items()}
             for b, be in f.backends.items()}
    assert names["kvm"] == {SAVE_FL: ["kvm_save_fl"]}
    assert names["xen-pv"] == {IRQ_DISABLE: ["xen_irq_disable"], IRQ_ENABLE: ["xen_irq_enable"]}
    assert names["hyperv"] == {READ_CR2: ["hv_read_cr2"]}
    assert f.patch_point.startswith("arch_cpu_finalize_init+")
    assert not f.late and not f.unattributed and not f.unresolved


def test_backends_replayed_and_conforming(tmp_path, capsys):
    k = build(tmp_path, 64, "6.1", GOOD_64,
              extra=PATCHER + kvm(" pushfq\n popq %rax\n ret") + xen() + hyperv(" movq %cr2, %rax\n ret"))
    code, doc = gate(capsys, k)
    assert code == 0, [(r["op"], r["backend"], r["reason"]) for r in doc["results"]
                       if r["verdict"] != "equivalent"]
    backends = doc["binaries"][0]["backends"]
    assert backends["xen-pv"] == {"irq.irq_disable": "xen_irq_disable", "irq.irq_enable": "xen_irq_enable"}
    assert backends["kvm"] == {"irq.save_fl": "kvm_save_fl"}
    assert backends["hyperv"] == {"mmu.read_cr2": "hv_read_cr2"}
    rows = [r for r in doc["results"] if r["kind"] != "conformance"]
    # under Xen PV the ALT_NOT(XENPV) templates are not applied: the sites call Xen's functions
    xen_calls = [r for r in rows if "xen-pv" in r["backend"].split(",") and r["kind"] == "call"
                 and r["op"] in ("irq.irq_disable", "irq.irq_enable")]
    # each site: a call to the Xen function, and to the native one the slot keeps
    # if the write does not run (a written slot may keep its earlier value)
    assert len(xen_calls) == 4
    assert not any("xen-pv" in r["backend"].split(",") and r["kind"] == "inline"
                   and r["op"] in ("irq.irq_disable", "irq.irq_enable") for r in rows)
    conf = {r["disassembly"][0]: r for r in doc["results"] if r["kind"] == "conformance"}
    assert {"<kvm_save_fl>", "<xen_irq_enable>", "<hv_read_cr2>", "<native_save_fl>"} <= set(conf)
    assert {r["verdict"] for r in conf.values()} == {"equivalent"}
    # restricting to one backend
    code, doc = gate(capsys, k, "--backend", "kvm")
    assert {b for r in doc["results"] for b in r["backend"].split(",")} == {"kvm"}


@pytest.mark.parametrize(("backend", "body", "register"), [
    ("kvm", " pushfq\n popq %rax\n xor %ecx, %ecx\n ret", "rcx"),           # clobbers rcx
    ("hyperv", " push %rcx\n push %rdx\n pop %rcx\n pop %rdx\n movq %cr2, %rax\n ret", "rcx"),  # swap
    ("xen-pv", " sti\n mov $1, %r11d\n ret", "r11"),                          # a struct-copy backend's op
])
def test_callee_save_violation_is_caught(tmp_path, capsys, backend, body, register):
    extra = PATCHER + {"kvm": lambda: kvm(body) + xen() + hyperv(" movq %cr2, %rax\n ret"),
                       "hyperv": lambda: kvm(" pushfq\n popq %rax\n ret") + xen() + hyperv(body),
                       "xen-pv": lambda: kvm(" pushfq\n popq %rax\n ret") + xen(body)
                       + hyperv(" movq %cr2, %rax\n ret")}[backend]()
    k = build(tmp_path, 64, "6.1", GOOD_64, extra=extra)
    code, doc = gate(capsys, k)
    assert code == 1
    bad = [r for r in doc["results"] if r["kind"] == "conformance" and r["verdict"] == "not-equivalent"]
    assert len(bad) == 1, [(r["disassembly"], r["reason"]) for r in doc["results"]
                           if r["kind"] == "conformance"]
    fname = {"kvm": "kvm_save_fl", "hyperv": "hv_read_cr2", "xen-pv": "xen_irq_enable"}[backend]
    assert bad[0]["disassembly"] == [f"<{fname}>"] and bad[0]["backend"] == backend
    assert fname in bad[0]["reason"] and "violates the convention" in bad[0]["reason"]
    ce = bad[0]["counterexample"]
    assert ce["observable"] in (register, "rdx") and ce.get("replayed")


def test_assignment_after_the_patcher_is_a_finding(tmp_path, capsys):
    late = (fn("late_setup", f" movq $late_save_fl, {slot(SAVE_FL)}\n ret", ".init.text")
            + fn("late_save_fl", " pushfq\n popq %rax\n ret")
            + ".pushsection .init.data,\"aw\"\n.globl __initcall_start\n__initcall_start:\n"
              " .long late_setup - .\n.globl __initcall_end\n__initcall_end:\n.popsection\n")
    k = build(tmp_path, 64, "6.1", GOOD_64, extra=PATCHER + late)
    f = recovered(k)
    assert [(w.function, r) for w, r in f.late] == [("late_setup", "initcall")]
    code, doc = gate(capsys, k)
    assert code == 1
    (finding,) = [i for i in doc["backend_findings"] if i["status"] == "late-assignment"]
    assert finding["op"] == "irq.save_fl" and "late_save_fl" in finding["reason"]


def test_unattributed_write_is_reported(tmp_path, capsys):
    stray = fn("stray_writer", f" movq $native_save_fl, {slot(SAVE_FL)}\n ret")
    k = build(tmp_path, 64, "6.1", GOOD_64, extra=PATCHER + stray)
    code, doc = gate(capsys, k)
    (finding,) = [i for i in doc["backend_findings"] if i["status"] == "unattributed-write"]
    assert finding["source"] == "stray_writer"
    assert code == 2  # like an unpatched site: fails unless --allow-skipped


STATIC_CALLS = (
    obj("__SCK__pv_steal_clock", " .quad native_steal_clock, 0")
    + obj("__SCK__pv_sched_clock", " .quad 0, 0")
    + fn("__SCT__pv_steal_clock", " jmp native_steal_clock\n ud1 %esp, %ecx")
    + fn("__SCT__pv_sched_clock", " ret\n int3")
    + fn("native_steal_clock", " xor %eax, %eax\n ret") + fn("kvm_steal_clock", " mov $1, %eax\n ret")
    + fn("__static_call_update", " ret")
    + fn("uses_clocks", "sc1: call __SCT__pv_steal_clock\nsc2: call __SCT__pv_sched_clock\n ret")
    + obj("x86_hyper_kvm", " .quad kvm_init_platform")
    + fn("kvm_init_platform", " mov $__SCK__pv_steal_clock, %rdi\n mov $__SCT__pv_steal_clock, %rsi\n"
         " mov $kvm_steal_clock, %rdx\n call __static_call_update\n ret", ".init.text")
    + ".pushsection .data\n.globl __start_static_call_sites\n__start_static_call_sites:\n"
      " .long sc1 - .\n .long __SCK__pv_steal_clock - .\n .long sc2 - .\n .long __SCK__pv_sched_clock - .\n"
      ".globl __stop_static_call_sites\n__stop_static_call_sites:\n.popsection\n")


def test_paravirt_static_calls_are_outcomes_per_backend(tmp_path, capsys):
    k = build(tmp_path, 64, "6.1", GOOD_64, extra=PATCHER + STATIC_CALLS)
    code, doc = gate(capsys, k)
    rows = [r for r in doc["results"] if r["source"] == ".static_call_sites"]
    got = sorted((r["op"], r["kind"], r["backend"], r["verdict"]) for r in rows)
    assert got == [("static_call pv_sched_clock", "nop", "native,kvm", "equivalent"),
                   ("static_call pv_steal_clock", "call", "kvm", "equivalent"),
                   ("static_call pv_steal_clock", "call", "native,kvm", "equivalent")], got
    assert doc["binaries"][0]["backends"]["kvm"] == {"static_call pv_steal_clock": "kvm_steal_clock"}
    assert code == 0


IRET_TO_SELF = (" mov %ss, %eax\n push %rax\n push %rsp\n addq $8, (%rsp)\n pushfq\n mov %cs, %eax\n"
                " push %rax\n push $1f\n iretq\n1:\n sti\n ret")


def test_in_kernel_iretq_continues(tmp_path, capsys):
    """sync_core's iret_to_self inside an installed function: a same-privilege IRETQ
    pops RIP, CS, RFLAGS, RSP and SS and goes on (SDM Vol. 2A IRET), it does not leave
    the kernel: the function keeps the convention."""
    k = build(tmp_path, 64, "6.1", GOOD_64, extra=PATCHER + xen(IRET_TO_SELF))
    code, doc = gate(capsys, k)
    (row,) = [r for r in doc["results"] if r["kind"] == "conformance"
              and r["disassembly"] == ["<xen_irq_enable>"]]
    assert row["verdict"] == "equivalent", row["reason"]


def test_i386_absolute_store_backend(tmp_path, capsys):
    """i386: `movl $f, pv_ops+X` (an absolute address) is a single-store backend too,
    and its callee-save function may clobber eax and edx but not ecx."""
    good32 = [Alt("s_save", "pushfl\npopl %eax"), Alt("s_cli", "cli"), Alt("s_sti", "sti"),
              Alt("s_cr2", "movl %cr2, %eax")]
    extra = (fn("alternative_instructions", " ret", ".init.text")
             + fn("arch_cpu_finalize_init", " call alternative_instructions\n ret", ".init.text")
             + ".pushsection .data\n.globl x86_hyper_kvm\n.type x86_hyper_kvm,@object\nx86_hyper_kvm:\n"
               " .long kvm_init_platform\n.size x86_hyper_kvm, .-x86_hyper_kvm\n.popsection\n"
             + fn("kvm_init_platform", f" movl $kvm_save_fl, pv_ops+{4 * SAVE_FL}\n ret", ".init.text")
             + fn("kvm_save_fl", " pushfl\n popl %eax\n xor %edx, %edx\n xor %ecx, %ecx\n ret"))
    k = build(tmp_path, 32, "6.1", good32, extra=extra)
    code, doc = gate(capsys, k)
    # (the fixture's slot numbers are x86_64's: named as the i386 table has them)
    assert list(doc["binaries"][0]["backends"]["kvm"].values()) == ["kvm_save_fl"]
    (bad,) = [r for r in doc["results"] if r["kind"] == "conformance" and r["verdict"] != "equivalent"]
    assert bad["disassembly"] == ["<kvm_save_fl>"] and bad["counterexample"]["observable"] == "ecx"
    assert code == 1


def test_backend_selection_is_checked(tmp_path, capsys):
    k = build(tmp_path, 64, "6.1", GOOD_64, extra=PATCHER + kvm(" pushfq\n popq %rax\n ret"))
    with pytest.raises(SystemExit) as e:
        main([str(k), "--no-cache", "--backend", "kvmm"])
    assert e.value.code == 4
    capsys.readouterr()
    # a known backend the binary does not carry: said, and the gate does not pass silently
    code, doc = gate(capsys, k, "--backend", "vmware")
    assert code == 2 and any("no vmware backend" in s["reason"] for s in doc["skipped"])


def test_bare_metal_writes_around_the_patch_point(tmp_path, capsys):
    """6.12+: arch_cpu_finalize_init sets cpu.load_gs_index = native_lkgs before it calls
    alternative_instructions (backend `native+lkgs`); a write in what it calls after
    that is late."""
    lgs = 12  # cpu.load_gs_index in 6.1's layout
    extra = (fn("alternative_instructions", " ret", ".init.text")
             + fn("native_lkgs", " ret") + fn("after_fl", " pushfq\n popq %rax\n ret")
             + fn("cpu_after", f" movq $after_fl, {slot(SAVE_FL)}\n ret", ".init.text")
             + fn("arch_cpu_finalize_init", f" movq $native_lkgs, {slot(lgs)}\n"
                  " call alternative_instructions\n call cpu_after\n ret", ".init.text"))
    k = build(tmp_path, 64, "6.1", GOOD_64, extra=extra)
    f = recovered(k)
    img = open_image(k)
    assert {s: [bk.describe(img, v) for v in vs] for (_, s), vs in f.values("native+lkgs").items()} \
        == {lgs: ["native_lkgs"]}
    assert [(w.function, r.split(" (")[0]) for w, r in f.late] == [("cpu_after", "after the patch point")]
    code, doc = gate(capsys, k)
    assert doc["binaries"][0]["backends"]["native+lkgs"] == {"cpu.load_gs_index": "native_lkgs"}
    assert code == 1 and [i["op"] for i in doc["backend_findings"]] == ["irq.save_fl"]


def test_static_call_return0_form(tmp_path, capsys):
    """A key holding __static_call_return0 is patched to `2e 2e 2e 31 c0` (xor %eax,%eax):
    proved against the call into its trampoline."""
    extra = (obj("__SCK__pv_sched_clock", " .quad __static_call_return0, 0")
             + fn("__SCT__pv_sched_clock", " jmp __static_call_return0\n ud1 %esp, %ecx")
             + fn("__static_call_return0", " xor %eax, %eax\n ret")
             + fn("uses_clock", "sc1: call __SCT__pv_sched_clock\n ret")
             + ".pushsection .data\n.globl __start_static_call_sites\n__start_static_call_sites:\n"
               " .long sc1 - .\n .long __SCK__pv_sched_clock - .\n"
               ".globl __stop_static_call_sites\n__stop_static_call_sites:\n.popsection\n")
    k = build(tmp_path, 64, "6.1", GOOD_64, extra=PATCHER + extra)
    code, doc = gate(capsys, k)
    (row,) = [r for r in doc["results"] if r["source"] == ".static_call_sites"]
    assert (row["kind"], row["hex"], row["verdict"]) == ("return0", "2e2e2e31c0", "equivalent"), row["reason"]
    assert code == 0


# Xen's check_events: hand-written, it saves every caller-saved register but the
# return register around a call into C (xen_force_evtchn_callback, whose hypercall
# has no semantics here)
SAVED = ("rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11")
C_HELPER = ("void xen_force_callback(void)\n{\n"
            "\tasm volatile(\"vmcall\" ::: \"memory\", \"rax\", \"rcx\", \"r11\");\n}\n")


def _c_object(tmp_path):
    src = tmp_path / "helper.c"
    src.write_text(C_HELPER)
    obj = tmp_path / "helper.o"
    subprocess.run(["gcc", "-O2", "-g", "-c", "-mno-red-zone", "-fno-pic", "-mcmodel=kernel",
                    "-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-o", obj, src],
                   check=True)
    return obj


@pytest.mark.parametrize("dropped", [None, "r11", "rdi"])
def test_a_call_into_c_is_held_to_the_c_convention(tmp_path, capsys, dropped):
    """An installed function that calls a C function (gcc's DWARF says so) is checked
    with that function as the SysV ABI allows it to be: every caller-saved register
    fresh. Saving them all around the call keeps the callee-save convention, whatever
    the C function's own code (here a hypercall); forgetting one is a violation, named
    and replayed, though this build of the C function happens not to touch it."""
    saved = [r for r in SAVED if r != dropped]
    body = ("".join(f" push %{r}\n" for r in saved) + " call xen_force_callback\n"
            + "".join(f" pop %{r}\n" for r in reversed(saved)) + " ret")
    k = build(tmp_path, 64, "6.1", GOOD_64, extra=PATCHER + xen(body),
              extra_objects=[_c_object(tmp_path)])
    code, doc = gate(capsys, k)
    (row,) = [r for r in doc["results"] if r["kind"] == "conformance"
              and r["disassembly"] == ["<xen_irq_enable>"]]
    if dropped is None:
        assert row["verdict"] == "equivalent", row["reason"]
        assert "SysV ABI" in row["reason"] and "xen_force_callback" in row["reason"]
        return
    assert code == 1 and row["verdict"] == "not-equivalent", row["reason"]
    ce = row["counterexample"]
    assert ce["observable"] == dropped and ce.get("replayed"), ce


def test_reports_name_the_backend(tmp_path, capsys):
    """A finding under one backend says which, in every format (text, gcc, SARIF)."""
    k = build(tmp_path, 64, "6.1", GOOD_64,
              extra=PATCHER + kvm(" pushfq\n popq %rax\n xor %ecx, %ecx\n ret") + xen()
              + hyperv(" movq %cr2, %rax\n ret"))
    sarif = tmp_path / "out.sarif"
    assert main([str(k), "--no-cache", "--jobs", "1", "--color", "never", "--sarif", str(sarif)]) == 1
    text = capsys.readouterr().out
    assert any(line.startswith("  not-equivalent irq.save_fl x1 in ")
               and " under kvm (by conformance)" in line for line in text.splitlines()), text
    assert main([str(k), "--no-cache", "--jobs", "1", "--format", "gcc"]) == 1
    # the function itself, and the inline save_fl site that does not match it under kvm
    lines = [x for x in capsys.readouterr().out.splitlines() if "not-equivalent" in x]
    assert len(lines) == 2 and all("under kvm" in x for x in lines), lines
    res = [r for r in json.loads(sarif.read_text())["runs"][0]["results"]
           if r["properties"]["verdict"] == "not-equivalent"]
    assert len(res) == 2 and all(r["properties"]["backend"] == "kvm" and "under kvm" in r["message"]["text"]
                                 for r in res)


def test_a_shared_root_alone_does_not_make_a_backend(tmp_path):
    """xen_init_spinlocks is Xen HVM's and Xen PV's: a 686 kernel has it (and Xen HVM's
    descriptor) but no xen_start_kernel, so no Xen PV backend is replayed for it."""
    spin = fn("xen_init_spinlocks", f" movq $xen_save_fl, {slot(SAVE_FL)}\n ret", ".init.text") \
        + fn("xen_save_fl", " pushfq\n popq %rax\n ret")
    hvm = obj("x86_hyper_xen_hvm", " .quad xen_hvm_guest_init") \
        + fn("xen_hvm_guest_init", " ret", ".init.text")
    f = recovered(build(tmp_path, 64, "6.1", GOOD_64, extra=PATCHER + spin + hvm))
    assert "xen-pv" not in f.backends and "xen-hvm" in f.backends
    assert f.backends["xen-hvm"].values() == {("pv_ops", SAVE_FL): (open_image(
        tmp_path / "vmlinux").symbol("xen_save_fl").value,)}
    # with Xen PV's own entry point, the shared setup is Xen PV's too
    pv = fn("xen_start_kernel", " ret", ".init.text")
    (tmp_path / "pv").mkdir()
    f = recovered(build(tmp_path / "pv", 64, "6.1", GOOD_64, extra=PATCHER + spin + hvm + pv))
    assert "xen-pv" in f.backends


def test_xenpv_is_the_irq_sites_feature_however_many_lock_sites():
    """Debian's 686-pae 6.1 has 44 queued_spin_unlock sites (ALT_NOT PVUNLOCK, 8*32+20)
    and fewer irq/cpu/mmu ones (ALT_NOT XENPV): the lock sites' feature is not XENPV."""
    from pvverify.kernel.optable import Op
    from pvverify.kernel.records import Outcome
    from pvverify.kernel.replay import xenpv_feature

    names = {"pv_ops": {1: Op(1, "irq.irq_disable", "pv-callee-save", "void", (), "dwarf"),
                        9: Op(9, "lock.queued_spin_unlock", "pv-callee-save", "void", ("ptr",), "dwarf")}}

    def outcome(slot: int, feature: str) -> Outcome:
        return Outcome(0x1000, 6, ".altinstructions", slot, b"", b"\x90", "inline", feature)

    outcomes = [outcome(9, "!feature 8*32+20")] * 44 + [outcome(1, "!feature 8*32+19")] * 3
    assert xenpv_feature(outcomes, names) == 8 * 32 + 19
    assert xenpv_feature([outcome(9, "!feature 8*32+20")], names) is None
