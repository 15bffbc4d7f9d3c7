"""The ops table read from DWARF that gcc writes, without gdb."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pvverify.kernel.elf import open_image
from pvverify.kernel.optable import builtin, from_dwarf
from pvverify.x86.arch import I386, X86_64

# The shape of Linux's struct paravirt_patch_template: op groups, callee-save
# members (whose `void *func` hides the prototype), typedef'd and bool types.
SOURCE = r"""
typedef unsigned long long u64;
typedef unsigned int u32;
typedef u64 pteval_t;
typedef struct { pteval_t pte; } pte_t;
struct paravirt_callee_save { void *func; };
struct pv_cpu_ops {
    void (*io_delay)(void);
    u64 (*read_msr)(unsigned int msr);
    void (*cpuid)(unsigned int *a, unsigned int *b, unsigned int *c, unsigned int *d);
};
struct pv_irq_ops { struct paravirt_callee_save save_fl; struct paravirt_callee_save irq_disable; };
struct pv_lazy_ops { void (*enter)(void); };
struct pv_mmu_ops {
    unsigned long (*read_cr2_like)(const void *p);
    struct pv_lazy_ops lazy_mode;
    void (*set_pte)(pte_t *ptep, pte_t pte);
    pte_t (*ptep_get)(pte_t *ptep);
};
struct pv_lock_ops { struct paravirt_callee_save vcpu_is_preempted; _Bool (*other)(long cpu); };
struct paravirt_patch_template {
    struct pv_cpu_ops cpu; struct pv_irq_ops irq; struct pv_mmu_ops mmu; struct pv_lock_ops lock;
};
struct paravirt_patch_template pv_ops;
void _start(void) { pv_ops.cpu.io_delay(); for (;;) ; }
"""


def _build(tmp: Path, bits: int) -> Path:
    src = tmp / "pv.c"
    src.write_text(SOURCE)
    out = tmp / f"pv{bits}"
    subprocess.run(["gcc", f"-m{bits}", "-g", "-O2", "-gdwarf-5", "-ffreestanding", "-fno-pic",
                    "-nostdlib", "-static", "-no-pie", "-o", str(out), str(src)], check=True)
    return out


@pytest.mark.parametrize("arch", [X86_64, I386], ids=["x86_64", "i386"])
def test_ops_from_dwarf(tmp_path, arch):
    path = _build(tmp_path, arch.bits)
    site = open_image(str(path)).symbol("_start").value
    table = from_dwarf(str(path), arch, [site])
    assert table is not None
    ul = f"u{arch.bits}"
    base = "sysv" if arch.bits == 64 else "regparm3"
    expected = [
        ("cpu.io_delay", base, "void", ()),
        ("cpu.read_msr", base, "u64", ("u32",)),
        ("cpu.cpuid", base, "void", ("ptr",) * 4),
        ("irq.save_fl", "pv-callee-save", ul, ()),
        ("irq.irq_disable", "pv-callee-save", "void", ()),
        ("mmu.read_cr2_like", base, ul, ("ptr",)),
        ("mmu.lazy_mode.enter", base, "void", ()),
        # a struct argument keeps the strictest word; a struct return is unknown
        ("mmu.set_pte", base, "void", ("ptr", ul)),
        ("mmu.ptep_get", base, "u64", ("ptr",)),
        ("lock.vcpu_is_preempted", "pv-callee-save", "bool", ()),
        ("lock.other", base, "bool", (ul,)),
    ]
    got = [(op.name, op.convention, op.returns, op.args) for _, op in sorted(table.items())]
    assert got == expected
    assert sorted(table) == list(range(len(expected)))  # pointer-sized slots, in order
    assert table[10].source == "dwarf"
    assert "strictest" in table[8].source  # pte_t return: its layout is not a type word


def test_no_dwarf_is_none(tmp_path):
    src = tmp_path / "a.s"
    src.write_text(".globl _start\n_start: hlt\n")
    subprocess.run(["as", "--64", "-o", tmp_path / "a.o", src], check=True)
    subprocess.run(["ld", "-o", tmp_path / "a", tmp_path / "a.o"], check=True)
    assert from_dwarf(str(tmp_path / "a"), X86_64, [0x401000]) is None


@pytest.mark.parametrize(("series", "arch", "slots"), [("6.1", X86_64, 84), ("6.1", I386, 13),
                                                        ("6.12", X86_64, 83)])
def test_builtin_tables(series, arch, slots):
    """Captured from Debian's debug kernels (6.1.0-50 amd64 and 686-pae, 6.12.117
    amd64); from_dwarf gives the same tables on those binaries."""
    table = builtin(series, arch)
    assert table is not None and len(table) == slots
    save_fl = next(op for op in table.values() if op.name == "irq.save_fl") if arch.bits == 64 else None
    if save_fl is not None:
        assert (save_fl.convention, save_fl.returns) == ("pv-callee-save", "u64")
    unlock = next(op for op in table.values() if op.name == "lock.queued_spin_unlock")
    assert unlock.convention == "pv-callee-save" and unlock.returns == "void"
    assert all(op.source == f"builtin {series}" for op in table.values()
               if "strictest" not in op.source)
    assert builtin("5.10", arch) is None
