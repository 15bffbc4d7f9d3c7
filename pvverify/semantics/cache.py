"""Caches, TLB and memory ordering: wbinvd, invd, invlpg, lfence/sfence/mfence, pause.

WBINVD writes back and invalidates, INVD invalidates *without* writing back:
different effects, so different trace events. INVLPG's event carries the
linear address of its operand. Fences and PAUSE order or delay accesses of a
single CPU's own program, which this sequential model already respects, so
they have no observable effect here.
"""

from __future__ import annotations

from pvverify.semantics.operands import Insn, effective_address
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
