"""Preconditions an obligation may state (`assume = ["..."]`): facts about the input
state that equivalence needs, such as where a hypervisor's per-CPU data lives.

The language is a small subset of Python expressions, parsed with `ast` and
never evaluated by Python:
  names      registers (rax, edi, ...), flags (if, df, ac, iopl, ...), cr0-cr8,
             fs_base, gs_base, kernel_gs_base
  memory     mem8[e], mem16[e], mem32[e], mem64[e]  (little-endian, input memory)
  numbers    decimal or 0x...
  operators  + - * & | ^ << >> ~ (bit-vector, wrap-around at the mode's width),
             == != < <= > >= (unsigned), and, or, not
Examples: "gs_base == 0xffff888000000000", "mem8[gs_base + 0x10] & 1 == 0", "if == 0".
"""

from __future__ import annotations

import ast

import z3

from pvverify.semantics.state import Inputs
from pvverify.x86.arch import CONTROL_REGS, FLAG_WIDTH


class AssumptionError(ValueError):
    """An assumption that is not in the language; the message says where."""


_MEM = {"mem8": 1, "mem16": 2, "mem32": 4, "mem64": 8}


def compile_assumption(text: str, inputs: Inputs, memory: z3.ArrayRef) -> z3.BoolRef:
    """The z3 formula of one assumption over the shared input state."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as e:
        raise AssumptionError(f"{text!r}: not an expression ({e.msg})") from None
    return _Compiler(inputs, memory, text).boolean(tree.body)


class _Compiler:
    def __init__(self, inputs: Inputs, memory: z3.ArrayRef, text: str) -> None:
        self.inputs = inputs
        self.arch = inputs.arch
        self.memory = memory
        self.text = text

    def fail(self, what: str) -> AssumptionError:
        return AssumptionError(f"{self.text!r}: {what}")

    def boolean(self, n: ast.AST) -> z3.BoolRef:
        if isinstance(n, ast.BoolOp):
            parts = [self.boolean(v) for v in n.values]
            return z3.And(parts) if isinstance(n.op, ast.And) else z3.Or(parts)
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not):
            return z3.Not(self.boolean(n.operand))
        if isinstance(n, ast.Compare):
            out = []
            left = self.value(n.left)
            for op, right_n in zip(n.ops, n.comparators, strict=True):
                right = self.value(right_n)
                a, b = self.same_width(left, right)
                out.append(self.compare(op, a, b))
                left = right
            return z3.And(out) if len(out) > 1 else out[0]
        raise self.fail("expected a comparison (==, !=, <, ...) combined with and/or/not")

    def compare(self, op: ast.cmpop, a: z3.BitVecRef, b: z3.BitVecRef) -> z3.BoolRef:
        table = {ast.Eq: lambda: a == b, ast.NotEq: lambda: a != b, ast.Lt: lambda: z3.ULT(a, b),
                 ast.LtE: lambda: z3.ULE(a, b), ast.Gt: lambda: z3.UGT(a, b),
                 ast.GtE: lambda: z3.UGE(a, b)}
        if type(op) not in table:
            raise self.fail(f"operator {type(op).__name__} is not supported")
        return table[type(op)]()

    def same_width(self, a, b) -> tuple[z3.BitVecRef, z3.BitVecRef]:
        w = max(_width(a), _width(b)) or self.arch.bits
        return self.fit(a, w), self.fit(b, w)

    def fit(self, v, w: int) -> z3.BitVecRef:
        if isinstance(v, int):
            # a constant wider than its operand would be cut to fit (mem8[x] == 0x100
            # meaning mem8[x] == 0): refused; a negative one is its two's complement
            if not -(1 << (w - 1)) <= v < (1 << w):
                raise self.fail(f"the constant {v:#x} does not fit the {w}-bit operand it meets")
            return z3.BitVecVal(v & ((1 << w) - 1), w)
        if v.size() < w:
            return z3.ZeroExt(w - v.size(), v)
        return v

    def value(self, n: ast.AST):
        if isinstance(n, ast.Constant) and isinstance(n.value, int) and not isinstance(n.value, bool):
            return n.value
        if isinstance(n, ast.Name):
            return self.name(n.id)
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name) and n.value.id in _MEM:
            size = _MEM[n.value.id]
            addr = self.fit(self.value(n.slice), self.arch.bits)
            if addr.size() > self.arch.bits:
                addr = z3.Extract(self.arch.bits - 1, 0, addr)
            parts = [z3.Select(self.memory, addr + i) for i in reversed(range(size))]
            return z3.Concat(*parts) if size > 1 else parts[0]
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Invert):
            return ~self.fit(self.value(n.operand), self.arch.bits)
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            v = self.value(n.operand)
            return -v if isinstance(v, int) else -v
        if isinstance(n, ast.BinOp):
            a, b = self.value(n.left), self.value(n.right)
            if isinstance(a, int) and isinstance(b, int):
                a = self.fit(a, self.arch.bits)
            a, b = self.same_width(a, b)
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
                   ast.BitAnd: lambda: a & b, ast.BitOr: lambda: a | b, ast.BitXor: lambda: a ^ b,
                   ast.LShift: lambda: a << b, ast.RShift: lambda: z3.LShR(a, b)}
            if type(n.op) not in ops:
                raise self.fail(f"operator {type(n.op).__name__} is not supported")
            return ops[type(n.op)]()
        raise self.fail(f"unsupported syntax {ast.dump(n)[:40]}")

    def name(self, name: str) -> z3.BitVecRef:
        arch = self.arch
        layout = self.inputs.layout
        low = name.lower()
        if low in FLAG_WIDTH:
            return z3.BitVec(low.upper(), FLAG_WIDTH[low])
        if low in CONTROL_REGS and low.upper() in layout.by_name:
            return z3.BitVec(low.upper(), 8 * layout.by_name[low.upper()][1])
        if low in ("fs_base", "gs_base"):
            return z3.BitVec("FS_OFFSET" if low == "fs_base" else "GS_OFFSET", arch.bits)
        if low == "kernel_gs_base":
            return self.inputs.kernel_gs_base
        if low.upper() in layout.by_name:
            off, size = layout.by_name[low.upper()]
            c = layout.locate(off, size)
            if c.name.lower() in arch.gprs:
                full = z3.BitVec(c.name, 8 * c.size)
                lo = 8 * (off - c.offset)
                return full if size == c.size else z3.Extract(lo + 8 * size - 1, lo, full)
        raise self.fail(f"unknown name {name!r}")


def _width(v) -> int:
    return 0 if isinstance(v, int) else v.size()
