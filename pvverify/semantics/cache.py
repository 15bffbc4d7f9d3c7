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


def wbinvd(st: PathState, ins: Insn) -> None:
    st.event("wbinvd", text=ins.text)


def invd(st: PathState, ins: Insn) -> None:
    st.event("invd", text=ins.text)


def invlpg(st: PathState, ins: Insn) -> None:
    st.event("invlpg", effective_address(st, ins, ins.operands[0]), text=ins.text)


def no_effect(st: PathState, ins: Insn) -> None:
    return None


HANDLERS = {
    "wbinvd": wbinvd, "invd": invd, "invlpg": invlpg,
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
    Rule("lfence / sfence / mfence / pause", ("lfence", "sfence", "mfence", "pause"),
         ("x86_64", "i386"), "-", "-", (), "- (ordering within one CPU's program, which a "
         "sequential model keeps)", "Vol. 2A LFENCE, MFENCE; Vol. 2B PAUSE, SFENCE",
         (Case("x86_64", "mfence\npause", events=(), cpu=True),)),
)
