"""Where each hypervisor backend's init path starts, read from the binary: its
`x86_hyper_<name>` descriptor's hooks (init hooks in `.init*`, the rest run-time),
the entry points no descriptor names, and the initcalls (which run after the
patcher). kernel/backends.py walks from these roots to the slot writes."""

from __future__ import annotations

from pvverify.kernel.elf import SHF_ALLOC, Image
from pvverify.x86.arch import Arch

# The backend names a report uses, by the suffix of the binary's x86_hyper_<suffix>.
HYPER_NAMES = {"xen_pv": "xen-pv", "xen_hvm": "xen-hvm", "kvm": "kvm", "ms_hyperv": "hyperv",
               "vmware": "vmware", "acrn": "acrn", "jailhouse": "jailhouse"}
# Entry points that are no x86_hyper_* hook (looked up by name; absent ones are skipped).
EXTRA_ROOTS = {
    "xen-pv": ("xen_start_kernel",),
    "xen-hvm": ("xen_hvm_guest_init", "xen_hvm_init_shared_info", "xen_hvm_init_time_ops",
                "xen_hvm_init_mmu_ops", "xen_hvm_smp_init", "xen_init_spinlocks"),
    "kvm": ("kvm_guest_init", "kvm_init_platform", "kvm_spinlock_init"),
    "hyperv": ("ms_hyperv_init_platform", "hyperv_setup_mmu_ops", "hv_init_spinlocks"),
    "vmware": ("vmware_platform_setup",),
    "tdx": ("tdx_early_init",),
    "lguest": ("lguest_init",), "vmi": ("vmi_init", "vmi_activate"),  # the seed era (kernel/seed.py)
}
# Xen PV also runs its spinlock setup (xen_smp_prepare_boot_cpu -> xen_init_spinlocks).
EXTRA_ROOTS["xen-pv"] += ("xen_init_spinlocks",)
# The entry points that only a backend without an x86_hyper_* descriptor has.
OWN_ENTRIES = {"xen-pv": ("xen_start_kernel",), "tdx": ("tdx_early_init",), "lguest": ("lguest_init",),
               "vmi": ("vmi_init", "vmi_activate")}


def hyper_descriptors(img: Image, arch: Arch) -> dict[str, tuple[list[int], list[int]]]:
    """backend -> (init hook starts, run-time hook starts) from each x86_hyper_<name>."""
    out = {}
    w = arch.width
    for s in img.symbols:
        if not s.name.startswith("x86_hyper_") or s.name == "x86_hyper_type" or not s.size \
                or s.shndx == 0:
            continue
        suffix = s.name[len("x86_hyper_"):]
        name = HYPER_NAMES.get(suffix, suffix.replace("_", "-"))
        data = img.read(s.value, s.size) or b""
        init, run = [], []
        for i in range(0, len(data) - w + 1, w):
            v = int.from_bytes(data[i:i + w], "little")
            f = img.function_at(v)
            if f is None or f[0] != v or not img.executable(v):
                continue
            sec = next((x for x in img.sections
                        if x.addr <= v < x.addr + x.size and x.flags & SHF_ALLOC), None)
            (init if sec is not None and sec.name.startswith(".init") else run).append(v)
        out[name] = (init, run)
    return out


def initcalls(img: Image, arch: Arch) -> list[int]:
    """Every initcall's function: they run after start_kernel has patched."""
    lo, hi = img.symbol("__initcall_start"), img.symbol("__initcall_end")
    if lo is None or hi is None or hi.value <= lo.value:
        return []
    data = img.read(lo.value, hi.value - lo.value) or b""
    out = []
    # PREL32 (an `int` offset to the function, x86 since 4.19) if those land on
    # function starts, else absolute pointers
    rel = [(lo.value + i + int.from_bytes(data[i:i + 4], "little", signed=True)) & arch.mask
           for i in range(0, len(data) - 3, 4)]
    if rel and sum(1 for v in rel if (f := img.function_at(v)) is not None and f[0] == v) * 2 > len(rel):
        out = [v for v in rel if (f := img.function_at(v)) is not None and f[0] == v]
    else:
        w = arch.width
        for i in range(0, len(data) - w + 1, w):
            v = int.from_bytes(data[i:i + w], "little")
            if (f := img.function_at(v)) is not None and f[0] == v:
                out.append(v)
    return out
