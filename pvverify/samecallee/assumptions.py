"""What a same-callee proof may rest on, stated in its result when used, and how it
ends: a Proof, or a NoProof naming the instruction."""

from __future__ import annotations

from dataclasses import dataclass, field


class NoProof(Exception):
    """The analysis cannot bound something: the message names the instruction."""


@dataclass
class Proof:
    """The function never touches its return-address slot but to return through it."""

    functions: int                     # distinct function entries analysed
    instructions: int                  # distinct instruction addresses analysed
    assumptions: list[str] = field(default_factory=list)


UNKNOWN_CALLEE = (
    "an unknown callee (an indirect call whose target is not fixed, or code past the callee "
    "bound) behaves as a C function: it reads its arguments, memory reachable from them and "
    "globals, its stack arguments only inside its caller's frame, and its caller's frame only "
    "through a pointer it was given (no unwinding above its own frame), and a stack address "
    "it was given comes back (from memory) only whole, never as narrower pieces; it reads no byte "
    "of an object that nothing wrote (an indeterminate value in C); it does not write "
    "the slots where its callers pushed callee-saved registers (they are in no object); it preserves the "
    "callee-saved registers and the stack pointer, and returns to its return address")
TAIL_CALL = ("a jump out of the analysed code with the frame torn down (the stack pointer at "
             "the return address) is a tail call to a function (the kernel builds with "
             "-fno-jump-tables where it uses retpolines), which returns to that return address")
UNKNOWN_TAIL = ("code reached by a tail call that the analysis cannot see receives the site's "
                "return address as its own and uses it only to return (it is no tracing or "
                "lockdep hook reading __builtin_return_address(0))")
RECURSION = ("a recursive call (to a function already being analysed further up the call chain) "
             "is taken as a call to an unknown callee")
NORETURN = ("an unknown callee with no code after its call (the end of a function, as gcc "
            "leaves it after a noreturn call such as __stack_chk_fail) does not return")
OBJECT_ARITHMETIC = (
    "once a stack address was handed to an unknown callee, an address loaded from memory it "
    "could write (or computed from one) points into an object: not at the return address, "
    "nor at a return address of a call in progress, and no byte of that object is read before it "
    "is written (C semantics: no access outside an object; an unwritten byte is indeterminate)")
STACK_OBJECT = (
    "an address computed from a stack address by arithmetic the analysis does not follow "
    "(an index or length it does not bound, an alignment) stays inside the object that stack "
    "address pointed into, and so does every access through it (C semantics: no pointer "
    "arithmetic or access outside an object, and an unwritten byte of it is indeterminate, never "
    "read); such an object lies in one frame, never across a return address or a slot where a "
    "callee-saved register was pushed")
CONTEXT_SWITCH = (
    "a context switch (`mov D(%next), %sp` right after `mov %sp, D(%prev)`) returns to this "
    "task when another task loads the stack pointer this task saved; meanwhile other tasks "
    "run as unknown callees (no pointer into this stack but the saved one, which only the "
    "switch back uses: no unwinding of a sleeping task's stack, whose backtrace would read "
    "the return address, is compared)")
STACK_ALIGNED = ("the stack pointer is a multiple of the width at entry (every push, call and "
                 "frame on a kernel stack moves it by multiples of it; x86_64 interrupt entry "
                 "aligns it, SDM Vol. 3A 6.14.2): code that aligns it is analysed once per such "
                 "residue")
TRAP = ("a trap inside the callee (BUG/WARN `ud2`, `int3`) ends the comparison, as in "
        "exploration: its handler's view of the interrupted stack (which holds the return "
        "address, e.g. in a backtrace) is not compared")

HYPERCALL = (
    "a hypercall instruction in kernel code (`vmcall`/`vmmcall`: KVM, and Xen HVM/PVH through the "
    "hypercall page; `syscall`: Xen PV's xen_hypercall_pv, where the kernel runs at CPL 3 and "
    "syscall enters Xen) follows the hypervisor's ABI: it reads the argument registers (rdi, rsi, "
    "rdx, r10, r8; ebx, ecx, edx, esi, edi on i386) and guest memory they point to, writes at most "
    "the result and argument registers (and rcx, r11 for syscall), preserves the stack pointer "
    "and the callee-saved registers, never reads or writes the caller's frame above the one "
    "it was given a pointer into, and returns to the next instruction")
STACK_CANARY = (
    "the stack protector's canary (the per-CPU word gcc's -fstack-protector reads through "
    "%gs on x86_64, %fs on i386) holds the running task's canary whenever the task runs: the "
    "context switch stores the incoming task's canary there and nothing else writes it, so a "
    "function's check finds the value its prologue copied to its frame where that copy is "
    "intact, and does not call __stack_chk_fail")

# the order a proof states them in, whatever order the analysis met them in (a summary
# applied meets its callee's all at once)
ORDER = {a: i for i, a in enumerate((UNKNOWN_CALLEE, TAIL_CALL, UNKNOWN_TAIL, RECURSION, NORETURN,
                                     OBJECT_ARITHMETIC, STACK_OBJECT, CONTEXT_SWITCH, STACK_ALIGNED,
                                     TRAP, HYPERCALL, STACK_CANARY))}
