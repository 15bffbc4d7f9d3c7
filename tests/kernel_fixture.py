"""Tiny kernels for the gate's tests, assembled and linked with GNU binutils.

Each holds what the gate reads from a real vmlinux: `linux_banner`, a
`pv_ops` table whose slots point at native functions (with `call __fentry__`
at entry and `jmp __x86_return_thunk` returns, as Debian's kernels have
them, one body reached through a retpoline thunk, one that makes a nested
paravirt call through the table, one that jumps into `.altinstr_aux`), indirect-call sites
through the table, and `.parainstructions` / `.altinstructions` records in the
6.1 or 6.12 layout.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

# pv_ops slots as in Linux 6.1 x86_64 (pvverify/data has the layout)
SAVE_FL, IRQ_DISABLE, IRQ_ENABLE, READ_CR2, FLUSH_LAZY = 30, 31, 32, 42, 77


@dataclass
class Alt:
    site: str          # label of the site
    replacement: str   # AT&T text
    flags: int = 1     # 6.12 ALT_FLAG_* / 6.1: 1 = inverted feature
    length: int = 8    # the record's instrlen (a nested group's inner entry is shorter)


def build(tmp: Path, bits: int, series: str, alts: list[Alt], name: str = "vmlinux",
          para: bool = True, extra_objects: list[Path] = (), lock: bool = False, extra: str = "",
          cover: bool = False, debug: bool = False, clobbers: dict[str, int] | None = None) -> Path:
    """`series`: "5.10" (absolute `call *pv_ops+off` sites, 12-byte records aligned to 8),
    "6.1", "6.12" or "7.2" (records for .altinstructions only); `lock`: a 7.x
    `pv_ops_lock` with a queued_spin_unlock site; `extra`: more .text; `cover`: a
    direct-call alternative for every site no other record covers; debug: assemble
    with DWARF 5 line tables (a source line per instruction of the .s); clobbers:
    the CLBR_* mask a "5.2"-style record carries per site label (default CLBR_ANY)."""
    old = series in ("5.10", "5.2")
    q = ".quad" if bits == 64 else ".long"
    ax, cx = ("%rax", "%rcx") if bits == 64 else ("%eax", "%ecx")
    pushf, pop = ("pushfq", "popq") if bits == 64 else ("pushfl", "popl")
    ret = "jmp __x86_return_thunk"
    sp = "%rsp" if bits == 64 else "%esp"
    rp = f"__x86_indirect_thunk_{ax[1:]}"
    # native_irq_enable reaches its body through a retpoline, as a call through
    # a function pointer compiles with CONFIG_RETPOLINE
    retpoline_call = (" push %rax\n lea real_irq_enable(%rip), %rax\n call __x86_indirect_thunk_rax\n"
                      " pop %rax" if bits == 64 else
                      " push %eax\n mov $real_irq_enable, %eax\n call __x86_indirect_thunk_eax\n pop %eax")

    def slot(n: int) -> str:
        return f"pv_ops+{n * bits // 8}" + ("(%rip)" if bits == 64 and not old else "")

    def fn(label: str, body: str) -> str:
        return (f".globl {label}\n.type {label},@function\n{label}:\n call __fentry__\n{body}\n"
                f" {ret}\n.size {label}, .-{label}\n")

    ops = {SAVE_FL: "native_save_fl", IRQ_DISABLE: "native_irq_disable",
           IRQ_ENABLE: "native_irq_enable", READ_CR2: "native_read_cr2", FLUSH_LAZY: "_paravirt_nop"}
    sites = [("s_save", SAVE_FL), ("s_cli", IRQ_DISABLE), ("s_sti", IRQ_ENABLE), ("s_cr2", READ_CR2),
             ("s_nop", FLUSH_LAZY)]
    text = [".text", ".globl _start", "_start:"]
    pad = " .byte 0x90" if old and bits == 64 else " .byte 0x90, 0x90"
    for label, n in sites:
        text.append(f"{label}: call *{slot(n)}\n{pad}")
    if lock:
        text.append("s_unlock: call *pv_ops_lock+8(%rip)\n .byte 0x90, 0x90")
    text.append(extra)
    text.append(" hlt")
    # native_save_fl tests a feature bit the way static_cpu_has() does before
    # alternatives run: a jump into .altinstr_aux, code outside any function symbol
    text += [fn("native_save_fl", f" {pushf}\n {pop} {ax}\n jmp save_fl_aux\nsave_fl_back:"),
             fn("native_irq_disable", " jmp irq_disable_tail"),
             fn("irq_disable_tail", " cli"),
             fn("native_irq_enable", retpoline_call),
             fn("real_irq_enable", " sti"),
             fn("native_read_cr2", f"n_cr2: call *{slot(SAVE_FL)}\n mov %cr2, {ax}"),
             ".globl _paravirt_nop\n.type _paravirt_nop,@function\n_paravirt_nop:\n "
             f"{ret}\n.size _paravirt_nop, .-_paravirt_nop",
             ".globl __fentry__\n.type __fentry__,@function\n__fentry__: ret\n.size __fentry__, 1",
             ".globl __x86_return_thunk\n__x86_return_thunk: ret\n int3",
             # a retpoline, as CONFIG_RETPOLINE builds it
             f".globl {rp}\n.type {rp},@function\n{rp}:\n call 1f\n2: pause\n lfence\n jmp 2b\n"
             f"1: mov {ax}, ({sp})\n ret\n.size {rp}, .-{rp}"]
    data = [".data", ".globl pv_ops", ".type pv_ops,@object", ".align 8", "pv_ops:"]
    data += [f" {q} {ops.get(i, 0)}" for i in range(84)]
    data += [".size pv_ops, .-pv_ops"]
    if lock:
        text.append(fn("native_queued_spin_unlock", " movb $0, (%rdi)"))
        data += [".globl pv_ops_lock", ".type pv_ops_lock,@object", "pv_ops_lock:",
                 " .quad 0, native_queued_spin_unlock, 0, 0, 0", ".size pv_ops_lock, .-pv_ops_lock"]
    data += [".section .rodata", ".globl linux_banner", "linux_banner:",
             f' .asciz "Linux version {series}.0-test (fixture)"']
    if para and series == "6.1":
        data.append(".section .parainstructions,\"a\"")
        for label, n in sites:
            data.append(f" {q} {label}\n .byte {n}, 8" + ("\n .skip 6" if bits == 64 else "\n .skip 2"))
        # the nested paravirt call in native_read_cr2 has its record too, as PVOP calls do
        data.append(f" {q} n_cr2\n .byte {SAVE_FL}, 6" + ("\n .skip 6" if bits == 64 else "\n .skip 2"))
    elif para and old:
        # 5.10's _paravirt_alt: .align 8; ptr site; .byte type, len; .short clobbers
        # (5.10's struct paravirt_patch_site has no clobbers member; 5.2's has)
        data.append(".section .parainstructions,\"a\"")
        for label, n in [*sites, ("n_cr2", SAVE_FL)]:
            ln = (8 if label != "n_cr2" else 7) if bits == 64 else (8 if label != "n_cr2" else 6)
            mask = (clobbers or {}).get(label, 0x1FF if bits == 64 else 0xF)
            data.append(f" .balign 8\n {q} {label}\n .byte {n}, {ln}\n .short {mask}")
    elif para and series == "6.6":
        # the packed relative form: s32 instr_offset; u8 type; u8 len
        data.append(".section .parainstructions,\"a\"")
        for label, n in [*sites, ("n_cr2", SAVE_FL)]:
            data.append(f" .long {label} - .\n .byte {n}, {8 if label != 'n_cr2' else 6}")
    if series not in ("6.1", "5.10", "5.2", "6.6"):
        alts = [*alts, Alt("n_cr2", "nop", flags=2, length=6)]
        if cover:
            have = {a.site for a in alts}
            alts += [Alt(label, "nop", flags=2) for label, _ in sites if label not in have]
    repl = [".section .altinstr_aux,\"ax\"", "save_fl_aux: testb $1, linux_banner\n jnz save_fl_back\n"
            " jmp save_fl_back", ".section .altinstr_replacement,\"ax\""]
    data.append(".section .altinstructions,\"a\"")
    for i, a in enumerate(alts):
        repl.append(f"r{i}: {a.replacement}\nr{i}_end:")
        if series in ("6.1", "5.10", "5.2"):
            cpuid = (0x8000 if a.flags & 1 else 0) | (8 * 32 + 16)
            data.append(f" .long {a.site} - .\n .long r{i} - .\n .word {cpuid}\n"
                        f" .byte {a.length}, r{i}_end - r{i}")
        else:
            data.append(f" .long {a.site} - .\n .long r{i} - .\n .long {(a.flags << 16) | (8 * 32 + 16)}\n"
                        f" .byte {a.length}, r{i}_end - r{i}")
    src = tmp / f"{name}.s"
    src.write_text("\n".join(text + data + repl) + "\n")
    obj = tmp / f"{name}.o"
    out = tmp / name
    subprocess.run(["as", "--64" if bits == 64 else "--32", *(["--gdwarf-5"] if debug else []),
                    "-o", obj, src], check=True)
    base = "0xffffffff81000000" if bits == 64 else "0xc1000000"
    subprocess.run(["ld", "-m", "elf_x86_64" if bits == 64 else "elf_i386", "-static", "-nostdlib",
                    f"-Ttext={base}", "-o", out, obj, *extra_objects], check=True)
    return out


def assemble_to(source: str, s: Path, out: Path) -> Path:
    """`as --64` of `source` (written to `s`) into `out`, its directory made."""
    s.write_text(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["as", "--64", "-o", out, s], check=True)
    return out


def build_module(tmp: Path, bits: int, alts: list[Alt], name: str = "mod", extra: str = "",
                 debug: bool = False, modinfo: str = "") -> Path:
    """A 6.1 module object: paravirt sites through the kernel's `pv_ops` (an
    undefined symbol, so on x86_64 a PC32 relocation that only reaches it from
    the module area), with .parainstructions and .altinstructions records.
    debug: with DWARF 5 line tables (relocatable: .rela.debug_line and friends);
    modinfo: a .modinfo string (`vermagic=...`)."""
    q = ".quad" if bits == 64 else ".long"
    sites = [("m_save", SAVE_FL), ("m_cli", IRQ_DISABLE), ("m_nop", FLUSH_LAZY)]
    text = [".text", ".globl init_module", ".type init_module,@function", "init_module:"]
    for label, n in sites:
        text.append(f"{label}: call *pv_ops+{n * bits // 8}" + ("(%rip)" if bits == 64 else "")
                    + "\n .byte 0x90, 0x90")
    text.append(extra)
    text.append(" ret\n.size init_module, .-init_module")
    data = [".section .parainstructions,\"a\""]
    for label, n in sites:
        data.append(f" {q} {label}\n .byte {n}, 8" + ("\n .skip 6" if bits == 64 else "\n .skip 2"))
    repl = [".section .altinstr_replacement,\"ax\""]
    data.append(".section .altinstructions,\"a\"")
    for i, a in enumerate(alts):
        repl.append(f"r{i}: {a.replacement}\nr{i}_end:")
        data.append(f" .long {a.site} - .\n .long r{i} - .\n .word {0x8000 | (8 * 32 + 16)}\n"
                    f" .byte 8, r{i}_end - r{i}")
    if modinfo:
        data.append(f'.section .modinfo,"a"\n .asciz "{modinfo}"')
    src = tmp / f"{name}.s"
    src.write_text("\n".join(text + data + repl) + "\n")
    out = tmp / f"{name}.ko"
    subprocess.run(["as", "--64" if bits == 64 else "--32", *(["--gdwarf-5"] if debug else []),
                    "-o", out, src], check=True)
    return out
