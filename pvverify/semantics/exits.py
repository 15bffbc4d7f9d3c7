"""hlt, and the instructions that leave the kernel or trap: sysret, sysexit, iret, int3, ud2.

HLT is a trace event carrying the interrupt window (could an interrupt have
been taken since interrupts were enabled: DOMAIN.md 3); execution continues
after it. SYSRET/SYSEXIT/IRET end the path: what is compared is the state
they leave from and the exit kind. INT3/UD2 trap: the path ends there too.
"""

from __future__ import annotations

import z3

from pvverify.semantics.operands import Insn
from pvverify.semantics.state import PathState


def _window(st: PathState) -> z3.BitVecRef:
    w = st.window if st.window is not None else st.flag("if") == 1
    return z3.If(w, z3.BitVecVal(1, 1), z3.BitVecVal(0, 1))


def hlt(st: PathState, ins: Insn) -> None:
    st.event("hlt", _window(st), text=ins.text)


def _leave(kind: str, windowed: bool):
    def leave(st: PathState, ins: Insn) -> None:
        st.event(kind, *((_window(st),) if windowed else ()), text=ins.text)
        st.end = f"left-kernel:{kind}"
    return leave


def _trap(kind: str):
    def trap(st: PathState, ins: Insn) -> None:
        st.end = f"trap:{kind}"
    return trap


HANDLERS = {
    "hlt": hlt,
    "sysret": _leave("sysret", True), "sysretq": _leave("sysret", True),
    "sysexit": _leave("sysexit", True), "sysexitq": _leave("sysexit", True),
    "iret": _leave("iret", False), "iretd": _leave("iret", False), "iretq": _leave("iret", False),
    "int3": _trap("int3"), "ud2": _trap("ud2"),
}
