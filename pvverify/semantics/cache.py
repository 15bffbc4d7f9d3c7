"""Caches, TLB and memory ordering: wbinvd, invd, invlpg, lfence/sfence/mfence, pause.

WBINVD writes back and invalidates, INVD invalidates *without* writing back:
different effects, so different trace events. INVLPG's event carries the
linear address of its operand. Fences and PAUSE order or delay accesses of a
single CPU's own program, which this sequential model already respects, so
they have no observable effect here.
"""

from __future__ import annotations

from pvverify.semantics.operands import Insn, effective_address
from pvverify.semantics.rules import Case, Rule
from pvverify.semantics.state import PathState
from pvverify.x86.bits import CR4_PCIDE


def wbinvd(st: PathState, ins: Insn) -> None:
    st.event("wbinvd", text=ins.text)


def invd(st: PathState, ins: Insn) -> None:
    st.event("invd", text=ins.text)


def invlpg(st: PathState, ins: Insn) -> None:
    st.event("invlpg", effective_address(st, ins, ins.operands[0]), text=ins.text)


def _invpcid_operands(st: PathState, ins: Insn):
    kind = st.reg(ins.reg_name(ins.operands[0].reg))
    addr = effective_address(st, ins, ins.operands[1])
    low, high = st.load(addr, 8), st.load(addr + 8, 8)
    return kind, low, high


def _invpcid_faults(st: PathState, ins: Insn) -> list:
    """SDM Vol. 2A INVPCID, #GP(0): type > 3; descriptor bits 63:12 set; type 0
    with a non-canonical address (64-bit mode); type 0 or 1 with a nonzero PCID
    while CR4.PCIDE = 0. (#UD without CPUID.INVPCID: the feature is assumed.)"""
    import z3

    from pvverify.semantics.exits import canonical
    kind, low, high = _invpcid_operands(st, ins)
    w = kind.size()
    pcide = (st.reg("cr4") & CR4_PCIDE) != 0
    bad = [z3.UGT(kind, z3.BitVecVal(3, w)), z3.Extract(63, 12, low) != 0,
           z3.And(z3.ULE(kind, z3.BitVecVal(1, w)), z3.Not(pcide), z3.Extract(11, 0, low) != 0)]
    if st.inputs.arch.bits == 64:
        bad.append(z3.And(kind == 0, z3.Not(canonical(st, high))))
    return [(z3.Or(bad), "fault:#GP")]


def invpcid(st: PathState, ins: Insn) -> None:
    """The event carries what the type invalidates and nothing else: type 0 one
    address of one PCID, 1 one PCID, 2 everything including global entries, 3
    everything but global entries (the PCID and address are 0 where unused)."""
    import z3
    kind, low, high = _invpcid_operands(st, ins)
    t = z3.Extract(1, 0, kind)
    pcid = z3.If(z3.ULE(kind, z3.BitVecVal(1, kind.size())), z3.Extract(11, 0, low),
                 z3.BitVecVal(0, 12))
    lin = z3.Extract(st.inputs.arch.bits - 1, 0, high)
    lin = z3.If(kind == 0, lin, z3.BitVecVal(0, lin.size()))
    st.event("invpcid", t, pcid, lin, text=ins.text)


def no_effect(st: PathState, ins: Insn) -> None:
    return None


FAULTS = {"invpcid": _invpcid_faults}
HANDLERS = {
    "wbinvd": wbinvd, "invd": invd, "invlpg": invlpg, "invpcid": invpcid,
    "lfence": no_effect, "sfence": no_effect, "mfence": no_effect, "pause": no_effect,
}

RULES: tuple[Rule, ...] = (
    Rule("wbinvd", ("wbinvd",), ("x86_64", "i386"), "-", "caches written back and invalidated", (),
         "wbinvd", "Vol. 2D WBINVD",
         (Case("x86_64", "wbinvd", events=(("wbinvd",),), cpu=True),)),
    Rule("invd", ("invd",), ("x86_64", "i386"), "-", "caches invalidated without write-back", (),
         "invd (never equal to wbinvd)", "Vol. 2A INVD",
         (Case("i386", "invd", events=(("invd",),), cpu=True),)),
    Rule("invlpg m", ("invlpg",), ("x86_64", "i386"), "the operand's linear address",
         "TLB entries for that page (current PCID and global)", (), "invlpg(linear address)",
         "Vol. 2A INVLPG; Vol. 3A 4.10.4.1",
         (Case("x86_64", "invlpg 8(%rdi)", (("rdi", 0xFFFF888000100000),),
               events=(("invlpg", 0xFFFF888000100008),), cpu=True),)),
    Rule("invpcid r, m128", ("invpcid",), ("x86_64", "i386"),
         "the type (register), the descriptor (PCID in bits 11:0, linear address in 127:64), CR4.PCIDE",
         "TLB entries: type 0 one address of one PCID, 1 one PCID (non-global), 2 all, 3 all but global",
         (("type > 3", "#GP(0)"), ("descriptor bits 63:12 set", "#GP(0)"),
          ("type 0, address not canonical (64-bit)", "#GP(0)"),
          ("type 0/1, PCID != 0, CR4.PCIDE = 0", "#GP(0)"),
          ("CPUID.INVPCID = 0", "#UD (the CPU's feature: assumed present)")),
         "invpcid(type, PCID or 0, address or 0)", "Vol. 2A INVPCID; Vol. 3A 4.10.4.1",
         (Case("x86_64", "invpcid (%rdi), %rax",
               (("rdi", 0xFFFF888000100000), ("rax", 2), ("mem:0xffff888000100000", 5)),
               events=(("invpcid", 2, 0, 0),), cpu=True),
          Case("x86_64", "invpcid (%rdi), %rax",
               (("rdi", 0xFFFF888000100000), ("rax", 1), ("mem:0xffff888000100000", 5)),
               stop="fault:#GP", cpu=True),
          Case("x86_64", "invpcid (%rdi), %rax",
               (("cr4", 0x20020), ("rdi", 0xFFFF888000100000), ("rax", 0),
                ("mem:0xffff888000100000", 5), ("mem:0xffff888000100008", 0x10)),
               events=(("invpcid", 0, 5, 0x10),), cpu=True),
          Case("i386", "invpcid (%eax), %ecx", (("eax", 0xC8100000), ("ecx", 4)),
               stop="fault:#GP", cpu=True))),
    Rule("lfence / sfence / mfence / pause", ("lfence", "sfence", "mfence", "pause"),
         ("x86_64", "i386"), "-", "-", (), "- (ordering within one CPU's program, which a "
         "sequential model keeps)", "Vol. 2A LFENCE, MFENCE; Vol. 2B PAUSE, SFENCE",
         (Case("x86_64", "mfence\npause", events=(), cpu=True),)),
)
