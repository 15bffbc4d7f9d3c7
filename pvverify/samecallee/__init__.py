"""Does a function's behaviour depend on its own return-address slot?

An abstract interpretation over the function's control flow (and that of the
callees it reaches, each analysed once per abstract entry state in its own frame
where that is its analysis in the context of its call, else in that context:
`summaries`), run to a fixpoint rather than unrolled, so loops are covered. It
tracks:

- the stack pointer, as an exact offset from its value at the function's entry
  (the return-address slot is [0, width));
- for every register and every stack slot at a known offset, what kind of
  value it holds: a constant, a value not derived from the stack pointer, a
  stack pointer at a known offset, that or no stack address (`c ? &local : NULL`),
  or a stack-derived value of unknown offset;
- whether a stack-derived value was stored where other code could load it
  (global memory, the caller's frame).

The property proved is noninterference: no instruction reads, writes, copies or
compares the bytes of the return-address slot, except the final `ret` (or
`jmp __x86_return_thunk`) at entry depth that consumes it. Two runs that start
from states differing only in that slot then execute the same instructions
with the same values and differ, at the end, only in that (dead) slot and in
where the `ret` went. Anything the analysis cannot bound is a refusal naming
the instruction; it never guesses.

Soundness rests on the separation assumption every proof already makes (no
pointer but the stack pointer points below the entry stack pointer; see
check.ASSUMED), plus, only where used, the stated assumptions about callees
whose code is not available (`Proof.assumptions`).

The package: `method` (which outcomes the method applies to, and its Result), `values`
(the abstract values and their join), `abstract_state` (the state at
an instruction, its join and widening), `instructions` (how instructions are
classed), `assumptions` (what a proof may rest on, and the Proof / NoProof it ends
in), `analysis` (the fixpoint and the per-instruction dispatch), `summaries`
(callee summaries: when one stands for a call, and why that is sound) with `frames`
(a call's state rewritten into the callee's frame and back) and `entry_values`
(the stand-ins a summary's run starts from), and the mixins it is made of:
`memory` (operand addresses, loads, stores, and the refusal of any access that may
reach the slot), `flow` (branches, calls, returns, context switches), `stack`
(push, pop, leave, word moves, realignment) and `integers` (constants, loop
counters, `lea`, compare-and-branch bounds).
"""

from pvverify.samecallee.analysis import analyse
from pvverify.samecallee.assumptions import (
           CONTEXT_SWITCH,
           NORETURN,
           OBJECT_ARITHMETIC,
           RECURSION,
           STACK_ALIGNED,
           STACK_CANARY,
           STACK_OBJECT,
           TAIL_CALL,
           TRAP,
           UNKNOWN_CALLEE,
           UNKNOWN_TAIL,
           NoProof,
           Proof,
)

__all__ = ["CONTEXT_SWITCH", "NORETURN", "OBJECT_ARITHMETIC", "RECURSION", "STACK_ALIGNED",
           "STACK_CANARY", "STACK_OBJECT", "TAIL_CALL", "TRAP", "UNKNOWN_CALLEE", "UNKNOWN_TAIL", "NoProof",
           "Proof", "analyse"]
