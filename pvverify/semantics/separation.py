"""The dead stack: the area below the entry stack pointer, which no pointer but
the stack pointer reaches (the separation assumption every proof makes; see
check.ASSUMED), and how to tell a value derived from an input constant.

Here rather than beside the observables because path states use it while
executing (an access is classed as it is made), and the instruction layer
must not reach up into the layer that decides what is compared."""

from __future__ import annotations

import z3

# The dead stack below the entry stack pointer (docs/domain.md 2: no red zone; the
# original's `call` writes there). Kernel stacks are 8-32 KiB, so no live
# data of the caller is closer than this below its stack pointer.
DEAD_STACK = 64 * 1024


def mentions(e: z3.ExprRef, name: str, memo: dict[int, bool] | None = None) -> bool:
    """Does e compute from the input constant `name`? A byte of the initial
    memory does not, whatever address it was read from: it is a value the
    caller stored, and the caller holds no pointer into the dead stack."""
    memo = {} if memo is None else memo
    key = e.get_id()
    if key in memo:
        return memo[key]
    if z3.is_select(e):
        hit = False
    elif z3.is_const(e) and e.decl().kind() == z3.Z3_OP_UNINTERPRETED:
        hit = e.decl().name() == name
    else:
        hit = any(mentions(c, name, memo) for c in e.children())
    memo[key] = hit
    return hit
