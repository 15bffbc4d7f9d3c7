"""From a solver model to a counterexample a user can believe.

The model becomes a concrete input state; the first observable that differs
under it is named with both values and the inputs it depends on; then the
unicorn oracle runs both programs from that state and the same observables
are compared concretely. A difference the CPU does not reproduce is reported
as a disagreement between model and CPU, never as `not-equivalent`.
"""

from __future__ import annotations

from dataclasses import asdict

import capstone
import z3

from pvverify.exploration.observables import DEAD_STACK, Observable
from pvverify.exploration.query import Refutation
from pvverify.program import Program, SitePair
from pvverify.semantics.state import Inputs, PathState
from pvverify.verdict import Counterexample
from pvverify.x86.arch import ARITH_FLAGS, CONTROL_REGS, FLAG_WIDTH, SYSTEM_FLAGS
from pvverify.x86.bits import MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE
from pvverify.x86.conventions import ReturnSlot
from pvverify.x86.decode import decoder
from pvverify.x86.machine import DEBUG_REGS, ConcreteState, Outcome
from pvverify.x86.protects import why


def _ev(model: z3.ModelRef, e: z3.ExprRef) -> int:
    return model.eval(e, model_completion=True).as_long()


def concrete_inputs(model: z3.ModelRef, inputs: Inputs, pair: SitePair,
                    paths: tuple[PathState, ...]) -> ConcreteState:
    """The input state the model describes, with every byte and MSR the paths read."""
    arch = inputs.arch
    layout = inputs.layout
    st = ConcreteState()
    for g in arch.gprs:
        st.regs[g] = _ev(model, z3.BitVec(g.upper(), arch.bits))
    for f, w in FLAG_WIDTH.items():
        st.flags[f] = _ev(model, z3.BitVec(f.upper(), w))
    for cr in CONTROL_REGS:
        if cr.upper() in layout.by_name:
            st.cr[cr] = _ev(model, z3.BitVec(cr.upper(), 8 * layout.by_name[cr.upper()][1]))
    for dr in DEBUG_REGS:
        st.dr[dr] = _ev(model, z3.BitVec(dr.upper(), arch.bits))
    for table in ("gdtr", "idtr"):
        whole = z3.BitVec(table.upper(), 8 * layout.by_name[table.upper()][1])
        lsize = layout.by_name[f"{table.upper()}_Limit"][1]
        st.tables[f"{table}_limit"] = _ev(model, z3.Extract(15, 0, whole))
        st.tables[f"{table}_base"] = _ev(model, z3.Extract(whole.size() - 1, 8 * lsize, whole))
    for sel in ("tr", "ldtr"):
        st.tables[sel] = _ev(model, z3.BitVec(f"{sel.upper()}_SELECTOR", 16))
    st.msrs[MSR_FS_BASE] = _ev(model, z3.BitVec("FS_OFFSET", arch.bits))
    st.msrs[MSR_GS_BASE] = _ev(model, z3.BitVec("GS_OFFSET", arch.bits))
    st.msrs[MSR_KERNEL_GS_BASE] = _ev(model, inputs.kernel_gs_base)
    st.xcr0 = _ev(model, inputs.xcr0)
    addrs: set[int] = set()
    for p in paths:
        for a, size in p.accessed:
            base = _ev(model, a)
            addrs.update((base + i) & arch.mask for i in range(size))
    for a in addrs:
        st.memory[a] = _ev(model, z3.Select(inputs.mem, z3.BitVecVal(a, arch.bits)))
    for addr, data in pair.preset:
        for i, b in enumerate(data):
            st.memory[(addr + i) & arch.mask] = b
    msr_idx = {_ev(model, z3.BitVec("differing_msr", 32))}
    ports = max((p.port_reads for p in paths), default=0)
    st.port_inputs = [_ev(model, inputs.port_input(i)) for i in range(ports)]
    for p in paths:
        for kind, args in p.queries:
            if kind == "msr":
                msr_idx.add(_ev(model, args[0]))
            elif kind == "cpuid":
                leaf, sub = _ev(model, args[0]), _ev(model, args[1])
                st.cpuid[(leaf, sub)] = tuple(
                    _ev(model, f(z3.BitVecVal(leaf, 32), z3.BitVecVal(sub, 32))) for f in inputs.cpuid
                )
        for e in p.trace:
            if e.kind == "wrmsr":
                msr_idx.add(_ev(model, e.args[0]))
    for i in msr_idx - {MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE}:
        st.msrs[i] = _ev(model, z3.Select(inputs.msr, z3.BitVecVal(i, 32)))
    return st


def _fmt(model: z3.ModelRef, v: z3.ExprRef | str) -> str:
    if isinstance(v, str):
        return v
    return hex(_ev(model, v))


# Flags the entry state fixes (lift.entry_assumptions): never an input that matters.
_ENTRY_FIXED = {"df", "tf", "vm"}


def _inputs_of(model: z3.ModelRef, exprs: list[z3.ExprRef]) -> dict[str, int]:
    """Values of the named inputs the expressions mention (the ones that matter).
    Flags are listed only when set: a flag the paths read is clear unless listed."""
    seen: set[int] = set()
    names: dict[str, z3.ExprRef] = {}
    stack = list(exprs)
    while stack:
        e = stack.pop()
        if e.get_id() in seen:
            continue
        seen.add(e.get_id())
        if z3.is_const(e) and e.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            names[str(e)] = e
        stack.extend(e.children())
    out: dict[str, int] = {}
    for n in sorted(names):
        e = names[n]
        if n in ("mem", "msr") or not z3.is_bv(e):
            continue
        key = n.lower() if n.isupper() else n
        value = _ev(model, e)
        if key in FLAG_WIDTH and (value == 0 or key in _ENTRY_FIXED):
            continue
        out[key] = value
    return out


MAX_OTHERS = 16  # other registers and flags that differ, listed beside the first


def _word_of(m: z3.ModelRef, ref: Refutation, ob: Observable, arch) -> dict:
    """The differing byte as the word a store wrote it in (the widest store of either
    path that covers it, at most 8 bytes): its address as a register the code
    addressed it from (`4(%eax)`), both values, and the input register each
    value is, where one is."""
    a = _ev(m, ob.address)
    best = None
    for p in (ref.replacement, ref.original):
        for expr, size in p.written:
            base = _ev(m, expr)
            if base <= a < base + size and size <= 8 and (best is None or size > best[1]):
                best = (base, size)
    if best is None or best[1] == 1:
        return {}
    base, size = best

    def value(p) -> int:
        return sum(_ev(m, p.read_byte(z3.BitVecVal((base + i) & arch.mask, arch.bits), separate=False))
                   << (8 * i) for i in range(size))

    regs = {g: _ev(m, z3.BitVec(g.upper(), arch.bits)) for g in arch.gprs}
    mask = (1 << (8 * size)) - 1

    def source(v: int) -> str:
        names = [g for g, r in regs.items() if r & mask == v and g != arch.sp]
        return names[0] if len(names) == 1 else ""

    near = sorted((base - r, g) for g, r in regs.items() if 0 <= base - r < 0x1000)
    at = f"{near[0][0]:#x}(%{near[0][1]})".replace("0x0(", "(") if near else ""
    vo, vr = value(ref.original), value(ref.replacement)
    if vo == vr:
        return {}
    return {"address": base, "size": size, "at": at, "original": f"{vo:#x}", "replacement": f"{vr:#x}",
            "original_from": source(vo), "replacement_from": source(vr)}


def first_difference(ref: Refutation) -> Observable:
    m = ref.model
    for ob in ref.observables:
        if z3.is_true(m.eval(ob.diff, model_completion=True)):
            return ob
    return ref.observables[0]


def describe(ref: Refutation, pair: SitePair, convention: str,
             clobbers: frozenset[str]) -> Counterexample:
    """The counterexample a report shows: the first observable that differs with
    both values, the inputs it depends on, both paths in AT&T syntax, and why the
    convention protects the observable. (Evaluated before `concrete_inputs`:
    model completion fixes what the model leaves open in evaluation order.)"""
    m = ref.model
    arch = pair.arch
    ob = first_difference(ref)
    name = ob.name
    shown = _fmt(m, ob.original), _fmt(m, ob.replacement)
    if ob.kind == "memory" and ob.address is not None:
        name = f"memory byte at {_ev(m, ob.address):#x}"
        if ob.stored is not None and shown[0] == shown[1]:
            # same value, different footprint: say which path stored the byte
            how = ["stored" if z3.is_true(m.eval(s, model_completion=True)) else "not stored"
                   for s in ob.stored]
            shown = f"{shown[0]} ({how[0]})", f"{shown[1]} ({how[1]})"
    elif ob.kind == "msr":
        name = f"MSR {_ev(m, z3.BitVec('differing_msr', 32)):#x}"
    exprs = [ob.diff, *ref.original.cond, *ref.replacement.cond]
    others: list[dict] = []
    for o in ref.observables:
        if o is ob or o.kind in ("memory", "msr") or len(others) >= MAX_OTHERS:
            continue  # memory and MSR differences: the first is named, the replay shows the rest
        if z3.is_true(m.eval(o.diff, model_completion=True)):
            others.append({"observable": o.name, "original": _fmt(m, o.original),
                           "replacement": _fmt(m, o.replacement),
                           "why": why(o.name, arch, convention, clobbers)})
            exprs.append(o.diff)  # its inputs matter too
    word = _word_of(m, ref, ob, arch) if ob.kind == "memory" and ob.address is not None else {}
    return Counterexample(
        others=others, word=word,
        observable=name,
        original=shown[0],
        replacement=shown[1],
        inputs=_inputs_of(m, exprs),
        original_listing=att_listing(ref.original.listing, pair.original),
        replacement_listing=att_listing(ref.replacement.listing, pair.replacement),
        why=why(ob.name if ob.kind != "msr" else "MSR", arch, convention, clobbers),
    )


def fresh_streams(model: z3.ModelRef, paths: tuple[PathState, PathState]) -> tuple[list[int], list[int]]:
    """The fresh values (semantics/fresh.py) each path read, in order, as the model has them."""
    from pvverify.semantics.fresh import fresh_values

    return tuple([_ev(model, v) for v in fresh_values(p)] for p in paths)  # type: ignore[return-value]


def with_state(ce: Counterexample, state: ConcreteState, pair: SitePair,
               streams: tuple[list[int], list[int]] = ([], [])) -> Counterexample:
    """The counterexample with its concrete input state and the memory words read
    (and the fresh values each path read, where it read any)."""
    ce.memory = input_words(state, pair)
    ce.state = state_json(state)
    if any(streams):
        ce.state["fresh"] = {"original": list(streams[0]), "replacement": list(streams[1])}
    return ce


def att_listing(listing: list[str], prog: Program) -> list[dict]:
    """A path's instructions (the lifter's "address: text" lines) decoded again in
    AT&T syntax, as the kernel and objdump write them. `refers` is the absolute
    address a rip-relative operand or a direct branch names (for a symbol)."""
    out: list[dict] = []
    md = decoder(prog.arch, att=True)
    for line in listing:
        head, _, text = line.partition(": ")
        try:
            addr = int(head, 16)
        except ValueError:
            out.append({"address": None, "text": line})
            continue
        entry: dict = {"address": addr, "text": text}
        code = prog.fetch(addr, 15) if not text.startswith("<") else b""
        ins = next(iter(md.disasm(code, addr, count=1)), None) if code else None
        if ins is not None:
            entry["text"] = f"{ins.mnemonic} {ins.op_str}".strip()
            entry["bytes"] = bytes(ins.bytes).hex()
            ref = _refers(ins)
            if ref is not None:
                entry["refers"] = ref & prog.arch.mask
        out.append(entry)
    return out


def _refers(ins: capstone.CsInsn) -> int | None:
    for op in ins.operands:
        if op.type == capstone.x86.X86_OP_MEM and op.mem.base == capstone.x86.X86_REG_RIP:
            return ins.address + ins.size + op.mem.disp
        if op.type == capstone.x86.X86_OP_MEM and op.mem.base == 0 and op.mem.index == 0 \
                and op.mem.disp:
            return op.mem.disp
    if (ins.group(capstone.CS_GRP_JUMP) or ins.group(capstone.CS_GRP_CALL)) and ins.operands \
            and ins.operands[0].type == capstone.x86.X86_OP_IMM:
        return ins.operands[0].imm
    return None


def input_words(state: ConcreteState, pair: SitePair) -> list[dict]:
    """The input memory the paths read, as aligned words named by what they are:
    the op's slot, a stack slot relative to the entry stack pointer, or the bare
    address (a report with a symbol table names those). The dead stack below the
    entry stack pointer is left out: no input there can matter."""
    arch = pair.arch
    w = arch.width
    sp0 = state.regs.get(arch.sp, 0)
    words: dict[int, dict[int, int]] = {}
    for a, v in state.memory.items():
        if ((sp0 - 1 - a) & arch.mask) < DEAD_STACK:
            continue
        words.setdefault(a & ~(w - 1) & arch.mask, {})[a % w] = v
    slots = {a for a, _ in pair.preset}
    out = []
    for base in sorted(words):
        value = sum(words[base].get(i, 0) << (8 * i) for i in range(w))
        if base == pair.slot:
            name = "the op's slot"
        elif base in slots:
            name = "an ops-table slot"
        elif 0 <= ((base - sp0) & arch.mask) < DEAD_STACK:
            name = f"{arch.sp}+{(base - sp0) & arch.mask:#x} (entry {arch.sp})"
        else:
            name = None
        out.append({"address": base, "size": w, "value": value, "name": name})
    return out


def name_word(word: dict, symbol: object) -> dict:
    """A copy of an input word named by `symbol(address)` when that finds a name."""
    s = symbol(word["address"]) if callable(symbol) else None
    return {**word, "name": s} if s else word


# -- concrete comparison after replay ----------------------------------------

def concrete_observables(out: Outcome, arch_gprs: tuple[str, ...], sp: str, clobbers: frozenset[str],
                         returns: tuple[ReturnSlot, ...], sp0: int, mask: int,
                         probe: int | None, site_exit: int | None = None) -> dict[str, object]:
    """The observables of one concrete run, named as observables.collect names them
    (a run that stops anywhere but the site's end shows every register and the
    arithmetic flags, as observe.leaves_elsewhere says)."""
    s = out.state
    d: dict[str, object] = {}
    d["exit"] = _stop_kind(out)
    if d["exit"] == "exit":
        d["exit address"] = out.exit_pc
    elif d["exit"].startswith("left-kernel") and out.exit_pc is not None:
        d["landing RIP"] = out.exit_pc
    d["side effects"] = [(e.kind, *e.args) for e in out.trace]
    # see observe.faulted; a run still going at the step bound is the model's spin
    context = not d["exit"].startswith(("fault", "trap", "limit"))
    for slot in returns if context else ():
        v = s.regs.get(slot.reg, 0)
        d[f"return value in {slot.reg}"] = tuple((v >> (8 * i)) & 0xFF for i in sorted(slot.observed))
    elsewhere = d["exit"].startswith("left-kernel") or (
        d["exit"] == "exit" and site_exit is not None and out.exit_pc != site_exit)
    for g in arch_gprs if context else ():
        if g in clobbers and g != sp and not elsewhere:
            continue
        d[g] = s.regs.get(g)
    if elsewhere:
        for f in ARITH_FLAGS:
            d[f.upper()] = s.flags.get(f)
    for f in ("df", *SYSTEM_FLAGS):
        d[f.upper()] = s.flags.get(f)
    for cr in CONTROL_REGS:
        d[cr] = s.cr.get(cr)
    for dr in DEBUG_REGS:  # named as observables.collect names written registers
        d[dr.upper()] = s.debug_register(dr)
    for table in ("gdtr", "idtr"):
        d[table.upper()] = (s.tables.get(f"{table}_base", 0), s.tables.get(f"{table}_limit", 0))
    d["FS base"] = s.msrs.get(MSR_FS_BASE)
    d["GS base"] = s.msrs.get(MSR_GS_BASE)
    d["swapped GS base (KERNEL_GS_BASE)"] = s.msrs.get(MSR_KERNEL_GS_BASE)
    d["XCR0"] = s.xcr0
    d["MSR"] = {k: v for k, v in s.msrs.items()
                if k not in (MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE)}

    sp_end = s.regs.get(sp, sp0)

    def live(a: int) -> bool:
        if elsewhere and ((a - sp_end) & mask) < ((sp0 - sp_end) & mask):
            return True  # the stack of the code that runs on from elsewhere
        return not ((sp0 - 1 - a) & mask) < DEAD_STACK

    d["memory footprint"] = sorted(a for a in out.written if live(a))
    d["memory"] = {a: s.read_mem(a, 1) for a in sorted(out.written) if live(a)}
    if probe is not None and live(probe):
        d["memory"][probe] = s.read_mem(probe, 1)  # type: ignore[index]
    return d


def _stop_kind(out: Outcome) -> str:
    stop = out.stop
    if stop.startswith("left-kernel"):
        return stop.replace(" ", "")
    return stop


def compare_replay(co: dict[str, object], cr: dict[str, object]) -> list[tuple[str, object, object]]:
    """The observables that differ between two concrete runs: (name, original,
    replacement), values as JSON-ready data (ints, lists, dicts)."""
    diffs = []
    for k in co.keys() | cr.keys():
        a, b = co.get(k), cr.get(k)
        if k == "memory":
            assert isinstance(a, dict) and isinstance(b, dict)
            for addr in sorted(a.keys() | b.keys()):
                va = a.get(addr)
                vb = b.get(addr)
                # a byte only one run wrote keeps its input value in the other
                if va is None or vb is None:
                    continue
                if va != vb:
                    diffs.append((f"memory byte at {addr:#x}", va, vb))
            continue
        if a != b:
            diffs.append((k, plain(a), plain(b)))
    order = list(co.keys())
    diffs.sort(key=lambda t: order.index(t[0]) if t[0] in order else len(order))
    return diffs


def plain(v: object) -> object:
    """A concrete observable as JSON data: tuples become lists, int keys hex strings."""
    if isinstance(v, (tuple, list)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {(hex(k) if isinstance(k, int) else str(k)): plain(x) for k, x in v.items()}
    return v


def state_json(st: ConcreteState) -> dict:
    """The full input state as JSON: values are ints; addresses, MSR indices and
    CPUID leaves, which JSON only allows as object keys, are hex strings."""
    d = asdict(st)
    for k in ("fresh", "fresh_default"):  # a run's stream: with_state gives both paths'
        d.pop(k, None)
    d["memory"] = {hex(a): v for a, v in sorted(st.memory.items())}
    d["msrs"] = {hex(a): v for a, v in sorted(st.msrs.items())}
    d["cpuid"] = {f"{a:#x},{b:#x}": list(v) for (a, b), v in st.cpuid.items()}
    return d
