"""Hypervisor backends, recovered from the kernel's own code: who writes which
`pv_ops*` slot (and which paravirt static call), with what, and when.

Paravirt ops exist so that a hypervisor can install its own functions. The
patcher (`alternative_instructions()`) turns every site into a direct call to
whatever the slot holds *when it runs*, so the gate must know, per backend,
the slot contents at that moment. They are read from the binary, not typed in:

1. **Every write into a table is found.** The executable sections are scanned
   for instructions whose memory operand or immediate is an address inside a
   `pv_ops*` table (x86_64: a rip-relative displacement, or the sign-extended
   32-bit absolute `mov $pv_ops+X,%rdi` that a `rep movs` copy uses; i386: the
   absolute address). Each function holding such a reference is decoded with
   capstone and walked in address order with a small constant propagation
   (`mov $f,%reg`, `lea f(%rip),%reg`, register copies, loads from a static
   table, reset at branch targets and after calls). A store into a slot
   (`movq $f, pv_ops+X(%rip)`, `mov %rax, pv_ops+X`, through a base register
   whose value is known) and a `rep movs{l,q}` whose rdi/rsi/rcx are known (the
   6.1/6.12 `xen_*_ops` struct copies: the source table's static contents,
   NULLs included) become `Write`s. A write whose value or extent cannot be
   computed is kept as an *unresolved* write: reported, never dropped. The
   words of `__SCK__<name>` (a static call's key: its first word is the
   function) are scanned the same way, and so are the arguments of every call
   to `__static_call_update(key, tramp, func)` (rdi/rdx; i386 regparm eax/ecx).
2. **Each write is attributed** to the backend whose init path reaches its
   function through direct calls and jumps (a function's `.cold` part is its
   own), and through `.init.text` functions whose address the path takes
   (hooks such as `smp_ops.smp_prepare_boot_cpu = kvm_smp_prepare_boot_cpu`,
   which run during boot). The roots come from the binary: every
   `x86_hyper_<name>` descriptor's function pointers (`init_platform`,
   `guest_late_init`, ... all `__init`), plus the entry points that are no
   such hook (Xen PV's `xen_start_kernel`, TDX's `tdx_early_init`, KVM's
   `kvm_spinlock_init`, Hyper-V's `hv_init_spinlocks`, Xen's
   `xen_init_spinlocks`, the Xen HVM `xen_hvm_init_*`, the seed era's
   `lguest_init`, `vmi_init`/`vmi_activate`). Code in `.text`
   is followed two calls deep below init code (`hyperv_setup_mmu_ops` and its
   `.cold` part are); deeper writers are unattributed, and reported.
3. **When.** The patch point is the call of `alternative_instructions` (from
   `arch_cpu_finalize_init` in 6.x/7.x, `check_bugs` in 5.10). Writes in that
   function before the call, and in what it calls before the call, are bare
   metal's own (`native+lkgs` when the value is `native_lkgs`, 6.12+); writes
   reached from what it calls after the call, from the initcall table
   (`__initcall_start`..`__initcall_end`: every initcall runs after
   `start_kernel` has patched) or from a descriptor's run-time hooks are
   *late*: the sites keep their earlier target (a finding).

A backend's write may be conditional (a CPUID feature, a command-line option),
so every slot it writes may also keep its earlier value: the values at patch
time are every value written by the backend plus the initial one. That is an
over-approximation (more outcomes, never fewer); outcomes equal across
backends share one obligation.

Sources modelled: arch/x86/xen/enlighten_pv.c (xen_start_kernel, the
`pv_ops.cpu = xen_cpu_ops` copies of 6.1), arch/x86/xen/irq.c, mmu_pv.c,
spinlock.c; arch/x86/kernel/kvm.c (kvm_guest_init, kvm_spinlock_init);
arch/x86/hyperv/mmu.c (hyperv_setup_mmu_ops), hv_spinlock.c;
arch/x86/kernel/cpu/vmware.c; arch/x86/coco/tdx/tdx.c (tdx_early_init);
arch/x86/kernel/cpu/common.c (arch_cpu_finalize_init, LKGS);
kernel/static_call_inline.c (__static_call_update); docs/domain.md 7.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pvverify.kernel.backend_roots import EXTRA_ROOTS, OWN_ENTRIES, hyper_descriptors, initcalls
from pvverify.kernel.backend_writes import CallGraph, references, walk_function
from pvverify.kernel.elf import Image
from pvverify.kernel.records import OpsTable
from pvverify.x86.arch import Arch
from pvverify.x86.decode import decoder

BACKEND_ORDER = ("native", "native+lkgs", "xen-pv", "xen-hvm", "kvm", "hyperv", "vmware", "tdx",
                 "lguest", "vmi")
# Where the generic boot path enters start_kernel: a barrier for the backends' walks
# (what start_kernel does is every backend's, and is read at the patch point).
BARRIERS = ("start_kernel", "x86_64_start_reservations", "x86_64_start_kernel", "i386_start_kernel",
            "xen_prepare_pvh", "alternative_instructions", "panic", "_printk", "printk")
PATCHERS = ("alternative_instructions",)
STATIC_CALL_UPDATE = ("__static_call_update",)
PATCH_CALLERS = ("arch_cpu_finalize_init", "check_bugs")
# The paravirt static calls (docs/domain.md 7): the pv time ops since 5.13, 7.3's spinlock ops.
PV_STATIC_CALLS = ("pv_steal_clock", "pv_sched_clock", "queued_spin_unlock", "queued_spin_lock_slowpath")


@dataclass(frozen=True)
class Write:
    """One write of a value into an ops-table slot (or a static call's key)."""

    table: str               # pv_ops, pv_ops_lock, or a static call's name (`pv_steal_clock`)
    slot: int                # index in the table (0 for a static call)
    value: int | None        # None: not computed (an unresolved write)
    at: int                  # the instruction's address
    function: str            # the function holding it
    how: str                 # imm | reg | copy <table> | static_call_update | unresolved: why


@dataclass
class Backend:
    name: str
    roots: tuple[str, ...]
    writes: list[Write] = field(default_factory=list)

    def values(self) -> dict[tuple[str, int], tuple[int, ...]]:
        """(table, slot) -> the values this backend writes there, in program order."""
        out: dict[tuple[str, int], list[int]] = {}
        for w in self.writes:
            if w.value is not None and w.value not in out.setdefault((w.table, w.slot), []):
                out[(w.table, w.slot)].append(w.value)
        return {k: tuple(v) for k, v in out.items()}


@dataclass
class Findings:
    """Everything recovered from one binary."""

    backends: dict[str, Backend]
    late: list[tuple[Write, str]] = field(default_factory=list)        # (write, late root)
    unattributed: list[Write] = field(default_factory=list)
    unresolved: list[tuple[Write, str]] = field(default_factory=list)  # (write, backend or "")
    patch_point: str = ""     # function+offset of the alternative_instructions call
    static_keys: dict[str, int] = field(default_factory=dict)  # static call name -> key address
    notes: list[str] = field(default_factory=list)

    def values(self, backend: str) -> dict[tuple[str, int], tuple[int, ...]]:
        b = self.backends.get(backend)
        return b.values() if b else {}


# -- recovering ---------------------------------------------------------------------


def recover(img: Image, arch: Arch, tables: list[OpsTable]) -> Findings:
    """Every backend's writes into `tables` and into paravirt static calls' keys."""
    sym = img.symbol
    md = decoder(arch)
    w = arch.width
    # the areas written: ops tables, and each static call's key (its first word: the function)
    areas: list[tuple[int, int, str, int]] = [(t.address, t.address + t.size, t.name, t.width)
                                              for t in tables]
    static_keys = {}
    for s in img.symbols:
        if s.name.startswith("__SCK__") and s.shndx != 0 and s.name[len("__SCK__"):] in PV_STATIC_CALLS:
            name = s.name[len("__SCK__"):]
            static_keys[name] = s.value
            areas.append((s.value, s.value + w, name, w))

    def area_of(a: int) -> tuple[str, int] | None:
        for lo, hi, name, width in areas:
            if lo <= a < hi:
                return name, (a - lo) // width
        return None

    # what a load reads: static contents of data that is not an ops table or key itself
    def static_value(a: int) -> int | None:
        if area_of(a) is not None:
            return None
        return img.read_word(a)

    # 1. every function holding a reference into a table or a key
    ranges = [(lo, hi) for lo, hi, _, _ in areas]
    funcs: dict[int, tuple[int, int, str]] = {}
    loose: list[int] = []
    key_refs: set[int] = set()  # functions referring to a paravirt static call's key
    keys32 = [(a & 0xFFFFFFFF, (a & 0xFFFFFFFF) + w) for a in static_keys.values()]
    for h, target in references(img, arch, ranges).items():
        f = img.function_at(h)
        if f is None or not f[1]:
            loose.append(h)
        else:
            funcs[f[0]] = f
            if any(lo <= target < hi for lo, hi in keys32):
                key_refs.add(f[0])
    # and every caller of __static_call_update: found by its direct calls below
    updater = {s.value for n in STATIC_CALL_UPDATE if (s := sym(n)) is not None}
    writes: list[Write] = []
    unresolved: list[Write] = []
    notes = []
    graph = CallGraph(img, arch)
    patch_calls: list[tuple[int, int]] = []  # (caller function start, call address)
    patchers = {s.value for n in PATCHERS if (s := sym(n)) is not None}

    refers = [False]

    def scan(f: tuple[int, int, str]) -> None:
        code = img.read(f[0], f[1]) or b""
        refers[0] = f[0] in key_refs
        events = walk_function(img, arch, md, f[0], code, static_value, lambda a: area_of(a) is not None)
        # an address inside a table is formed only by an instruction naming it: a copy
        # whose destination is not computed, in a function that forms none, is not
        # into a table (an assumption the README states)
        forms = any(e.kind == "taken" for e in events)
        mine: list[tuple[int, Write]] = []  # (block, write) of this function, in order
        for e in events:
            if e.kind == "fill":
                if e.addr is None or not e.size:
                    if e.addr is None and forms and not e.stack:
                        unresolved.append(Write("?", 0, None, e.at, f[2], "unresolved: a `rep stos` "
                                                "whose destination or count is not computed, in a "
                                                "function that forms an ops-table address"))
                    continue
                for k in range(0, e.size - w + 1, w):
                    hit = area_of(e.addr + k)
                    if hit is None:
                        continue
                    if e.value is None:
                        unresolved.append(Write(hit[0], hit[1], None, e.at, f[2],
                                                "unresolved: a `rep stos` of a value not computed"))
                    else:
                        mine.append((e.block, Write(hit[0], hit[1], e.value, e.at, f[2], "fill")))
                continue
            if e.kind == "store":
                if e.addr is None:
                    continue
                hit = area_of(e.addr)
                if hit is None:
                    continue
                name, slot = hit
                if e.value is None or e.size != w:
                    why = e.why or ("value not computed" if e.value is None else f"a {e.size}-byte store")
                    unresolved.append(Write(name, slot, None, e.at, f[2], f"unresolved: {why}"))
                else:
                    mine.append((e.block, Write(name, slot, e.value, e.at, f[2], "imm/reg")))
            elif e.kind == "copy":
                if e.addr is None or e.value is None or not e.size:
                    # a copy into a table goes through a register we may not know:
                    # only report it if its destination could be a table (unknown rdi
                    # in a function that refers to a table)
                    if e.addr is None and forms and not e.stack or e.addr is not None and \
                            any(area_of(e.addr + k) for k in range(0, max(e.size, 1), 1)):
                        unresolved.append(Write("?", 0, None, e.at, f[2],
                                                "unresolved: a `rep movs` whose destination, source "
                                                "or count is not computed, in a function that "
                                                "refers to an ops table"))
                    continue
                for k in range(0, e.size - w + 1, w):
                    hit = area_of(e.addr + k)
                    if hit is None:
                        continue
                    src = img.read_word(e.value + k)
                    owner = _data_symbol(img, e.value)
                    mine.append((e.block, Write(hit[0], hit[1], src, e.at, f[2],
                                                f"copy {owner or hex(e.value)}")))
            elif e.kind == "call":
                if e.value in patchers:
                    patch_calls.append((f[0], e.at))
                if e.value in updater:
                    key, func = e.args[0], e.args[2]
                    name = next((n for n, a in static_keys.items() if a == key), None)
                    if name is None:
                        # not a paravirt key, or one not computed: a paravirt key's
                        # address would be among the references that brought this
                        # function here (an update of a key held in data is not seen)
                        if key is None and refers[0]:
                            unresolved.append(Write("?", 0, None, e.at, f[2],
                                                    "unresolved: __static_call_update with a key "
                                                    "not computed, in a function that refers to a "
                                                    "paravirt static call's key"))
                        continue
                    if func is None:
                        unresolved.append(Write(name, 0, None, e.at, f[2],
                                                "unresolved: __static_call_update's function not computed"))
                    else:
                        mine.append((e.block, Write(name, 0, func, e.at, f[2], "static_call_update")))
        # a write followed, in the same straight-line block, by another to the same
        # slot never stays: only the last one counts
        for i, (blk, wr) in enumerate(mine):
            if not any(b2 == blk and (w2.table, w2.slot) == (wr.table, wr.slot) for b2, w2 in mine[i + 1:]):
                writes.append(wr)

    # the patch point: the caller of alternative_instructions (by name; the
    # functions holding a table reference are decoded anyway)
    for n in PATCH_CALLERS:
        c = sym(n)
        if c is not None and c.size:
            f = img.function_at(c.value)
            if f is not None:
                funcs[f[0]] = f
    for f in funcs.values():
        scan(f)
    for h in loose:
        unresolved.append(Write("?", 0, None, h, "", "unresolved: a reference to an ops table in code "
                                                     "outside any function symbol"))
    # the writes of the patcher itself (apply_* reading slots) are reads; but functions
    # that *read* a table (a copy out of it) produce no writes: nothing to do

    # 2. attribution
    by_fn: dict[int | None, list[Write]] = {}
    for wr in writes + unresolved:
        f = img.function_at(wr.at)
        by_fn.setdefault(f[0] if f is not None and wr.function else None, []).append(wr)
    descriptors = hyper_descriptors(img, arch)
    roots: dict[str, list[int]] = {}
    late_roots: dict[int, str] = {}
    for name, (init, run) in descriptors.items():
        roots.setdefault(name, []).extend(init)
        for r in run:
            late_roots[r] = f"{name} run-time hook"
    for name, extra in EXTRA_ROOTS.items():
        # a backend is in the binary when its descriptor is, or (xen-pv, tdx and the
        # seed era's, which have none everywhere) one of its own entry points: 686
        # kernels have xen_init_spinlocks (Xen HVM's too) but no Xen PV
        if name not in roots and not any(sym(n) is not None for n in OWN_ENTRIES.get(name, ())):
            continue
        for n in extra:
            s = sym(n)
            if s is not None:
                roots.setdefault(name, []).append(s.value)
    barriers = {s.value for n in BARRIERS if (s := sym(n)) is not None}
    # the patch point and what runs before it on every boot
    patch_point = ""
    native_roots: list[int] = []
    before: dict[int, int] = {}
    after_roots: list[int] = []
    if patch_calls:
        caller, at = patch_calls[0]
        f = img.function_at(caller)
        patch_point = f"{f[2]}+{at - caller:#x}" if f else f"{at:#x}"
        native_roots.append(caller)
        before[caller] = at
        calls, taken = graph.edges(caller)
        after_roots = [d for a, d in calls if a > at]
    else:
        notes.append("no call of alternative_instructions found: the patch point is unknown, every "
                     "write is taken to be in place when it runs")
    for r in initcalls(img, arch):
        late_roots.setdefault(r, "initcall")
    for r in after_roots:
        late_roots.setdefault(r, f"after the patch point ({patch_point})")
    reached = {name: graph.reach(rs, barriers | {x for n2, r2 in roots.items() if n2 != name for x in r2})
               for name, rs in roots.items()}
    native = graph.reach(native_roots, barriers | {x for r2 in roots.values() for x in r2}, before)
    # what runs late: reached from a late root, and not before the patch point
    late_reach = graph.reach(list(late_roots), barriers) if late_roots else {}
    backends: dict[str, Backend] = {"native": Backend("native", ())}
    for name in roots:
        backends[name] = Backend(name, tuple(img.function_at(r)[2] for r in roots[name]
                                             if img.function_at(r)))
    findings = Findings(backends, patch_point=patch_point, static_keys=static_keys, notes=notes)
    for start, ws in by_fn.items():
        owners = [n for n, r in reached.items() if start is not None and start in r]
        in_native = start is not None and start in native
        for wr in ws:
            owners = [n for n, r in reached.items() if start is not None and start in r]
            if in_native and wr.value is not None and (start != native_roots[0] or wr.at < before[start]):
                bname = "native+lkgs" if _name(img, wr.value) == "native_lkgs" else "native+boot"
                backends.setdefault(bname, Backend(bname, (patch_point,)))
                owners = owners + [bname]
            if wr.value is None:
                findings.unresolved.append((wr, ",".join(owners)))
                continue
            for o in owners:
                backends[o].writes.append(wr)
            if owners:
                continue
            if wr.table in static_keys:
                # a static call is re-patched at every update, whenever it runs: a
                # write outside the boot paths is one more function its sites may call
                backends.setdefault("runtime", Backend("runtime", ("static_call_update at run time",)))
                backends["runtime"].writes.append(wr)
                continue
            if start is not None and start in late_reach:
                findings.late.append((wr, late_roots.get(late_reach[start], "late")))
            elif start is not None and native_roots and start == native_roots[0]:
                findings.late.append((wr, f"after the patch point ({patch_point})"))
            else:
                findings.unattributed.append(wr)
    return findings


def _name(img: Image, value: int | None) -> str:
    if value is None:
        return "?"
    if value == 0:
        return "NULL"
    f = img.function_at(value)
    if f is not None and f[0] == value:
        return f[2]
    return f"{value:#x}" if f is None else f"{f[2]}+{value - f[0]:#x}"


def _data_symbol(img: Image, addr: int) -> str | None:
    best = None
    for s in img.symbols:
        if s.shndx and s.size and s.value <= addr < s.value + s.size and s.type in (0, 1):
            best = s.name
            break
    return best


def describe(img: Image, value: int | None) -> str:
    """A slot value as a report names it: its function symbol, NULL, or its address."""
    return _name(img, value)
