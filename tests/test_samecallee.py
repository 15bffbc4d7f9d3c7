"""The same-callee method against exploration: they must agree.

Both methods run on every obligation whose replacement calls the slot's own
target: hand-written callees (loops, locals, stack realignment, string stores,
unknown callees, and every way of reading the return address), gcc-compiled
callees (a loop, `__builtin_return_address(0)` stored to a global, a callee
that reads its caller's frame through the frame pointer it was given), and the
direct-call outcomes of the tests' fixture kernels. Same-callee must never say
`equivalent` where exploration finds a replayed counterexample, and where it
gives no proof its reason names the instruction.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest
from kernel_fixture import Alt, build

from pvverify import samecallee as frame
from pvverify.check import check
from pvverify.gate.obligations import canonical_site, obligation_of, targets_of
from pvverify.kernel.binary import read_binary
from pvverify.kernel.closure import Targets
from pvverify.kernel.elf import open_image
from pvverify.obligation import CodeSpec, Obligation, from_dict
from pvverify.program import build as build_pair
from pvverify.reports import sarif
from pvverify.reports.check_text import to_text
from pvverify.samecallee import STACK_CANARY, TAIL_CALL, UNKNOWN_CALLEE
from pvverify.samecallee import method as samecallee
from pvverify.util.budget import Limits
from pvverify.x86.arch import I386, X86_64, Arch
from pvverify.x86.ctype import parse_ctype
from pvverify.x86.decode import decoder

# name -> (x86_64 body, i386 body, what same-callee must do: "prove" or the
# instruction its refusal names)
CASES = {
    "plain": ("pushfq\npopq %rax\nret", "pushfl\npopl %eax\nret", "prove"),
    "loop": ("xorl %eax,%eax\n1: addq $1,%rax\ncmpq $20,%rax\njne 1b\nret",
             "xorl %eax,%eax\n1: addl $1,%eax\ncmpl $20,%eax\njne 1b\nret", "prove"),
    "locals": ("subq $24,%rsp\nmovq %rdi,8(%rsp)\nmovq 8(%rsp),%rax\naddq $24,%rsp\nret",
               "subl $12,%esp\nmovl %eax,4(%esp)\nmovl 4(%esp),%eax\naddl $12,%esp\nret", "prove"),
    "realign": ("pushq %rbp\nmovq %rsp,%rbp\nandq $-16,%rsp\nsubq $32,%rsp\nmovq %rdi,(%rsp)\n"
                "movq (%rsp),%rax\nleave\nret",
                "pushl %ebp\nmovl %esp,%ebp\nandl $-16,%esp\nsubl $16,%esp\nmovl %eax,(%esp)\n"
                "movl (%esp),%eax\nleave\nret", "prove"),
    "rep_stos": ("subq $32,%rsp\nmovq %rsp,%rdi\nmovl $4,%ecx\nxorl %eax,%eax\nrep stosq\n"
                 "addq $32,%rsp\nret",
                 "pushl %edi\nsubl $16,%esp\nmovl %esp,%edi\nmovl $4,%ecx\nxorl %eax,%eax\nrep stosl\n"
                 "addl $16,%esp\npopl %edi\nret", "prove"),
    "helper": ("pushq %rbx\nmovq %rdi,%rbx\ncall 1f\npopq %rbx\nret\n1: leaq 1(%rbx),%rax\nret",
               "pushl %ebx\nmovl %eax,%ebx\ncall 1f\npopl %ebx\nret\n1: leal 1(%ebx),%eax\nret", "prove"),
    "indexed": ("subq $32,%rsp\nxorl %eax,%eax\ncmpq $9,%rdi\nsete %al\nmovq 8(%rsp,%rax,8),%rax\n"
                "addq $32,%rsp\nret",
                "subl $16,%esp\nxorl %ecx,%ecx\ncmpl $9,%eax\nsete %cl\nmovl 4(%esp,%ecx,4),%eax\n"
                "addl $16,%esp\nret", "prove"),
    # every way of depending on the return address: no proof from this method
    "indexed_reaches": ("subq $8,%rsp\nxorl %eax,%eax\ncmpq $9,%rdi\nsete %al\n"
                        "movq (%rsp,%rax,8),%rax\naddq $8,%rsp\nret",
                        "subl $4,%esp\nxorl %ecx,%ecx\ncmpl $9,%eax\nsete %cl\n"
                        "movl (%esp,%ecx,4),%eax\naddl $4,%esp\nret", "mov"),
    "reads": ("movq (%rsp),%rax\nret", "movl (%esp),%eax\nret", "mov"),
    "stores": ("movq (%rsp),%rax\nmovq %rax,(%rdi)\nret", "movl (%esp),%ecx\nmovl %ecx,(%eax)\nret", "mov"),
    "compares": ("cmpb $6,(%rsp)\nsete %al\nret", "cmpb $6,(%esp)\nsete %al\nret", "cmp"),
    "frame": ("pushq %rbp\nmovq %rsp,%rbp\nmovq 8(%rbp),%rax\npopq %rbp\nret",
              "pushl %ebp\nmovl %esp,%ebp\nmovl 4(%ebp),%eax\npopl %ebp\nret", "mov"),
    "pop_jmp": ("popq %rax\njmp *%rax", "popl %ebx\njmp *%ebx", "pop"),
    "overwrites": ("subq $32,%rsp\nmovq %rsp,%rdi\nmovl $5,%ecx\nxorl %eax,%eax\nrep stosq\n"
                   "addq $32,%rsp\nret",
                   "pushl %edi\nsubl $8,%esp\nmovl %esp,%edi\nmovl $4,%ecx\nxorl %eax,%eax\n"
                   "rep stosl\naddl $8,%esp\npopl %edi\nret", "rep stos"),
    # a copy of the slot's address pushed and popped, then read back from the stack it
    # was left in (below the stack pointer, re-exposed by a `sub`), and followed
    "stale": ("leaq (%rsp),%rax\npushq %rax\npopq %rcx\nsubq $8,%rsp\npopq %rdx\n"
              "movq (%rdx),%rdx\nmovq %rdx,(%rdi)\nret",
              "leal (%esp),%ecx\npushl %ecx\npopl %ecx\nsubl $4,%esp\npopl %edx\n"
              "movl (%edx),%edx\nmovl %edx,(%eax)\nret", "mov"),
    "leaks_to_callee": ("leaq (%rsp),%rdi\ncall 1f\nret\n1: movq (%rdi),%rax\nret",
                        "leal (%esp),%eax\ncall 1f\nret\n1: movl (%eax),%eax\nret", "mov"),
    # a string copy whose source is the slot: the copy, then stored where the caller sees it
    "copies_slot": ("movq %rdi,%rdx\nsubq $8,%rsp\nleaq 8(%rsp),%rsi\nmovq %rsp,%rdi\nmovl $2,%ecx\n"
                    "rep movsl\nmovq (%rsp),%rax\nmovq %rax,(%rdx)\naddq $8,%rsp\nret",
                    "pushl %esi\npushl %edi\nmovl %eax,%edx\nsubl $4,%esp\nleal 12(%esp),%esi\n"
                    "movl %esp,%edi\nmovl $1,%ecx\nrep movsl\nmovl (%esp),%eax\nmovl %eax,(%edx)\n"
                    "addl $4,%esp\npopl %edi\npopl %esi\nret", "rep movs"),
    # `p = cond ? &local : NULL`, the local just below the slot, then `if (p) *p = 7`: the
    # two arms meet as "that stack address or none"; a store through it is exact
    "maybe_null_local": ("subq $8,%rsp\nmovl $0,4(%rsp)\nleaq 4(%rsp),%rcx\ntestq %rdi,%rdi\n"
                         "jne 1f\nxorl %ecx,%ecx\n1: testq %rcx,%rcx\nje 2f\nmovl $7,(%rcx)\n"
                         "2: movl 4(%rsp),%eax\naddq $8,%rsp\nret",
                         "subl $4,%esp\nmovl $0,(%esp)\nleal (%esp),%ecx\ntestl %eax,%eax\n"
                         "jne 1f\nxorl %ecx,%ecx\n1: testl %ecx,%ecx\nje 2f\nmovl $7,(%ecx)\n"
                         "2: movl (%esp),%eax\naddl $4,%esp\nret", "prove"),
    # ... and one element further through it is the slot: refused, and read differs
    "maybe_null_past": ("subq $8,%rsp\nmovl $0,4(%rsp)\nleaq 4(%rsp),%rcx\ntestq %rdi,%rdi\n"
                        "jne 1f\nxorl %ecx,%ecx\n1: xorl %eax,%eax\ntestq %rcx,%rcx\nje 2f\n"
                        "movl 4(%rcx),%eax\n2: addq $8,%rsp\nret",
                        "subl $4,%esp\nmovl $0,(%esp)\nleal (%esp),%ecx\ntestl %eax,%eax\n"
                        "jne 1f\nxorl %ecx,%ecx\n1: xorl %eax,%eax\ntestl %ecx,%ecx\nje 2f\n"
                        "movl 4(%ecx),%eax\n2: addl $4,%esp\nret", "mov"),
    # DF set by arithmetic on the flags image pushf gave, popped back: a backward copy
    # from the caller's frame reads the slot (the image is no longer "DF clear")
    "flags_arith": ("pushfq\npopq %rax\norq $0x400,%rax\npushq %rax\npopfq\nmovq %rdi,%rdx\n"
                    "leaq 8(%rsp),%rsi\nleaq 8(%rdx),%rdi\nmovl $2,%ecx\nrep movsq\ncld\nret",
                    "movl %eax,%edx\npushfl\npopl %eax\norl $0x400,%eax\npushl %eax\npopfl\n"
                    "leal 4(%esp),%esi\nleal 4(%edx),%edi\nmovl $2,%ecx\nrep movsl\ncld\nret", "rep movs"),
    # the same with a pushed register's slot a whole word below the return address
    # (found by the long fuzz): the join keeps the exact offset there too, so the load
    # through it that reads half the return address is refused, not taken for an object's
    "maybe_null_pushed": ("pushq %rbx\nsubq $16,%rsp\nleaq 16(%rsp),%rcx\ntestq %rdi,%rdi\n"
                          "jne 1f\nxorl %ecx,%ecx\n1: xorl %eax,%eax\ntestq %rcx,%rcx\nje 2f\n"
                          "movq 4(%rcx),%rax\n2: addq $16,%rsp\npopq %rbx\nret",
                          "pushl %ebx\npushl %esi\nleal (%esp),%ecx\ntestl %eax,%eax\n"
                          "jne 1f\nxorl %ecx,%ecx\n1: xorl %eax,%eax\ntestl %ecx,%ecx\nje 2f\n"
                          "movl 6(%ecx),%eax\n2: popl %esi\npopl %ebx\nret", "mov"),
}


def obligation(arch: Arch, name: str, body: str) -> Obligation:
    conv = "sysv" if arch.bits == 64 else "regparm3"
    return from_dict({"schema": 1, "name": name, "arch": arch.name, "convention": conv,
                      "returns": "ptr", "args": ["ptr"], "site_length": 6,
                      "original": {"target": {"asm": body}},
                      "replacement": {"asm": f"call {arch.target_address:#x}"}})


def both(ob: Obligation, visits: int | None = None):
    """(same-callee's Result or None, its refusal, exploration's Result). Exploration runs
    once: where same-callee refuses, the front door's own fallback is exploration's result
    (and that it fell back is checked here); where it proves, exploration runs alone.
    `visits`: exploration's work bound (instructions per program), else the default."""
    proved, why = samecallee.decide(build_pair(ob))
    limits = Limits() if visits is None else Limits(max_visits=visits)
    front = check(ob, limits=limits)
    if proved is None:
        assert front.method == "exploration", front.reason  # the front door fell back
        return proved, why, front
    assert front.method == "same-callee" and front.verdict == "equivalent", front.reason
    return proved, why, check(ob, limits=limits, same_callee=False)


def agree(proved, explored) -> None:
    if proved is not None:
        assert explored.verdict != "not-equivalent", (explored.reason, explored.counterexample)


@pytest.mark.parametrize("arch", [X86_64, I386], ids=["x86_64", "i386"])
@pytest.mark.parametrize("name", CASES)
def test_methods_agree_on_hand_written_callees(arch, name):
    body64, body32, want = CASES[name]
    ob = obligation(arch, name, body64 if arch.bits == 64 else body32)
    proved, why, explored = both(ob)
    agree(proved, explored)
    if want == "prove":
        assert proved is not None, why
        assert proved.method == "same-callee"
        assert explored.verdict in ("equivalent", "unknown"), explored.reason
    else:
        assert proved is None
        assert f"`{want}" in why, why  # the refusal names the instruction
        if name != "overwrites":  # both return addresses overwritten alike: no difference
            assert explored.verdict == "not-equivalent", explored.reason
            assert explored.counterexample.replayed


def _protected(arch: Arch, between: str = "") -> str:
    """gcc's stack protector around a body (`between`): the canary copied into the
    frame, checked at the end; its failure path calls a function that reads the
    caller's return address (as __stack_chk_fail's panic message does) and stores it."""
    if arch.bits == 64:
        return ("pushq %rbx\nsubq $16,%rsp\nmovq %gs:0x28,%rax\nmovq %rax,8(%rsp)\nxorl %eax,%eax\n"
                f"{between}movq 8(%rsp),%rax\nsubq %gs:0x28,%rax\njne 1f\naddq $16,%rsp\npopq %rbx\nret\n"
                "2: movq 32(%rsp),%rax\nmovq %rax,0x1000\nud2\n1: call 2b")
    return ("pushl %ebx\nsubl $8,%esp\nmovl %fs:0x3000,%ecx\nmovl %ecx,4(%esp)\nxorl %ecx,%ecx\n"
            f"{between}movl 4(%esp),%ecx\nsubl %fs:0x3000,%ecx\njne 1f\naddl $8,%esp\npopl %ebx\nret\n"
            "2: movl 16(%esp),%ecx\nmovl %ecx,0x1000\nud2\n1: call 2b")


@pytest.mark.parametrize("arch", [X86_64, I386], ids=["x86_64", "i386"])
def test_the_stack_protectors_failure_path_is_not_reached(arch):
    """With the binary's canary word known (kernel/closure.stack_canary), the check
    gcc's stack protector makes at a function's end finds the copy its prologue
    stored, so __stack_chk_fail's path (a panic that prints the caller's address) is
    not analysed: proved under STACK_CANARY, and exploration agrees. Without the
    canary word, or with the copy overwritten on the way, that path is followed and
    refused, and overwriting the copy is a replayed difference."""
    canary = ("gs", 0x28) if arch.bits == 64 else ("fs", 0x3000)
    ob = dataclasses.replace(obligation(arch, "protected", _protected(arch)), canary=canary)
    proved, why, explored = both(ob)
    agree(proved, explored)
    assert proved is not None and proved.method == "same-callee", why
    assert any(STACK_CANARY in a for a in proved.assumptions), proved.assumptions
    assert explored.verdict == "equivalent", explored.reason
    # not knowing where the canary is: the failure path is followed
    proved, why = samecallee.decide(build_pair(dataclasses.replace(ob, canary=None)))
    assert proved is None and "reads its return address" in why, why
    # the copy overwritten by the body: the check may fail, and does on the CPU
    over = "movq %rdi,8(%rsp)\n" if arch.bits == 64 else "movl %eax,4(%esp)\n"
    broken = dataclasses.replace(ob, target=CodeSpec(asm=_protected(arch, over)))
    proved, why, explored = both(broken)
    assert proved is None and "reads its return address" in why, why
    assert explored.verdict == "not-equivalent" and explored.counterexample.replayed, explored.reason


# the layouts of the canary word: Debian's 5.10-6.12 x86_64, its 7.3, i386 6.1, the
# x86_64 layout before fixed_percpu_data, i386 before __stack_chk_guard (a %gs based
# 20 below stack_canary), and no stack protector at all
@pytest.mark.parametrize(("bits", "defines", "want"), [
    (64, ".globl fixed_percpu_data\nfixed_percpu_data: .quad 0", ("gs", "fixed_percpu_data", 40)),
    (64, ".globl __stack_chk_guard\n__stack_chk_guard: .quad 0", ("gs", "__stack_chk_guard", 0)),
    (32, ".globl __stack_chk_guard\n__stack_chk_guard: .long 0", ("fs", "__stack_chk_guard", 0)),
    (64, ".globl irq_stack_union\nirq_stack_union: .quad 0", ("gs", "irq_stack_union", 40)),
    (32, ".globl stack_canary\nstack_canary: .long 0", ("gs", None, 20)),
    (32, "", None),
])
def test_the_canary_word_is_read_from_the_binary(tmp_path, bits, defines, want):
    from pvverify.kernel.closure import stack_canary
    vm = build(tmp_path, bits, "6.1", [], extra=f".section .data\n{defines}\n.text\n")
    img = open_image(str(vm))
    got = stack_canary(img, X86_64 if bits == 64 else I386)
    assert got == (None if want is None else
                   (want[0], (img.symbol(want[1]).value if want[1] else 0) + want[2]))


def test_unknown_callee_is_proved_only_under_its_stated_assumption():
    """An indirect call whose target is not fixed: exploration cannot run it;
    same-callee proves it, and says what it assumed about the callee."""
    ob = obligation(X86_64, "indirect", "pushq %rbx\nmovq (%rdi),%rax\ncall *%rax\npopq %rbx\nret")
    proved, why, explored = both(ob)
    assert explored.verdict == "unknown" and "not fixed" in explored.reason
    assert proved is not None, why
    res = check(ob)
    assert res.verdict == "equivalent" and res.method == "same-callee"
    assert any(UNKNOWN_CALLEE in a for a in res.assumptions)
    assert any("return stack buffer" in a for a in res.assumptions)
    assert any("dead stack" in a for a in res.assumptions)
    assert "decided by: same-callee" in to_text(res)
    assert json.loads(json.dumps(res.to_json()))["method"] == "same-callee"
    # a pointer that may be the return address's handed to that callee: no proof
    leak = obligation(X86_64, "indirect", "movq (%rdi),%rax\nleaq (%rsp),%rdi\ncall *%rax\nret")
    proved, why = samecallee.decide(build_pair(leak))
    assert proved is None and "may reach the return address" in why
    # a tail call to it hands over the return address itself: said aloud
    tail = obligation(X86_64, "tail", "movq (%rdi),%rax\njmp *%rax")
    assert samecallee.decide(build_pair(tail))[0] is None  # jmp *reg: maybe a jump table
    res = check(obligation(X86_64, "tail", "jmp 0x1234"))
    assert res.method == "same-callee" and any(TAIL_CALL in a for a in res.assumptions)


# a va_list {gp_offset, fp_offset, overflow_arg_area, reg_save_area} (i386: 12 bytes)
# built on the stack with address `p` from the stack pointer, copied by `rep movsl`
VA64 = ("pushq %rbx\nmovq %rdi,%rbx\nsubq $48,%rsp\nmovl $8,(%rsp)\nleaq {p}(%rsp),%rax\n"
        "movq %rax,8(%rsp)\nmovq %rax,16(%rsp)\nleaq (%rsp),%rsi\nleaq 24(%rsp),%rdi\nmovl $6,%ecx\n"
        "rep movsl\n{clear}movq (%rbx),%rax\nleaq 24(%rsp),%rdi\ncall *%rax\naddq $48,%rsp\n"
        "popq %rbx\nret")
VA32 = ("pushl %ebx\npushl %esi\npushl %edi\nmovl %eax,%ebx\nsubl $24,%esp\nmovl $8,(%esp)\n"
        "leal {p}(%esp),%eax\nmovl %eax,4(%esp)\nmovl %eax,8(%esp)\nleal (%esp),%esi\n"
        "leal 12(%esp),%edi\nmovl $3,%ecx\nrep movsl\n{clear}movl (%ebx),%ecx\nleal 12(%esp),%eax\n"
        "call *%ecx\naddl $24,%esp\npopl %edi\npopl %esi\npopl %ebx\nret")

# Refinements of the analysis, each with the shape that needs it and a neighbour
# that must still be refused (x86_64 body, i386 body, "prove" or the refused instruction).
REFINED = {
    # MOVSXD / MOVZX into a 64- or 32-bit register overwrite all of it: the slot's address it held is gone
    "movzx_overwrites": ("leaq (%rsp),%rsi\nmovslq (%rdi),%rsi\npushq %rbx\nmovq (%rdi),%rax\n"
                         "call *%rax\npopq %rbx\nret",
                         "leal (%esp),%edx\nmovzbl (%eax),%edx\npushl %ebx\nmovl (%eax),%ecx\n"
                         "call *%ecx\npopl %ebx\nret", "prove"),
    # ... into 16 bits it keeps the rest: the pointer to the slot still reaches the callee
    "movzx_keeps": ("leaq (%rsp),%rsi\nmovzbw (%rdi),%si\npushq %rbx\nmovq (%rdi),%rax\n"
                    "call *%rax\npopq %rbx\nret",
                    "leal (%esp),%edx\nmovzbw (%eax),%dx\npushl %ebx\nmovl (%eax),%ecx\n"
                    "call *%ecx\npopl %ebx\nret", "call"),
    # a helper leaving one of two addresses of its dead frame in a scratch register
    # (as printk does): far below the slot on both paths, whatever the unknown callee
    # does with it
    "far_below": ("call 3f\nmovq (%rdi),%rax\ncall *%rax\nret\n"
                  "3: subq $200,%rsp\nleaq (%rsp),%rdx\ntestq %rdi,%rdi\nje 4f\n"
                  "leaq 100(%rsp),%rdx\n4: addq $200,%rsp\nret",
                  "pushl %ebx\nmovl %eax,%ebx\ncall 3f\nmovl (%ebx),%ecx\ncall *%ecx\npopl %ebx\nret\n"
                  "3: subl $200,%esp\nleal (%esp),%edx\ntestl %eax,%eax\nje 4f\n"
                  "leal 100(%esp),%edx\n4: addl $200,%esp\nret", "prove"),
    # ... but when one of them is the slot's own address the join may be it: refused
    "reaches_slot": ("call 3f\nmovq (%rdi),%rax\ncall *%rax\nret\n"
                     "3: subq $200,%rsp\nleaq (%rsp),%rdx\ntestq %rdi,%rdi\nje 4f\n"
                     "leaq 208(%rsp),%rdx\n4: addq $200,%rsp\nret",
                     "pushl %ebx\nmovl %eax,%ebx\ncall 3f\nmovl (%ebx),%ecx\ncall *%ecx\npopl %ebx\nret\n"
                     "3: subl $200,%esp\nleal (%esp),%edx\ntestl %eax,%eax\nje 4f\n"
                     "leal 212(%esp),%edx\n4: addl $200,%esp\nret", "call"),
    # an object address unknown code handed back on one path, a 4-byte store on the
    # other, in the same local: a mix of object address pieces, never the slot's
    "mixed_widths": ("subq $24,%rsp\nmovq (%rdi),%rax\nleaq 8(%rsp),%rdi\ncall *%rax\n"
                     "testq %rax,%rax\nje 1f\nmovq %rax,(%rsp)\njmp 2f\n1: movl $1,(%rsp)\n"
                     "2: movq 0x1000,%rax\nleaq (%rsp),%rdi\ncall *%rax\naddq $24,%rsp\nret",
                     "pushl %ebx\nsubl $12,%esp\nmovl (%eax),%ecx\nleal 4(%esp),%eax\ncall *%ecx\n"
                     "testl %eax,%eax\nje 1f\nmovl %eax,(%esp)\njmp 2f\n1: movw $1,(%esp)\n"
                     "2: movl 0x1000,%ecx\nleal (%esp),%eax\ncall *%ecx\naddl $12,%esp\npopl %ebx\nret",
                     "prove"),
    # va_copy (5.10-rt's panic): a va_list holding stack addresses copied by `rep movsl`
    # to another local, and a pointer to the copy handed to unknown code: the copied
    # addresses are where they were, far from the slot
    "va_copy": (VA64.format(p=16, clear=""), VA32.format(p=8, clear=""), "prove"),
    # ... but a copied address of the slot itself (the source cleared after the copy,
    # so only the copy holds it) reaches the callee: refused at the call
    # the address of a local just below the slot handed to unknown code: an object of
    # this frame, which ends below the return address (STACK_OBJECT)
    "object_below_slot": ("movq (%rdi),%rax\nsubq $8,%rsp\nleaq 4(%rsp),%rdi\ncall *%rax\n"
                          "addq $8,%rsp\nret",
                          "movl (%eax),%ecx\nsubl $4,%esp\nleal (%esp),%eax\ncall *%ecx\n"
                          "addl $4,%esp\nret", "prove"),
    # ... the slot's own address handed over: refused at the call
    "object_at_slot": ("movq (%rdi),%rax\nsubq $8,%rsp\nleaq 8(%rsp),%rdi\ncall *%rax\n"
                       "addq $8,%rsp\nret",
                       "movl (%eax),%ecx\nsubl $4,%esp\nleal 4(%esp),%eax\ncall *%ecx\n"
                       "addl $4,%esp\nret", "call"),
    # ... or stored where that code can read it
    "object_below_slot_stored": ("movq (%rdi),%rax\nsubq $8,%rsp\nleaq 4(%rsp),%rcx\nmovq %rcx,0x1000\n"
                                 "call *%rax\naddq $8,%rsp\nret",
                                 "movl (%eax),%ecx\nsubl $4,%esp\nleal (%esp),%edx\nmovl %edx,0x1000\n"
                                 "call *%ecx\naddl $4,%esp\nret", "prove"),
    "object_at_slot_stored": ("movq (%rdi),%rax\nsubq $8,%rsp\nleaq 8(%rsp),%rcx\nmovq %rcx,0x1000\n"
                              "call *%rax\naddq $8,%rsp\nret",
                              "movl (%eax),%ecx\nsubl $4,%esp\nleal 4(%esp),%edx\nmovl %edx,0x1000\n"
                              "call *%ecx\naddl $4,%esp\nret", "call"),
    # ... or in a local whose address it is given: what it may leave there is an
    # object's address either way, and a store through it after the call stands
    "object_below_slot_in_frame": ("movq (%rdi),%rax\nsubq $24,%rsp\nleaq 20(%rsp),%rcx\n"
                                   "movq %rcx,(%rsp)\nmovq %rsp,%rdi\ncall *%rax\nmovq (%rsp),%rcx\n"
                                   "movl $0,(%rcx)\naddq $24,%rsp\nret",
                                   "movl (%eax),%ecx\nsubl $12,%esp\nleal 8(%esp),%edx\n"
                                   "movl %edx,(%esp)\nmovl %esp,%eax\ncall *%ecx\nmovl (%esp),%edx\n"
                                   "movl $0,(%edx)\naddl $12,%esp\nret", "prove"),
    "object_at_slot_in_frame": ("movq (%rdi),%rax\nsubq $24,%rsp\nleaq 24(%rsp),%rcx\n"
                                "movq %rcx,(%rsp)\nmovq %rsp,%rdi\ncall *%rax\nmovq (%rsp),%rcx\n"
                                "movl $0,(%rcx)\naddq $24,%rsp\nret",
                                "movl (%eax),%ecx\nsubl $12,%esp\nleal 12(%esp),%edx\n"
                                "movl %edx,(%esp)\nmovl %esp,%eax\ncall *%ecx\nmovl (%esp),%edx\n"
                                "movl $0,(%edx)\naddl $12,%esp\nret", "call"),
    "va_copy_slot": (VA64.format(p=56, clear="movq $0,8(%rsp)\nmovq $0,16(%rsp)\n"),
                     VA32.format(p=36, clear="movl $0,4(%esp)\nmovl $0,8(%esp)\n"), "call"),
}


@pytest.mark.parametrize("arch", [X86_64, I386], ids=["x86_64", "i386"])
@pytest.mark.parametrize("name", REFINED)
def test_refinements_prove_only_what_cannot_reach_the_slot(arch, name):
    """Indirect calls: exploration cannot run them (unknown), so the proof stands on the
    stated unknown-callee assumption, and the refused neighbour names the call."""
    body64, body32, want = REFINED[name]
    ob = obligation(arch, name, body64 if arch.bits == 64 else body32)
    proved, why = samecallee.decide(build_pair(ob))
    if want == "prove":
        assert proved is not None, why
        assert any(UNKNOWN_CALLEE in a for a in proved.assumptions)
    else:
        assert proved is None and f"`{want}" in why and "return address" in why, why
    res = check(ob)
    assert res.verdict == ("equivalent" if want == "prove" else "unknown"), res.reason


def test_other_shapes_are_not_same_callee():
    """A call to another function, or a slot holding something else, is exploration's."""
    arch = X86_64
    ob = from_dict({"schema": 1, "name": "other", "arch": "x86_64", "convention": "sysv",
                    "returns": "ptr", "args": [], "site_length": 6,
                    "original": {"target": {"asm": "xorl %eax,%eax\nret\n.org 0x40\nmovl $1,%eax\nret"}},
                    "replacement": {"asm": f"call {arch.target_address + 0x40:#x}"}})
    pair = build_pair(ob)
    assert samecallee.shape(pair) is None
    res = check(ob)
    assert res.method == "exploration" and res.verdict == "not-equivalent"


# -- gcc-compiled callees --------------------------------------------------------

C_SOURCE = r"""
long table[16];
long last_caller;
long sum16(void) { long s = 0; for (int i = 0; i < 6; i++) s += table[i] * i; return s; }
long sum_n(long *a, long n) { long s = 0; for (long i = 0; i < n; i++) s += a[i]; return s; }
void note_caller(void) { last_caller = (long)__builtin_return_address(0); }
__attribute__((noinline)) long peek_above(long *fp) { return fp[1]; }
long frame_reader(void) { return peek_above(__builtin_frame_address(0)) + 1; }
"""
TEXT = 0xFFFFFFFF81100000


def _compiled(tmp: Path, source: str = C_SOURCE,
              names: tuple[str, ...] = ("sum16", "sum_n", "note_caller", "frame_reader")
              ) -> tuple[Path, dict[str, int]]:
    src = tmp / "callees.c"
    src.write_text(source)
    obj, exe = tmp / "callees.o", tmp / "callees"
    subprocess.run(["gcc", "-O2", "-c", "-mno-red-zone", "-fno-pic", "-mcmodel=kernel",
                    "-fno-stack-protector", "-fno-omit-frame-pointer", "-o", obj, src], check=True)
    subprocess.run(["ld", "-m", "elf_x86_64", "-static", "-nostdlib", "-e", "0", f"-Ttext={TEXT:#x}",
                    "-Tdata=0xffffffff82000000", "-Tbss=0xffffffff82100000", "-o", exe, obj], check=True)
    img = open_image(exe)
    return exe, {n: img.symbol(n).value for n in names}


def _elf_obligation(exe: Path, name: str, addr: int) -> Obligation:
    img = open_image(exe)
    targets = Targets(img, X86_64)
    _, code = targets.function(addr)
    site = X86_64.site_address
    call = "e8" + ((addr - (site + 5)) & 0xFFFFFFFF).to_bytes(4, "little").hex()
    return Obligation(name=name, arch=X86_64, convention="sysv", returns=parse_ctype("u64", 8),
                      args=(parse_ctype("ptr", 8), parse_ctype("u64", 8)), site_length=6,
                      target=CodeSpec(hex=code.hex()), replacement=CodeSpec(hex=call),
                      address=site, target_address=addr, slot=0xFFFFFFFF82800000,
                      regions=targets.callees(addr), return_thunks=targets.thunks,
                      unloaded=targets.code_ranges)


@pytest.fixture(scope="module")
def compiled(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    return _compiled(tmp_path_factory.mktemp("callees"))


def test_methods_agree_on_gcc_compiled_callees(compiled):
    exe, syms = compiled
    res = {}
    for name, addr in syms.items():
        # sum_n loops n times: exploration stops at its bound whatever it is (keep it small)
        proved, why, explored = both(_elf_obligation(exe, name, addr), 2000 if name == "sum_n" else None)
        agree(proved, explored)
        res[name] = (proved, why, explored)
    # loops: a fixpoint, not unrolling
    assert res["sum16"][0] is not None and res["sum16"][2].verdict == "equivalent"
    assert res["sum_n"][0] is not None, res["sum_n"][1]
    assert res["sum_n"][2].verdict in ("equivalent", "unknown")
    # __builtin_return_address(0) stored to a global: refused, and exploration shows why
    assert res["note_caller"][0] is None and "return address" in res["note_caller"][1]
    assert res["note_caller"][2].verdict == "not-equivalent"
    assert res["note_caller"][2].counterexample.replayed
    # a frame pointer handed to a callee that reads above its own frame
    assert res["frame_reader"][0] is None and "return address" in res["frame_reader"][1]
    assert res["frame_reader"][2].verdict == "not-equivalent"


# -- fixture kernels --------------------------------------------------------------


@pytest.mark.parametrize("bits,series", [(64, "6.1"), (32, "6.1"), (64, "6.12")])
def test_methods_agree_on_fixture_kernel_direct_calls(tmp_path, bits, series):
    ax = "%rax" if bits == 64 else "%eax"
    alts = [Alt("s_save", f"pushf\npop {ax}"), Alt("s_cli", "cli")]
    if series == "6.12":  # the direct call is an altinstructions entry
        alts += [Alt(s, "ud2", flags=2) for s in ("s_save", "s_cli", "s_sti", "s_cr2")]
    k = build(tmp_path, bits, series, alts, para=series == "6.1")
    b = read_binary(str(k), None, None)
    targets = targets_of(b)
    canon, md = canonical_site(b.code), decoder(b.arch)
    seen = 0
    for o in b.outcomes:
        ob = obligation_of(b, targets, canon, o, md)
        pair = build_pair(ob)
        if samecallee.shape(pair) is None:
            continue
        seen += 1
        proved, why, explored = both(ob)
        agree(proved, explored)
        assert proved is not None, (ob.name, why)
        if explored.verdict != "unknown":
            assert explored.verdict == "equivalent", explored.reason
    assert seen >= 3


def test_sarif_carries_the_method(tmp_path):
    from pvverify.gate.rows import OutcomeResult

    row = OutcomeResult("vmlinux", 0x1000, ".parainstructions", "cpu.io_delay", "dwarf", "call", "",
                        "e800000000", ["call 0x1005"], "unknown", "no proof", "k", method="same-callee")
    doc = sarif.sarif([row])
    assert doc["runs"][0]["results"][0]["properties"]["method"] == "same-callee"


COLD_SOURCE = r"""
long table[16];
__attribute__((noinline, cold)) void oops(long x) { table[3] = x; asm volatile("" ::: "memory"); }
__attribute__((noinline)) long hot(long *p) {
  long v = p[0];
  if (__builtin_expect(v == 42, 0)) { oops(v); v = p[1] * 3 + table[p[2] & 15]; }
  return v + 1;
}
long root(long *p) { return hot(p) * 2; }
"""


def test_cold_part_comes_with_its_function(tmp_path, monkeypatch):
    """gcc moves `hot`'s unlikely path to `hot.cold`: the closure loads it with `hot` even
    when the callee bound stops at `hot`, so the jump there is analysed code, not a
    tail call assumed, and both methods agree."""
    from pvverify.kernel import closure

    exe, syms = _compiled(tmp_path, COLD_SOURCE, ("root", "hot", "hot.cold", "oops"))
    monkeypatch.setattr(closure, "MAX_CALLEES", 1)
    ob = _elf_obligation(exe, "root", syms["root"])
    loaded = {a for a, _ in ob.regions}
    assert syms["hot"] in loaded and syms["hot.cold"] in loaded
    assert syms["oops"] not in loaded  # the bound still holds for functions
    proved, why, explored = both(ob)
    agree(proved, explored)
    assert proved is not None, why
    assert not any(TAIL_CALL in a for a in proved.assumptions), proved.assumptions
    assert explored.verdict in ("equivalent", "unknown"), explored.reason


BOUNDED = {
    # an inlined memset of a local (7.x __crash_kexec): the index is bounded by the
    # `cmp $imm; jb` that closes the loop, so every store lands in the frame
    "bounded_loop": ("subq $256,%rsp\nmovq %rsp,%rdi\nxorl %eax,%eax\n1: movl %eax,%edx\n"
                     "addl $32,%eax\nmovq $0,(%rdi,%rdx)\nmovq $0,8(%rdi,%rdx)\n"
                     "movq $0,16(%rdi,%rdx)\nmovq $0,24(%rdi,%rdx)\ncmpl $160,%eax\njb 1b\n"
                     "movq $0,(%rdi,%rax)\naddq $256,%rsp\nret", None),
    # ... with the array exactly as long as the loop writes: the counter steps by 32 and is
    # tested against 160, so the last store starts at 128 + 24, never at the slot above
    "bounded_loop_tight": ("subq $160,%rsp\nmovq %rsp,%rdi\nxorl %eax,%eax\n1: movl %eax,%edx\n"
                           "addl $32,%eax\nmovq $0,(%rdi,%rdx)\nmovq $0,8(%rdi,%rdx)\n"
                           "movq $0,16(%rdi,%rdx)\nmovq $0,24(%rdi,%rdx)\ncmpl $160,%eax\njb 1b\n"
                           "addq $160,%rsp\nret", None),
    # ... bounded by an argument instead: past the array it would run over the return
    # address, which C's object bounds rule out: proved only under STACK_OBJECT (both
    # sides would overwrite it alike anyway)
    "argument_bound": ("subq $256,%rsp\nmovq %rsp,%rdi\nxorl %eax,%eax\n1: movl %eax,%edx\n"
                       "addl $32,%eax\nmovq $0,(%rdi,%rdx)\ncmpl %esi,%eax\njb 1b\n"
                       "addq $256,%rsp\nret", None),
    # `test reg, reg` on a known zero: the path that reads the return address is dead
    "dead_path": ("xorl %ecx,%ecx\ntestq %rcx,%rcx\nje 1f\nmovq (%rsp),%rax\n1: ret", None),
    # ... on an unknown value it is not
    "live_path": ("testq %rdi,%rdi\nje 1f\nmovq (%rsp),%rax\n1: ret", "mov"),
}


@pytest.mark.parametrize("name", BOUNDED)
def test_branch_conditions_bound_values(name):
    """`cmp reg, imm` / `test reg, reg` refine the value on each edge of the jcc after
    them (only then); exploration agrees, with a replayed counterexample where the
    refused neighbour really reaches the return address."""
    body, refused = BOUNDED[name]
    ob = from_dict({"schema": 1, "name": name, "arch": "x86_64", "convention": "sysv",
                    "returns": "u64", "args": ["ptr", "u32"], "site_length": 6,
                    "original": {"target": {"asm": body}},
                    "replacement": {"asm": f"call {X86_64.target_address:#x}"}})
    # the argument-bounded loop has no bound exploration can reach: keep its run short
    proved, why, explored = both(ob, 2000 if name == "argument_bound" else None)
    agree(proved, explored)
    if refused is None:
        assert proved is not None, why
        assert explored.verdict in ("equivalent", "unknown"), explored.reason
        assert samecallee.rests_on_objects(proved) == (name == "argument_bound"), proved.assumptions
    else:
        assert proved is None and f"`{refused}" in why, why
        if name == "live_path":
            assert explored.verdict == "not-equivalent" and explored.counterexample.replayed


@pytest.mark.parametrize("arch", [X86_64, I386], ids=["x86_64", "i386"])
def test_realignment_is_checked_for_every_residue_of_the_entry_stack_pointer(arch):
    """After `and $-64, %sp` the offsets depend on the entry stack pointer modulo 64;
    a read 56 bytes above the aligned pointer hits the return address for exactly one
    residue (56, with a push before the `and`), so no proof; 8 bytes lower it never does."""
    if arch.bits == 64:
        body = "pushq %rbp\nmovq %rsp,%rbp\nandq $-64,%rsp\nmovq {}(%rsp),%rax\nleave\nret"
    else:
        body = "pushl %ebp\nmovl %esp,%ebp\nandl $-64,%esp\nmovl {}(%esp),%eax\nleave\nret"
    hit = 56 if arch.bits == 64 else 60
    proved, why = samecallee.decide(build_pair(obligation(arch, "realign_hit", body.format(hit))))
    assert proved is None and "reads its return address" in why, why
    proved, why = samecallee.decide(build_pair(obligation(arch, "realign_miss", body.format(-16))))
    assert proved is not None, why


@pytest.mark.parametrize("arch", [X86_64, I386], ids=["x86_64", "i386"])
def test_an_index_past_a_local_breaks_the_object_assumption_and_exploration_says_so(arch):
    """`buf[i]` with i an argument: same-callee proves it only by assuming the access
    stays in the local (C semantics); i = 1 reads the return address, exploration finds
    that on this small callee, and its replayed counterexample is the verdict."""
    if arch.bits == 64:
        body = "subq $8,%rsp\nmovq (%rsp,%rdi,8),%rax\naddq $8,%rsp\nret"
    else:
        body = "subl $4,%esp\nmovl (%esp,%eax,4),%eax\naddl $4,%esp\nret"
    ob = obligation(arch, "index_past_local", body)
    proved, why = samecallee.decide(build_pair(ob))
    assert proved is not None and samecallee.rests_on_objects(proved), why
    res = check(ob)
    assert res.verdict == "not-equivalent" and res.counterexample.replayed, res.reason
    assert "stays in its object" in res.reason


@pytest.mark.parametrize("arch", [X86_64, I386], ids=["x86_64", "i386"])
def test_a_context_switch_resumes_on_the_stack_this_task_saved(arch):
    """__switch_to_asm's shape: save the stack pointer in prev, load next's. The code
    after the load runs for this task when another task switches back to it, so it is
    analysed on this task's stack (CONTEXT_SWITCH, stated); a read of the return
    address after the switch back is still refused, and a load of the stack pointer
    from anywhere but the field just saved is no switch this method follows."""
    if arch.bits == 64:
        body = "pushq %rbp\npushq %rbx\nmovq %rsp,16(%rdi)\nmovq 16(%rsi),%rsp\npopq %rbx\npopq %rbp\n{}ret"
        read, other = "movq (%rsp),%rax\n", body.replace("movq 16(%rsi)", "movq 24(%rsi)")
    else:
        body = "pushl %ebp\npushl %ebx\nmovl %esp,16(%eax)\nmovl 16(%edx),%esp\npopl %ebx\npopl %ebp\n{}ret"
        read, other = "movl (%esp),%ecx\n", body.replace("movl 16(%edx)", "movl 20(%edx)")
    proved, why = samecallee.decide(build_pair(obligation(arch, "switch", body.format(""))))
    assert proved is not None, why
    assert any(frame.CONTEXT_SWITCH in a for a in proved.assumptions), proved.assumptions
    proved, why = samecallee.decide(build_pair(obligation(arch, "switch_read", body.format(read))))
    assert proved is None and "reads its return address" in why, why
    proved, why = samecallee.decide(build_pair(obligation(arch, "not_a_switch", other.format(""))))
    assert proved is None and "not on this stack" in why, why
    # right after the switch the next task runs this code with this task's registers: a
    # frame pointer into this stack, read before it is popped, reaches the return
    # address, and so does a scratch register (one a callee need not keep) pointing into it
    # (name: x86_64 body, i386 body, the read the refusal names on each)
    leaks = {
        "switch_frame_pointer": (
            "pushq %rbp\nmovq %rsp,%rbp\npushq %rbx\nmovq %rsp,16(%rdi)\nmovq 16(%rsi),%rsp\n"
            "movq 8(%rbp),%rax\nmovq %rax,(%rsi)\npopq %rbx\npopq %rbp\nret",
            "pushl %ebp\nmovl %esp,%ebp\npushl %ebx\nmovl %esp,16(%eax)\nmovl 16(%edx),%esp\n"
            "movl 4(%ebp),%ecx\nmovl %ecx,(%edx)\npopl %ebx\npopl %ebp\nret", ("8(%rbp)", "4(%ebp)")),
        "switch_scratch": (
            "pushq %rbx\nleaq -8(%rsp),%rcx\nmovq %rsp,16(%rdi)\nmovq 16(%rsi),%rsp\n"
            "movq 24(%rcx),%rax\nmovq %rax,(%rsi)\npopq %rbx\nret",
            "pushl %ebx\nleal -4(%esp),%ecx\nmovl %esp,16(%eax)\nmovl 16(%edx),%esp\n"
            "movl 12(%ecx),%eax\nmovl %eax,(%edx)\npopl %ebx\nret", ("0x18(%rcx)", "0xc(%ecx)")),
    }
    for name, (body64, body32, (read64, read32)) in leaks.items():
        wide = arch.bits == 64
        proved, why = samecallee.decide(build_pair(obligation(arch, name, body64 if wide else body32)))
        assert proved is None and (read64 if wide else read32) in why, (name, why)


@pytest.mark.parametrize("arch", [X86_64, I386], ids=["x86_64", "i386"])
def test_iret_to_self_lands_where_its_frame_says(arch):
    """sync_core()'s IRET to the next instruction (SDM Vol. 2A, IRET): the frame's
    return address and (64-bit) stack pointer are followed; one that returns to an
    address it loaded from memory is no proof."""
    if arch.bits == 64:
        body = ("movl %ss,%eax\npushq %rax\npushq %rsp\naddq $8,(%rsp)\npushfq\nmovl %cs,%eax\n"
                "pushq %rax\npushq ${}\niretq\n1: ret")
    else:
        body = "pushfl\npushl %cs\npushl ${}\niret\n1: ret"
    proved, why = samecallee.decide(build_pair(obligation(arch, "iret_self", body.format("1f"))))
    assert proved is not None, why
    bad = body.replace("pushq ${}", "pushq (%rdi)").replace("pushl ${}", "pushl (%eax)")
    proved, why = samecallee.decide(build_pair(obligation(arch, "iret_away", bad)))
    assert proved is None and "not fixed" in why, why


@pytest.mark.parametrize("arch", [X86_64, I386], ids=["x86_64", "i386"])
def test_a_callee_saved_register_saved_by_mov_is_in_no_object(arch):
    """gcc's shrink-wrapped prologues save callee-saved registers with `mov` instead of
    `push`: such a slot is no object an unknown callee could write through a pointer
    into the frame, so the caller's frame pointer comes back intact for its `leave`.
    The same `mov` after the register was overwritten is a spill of data, not a save."""
    if arch.bits == 64:
        body = ("pushq %rbp\nmovq %rsp,%rbp\ncall 2f\nleave\nret\n"
                "2: subq $24,%rsp\n{}movq %rbp,8(%rsp)\nmovq %rdi,%rax\nleaq 16(%rsp),%rdi\n"
                "call *%rax\nmovq 8(%rsp),%rbp\naddq $24,%rsp\nret")
        clobber = "movq %rsi,%rbp\n"
    else:
        body = ("pushl %ebp\nmovl %esp,%ebp\ncall 2f\nleave\nret\n"
                "2: subl $12,%esp\n{}movl %ebp,4(%esp)\nmovl %eax,%ecx\nleal 8(%esp),%eax\n"
                "call *%ecx\nmovl 4(%esp),%ebp\naddl $12,%esp\nret")
        clobber = "movl %edx,%ebp\n"
    proved, why = samecallee.decide(build_pair(obligation(arch, "mov_save", body.format(""))))
    assert proved is not None, why
    proved, why = samecallee.decide(build_pair(obligation(arch, "spill", body.format(clobber))))
    assert proved is None and "leave" in why, why


@pytest.mark.parametrize("arch", [X86_64, I386], ids=["x86_64", "i386"])
def test_a_jump_to_the_slots_own_target_is_decided_without_it(arch):
    """Pre-5.13 `cpu.iret` sites: `jmp *slot` patched to `jmp F` where the slot holds F.
    Nothing is pushed, so both paths reach F from one state: same-callee decides it
    without F's code, and exploration (which runs F) agrees."""
    site, slot = arch.site_address, arch.slot_address
    if arch.bits == 64:
        jmp = bytes([0xFF, 0x25]) + ((slot - (site + 6)) & 0xFFFFFFFF).to_bytes(4, "little")
    else:
        jmp = bytes([0xFF, 0x25]) + slot.to_bytes(4, "little")
    conv = "sysv" if arch.bits == 64 else "regparm3"
    body = "pushfq\npopq %rax\nret" if arch.bits == 64 else "pushfl\npopl %eax\nret"
    def site(to: int) -> Obligation:
        return from_dict({"schema": 1, "name": "jmp_same", "arch": arch.name, "convention": conv,
                          "returns": "void", "args": [], "site_length": 6,
                          "original": {"call": {"hex": jmp.hex()}, "target": {"asm": body}},
                          "replacement": {"asm": f"jmp {to:#x}"}})

    ob = site(arch.target_address)
    pair = build_pair(ob)
    assert samecallee.same_jump(pair) == arch.target_address
    res = check(ob)
    assert res.verdict == "equivalent" and res.method == "same-callee", res.reason
    assert check(ob, same_callee=False).verdict == "equivalent"
    # to another address than the slot holds: not this shape
    assert samecallee.same_jump(build_pair(site(arch.target_address + 0x100))) is None


def test_a_counter_counting_down_is_widened_down_to_a_threshold():
    """The pv spinlock's spin loops: a counter from 0x8000 down, decremented each pass,
    with a `cmp $0xffff` elsewhere making 0xffff a widening threshold. Its least value
    is widened too (to the next threshold below, else 0), so the fixpoint is reached in
    a few passes rather than one pass per value (32,768 of them: the 500,000-visit bound)."""
    body = ("cmpl $0xffff,%esi\nja 3f\nmovl $0x8000,%edx\njmp 2f\n1: pause\nsubl $1,%edx\nje 3f\n"
            "2: movzbl (%rdi),%eax\ntestb %al,%al\njne 1b\n3: ret")
    proved, why = samecallee.decide(build_pair(obligation(X86_64, "spin", body)), 1000)
    assert proved is not None, why
