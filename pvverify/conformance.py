"""Convention conformance: does a function installed in a callee-save slot keep
the promise every call site relies on?

A `PV_CALLEE_SAVE` op is called with only the return register(s) clobbered
(x86_64: rax; i386: eax and edx, the thunk saving ecx) -- docs/domain.md 7,
arch/x86/include/asm/paravirt_types.h (PVOP_CALLEE_CLOBBERS). Whatever a
backend puts in such a slot (`xen_save_fl_direct`,
`__raw_callee_save___kvm_vcpu_is_preempted`, ...) must therefore preserve
every other general register and the stack pointer, leave DF clear as it found
it, and return to its return address. If it does not, even the unpatched call
is wrong, and a direct-call outcome (which runs the same function on both
sides) is "equivalent" without saying anything about it.

The proof reuses the gate's own machinery: an obligation whose original is the
site's `call *slot` reaching the function (with its callee closure, as the
booted kernel runs it) and whose replacement is the *specification*: NOPs,
which change nothing. The two are explored symbolically (lift.py) and
compared on a narrowed set of observables (observe.collect, filtered):

- every general register but the convention's return registers, the stack
  pointer included;
- DF;
- where control goes (a return anywhere but the site's end is a difference).

Memory, side effects (port I/O, hypercall events), MSRs and system registers
are *not* compared: a backend's function exists to have effects the spec
does not. The return value is not compared either: the type of a callee-save
op's result is the C type's, projected by the caller (`PVOP_RETVAL`).
A difference the solver finds is replayed on unicorn (check._replay) before
it is reported: the register, both values and the input state.

Assumptions each result carries (stated, never silent):
- `save_fl`: only bit 9 (IF) of the result is meaningful to the callers
  (arch_local_save_flags users test X86_EFLAGS_IF); the return register is
  never compared here anyway.
- A function that is stuck on an instruction with no semantics (a hypercall
  `vmcall`/`vmmcall`, a call into `hypercall_page`) is `unknown`, naming it:
  its effect on registers is the hypervisor's ABI, which is not assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pvverify.obligation import CodeSpec, Obligation, ObligationError
from pvverify.verdict import Result
from pvverify.x86.arch import Arch
from pvverify.x86.ctype import parse_ctype

MODE = "conformance"
TRAP_ASSUMPTION = ("a path that reaches `ud2`/`int3` is taken not to return to the caller (BUG; "
                   "a WARN's ud2 resumes after it, which is not followed)")
THUNK_ASSUMPTION = ("the C function a `__raw_callee_save_` thunk calls follows the SysV ABI "
                    "(gcc's guarantee; regparm(3) on i386): it is replaced by a stub that clobbers "
                    "every caller-saved register and preserves the rest (a nested "
                    "`__raw_callee_save_` thunk: only the return registers, and it is checked itself)")
KEY_PREFIX = "conformance:"
_EXIT_KINDS = ("exit",)
SAVE_FL_ASSUMPTION = ("save_fl: only IF (bit 9) of the returned flags is meaningful to callers; "
                      "the return register is not part of the convention check")
RESTORE_FL_ASSUMPTION = ("restore_fl: its argument is a flags image save_fl returned, taken with "
                         "DF clear as the kernel runs (DF = 0 at the call, bit 10 of the argument 0)")
SYSV_CLOBBERS = {64: ("rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11"),
                 32: ("eax", "ecx", "edx")}
SYSV_TEXT = {64: "C (sysv): preserves rbx, rbp, r12-r15, rsp, DF; returns to its caller",
             32: "C (regparm3): preserves ebx, esi, edi, ebp, esp, DF; returns to its caller"}
CONVENTION_TEXT = {64: "callee-save: preserves every register but rax, rsp, DF; returns to its caller",
                   32: "callee-save: preserves every register but eax and edx, esp, DF; "
                       "returns to its caller"}


@dataclass(frozen=True)
class Installed:
    """One function some backend puts in a callee-save slot (or paravirt static call)."""

    function: int
    name: str
    table: str
    slot: int
    op: str
    backends: tuple[str, ...]
    sysv: bool = False   # a paravirt static call's function: the C convention (its sites are C calls)


def installed(b) -> list[Installed]:
    """Every function any backend (native included) installs in a callee-save slot."""
    from pvverify.kernel.backends import describe

    found: dict[int, Installed] = {}
    per: dict[int, list[str]] = {}
    ops: dict[int, tuple[str, int, str]] = {}

    def add(value: int | None, table: str, slot: int, backend: str) -> None:
        if not value:
            return
        op = b.op(table, slot)
        if op.convention != "pv-callee-save":
            return
        per.setdefault(value, [])
        if backend not in per[value]:
            per[value].append(backend)
        ops.setdefault(value, (table, slot, op.name))

    from pvverify.kernel import replay

    f = b.backends
    chosen = replay.wanted(f) if f is not None else ["native"]
    for name in chosen:
        if name == "runtime":  # static-call updates only: below
            continue
        # what the backend leaves in place, and what it writes
        for t in b.tables:
            for s in range(t.size // t.width):
                add(b.code.read_word(t.address + s * t.width), t.name, s, name)
        backend = f.backends.get(name) if f is not None else None
        for (table, slot), values in (backend.values() if backend else {}).items():
            if any(t.name == table for t in b.tables):
                for v in values:
                    add(v, table, slot, name)
    for v, names in per.items():
        table, slot, op = ops[v]
        found[v] = Installed(v, describe(b.code, v), table, slot, op, tuple(names))
    # hand-written or generated thunks a backend puts in a paravirt static call (7.3:
    # __raw_callee_save___pv_queued_spin_unlock in queued_spin_unlock): held to the C
    # convention its sites rely on; C functions there are gcc's (THUNK_ASSUMPTION)
    keys = f.static_keys if f is not None else {}
    calls: dict[int, tuple[str, list[str]]] = {}
    for name in chosen:
        backend = f.backends.get(name) if f is not None else None
        for key, addr in keys.items():
            values = [b.code.read_word(addr)]
            values += list((backend.values() if backend else {}).get((key, 0), ()))
            for v in values:
                if v and v not in found and describe(b.code, v).startswith(THUNK_PREFIX):
                    names = calls.setdefault(v, (key, []))[1]
                    if name not in names:
                        names.append(name)
    for v, (key, names) in calls.items():
        found[v] = Installed(v, describe(b.code, v), f"__SCK__{key}", 0, f"static_call {key}",
                             tuple(names), sysv=True)
    # a thunk that calls another callee-save thunk (6.1's hand-written
    # __raw_callee_save___pv_queued_spin_unlock calls ..._slowpath) relies on it
    # keeping the convention too: it is checked as well, under the same op
    from pvverify.x86.decode import decoder

    work = [i for i in found.values() if i.name.startswith(THUNK_PREFIX)]
    while work:
        inst = work.pop()
        f = b.code.function_at(inst.function)
        code = b.code.read(f[0], f[1]) if f is not None and f[1] else None
        for ins in decoder(b.arch).disasm(code or b"", inst.function):
            if ins.mnemonic == "call" and ins.operands and ins.operands[0].type == 2:
                dest = ins.operands[0].imm & b.arch.mask
                name = describe(b.code, dest)
                if name.startswith(THUNK_PREFIX) and dest not in found:
                    found[dest] = Installed(dest, name, inst.table, inst.slot,
                                            f"{inst.op} (called by {inst.name})", inst.backends)
                    work.append(found[dest])
    return sorted(found.values(), key=lambda i: i.function)


def obligation(b, targets, canon: int, inst: Installed) -> Obligation:
    """The conformance obligation of one installed function: `call *slot` against NOPs."""
    arch: Arch = b.arch
    fn = targets.function(inst.function) or targets.fragment(inst.function)
    if fn is None:
        raise ObligationError(f"{inst.name} at {inst.function:#x} is no function with a size")
    if inst.table.startswith("__SCK__"):  # a static call's key: its first word is the function
        key = b.code.symbol(inst.table)
        slot_addr = key.value if key is not None else None
    else:
        table = b.table(inst.table)
        slot_addr = table.address + inst.slot * table.width
    callee_save = ("rax",) if arch.bits == 64 else ("eax", "edx")
    clobbers = SYSV_CLOBBERS[arch.bits] if inst.sysv else callee_save
    regions = targets.callees(inst.function)
    slots = targets.slots.get(inst.function, ())
    assume: tuple[str, ...] = ()
    if inst.name.startswith("__raw_callee_save_"):
        stubs = _c_stubs(b, fn, arch)
        if stubs:
            regions, slots, assume = tuple(stubs), (), (THUNK_ASSUMPTION,)
    else:
        regions, stubbed = _c_callees_stubbed(b, fn, regions, arch)
        if stubbed:
            assume += (C_CALLEE_ASSUMPTION + " (here: " + ", ".join(stubbed) + ")",)
    pre: tuple[str, ...] = ()
    if inst.op.endswith("save_fl"):
        assume += (SAVE_FL_ASSUMPTION,)
    if inst.op.endswith("restore_fl"):
        # restore_fl loads the flags it is given (popf): DF among them
        assume += (RESTORE_FL_ASSUMPTION,)
        pre = (f"{'rdi' if arch.bits == 64 else 'eax'} & 0x400 == 0", "df == 0")
    return Obligation(
        name=f"{inst.op} = {inst.name}", arch=arch, convention="pv-callee-save", clobbers=clobbers,
        returns=parse_ctype("void", arch.width), args=(), site_length=6,
        target=CodeSpec(hex=fn[1].hex()), replacement=CodeSpec(hex=""), address=canon,
        target_address=inst.function, slot=slot_addr, regions=regions,
        slots=slots, return_thunks=targets.thunks,
        indirect_thunks=targets.retpolines, unloaded=targets.code_ranges, source=b.path,
        assume=pre, extra={"mode": MODE, "assume": assume})


# What a SysV / regparm(3) C function may do to registers, as code: every
# caller-saved register gets a fresh, unconstrained value (`rdrand`, whose value is
# new at every execution: semantics/fresh.py), the rest are untouched.
_STUB = {64: bytes.fromhex("480fc7f0" "480fc7f1" "480fc7f2" "480fc7f6" "480fc7f7"
                           "490fc7f0" "490fc7f1" "490fc7f2" "490fc7f3" "c3"),
         32: bytes.fromhex("0fc7f0" "0fc7f1" "0fc7f2" "c3")}


THUNK_PREFIX = "__raw_callee_save_"
_CALLEE_SAVE_STUB = {64: bytes.fromhex("480fc7f0" "c3"), 32: bytes.fromhex("0fc7f0" "0fc7f2" "c3")}
C_CALLEE_ASSUMPTION = ("a C function the installed code calls (gcc's DWARF describes a subprogram "
                       "there) follows the SysV ABI (regparm(3) on i386): it is replaced by a stub "
                       "that gives every caller-saved register a fresh value and preserves the rest, "
                       "so the installed code must save what it needs around the call")


def _c_callees_stubbed(b, fn: tuple[int, bytes], regions, arch: Arch) -> tuple[tuple, list[str]]:
    """The closure with every C function in it but the installed one replaced by the
    SysV stub: hand-written code that calls into C (Xen's check_events calling
    xen_force_evtchn_callback) is held to what the C convention promises of its
    callee, not to what one build of that callee happens to do. No DWARF: as it is."""
    from pvverify.kernel import dwarf
    from pvverify.kernel.backends import describe
    from pvverify.x86.decode import decoder

    starts = [a for a, _ in regions if a != fn[0]]
    c = dwarf.c_functions(b.path, starts) if starts else None
    if not c:
        return tuple(regions), []
    # named: the C functions the hand-written code branches to itself (the rest are
    # reached only through them, so no longer at all)
    md = decoder(arch)
    named = {ins.operands[0].imm & arch.mask for a, code in (fn, *regions) if a not in c
             for ins in md.disasm(code, a)
             if ins.group(1) or ins.group(2)  # jump, call
             if ins.operands and ins.operands[0].type == 2} & c
    return (tuple((a, _STUB[arch.bits] if a in c else code) for a, code in regions),
            sorted(describe(b.code, a) for a in named) or [f"{len(c)} reached through others"])


def _c_stubs(b, fn: tuple[int, bytes], arch: Arch) -> list[tuple[int, bytes]]:
    """Stubs for the direct calls of a callee-save thunk (PV_CALLEE_SAVE_REGS_THUNK:
    push the caller-saved registers, call the C function, pop them)."""
    from pvverify.x86.decode import decoder

    out = []
    for ins in decoder(arch).disasm(fn[1], fn[0]):
        if ins.mnemonic == "call" and ins.operands and ins.operands[0].type == 2:  # IMM
            dest = ins.operands[0].imm & arch.mask
            if not fn[0] <= dest < fn[0] + len(fn[1]):
                g = b.code.function_at(dest)
                nested = g is not None and g[2].startswith(THUNK_PREFIX)
                # a nested thunk keeps the callee-save convention (checked on its own)
                out.append((dest, (_CALLEE_SAVE_STUB if nested else _STUB)[arch.bits]))
    return sorted(set(out))


def _narrow(obs: list, clobbers: frozenset[str], arch: Arch) -> list:
    keep = {g for g in arch.gprs if g not in clobbers or g == arch.sp} | {"DF"}
    return [o for o in obs if o.name in keep or o.kind in _EXIT_KINDS
            or o.name in ("exit address", "landing RIP")]


def check(ob: Obligation, limits) -> Result:
    """Equivalent: the function honours the convention; not-equivalent: a register,
    the stack pointer, DF or the return differs, replayed on unicorn. `limits`: the
    work bounds (budget.Limits), its safety net reported as its own cause."""
    from pvverify.util import budget

    with budget.safety(limits.safety_seconds):
        try:
            return _check(ob, limits)
        except budget.SafetyLimit as e:
            return Result("unknown", str(e))


def _check(ob: Obligation, limits) -> Result:

    from pvverify import check as chk
    from pvverify.exploration.counterexample import Counterexample  # noqa: F401  (type of ce)
    from pvverify.exploration.query import prove
    from pvverify.program import build

    try:
        pair = build(ob)
        an = chk.analysed(ob, pair, limits)
    except ObligationError as e:
        return Result("unknown", f"cannot build the conformance obligation: {e}")
    if isinstance(an, Result):
        return an
    arch = ob.arch

    trapped = []

    def observables(o, r):
        if (o.end or "").startswith("trap:"):
            # BUG() (or WARN: ud2 with a bug-table entry) -- see TRAP_ASSUMPTION
            trapped.append(o.end)
            return []
        return _narrow(an.observables(o, r), an.clobbers, arch)

    def nicer(o, r):
        return chk._replayable(pair, an.inputs, o, r)

    outcome = prove(an.originals, an.replacements, an.assumptions, observables, nicer,
                    limits.solver_rlimit, an.pair_assumptions)
    paths = (len(an.originals), len(an.replacements))
    notes = "; ".join(ob.extra.get("assume", ()))
    if trapped:
        notes = "; ".join(x for x in (notes, f"{len(set(trapped))} path(s) end in a trap: "
                                      + TRAP_ASSUMPTION) if x)
    text = (SYSV_TEXT if len(an.clobbers) > 2 else CONVENTION_TEXT)[arch.bits]
    if outcome.status == "proved":
        return Result("equivalent", f"honours the convention ({text}) on every "
                      "path" + (f" (assuming: {notes})" if notes else ""), paths=paths)
    if outcome.status == "unknown":
        return Result("unknown", outcome.reason, paths=paths)
    from pvverify.exploration import counterexample as cx
    from pvverify.exploration.minimise import minimise

    ref = outcome.refutation
    if not ref.replayable:
        chk._find_replayable(an, pair, ref, limits.solver_rlimit)
    # as small a state as shows it, as check's counterexamples are
    minimise(ref, [*an.assumptions, *an.pair_assumptions(ref.original, ref.replacement)],
             chk._replayable(pair, an.inputs, ref.original, ref.replacement)[1] if ref.replayable else [],
             arch.gprs, arch.sp, arch.bits, [])
    ce = cx.describe(ref, pair, ob.convention, an.clobbers)
    state = cx.concrete_inputs(ref.model, an.inputs, pair, (ref.original, ref.replacement))
    # the values a C stub's `rdrand`s (or the function's own) gave, for the CPU to give too
    streams = cx.fresh_streams(ref.model, (ref.original, ref.replacement))
    cx.with_state(ce, state, pair, streams)
    undefined = chk._undefined_flags_in(cx.first_difference(ref).diff)
    res = chk._replay(ob, pair, ce, state, an.clobbers, an.returns, paths, undefined, ref.replayable,
                      streams)
    if res.verdict == "not-equivalent":
        return replace(res, reason=f"violates the convention: {ce.observable} is {ce.original} after "
                                   f"the call, {ce.replacement} before it (confirmed by unicorn)")
    return res


def obligations_for(b, targets, canon: int) -> list[tuple[Installed, str | None, Obligation | None, str]]:
    """(installed function, key, obligation, why none) for every installed callee-save function."""
    out = []
    for inst in installed(b):
        try:
            ob = obligation(b, targets, canon, inst)
            out.append((inst, KEY_PREFIX + ob.key(), ob, ""))
        except ObligationError as e:
            out.append((inst, None, None, str(e)))
    return out


def row(row_type, path: str, inst: Installed, key: str | None, res: dict | None, err: str,
        code, package: str = ""):
    """A gate row (gate.OutcomeResult) for one installed function's conformance."""
    verdict = res["verdict"] if res else "unknown"
    reason = res["reason"] if res else f"no conformance obligation: {err}"
    if verdict == "not-equivalent":
        reason = f"{inst.name} ({inst.op}, installed by {', '.join(inst.backends)}) {reason}"
    first = code.read(inst.function, 16) or b""
    return row_type(path, inst.function, "conformance", inst.op, "convention", "conformance",
                    (SYSV_TEXT if inst.sysv else CONVENTION_TEXT)[code.bits], first.hex(),
                    [f"<{inst.name}>"], verdict, reason,
                    key or "", res.get("counterexample") if res else None,
                    place={"address": f"{inst.function:#x}", "function": inst.name, "offset": 0,
                           "file": None, "line": None, "inlined": []},
                    method="conformance", package=package, backend=",".join(inst.backends))
