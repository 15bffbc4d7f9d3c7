"""How the analysis classes x86 instructions and names registers (capstone's Intel
names), and the few instructions this capstone does not decode."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from capstone import x86

from pvverify.semantics.operands import att_text

NO_EFFECT = {"nop", "endbr64", "endbr32", "pause", "lfence", "mfence", "sfence", "hlt",
              "clflush", "clflushopt", "clwb", "invlpg", "prefetch", "prefetchw", "prefetcht0",
              "prefetcht1", "prefetcht2", "prefetchnta", "serialize", "lkgs"}
TRAPS = {"ud2", "int3", "ud1", "ud0"}
# hypercalls: an event under the hypervisor's ABI (assumptions.HYPERCALL)
HYPERCALLS = {"vmcall", "vmmcall", "syscall"}
REFUSE = {  # leave the kernel, far transfers, stack-segment games: no proof from this method
    "sysenter", "sysret", "sysretq", "sysexit", "sysexitq",
    "int", "int1", "into", "lcall", "ljmp", "retf", "retfq", "lret", "lretq", "enter", "lss",
    "vmrun", "vmload", "vmsave", "vmlaunch", "vmresume", "rsm",
    "clzero", "maskmovq", "maskmovdqu", "vmaskmovdqu", "xlatb", "xlat", "movdir64b", "enqcmd",
    "enqcmds", "pushal", "popal", "pushaw", "popaw", "pusha", "popa", "bound",
}
# memory operands whose size capstone under-reports: any stack-addressed use is refused
BIG = {"xsave", "xsave64", "xsaveopt", "xsaveopt64", "xsaves", "xsaves64", "xsavec", "xsavec64",
        "xrstor", "xrstor64", "xrstors", "xrstors64"}
# ... or whose size it reports differently from the SDM's (Vol. 2 of each instruction)
SIZE = {"fxsave": 512, "fxsave64": 512, "fxrstor": 512, "fxrstor64": 512, "fnsave": 108,
         "fsave": 108, "frstor": 108, "fnstenv": 28, "fstenv": 28, "fldenv": 28,
         "cmpxchg16b": 16, "cmpxchg8b": 8, "invpcid": 16, "invept": 16, "invvpid": 16,
         "vmptrld": 8, "vmptrst": 8, "vmclear": 8, "vmxon": 8}
READS_ONLY = {"cmp", "test", "bt", "ptest", "vptest", "comiss", "comisd", "ucomiss", "ucomisd",
               "lgdt", "lidt", "lldt", "ltr", "verr", "verw", "prefetcht0", "clflush"}
STORES = {"mov", "movabs", "movq", "movd", "movl", "movnti", "movaps", "movups", "movapd", "movupd",
           "movdqa", "movdqu", "vmovdqa", "vmovdqu", "vmovaps", "vmovups", "sgdt", "sidt", "str",
           "sldt", "smsw", "fnstcw", "fnstsw", "stmxcsr", "vstmxcsr", "fxsave", "fxsave64", "fnstenv",
           "movbe"} | {p + s for p in ("movs", "stos") for s in "bwdq"}


MOVES = {"mov", "movd", "movl", "movnti"}
# unsigned conditions after `cmp reg, imm`: (taken, not taken)
UNSIGNED = {"jb": ("<", ">="), "jae": (">=", "<"), "jbe": ("<=", ">"), "ja": (">", "<=")}
EXTENDS = {"movzx", "movsx", "movsxd"}


def addrs_read_value(ins) -> bool:
    """The instruction's source is memory (not a register)."""
    return ins.operands[1].type == x86.X86_OP_MEM


def pure_write(mn: str) -> bool:
    """The first operand is only written (its old value does not flow anywhere)."""
    return mn in STORES or mn.startswith("set") and mn != "setssbsy"


TABLES = {"lgdt", "lidt", "sgdt", "sidt"}  # 10 bytes in 64-bit mode, 6 in 32-bit
STRING = {p + s for p in ("movs", "stos", "lods", "cmps", "scas") for s in "bwdq"} | \
    {"insb", "insw", "insd", "outsb", "outsw", "outsd"}
CALLEE_SAVED = {64: {"rbx", "rbp", "rsp", "r12", "r13", "r14", "r15"},
                 32: {"ebx", "esi", "edi", "ebp", "esp"}}
ARGS = {64: ("rdi", "rsi", "rdx", "rcx", "r8", "r9"), 32: ("eax", "edx", "ecx")}
JCC = ("jo", "jno", "jb", "jae", "je", "jne", "jbe", "ja", "js", "jns", "jp", "jnp", "jl", "jge",
        "jle", "jg", "jrcxz", "jecxz", "jcxz", "loop", "loope", "loopne")


@functools.cache
def full_reg(name: str, bits: int) -> str:
    """A register's full-width name (al, ax, eax -> rax); others as they are."""
    n = name.lower()
    legacy = {"al": "ax", "ah": "ax", "bl": "bx", "bh": "bx", "cl": "cx", "ch": "cx", "dl": "dx",
              "dh": "dx", "sil": "si", "dil": "di", "bpl": "bp", "spl": "sp"}
    if n in legacy:
        n = legacy[n]
    if n in ("ax", "bx", "cx", "dx", "si", "di", "bp", "sp"):
        return ("r" if bits == 64 else "e") + n
    if n[0] == "e" and n[1:] in ("ax", "bx", "cx", "dx", "si", "di", "bp", "sp"):
        return ("r" if bits == 64 else "e") + n[1:]
    if n[0] == "r" and n[1:] in ("ax", "bx", "cx", "dx", "si", "di", "bp", "sp"):
        return n
    if n.startswith("r") and n[1:].rstrip("bwd").isdigit():
        return n.rstrip("bwd")
    if n[:3] in ("xmm", "ymm", "zmm"):
        return "vec" + n[3:]
    return n


def partial_reg(name: str) -> bool:
    """A write to this register keeps the rest of the full register."""
    n = name.lower()
    return n in ("al", "ah", "bl", "bh", "cl", "ch", "dl", "dh", "sil", "dil", "bpl", "spl",
                 "ax", "bx", "cx", "dx", "si", "di", "bp", "sp") or (n.startswith("r") and n[-1] in "bw"
                                                                         and n[1:-1].isdigit())


@dataclass(frozen=True)
class RawInsn:
    """An instruction capstone does not decode, decoded here (register forms only)."""

    address: int
    size: int
    mnemonic: str
    op_str: str


def undecoded(code: bytes, pc: int, bits: int) -> RawInsn | None:
    """LKGS r16 (F2 0F 00 /6, mod = 3; Intel SDM Vol. 2A, LKGS): loads the swapped GS
    base from a descriptor table; it touches no memory the stack pointer reaches.
    SERIALIZE likewise (this capstone does not decode either)."""
    if len(code) >= 4 and code[0] == 0xF2 and code[1:3] == b"\x0f\x00" \
            and (code[3] >> 3) & 7 == 6 and code[3] >> 6 == 3:
        return RawInsn(pc, 4, "lkgs", f"r{code[3] & 7}")
    if code[:3] == b"\x0f\x01\xe8":  # SERIALIZE (NP 0F 01 E8; SDM Vol. 2B): no operands
        return RawInsn(pc, 3, "serialize", "")
    return None


def segment_operand(md, ops) -> bool:
    return any(o.type == x86.X86_OP_REG and md.reg_name(o.reg) in ("cs", "ds", "es", "fs", "gs", "ss")
               for o in ops)


def att(ins, bits: int) -> str:
    """AT&T, as reasons quote instructions everywhere (capstone's decoder here is Intel)."""
    code = bytes(getattr(ins, "bytes", b""))
    return (att_text(code, ins.address, bits) if code else "") or f"{ins.mnemonic} {ins.op_str}".strip()



