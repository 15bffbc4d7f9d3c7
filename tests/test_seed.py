"""The seed era's own patchers replayed on kernels the tests assemble in each era's
layout (tests/seed_fixture.py): Xen's xen_patch templates with their relocated
`call check_events`, lguest's lguest_patch, VMI's vmi_patch; a template whose
relocation is missing, or that clobbers what its site protects, is caught."""

from __future__ import annotations

import json

from seed_fixture import lguest_kernel, vmi_kernel, xen_kernel

from pvverify.cli.gate import main
from pvverify.kernel.elf import open_image


def gate(capsys, *args) -> tuple[int, dict]:
    code = main([*map(str, args), "--no-cache", "--format", "json", "--jobs", "1"])
    return code, json.loads(capsys.readouterr().out)


def rows(doc: dict, backend: str, kind: str | None = None, alone: bool = True) -> dict[str, list[dict]]:
    """op -> rows of one backend (alone: that no other backend shares), of one kind,
    conformance apart."""
    out: dict[str, list[dict]] = {}
    for r in doc["results"]:
        if (r["backend"] == backend if alone else backend in r["backend"].split(",")) \
                and r["kind"] != "conformance" \
                and (kind is None or r["kind"] == kind):
            out.setdefault(r["op"], []).append(r)
    return out


def test_xen_patch_templates_relocated_and_proved(tmp_path, capsys):
    k = xen_kernel(tmp_path, "vmlinux")
    code, doc = gate(capsys, k)
    img = open_image(k)
    b = doc["binaries"][0]
    assert b["backends"]["xen-pv"]["pv_init_ops.patch"] == "xen_patch"
    tmpl = rows(doc, "xen-pv", "template")
    # the entry sites (PV_SAVE_REGS(CLBR_NONE) around the call: 32 bytes) take the
    # direct ops' bytes up to ENDPATCH, the `ret` left behind
    enable, = tmpl["pv_irq_ops.irq_enable"]
    disable, = tmpl["pv_irq_ops.irq_disable"]
    start = img.symbol("xen_irq_enable_direct").value
    n = img.symbol("xen_irq_enable_direct_end").value - start
    assert len(bytes.fromhex(enable["hex"]).rstrip(b"\x90")) == n
    # the embedded call, relocated by xen_patch, still reaches check_events from the site
    at = img.symbol("xen_irq_enable_direct_reloc").value - start
    code_ = bytes.fromhex(enable["hex"])
    site = int(enable["address"], 16)
    assert code_[at - 1] == 0xE8
    dest = (site + at + 4 + int.from_bytes(code_[at:at + 4], "little", signed=True)) % (1 << 64)
    assert dest == img.symbol("check_events").value
    assert disable["hex"].startswith(img.read(img.symbol("xen_irq_disable_direct").value, 9).hex())
    # save_fl's 14-byte template does not fit its 7-byte callee-save site:
    # paravirt_patch_default, which leaves a CLBR_RAX site as it is
    assert [r["kind"] for r in rows(doc, "xen-pv")["pv_irq_ops.save_fl"]] == ["unchanged"]
    assert {r["verdict"] for r in doc["results"]} == {"equivalent"}, doc["results"]
    assert any("xen_patch inlines" in a for a in b["assumptions"])
    # each direct op Xen installs keeps the callee-save convention
    conf = {r["op"] for r in doc["results"] if r["kind"] == "conformance" and r["backend"] == "xen-pv"}
    assert conf == {"pv_irq_ops.save_fl", "pv_irq_ops.restore_fl", "pv_irq_ops.irq_disable",
                    "pv_irq_ops.irq_enable"}
    assert code == 0 and doc["totals"]["skipped"] == 0


def test_xen_patch_unrelocated_call_is_caught(tmp_path, capsys):
    """RELOC(xen_irq_enable_direct, 0): the copied `call check_events` keeps the
    template's displacement, so at the site it calls into the middle of another
    function (in this layout native_io_delay+1, whose bytes `80 c3 c3` are `addb
    $0xc3, %bl`, then run on to a `ret`): the model runs the bytes there."""
    code, doc = gate(capsys, xen_kernel(tmp_path, "vmlinux", reloc="0"))
    bad = [r for r in doc["results"] if r["verdict"] != "equivalent"]
    assert [(r["backend"], r["op"], r["kind"], r["verdict"]) for r in bad] == \
        [("xen-pv", "pv_irq_ops.irq_enable", "template", "not-equivalent")], bad
    assert "confirmed by unicorn" in bad[0]["reason"]
    assert bad[0]["counterexample"]["inputs"], bad[0]
    assert code == 1


def test_xen_template_that_clobbers_a_protected_register_is_caught(tmp_path, capsys):
    """xen_irq_disable_direct zeroing %rcx before ENDPATCH: inlined at a CLBR_NONE entry
    site, whose original saves every register around the call, it is refuted; and the
    function itself, in a callee-save slot, fails its conformance, named."""
    code, doc = gate(capsys, xen_kernel(tmp_path, "vmlinux", disable="xorl %ecx, %ecx"))
    bad = {(r["kind"], r["op"]): r for r in doc["results"] if r["verdict"] != "equivalent"}
    assert set(bad) == {("template", "pv_irq_ops.irq_disable"), ("conformance", "pv_irq_ops.irq_disable")}
    assert bad["template", "pv_irq_ops.irq_disable"]["backend"] == "xen-pv"
    assert bad["template", "pv_irq_ops.irq_disable"]["reason"].startswith("rcx differs")
    assert "xen_irq_disable_direct" in bad["conformance", "pv_irq_ops.irq_disable"]["reason"]
    assert code == 1


def test_lguest_patch_templates(tmp_path, capsys):
    k = lguest_kernel(tmp_path, "vmlinux")
    code, doc = gate(capsys, k)
    b = doc["binaries"][0]
    assert b["backends"]["lguest"]["pv_init_ops.patch"] == "lguest_patch"
    assert b["not_pv_records"] == 1  # 2.6.24's alt_instr, absolute pointers, read
    tmpl = rows(doc, "lguest", "template")
    assert set(tmpl) == {"pv_irq_ops.save_fl", "pv_irq_ops.restore_fl", "pv_irq_ops.irq_disable",
                         "pv_irq_ops.irq_enable"}
    img = open_image(k)
    pushf = img.symbol("lgstart_pushf").value
    assert tmpl["pv_irq_ops.save_fl"][0]["hex"].startswith(img.read(pushf, 5).hex())
    # io_delay: lguest_patch has no template for it: paravirt_patch_default's call
    assert [r["kind"] for r in rows(doc, "lguest", alone=False)["pv_cpu_ops.io_delay"]] == ["call"]
    assert {r["verdict"] for r in doc["results"]} == {"equivalent"}, doc["results"]
    assert code == 0
    # only the backend asked for
    code, doc = gate(capsys, k, "--backend", "lguest")
    assert {r["backend"] for r in doc["results"]} == {"lguest"} and code == 0


def test_lguest_template_that_clobbers_a_protected_register_is_caught(tmp_path, capsys):
    """lgstart_popf zeroing %ecx, which the site's `push %ecx` .. `pop %ecx` keeps."""
    code, doc = gate(capsys, lguest_kernel(tmp_path, "vmlinux", popf="xorl %ecx, %ecx"))
    bad = [r for r in doc["results"] if r["verdict"] != "equivalent"]
    assert [(r["backend"], r["op"], r["kind"]) for r in bad] == \
        [("lguest", "pv_irq_ops.restore_fl", "template")], bad
    assert bad[0]["reason"].startswith("ecx differs") and "confirmed by unicorn" in bad[0]["reason"]
    assert code == 1


def test_vmi_patch(tmp_path, capsys):
    code, doc = gate(capsys, vmi_kernel(tmp_path, "vmlinux"))
    b = doc["binaries"][0]
    assert b["backends"]["vmi"]["pv_init_ops.patch"] == "vmi_patch"
    vmi = rows(doc, "vmi")
    # the irq ops: the ROM's NONE (the site stays) and NOP (nothing, where the slot
    # holds vmi_nop); any other op: `return len`, the site stays
    assert sorted(r["kind"] for r in vmi["pv_irq_ops.save_fl"]) == ["nop", "unchanged"]
    assert sorted(r["kind"] for r in vmi["pv_irq_ops.irq_disable"]) == ["nop", "unchanged"]
    assert [r["kind"] for r in vmi["pv_cpu_ops.io_delay"]] == ["unchanged"]
    assert {r["verdict"] for r in doc["results"]} == {"equivalent"}, doc["results"]
    # CALL_REL/JUMP_REL into the ROM cannot be built: said per site, never dropped
    skipped = sorted(s["op"] for s in doc["skipped"])
    assert skipped == ["pv_irq_ops.irq_disable", "pv_irq_ops.save_fl"]
    assert all("VMI ROM" in s["reason"] and s["reason"].startswith("under vmi") for s in doc["skipped"])
    # para_fill's store of the ROM's entry point: a value not in the binary, reported
    assert [(f["status"], f["op"]) for f in doc["backend_findings"]] == \
        [("unresolved-write", "pv_irq_ops.save_fl")]
    assert code == 2


def test_vmi_nop_that_clobbers_a_protected_register_is_caught(tmp_path, capsys):
    code, doc = gate(capsys, vmi_kernel(tmp_path, "vmlinux", nop="xorl %ecx, %ecx"))
    bad = {(r["kind"], r["op"]) for r in doc["results"] if r["verdict"] != "equivalent"}
    assert bad == {("nop", "pv_irq_ops.save_fl"), ("nop", "pv_irq_ops.irq_disable"),
                   ("conformance", "pv_irq_ops.save_fl")}, bad
    assert all(r["backend"] == "vmi" for r in doc["results"] if r["verdict"] != "equivalent")
    conf = next(r for r in doc["results"] if r["kind"] == "conformance" and r["verdict"] != "equivalent")
    assert conf["reason"].startswith("vmi_nop")
    assert code == 1
