"""Kernels of the seed era, assembled with GNU binutils for tests/test_seed.py.

No kernel of 2.6.23 - 4.12 with Xen's, lguest's or VMI's patcher can be fetched
here, so each is built in its era's layout, from the sources of that era (cited
in pvverify/kernel/seed.py and docs/domain.md 7):

- the ops as separate `pv_*_ops` structs, placed in `struct paravirt_patch_template`
  by the DWARF of a small C unit (with `paravirt_patch_site` carrying a clobber
  mask and `alt_instr` in the series' form: absolute pointers until 2.6.3x);
- `.parainstructions` records, sites through `pv_irq_ops` (i386 2.6.24: wrapped in
  `push %ecx; push %edx` .. `pop`, CLBR_EAX; 2.6.30+: callee-save, CLBR_RET_REG;
  x86_64 entry code: PV_SAVE_REGS(CLBR_NONE) around the call);
- native_patch's DEF_NATIVE templates, and the backend's init code storing its
  patcher into `pv_init_ops.patch` and its functions into the slots;
- the backend's own templates: Xen's xen-asm.S direct ops with ENDPATCH/RELOC,
  lguest's LGUEST_PATCH templates and `lguest_insns`, VMI's `vmi_nop`.

The hypercall below `check_events` is a stand-in (`out %al, $0xe9`), as in the
corpus's Xen entries: Xen fills `hypercall_page` at run time.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

MACROS = """
.macro fn name
.globl \\name
.type \\name,@function
\\name:
.endm
.macro endfn name
.size \\name, .-\\name
.endm
.macro obj name
.globl \\name
.type \\name,@object
.align 8
\\name:
.endm
"""

C_TYPES = """
typedef unsigned char u8; typedef unsigned short u16; typedef int s32;
struct paravirt_callee_save { void *func; };
"""
C_TAIL = """
struct pv_init_ops { unsigned (*patch)(u8 type, u16 clobber, void *insnbuf, unsigned long addr,
                                       unsigned len); };
struct pv_cpu_ops { void (*io_delay)(void); };
struct paravirt_patch_template { struct pv_init_ops pv_init_ops; struct pv_cpu_ops pv_cpu_ops;
                                 struct pv_irq_ops pv_irq_ops; };
struct paravirt_patch_site { u8 *instr; u8 instrtype; u8 len; u16 clobbers; };
int native_patch(struct paravirt_patch_template *t, struct paravirt_patch_site *p) { return p->len + !t; }
int apply_alternatives(struct alt_instr *a) { return a->instrlen; }
"""
# pv_irq_ops and alt_instr per era, between C_TYPES and C_TAIL
CALLEE_SAVE_IRQ = ("struct pv_irq_ops { struct paravirt_callee_save save_fl, restore_fl, irq_disable, "
                   "irq_enable; };")
PLAIN_IRQ = ("struct pv_irq_ops { void (*init_IRQ)(void); unsigned long (*save_fl)(void); "
             "void (*restore_fl)(unsigned long); void (*irq_disable)(void); void (*irq_enable)(void); };")
ALT_RELATIVE = ("struct alt_instr { s32 instr_offset; s32 repl_offset; u16 cpuid; u8 instrlen; "
                "u8 replacementlen; u8 padlen; } __attribute__((packed));")
ALT_POINTER = ("struct alt_instr { u8 *instr; u8 *replacement; u8 cpuid; u8 instrlen; u8 replacementlen; "
               "u8 pad; };")


def natives(bits: int, slot0: str = "") -> str:
    """native_* ops, DEF_NATIVE templates, the patch point and the tables' static contents."""
    ax, pushf, popf, q = ("%rax", "pushfq", "popfq", ".quad") if bits == 64 else ("%eax", "pushfl",
                                                                                 "popfl", ".long")
    arg = "%rdi" if bits == 64 else "%eax"
    ops = {"save_fl": f"{pushf}; pop {ax}", "restore_fl": f"push {arg}; {popf}", "irq_disable": "cli",
           "irq_enable": "sti"}
    out = [MACROS, ".text"]
    for op, body in ops.items():
        out.append(f"fn native_{op}\n {body}\n ret\nendfn native_{op}")
        out.append(f".globl start_pv_irq_ops_{op}, end_pv_irq_ops_{op}\n"
                   f"start_pv_irq_ops_{op}: {body}\nend_pv_irq_ops_{op}:")
    out.append("fn native_io_delay\n outb %al, $0x80\n ret\nendfn native_io_delay")
    out.append('.section .init.text,"ax"\nfn alternative_instructions\n ret\nendfn alternative_instructions\n'
               "fn check_bugs\n call alternative_instructions\n ret\nendfn check_bugs")
    out.append(f".data\nobj pv_init_ops\n {q} native_patch\nendfn pv_init_ops\nobj pv_cpu_ops\n"
               f" {q} native_io_delay\nendfn pv_cpu_ops\nobj pv_irq_ops\n {q} {slot0}native_save_fl, "
               "native_restore_fl, native_irq_disable, native_irq_enable\nendfn pv_irq_ops")
    return "\n".join(out) + "\n"


def records(bits: int, recs: list[tuple[str, int, str, int]]) -> str:
    """.parainstructions: (site label, patch-template slot, length, CLBR_* mask)."""
    q, pad = (".quad", "\n .skip 4") if bits == 64 else (".long", "")
    body = "".join(f" {q} {site}\n .byte {typ}, {ln}\n .short {mask}{pad}\n" for site, typ, ln, mask in recs)
    return '.section .parainstructions,"a"\n' + body


def link(tmp: Path, name: str, bits: int, c_src: str, s_src: str, banner: str) -> Path:
    c, s, o, co = tmp / f"{name}_c.c", tmp / f"{name}.s", tmp / f"{name}.o", tmp / f"{name}_c.o"
    c.write_text(c_src)
    s.write_text(f'{s_src}\n.section .rodata\nlinux_banner: .asciz "Linux version {banner}-test (fixture)"\n')
    m = ["-m64", "-mcmodel=kernel"] if bits == 64 else ["-m32"]
    subprocess.run(["gcc", "-c", "-g", "-O2", "-ffreestanding", "-fno-pic", *m, "-o", co, c], check=True)
    subprocess.run(["as", "--64" if bits == 64 else "--32", "-o", o, s], check=True)
    out = tmp / name
    subprocess.run(["ld", "-m", "elf_x86_64" if bits == 64 else "elf_i386", "-static", "-nostdlib",
                    "-Ttext=" + ("0xffffffff81000000" if bits == 64 else "0xc1000000"), "-o", out, o, co],
                   check=True, capture_output=True)
    return out


# x86_64 entry code: ENABLE_INTERRUPTS(CLBR_NONE) = PARA_SITE(..., PV_SAVE_REGS(CLBR_NONE);
# call *pv_irq_ops+X(%rip); PV_RESTORE_REGS(CLBR_NONE))
_REGS = ("rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11")
SAVE_ALL = "; ".join(f"push %{r}" for r in _REGS)
RESTORE_ALL = "; ".join(f"pop %{r}" for r in reversed(_REGS))

XEN_S = f"""
.text
.globl _start
_start:
s_save: call *pv_irq_ops+0
s_sti_entry: {SAVE_ALL}
 call *pv_irq_ops+24(%rip)
 {RESTORE_ALL}
s_sti_entry_end:
s_cli_entry: {SAVE_ALL}
 call *pv_irq_ops+16(%rip)
 {RESTORE_ALL}
s_cli_entry_end:
s_io: call *pv_cpu_ops+0
 hlt
fn xen_patch
 ret
endfn xen_patch
# xen-asm.S (v2.6.28 - v4.12): PER_CPU_VAR(xen_vcpu_info) is %gs:xen_vcpu_info;
# evtchn_upcall_pending is byte 0, evtchn_upcall_mask byte 1
.set xen_vcpu_info, 0x14040
fn xen_irq_enable_direct
 movb $0, %gs:xen_vcpu_info+1
 testb $0xff, %gs:xen_vcpu_info
 jz 1f
2: call check_events
1:
.globl xen_irq_enable_direct_end, xen_irq_enable_direct_reloc
xen_irq_enable_direct_end:
 ret
endfn xen_irq_enable_direct
.set xen_irq_enable_direct_reloc, @RELOC@
fn xen_irq_disable_direct
 movb $1, %gs:xen_vcpu_info+1
 @DISABLE@
.globl xen_irq_disable_direct_end, xen_irq_disable_direct_reloc
xen_irq_disable_direct_end:
 ret
endfn xen_irq_disable_direct
.set xen_irq_disable_direct_reloc, 0
fn xen_save_fl_direct
 testb $0xff, %gs:xen_vcpu_info+1
 setz %ah
 addb %ah, %ah
.globl xen_save_fl_direct_end, xen_save_fl_direct_reloc
xen_save_fl_direct_end:
 ret
endfn xen_save_fl_direct
.set xen_save_fl_direct_reloc, 0
fn xen_restore_fl_direct
 testw $0x200, %di
 setz %gs:xen_vcpu_info+1
 cmpw $0x0001, %gs:xen_vcpu_info
 jnz 1f
2: call check_events
1:
.globl xen_restore_fl_direct_end, xen_restore_fl_direct_reloc
xen_restore_fl_direct_end:
 ret
endfn xen_restore_fl_direct
.set xen_restore_fl_direct_reloc, 2b+1
fn check_events
 {SAVE_ALL}
 call xen_force_evtchn_callback
 {RESTORE_ALL}
 ret
endfn check_events
fn xen_force_evtchn_callback
 movl $17, %eax
 outb %al, $0xe9
 ret
endfn xen_force_evtchn_callback
fn xen_setup_vcpu_info_placement
 movq $xen_save_fl_direct, pv_irq_ops+0(%rip)
 movq $xen_restore_fl_direct, pv_irq_ops+8(%rip)
 movq $xen_irq_disable_direct, pv_irq_ops+16(%rip)
 movq $xen_irq_enable_direct, pv_irq_ops+24(%rip)
 ret
endfn xen_setup_vcpu_info_placement
.section .init.text,"ax"
fn xen_start_kernel
 movq $xen_patch, pv_init_ops(%rip)
 call xen_setup_vcpu_info_placement
 ret
endfn xen_start_kernel
"""
# template slots: pv_init_ops.patch 0, pv_cpu_ops.io_delay 1, pv_irq_ops 2..5 (callee-save)
XEN_RECORDS = [("s_save", 2, "7", 0x1), ("s_sti_entry", 5, "s_sti_entry_end - s_sti_entry", 0),
               ("s_cli_entry", 4, "s_cli_entry_end - s_cli_entry", 0), ("s_io", 1, "7", 0x1FF)]


def xen_kernel(tmp: Path, name: str, reloc: str = "2b+1", disable: str = "") -> Path:
    """Linux 3.16 x86_64 under Xen PV: RELOC(xen_irq_enable_direct, `reloc`), and
    `disable` appended to xen_irq_disable_direct before its ENDPATCH."""
    s = natives(64) + XEN_S.replace("@RELOC@", reloc).replace("@DISABLE@", disable) + records(64, XEN_RECORDS)
    s += '.section .altinstructions,"a"'
    return link(tmp, name, 64, C_TYPES + CALLEE_SAVE_IRQ + ALT_RELATIVE + C_TAIL, s, "3.16.0")


def _wrapped(label: str, off: int) -> str:
    """2.6.24 i386: PV_SAVE_REGS; call *pv_irq_ops.op; PV_RESTORE_REGS."""
    return f"{label}: push %ecx; push %edx; call *pv_irq_ops+{off}; pop %edx; pop %ecx\n"


LGUEST_S = ".text\n.globl _start\n_start:\n" + "".join(
    _wrapped(f"s_{op}", off) for op, off in (("save", 4), ("restore", 8), ("cli", 12), ("sti", 16))) + """
s_io: call *pv_cpu_ops
s_alt: nop; nop; nop
 hlt
# arch/x86/lguest/boot.c (v2.6.24): the ops on lguest_data.irq_enabled (offset 0)
fn lguest_save_fl
 movl lguest_data, %eax
 ret
endfn lguest_save_fl
fn lguest_restore_fl
 movl %eax, lguest_data
 ret
endfn lguest_restore_fl
fn lguest_irq_disable
 movl $0, lguest_data
 ret
endfn lguest_irq_disable
fn lguest_irq_enable
 movl $0x200, lguest_data
 ret
endfn lguest_irq_enable
fn lguest_patch
 ret
endfn lguest_patch
# i386_head.S: LGUEST_PATCH(name, insns...) = lgstart_##name: insns; lgend_##name:
.globl lgstart_cli, lgend_cli, lgstart_sti, lgend_sti, lgstart_popf, lgend_popf, lgstart_pushf, lgend_pushf
lgstart_cli: movl $0, lguest_data
lgend_cli:
lgstart_sti: movl $0x200, lguest_data
lgend_sti:
lgstart_popf: movl %eax, lguest_data
 @POPF@
lgend_popf:
lgstart_pushf: movl lguest_data, %eax
lgend_pushf:
.section .init.text,"ax"
fn lguest_init
 movl $lguest_patch, pv_init_ops
 movl $lguest_save_fl, pv_irq_ops+4
 movl $lguest_restore_fl, pv_irq_ops+8
 movl $lguest_irq_disable, pv_irq_ops+12
 movl $lguest_irq_enable, pv_irq_ops+16
 ret
endfn lguest_init
.section .altinstr_replacement,"ax"
r_alt: lfence
r_alt_end:
.data
obj lguest_data
 .long 0x200, 0, 0, 0
endfn lguest_data
.section .rodata
# static const struct lguest_insns { const char *start, *end; } lguest_insns[], by template slot
obj lguest_insns
 .long 0, 0, 0, 0, 0, 0
 .long lgstart_pushf, lgend_pushf, lgstart_popf, lgend_popf, lgstart_cli, lgend_cli, lgstart_sti, lgend_sti
endfn lguest_insns
.section .altinstructions,"a"
 .long s_alt, r_alt
 .byte 0x3a, 3, r_alt_end - r_alt, 0
"""
# template slots: patch 0, io_delay 1, init_IRQ 2, save_fl 3, restore_fl 4, irq_disable 5, irq_enable 6
LGUEST_RECORDS = [("s_save", 3, "10", 1), ("s_restore", 4, "10", 1), ("s_cli", 5, "10", 1),
                  ("s_sti", 6, "10", 1), ("s_io", 1, "6", 0xF)]


def lguest_kernel(tmp: Path, name: str, popf: str = "") -> Path:
    """Linux 2.6.24 i386 under lguest: `popf` appended to the lgstart_popf template."""
    s = natives(32, "0, ") + LGUEST_S.replace("@POPF@", popf) + records(32, LGUEST_RECORDS)
    return link(tmp, name, 32, C_TYPES + PLAIN_IRQ + ALT_POINTER + C_TAIL, s, "2.6.24")


VMI_S = """
.text
.globl _start
_start:
s_save: call *pv_irq_ops
s_cli: call *pv_irq_ops+8
s_io: call *pv_cpu_ops
 hlt
fn vmi_patch
 ret
endfn vmi_patch
# vmi_32.c: static void vmi_nop(void) { }
fn vmi_nop
 @NOP@
 ret
endfn vmi_nop
.section .init.text,"ax"
# activate_vmi, inlined: para_fill(pv_irq_ops.save_fl.func, GetInterruptMask) stores the ROM's
# entry on CALL_REL (a value from the ROM) and vmi_nop on NOP; irq_disable's ROM answers NOP
fn vmi_activate
 movl $vmi_patch, pv_init_ops
 call *vmi_rom_get_reloc
 cmpb $1, %al
 jne 1f
 movl %edx, pv_irq_ops
 jmp 2f
1: cmpb $2, %al
 jne 2f
 movl $vmi_nop, pv_irq_ops
2: movl $vmi_nop, pv_irq_ops+8
 ret
endfn vmi_activate
.data
obj vmi_rom_get_reloc
 .long 0
endfn vmi_rom_get_reloc
.section .altinstructions,"a"
"""
# template slots: patch 0, io_delay 1, pv_irq_ops 2..5 (callee-save: CLBR_RET_REG = eax|edx)
VMI_RECORDS = [("s_save", 2, "6", 5), ("s_cli", 4, "6", 5), ("s_io", 1, "6", 0xF)]


def vmi_kernel(tmp: Path, name: str, nop: str = "") -> Path:
    """Linux 2.6.33 i386 under VMI: `nop` prepended to vmi_nop's `ret`."""
    s = natives(32) + VMI_S.replace("@NOP@", nop) + records(32, VMI_RECORDS)
    alt = "struct alt_instr { u8 *instr; u8 *replacement; u16 cpuid; u8 instrlen; u8 replacementlen; };"
    return link(tmp, name, 32, C_TYPES + CALLEE_SAVE_IRQ + alt + C_TAIL, s, "2.6.33")
