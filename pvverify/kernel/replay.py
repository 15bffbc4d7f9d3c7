"""The patcher replayed per backend: the outcomes a site gets under Xen PV, KVM, ...

`backends.recover` says what each backend writes into the slots before the
patcher runs; here the same record readers (era_para, era_alt) run again with
the slots holding those values, and the features the backend sets:

- Under Xen PV, X86_FEATURE_XENPV is set (xen_start_kernel ->
  xen_set_cpu_features), so the `ALT_NOT(X86_FEATURE_XENPV)` inline templates
  are not applied: the site keeps the direct call to the slot's (Xen) target.
  The XENPV feature number is read from the binary: the feature of the
  ALT_NOT entries on `irq.*`/`cpu.*`/`mmu.*` sites.
- On every other backend XENPV is clear: those templates are applied as on
  bare metal (a backend that changed such a slot gets the template, and the
  gate proves the template against the backend's function).
- The other ALT_NOT features on paravirt sites (X86_FEATURE_PVUNLOCK,
  X86_FEATURE_VCPUPREEMPT) are set by `paravirt_set_cap()` exactly when the
  slot no longer holds its native function (arch/x86/kernel/paravirt-spinlocks.c):
  an assumption each such outcome names.
- Before 5.13 (`native_patch` with per-op templates): a backend that writes
  `init.patch` = `paravirt_patch_default` (Xen PV up to 5.10) gets no
  templates at all; the lock templates apply only while the lock slot holds
  its native value (native_patch's pv_is_native_spin_unlock test). One that
  writes its own patcher there (`xen_patch`, `lguest_patch`, `vmi_patch`: the
  seed era) gets that patcher's outcomes (kernel/seed.py).

A slot the backend writes may also keep its earlier value (the write can be
conditional), so each value is replayed: variant k gives every written slot
its k-th value (the initial one last). Outcomes equal in everything but the
backend are merged, the row naming every backend that gets it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from pvverify.kernel.backends import Findings
from pvverify.kernel.elf import Image
from pvverify.kernel.records import ALT_FLAG_NOT, OpsTable, Outcome, Records, Skipped
from pvverify.x86.arch import Arch

SET_CAP_ASSUMPTION = ("an ALT_NOT inline template of a slot the backend changed is not applied "
                      "(paravirt_set_cap sets X86_FEATURE_PVUNLOCK / X86_FEATURE_VCPUPREEMPT)")


class SlotView:
    """An image whose ops-table slots read as a backend leaves them."""

    def __init__(self, img: Image, values: dict[int, int]) -> None:
        self._img, self._values = img, values

    def read_word(self, addr: int) -> int | None:
        if addr in self._values:
            return self._values[addr]
        return self._img.read_word(addr)

    def __getattr__(self, name: str):
        return getattr(self._img, name)


def variants(findings: Findings, backend: str, tables: list[OpsTable], kernel: Image
             ) -> list[dict[int, int]]:
    """Slot address -> value, one dict per variant (each written value appears in one)."""
    vals = findings.values(backend)
    by_addr: dict[int, tuple[int, ...]] = {}
    for (tname, slot), vs in vals.items():
        t = next((t for t in tables if t.name == tname), None)
        if t is None:
            continue
        addr = t.address + slot * t.width
        init = kernel.read_word(addr)
        by_addr[addr] = tuple(vs) + ((init,) if init is not None and init not in vs else ())
    n = max((len(v) for v in by_addr.values()), default=1)
    return [{a: v[min(k, len(v) - 1)] for a, v in by_addr.items()} for k in range(n)]


def xenpv_feature(outcomes: list[Outcome], names) -> int | None:
    """X86_FEATURE_XENPV: the feature the inline templates of the irq, cpu and mmu
    sites test most (paravirt.h's ALT_NOT(X86_FEATURE_XENPV)). The lock ops' test
    PVUNLOCK or VCPUPREEMPT, and where irq sites are few (Debian's 686-pae 6.1: 44
    queued_spin_unlock sites) they would outnumber them."""
    def op(o: Outcome) -> str:
        found = (names.get(o.table) or {}).get(o.slot)
        return found.name if found is not None else ""

    c = Counter(f for o in outcomes
                if (f := _feature(o.feature)) is not None and not op(o).startswith("lock."))
    return c.most_common(1)[0][0] if c else None


def merge(outcomes_by_backend: list[tuple[str, list[Outcome]]], static: dict[tuple[str, int], int]
          ) -> list[Outcome]:
    """One outcome per distinct (site, bytes, target): backends joined in order."""
    out: dict[tuple, Outcome] = {}
    names: dict[tuple, list[str]] = {}
    for backend, outs in outcomes_by_backend:
        for o in outs:
            target = o.target if o.target is not None else static.get((o.table, o.slot))
            key = (o.site, o.length, o.source, o.table, o.slot, o.call, o.replacement, o.kind,
                   o.clobbers, target)
            if key not in out:
                out[key] = o
                names[key] = []
            if backend not in names[key]:
                names[key].append(backend)
    return [replace(o, backend=",".join(names[k])) for k, o in out.items()]


def tag(records: Records, backend: str, values: dict[int, int], tables: list[OpsTable],
        kernel: Image) -> list[Outcome]:
    """The backend's outcomes, each with the slot value it was computed under
    (None where that is the static one)."""
    out = []
    for o in records.outcomes:
        t = next(t for t in tables if t.name == o.table)
        addr = t.address + o.slot * t.width
        v = values.get(addr)
        target = v if v is not None and v != kernel.read_word(addr) else None
        # an outcome that names its own target keeps it (xen_patch's template: the
        # function it is cut from, kernel/seed.py)
        out.append(replace(o, backend=backend, target=o.target if o.target is not None else target))
    return out


def summary(findings: Findings, kernel: Image, names) -> dict[str, dict[str, str]]:
    """{backend: {op: target symbol(s)}} for a report."""
    from pvverify.kernel.backends import BACKEND_ORDER, describe

    out: dict[str, dict[str, str]] = {}
    order = sorted(findings.backends, key=lambda b: (BACKEND_ORDER.index(b) if b in BACKEND_ORDER
                                                     else len(BACKEND_ORDER), b))
    for b in order:
        backend = findings.backends[b]
        row = {}
        for (tname, slot), vs in sorted(backend.values().items()):
            op = names(tname, slot)
            row[op] = " | ".join(describe(kernel, v) for v in vs)
        out[b] = row
    return out


__all__ = ["SlotView", "variants", "merge", "tag", "summary", "Arch"]


# -- the replay -----------------------------------------------------------------------

SELECTED: tuple[str, ...] | None = None  # --backend: the backends replayed (None: all)
_FOUND: dict[tuple[str, int], Findings] = {}


def findings_of(code: Image, arch: Arch, tables: list[OpsTable], cache=None) -> Findings:
    """backends.recover for a vmlinux, once per process, and through the cache (kind
    `backends`), keyed by the tool and a digest of every allocated section's bytes
    (not the build ID, which survives edits after linking)."""
    from pvverify.kernel.backends import recover

    key = (str(code.path), id(code))
    if key in _FOUND:
        return _FOUND[key]
    ckey = None
    if cache is not None:
        from pvverify.util.cache import tool_id

        ckey = {"tool": tool_id(), "image": _alloc_digest(code),
                "tables": [[t.name, t.address, t.size] for t in tables]}
        hit = cache.get("backends", ckey, _loads_ok)
        if hit is not None:
            _FOUND[key] = _load(hit)
            return _FOUND[key]
    found = _FOUND[key] = recover(code, arch, tables)
    if cache is not None and ckey is not None:
        cache.put("backends", ckey, _dump(found))
    return found


def _alloc_digest(img: Image) -> str:
    import hashlib

    h = hashlib.sha256()
    for s in img.sections:
        if s.flags & 2 and s.type != 8 and s.size:  # SHF_ALLOC, not NOBITS
            h.update(f"{s.name}:{s.addr:x}:{s.size:x};".encode())
            h.update(img.section_data(s))
    return h.hexdigest()


def _dump(f: Findings) -> dict:
    from dataclasses import asdict

    return {"backends": {n: {"roots": list(b.roots), "writes": [asdict(w) for w in b.writes]}
                         for n, b in f.backends.items()},
            "late": [[asdict(w), r] for w, r in f.late],
            "unattributed": [asdict(w) for w in f.unattributed],
            "unresolved": [[asdict(w), o] for w, o in f.unresolved],
            "patch_point": f.patch_point, "static_keys": f.static_keys, "notes": f.notes}


def _load(d: dict) -> Findings:
    from pvverify.kernel.backends import Backend, Write

    return Findings(
        {n: Backend(n, tuple(b["roots"]), [Write(**w) for w in b["writes"]])
         for n, b in d["backends"].items()},
        [(Write(**w), r) for w, r in d["late"]], [Write(**w) for w in d["unattributed"]],
        [(Write(**w), o) for w, o in d["unresolved"]], d["patch_point"],
        {k: int(v) for k, v in d["static_keys"].items()}, list(d["notes"]))


def _loads_ok(d: object) -> bool:
    try:
        _load(d)  # type: ignore[arg-type]
        return True
    except (TypeError, KeyError, ValueError, AttributeError):
        return False


def wanted(findings: Findings) -> list[str]:
    """The backends replayed: every one the binary carries (native first), or --backend's."""
    from pvverify.kernel.backends import BACKEND_ORDER

    have = ["native"] + [b for b in findings.backends if b != "native"]
    have.sort(key=lambda b: (BACKEND_ORDER.index(b) if b in BACKEND_ORDER else len(BACKEND_ORDER), b))
    if SELECTED is None:
        return have
    return [b for b in have if b in SELECTED]


def _feature(text: str) -> int | None:
    import re

    m = re.match(r"^!feature (\d+)\*32\+(\d+)", text)
    return int(m.group(1)) * 32 + int(m.group(2)) if m else None


def per_backend(img: Image, arch: Arch, layout, tables: list[OpsTable], code: Image, names, tmpl,
                series, native: Records, found: Findings) -> Records:
    """native's records with every selected backend's outcomes merged in."""
    from pvverify.kernel import seed
    from pvverify.kernel.era_alt import alt_outcomes
    from pvverify.kernel.era_para import para_outcomes
    from pvverify.kernel.templates import Templates

    chosen = wanted(found)
    xenpv = xenpv_feature(native.outcomes, names)
    static: dict[tuple[str, int], int] = {}
    for t in tables:
        for s in range(t.size // t.width):
            v = code.read_word(t.address + s * t.width)
            if v is not None:
                static[(t.name, s)] = v
    parts: list[tuple[str, list[Outcome]]] = []
    if "native" in chosen:
        parts.append(("native", tag(native, "native", {}, tables, code)))
    out = Records(skipped=list(native.skipped), not_pv=native.not_pv, covered=list(native.covered),
                  rule=native.rule, assumptions=list(native.assumptions))
    seen_skips = {(s.site, s.reason) for s in native.skipped}
    used_cap = False
    op_slot = {o.name: s for s, o in (names.get("pv_ops") or {}).items()}
    for b in chosen:
        if b in ("native", "runtime"):  # runtime: static-call updates only (static_calls.py)
            continue
        for values in variants(found, b, tables, code):
            view = SlotView(code, values)

            def fixed(feature, flags, slot_addr, b=b, values=values):
                nonlocal used_cap
                if not flags & ALT_FLAG_NOT:
                    return None
                if feature == xenpv:
                    return False if b == "xen-pv" else None
                if slot_addr in values and values[slot_addr] != code.read_word(slot_addr):
                    used_cap = True
                    return False
                return None

            t_b = tmpl
            if tmpl is not None:
                patch = names.get("pv_ops", {})
                init_patch = next((s for s, o in patch.items() if o.name == "init.patch"), None)
                pp = code.symbol("paravirt_patch_default")
                pv = tables[0]
                if init_patch is not None and pp is not None and \
                        values.get(pv.address + init_patch * pv.width) == pp.value:
                    t_b = Templates(tmpl.source + f" (none under {b}: init.patch = "
                                    "paravirt_patch_default)", {}, frozenset(), tmpl.ident, tmpl.ident32,
                                    tmpl.ud2)
                else:
                    changed = {op for op in tmpl.by_op
                               if op in op_slot and pv.address + op_slot[op] * pv.width in values
                               and values[pv.address + op_slot[op] * pv.width]
                               != code.read_word(pv.address + op_slot[op] * pv.width)}
                    if changed:
                        t_b = Templates(tmpl.source, {k: v for k, v in tmpl.by_op.items()
                                                      if k not in changed},
                                        tmpl.lock_ops - changed, tmpl.ident, tmpl.ident32, tmpl.ud2)
            own = seed.patcher(code, view, tables, names.get("pv_ops", {})) if tmpl is not None else None
            if own is not None:  # xen_patch, lguest_patch, vmi_patch (or one not replayed)
                recs = seed.outcomes(own, img, arch, layout, tables, view, names.get("pv_ops", {}),
                                     tmpl, code)
                out.assumptions += [a for a in recs.assumptions if a not in out.assumptions]
            else:
                recs = para_outcomes(img, arch, layout, tables, view, names.get("pv_ops", {}), t_b)
            recs.extend(alt_outcomes(img, arch, layout, tables, view, series, fixed))
            parts.append((b, tag(recs, b, values, tables, code)))
            for s in recs.skipped:
                if (s.site, s.reason) not in seen_skips:
                    seen_skips.add((s.site, s.reason))
                    out.skipped.append(type(s)(s.site, s.source, f"under {b}: {s.reason}", s.op))
    out.outcomes = merge(parts, static)
    if len(chosen) > 1 or chosen != ["native"]:
        out.assumptions.append(f"backends replayed: {', '.join(b for b in chosen if b != 'runtime')} "
                               "(slot values recovered from "
                               "the binary's code; a written slot may also keep its earlier value)")
    if used_cap:
        out.assumptions.append(SET_CAP_ASSUMPTION)
    if SELECTED is not None and img is code:  # said once, with the vmlinux
        absent = [x for x in SELECTED if x not in chosen and x != "native"]
        if absent:
            # nothing was proved for them: said, never an empty success
            out.skipped.append(Skipped(0, "--backend", f"the binary carries no {', '.join(absent)} "
                                                       "backend (no init path writes a slot): "
                                                       "nothing of it was replayed"))
    return out
