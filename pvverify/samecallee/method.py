"""The same-callee method: a direct call to the function the slot already holds.

When the replacement is `call F` (NOP-padded) and the original's `call *slot`
reaches F through a slot that holds F, both paths run F from one state. They
differ only in the return address each call pushes (site+6 against site+5 on
x86_64) and in the bytes of the site itself. F's return-address slot is
therefore the only input that differs; if F never reads, writes, copies or
compares it except through the `ret` that consumes it (samecallee.analysis.analyse proves
that), both `ret`s land on the NOPs that lead to the site's end, and every
observable is equal except the dead return-address bytes below the entry stack
pointer. Exploring F (loops, callees past the bound, instructions without
modelled semantics) is then unnecessary.

`shape` recognises the pair; `decide` runs the proof and returns a Result, or
the reason (naming the instruction) why this method gives none.
"""

from __future__ import annotations

from dataclasses import dataclass

from capstone import x86

from pvverify import samecallee as frame
from pvverify.program import Program, SitePair
from pvverify.samecallee import NoProof, analyse
from pvverify.verdict import Result
from pvverify.x86.decode import decoder

METHOD = "same-callee"

GHOST = [
    "same-callee: the return address each call leaves below the entry stack pointer "
    "(site+len(call) against site+5) is dead stack and not compared",
    "same-callee: the return stack buffer and other branch-predictor state, which hold the "
    "differing return addresses, are not compared",
    "same-callee: with call-depth tracking, the accounting thunks the kernel patches in count "
    "both calls alike (each is one call to F); their counter is not otherwise compared",
]


# what a gate row (which carries no assumption list) says a proof relied on
SHORT = {
    frame.UNKNOWN_CALLEE: "unknown callees behave as C functions",
    frame.TAIL_CALL: "jumps out of the analysed code are tail calls",
    frame.UNKNOWN_TAIL: "a tail-called unknown function uses its return address only to return",
    frame.RECURSION: "recursion as an unknown callee",
    frame.NORETURN: "calls with nothing after them do not return",
    frame.OBJECT_ARITHMETIC: "addresses handed back point into objects",
    frame.STACK_OBJECT: "arithmetic on a stack address stays in its object",
    frame.STACK_ALIGNED: "the stack pointer is width-aligned at entry",
    frame.CONTEXT_SWITCH: "a context switch returns to this task with its stack as it left it",
    frame.TRAP: "a trap ends the comparison",
    frame.STACK_CANARY: "the stack canary is the task's own throughout",
}


@dataclass(frozen=True)
class Shape:
    """Why the pair is a same-callee pair: F and where each call returns."""

    target: int
    original_return: int
    replacement_return: int


def _nops_to_exit(prog: Program, pc: int) -> bool:
    md = decoder(prog.arch)
    while pc != prog.exit:
        code = prog.fetch(pc, min(15, prog.exit - pc))
        ins = next(md.disasm(code, pc, count=1), None) if code else None
        if ins is None or not ins.mnemonic.startswith("nop"):
            return False
        pc += ins.size
    return True


def _first(pair: SitePair, mnemonic: str):
    """Both sides' first instructions when both are `mnemonic` (direct in the
    replacement, through memory in the original), else None."""
    md = decoder(pair.arch)
    repl = next(md.disasm(pair.replacement.fetch(pair.site, 15), pair.site, count=1), None)
    orig = next(md.disasm(pair.original.fetch(pair.site, 15), pair.site, count=1), None)
    if repl is None or orig is None or repl.mnemonic != mnemonic or orig.mnemonic != mnemonic:
        return None
    return repl, orig


def _slot(pair: SitePair, orig) -> int | None:
    """The slot `call/jmp *slot` reads (absolute or rip-relative), or None."""
    m = orig.operands[0].mem
    if m.index != 0 or m.segment != 0:
        return None
    if m.base == x86.X86_REG_RIP:
        return (orig.address + orig.size + m.disp) & pair.arch.mask
    return m.disp & pair.arch.mask if m.base == 0 else None


def _holds(pair: SitePair, slot: int, f: int) -> bool:
    held = dict(pair.preset).get(slot)
    w = pair.arch.width
    return held is not None and len(held) >= w and int.from_bytes(held[:w], "little") == f


def same_jump(pair: SitePair) -> int | None:
    """F when the original is `jmp *slot`, the slot holds F, and the replacement is
    `jmp F` (pre-5.13 cpu.iret and usergs_sysret sites): both paths reach F from the
    same state, with nothing pushed, so nothing differs from there on."""
    got = _first(pair, "jmp")
    if got is None:
        return None
    repl, orig = got
    if repl.operands[0].type != x86.X86_OP_IMM or orig.operands[0].type != x86.X86_OP_MEM:
        return None
    f = repl.operands[0].imm & pair.arch.mask
    slot = _slot(pair, orig)
    return f if slot is not None and _holds(pair, slot, f) and _same_code_but_site(pair, f) else None


def _same_code_but_site(pair: SitePair, f: int) -> bool:
    """Both programs hold the same code everywhere but the site, and F is not in the
    site (where each side's bytes differ): from F on, both run the same code."""
    return pair.original.regions[1:] == pair.replacement.regions[1:] and \
        not pair.original.regions[0].contains(f) and not pair.replacement.regions[0].contains(f)


def shape(pair: SitePair) -> Shape | None:
    """The same-callee shape, or None: the replacement is `call F` + NOPs, the
    original is `call *slot` + NOPs, and the slot holds F in the shared memory."""
    arch = pair.arch
    got = _first(pair, "call")
    if got is None:
        return None
    repl, orig = got
    rop, oop = repl.operands[0], orig.operands[0]
    if rop.type != x86.X86_OP_IMM or oop.type != x86.X86_OP_MEM:
        return None
    f = rop.imm & arch.mask
    slot = _slot(pair, orig)
    if slot is None or not _holds(pair, slot, f):
        return None
    # both calls read the slot before F runs: it must not lie in the stack slot F gets
    if not _same_code_but_site(pair, f) or pair.original.region_of(f) is None:
        return None
    ro, rr = orig.address + orig.size, repl.address + repl.size
    if not (_nops_to_exit(pair.original, ro) and _nops_to_exit(pair.replacement, rr)):
        return None
    return Shape(f, ro, rr)


def rests_on_objects(res: Result) -> bool:
    """The proof assumed that stack arithmetic it could not follow stays in its object."""
    return any(frame.STACK_OBJECT in a for a in res.assumptions)


def decide(pair: SitePair, max_visits: int | None = None) -> tuple[Result | None, str]:
    """(an `equivalent` Result, "") with its proof, or (None, why not) when the
    pair has another shape or the proof is refused (or its fixpoint not reached in
    `max_visits` instruction visits)."""
    f = same_jump(pair)
    if f is not None:
        res = Result("equivalent", f"both paths jump to {f:#x} from the same state (the original "
                     "through the slot that holds it): nothing is pushed, so nothing differs "
                     "from there on", method=METHOD, assumptions=[])
        return res, ""
    sh = shape(pair)
    if sh is None:
        return None, "not a direct call to the slot's own target"
    site = (pair.site, pair.site + pair.length)
    try:
        proof = analyse(pair.original, sh.target, dict(pair.preset), site, max_visits)
    except NoProof as e:
        return None, str(e)
    used = [SHORT[a] for a in proof.assumptions if a in SHORT]
    res = Result(
        "equivalent",
        f"both paths call {sh.target:#x} from the same state, and it uses its return address "
        f"only to return ({proof.functions} functions, {proof.instructions} instructions "
        "analysed to a fixpoint" + (f"; assuming {', '.join(used)}" if used else "") + ")",
        method=METHOD, assumptions=GHOST + [f"same-callee: {a}" for a in proof.assumptions])
    return res, ""
