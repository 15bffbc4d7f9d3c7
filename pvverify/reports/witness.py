"""A counterexample in words: what differs, both values, why the convention
protects it, the inputs that matter, the replay, and both paths.

Reads the counterexample as a dict (verdict.Counterexample as JSON, or a gate
row's), so `check`, the gate and the HTML page say the same thing.
"""

from __future__ import annotations

from pvverify.reports.listing import side_by_side


def value(v: object) -> str:
    """A typed value as a person reads it: ints in hex, lists and dicts of them."""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int):
        return hex(v)
    if isinstance(v, list) and len(v) > 2 and all(isinstance(x, int) for x in v) \
            and v == list(range(v[0], v[0] + len(v))):
        return f"[{v[0]:#x} .. {v[-1]:#x}] ({len(v)} bytes)"  # a run of addresses
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {value(x)}" for k, x in v.items()) + "}"
    return "nothing" if v is None else str(v)


def replay_words(ce: dict) -> str:
    """What unicorn did with the counterexample, as a sentence."""
    if not ce.get("replayed"):
        return "not replayed on a CPU model"
    obs = ce.get("replay_observable")
    if not obs:
        return ("replayed on unicorn from this state: the CPU shows no observable difference "
                "between the two paths")
    same = obs == ce.get("observable")
    tail = "the same difference the solver found" if same else f"a difference in {obs}"
    a, b = ce.get("replay_original"), ce.get("replay_replacement")
    if obs.startswith("return value in ") and _bytes(a) and _bytes(b):
        a, b = _little(a), _little(b)  # the observed bytes of the register, as one number
    if obs == "side effects" and isinstance(a, list) and isinstance(b, list):
        return (f"replayed on unicorn from this state: the original does {_effects(a)}, "
                f"the replacement {_effects(b)}: {tail}")
    return (f"replayed on unicorn from this state: the original leaves {obs} = "
            f"{value(a)}, the replacement {obs} = {value(b)}: {tail}")


def _effects(trace: list) -> str:
    """[[kind, arg, ...], ...] as `out(0x80, 0x1, 0x0); hlt(0x0)`, or `nothing`."""
    out = []
    for e in trace:
        if isinstance(e, list) and e:
            out.append(f"{e[0]}({', '.join(value(x) for x in e[1:])})")
        else:
            out.append(value(e))
    return "; ".join(out) or "nothing"


def _bytes(v: object) -> bool:
    return isinstance(v, list) and all(isinstance(x, int) and 0 <= x < 256 for x in v)


def _little(v: list[int]) -> int:
    return int.from_bytes(bytes(v), "little")


def input_lines(ce: dict) -> list[str]:
    """The inputs that matter: registers (flags only when set) and the memory words read."""
    out = []
    regs = ce.get("inputs") or {}
    if regs:
        out.append("    " + ", ".join(f"{k} = {value(v)}" for k, v in regs.items()))
    for w in ce.get("memory") or []:
        name = w.get("name") or f"{w['address']:#x}"
        where = f" at {w['address']:#x}" if w.get("name") else ""
        out.append(f"    [{name}]{where} = {w['value']:#0{2 + 2 * w.get('size', 8)}x}")
    return out


def difference(ce: dict) -> str:
    return (f"{ce['observable']} differs: {ce['original']} after the original, "
            f"{ce['replacement']} after the replacement")


def word_line(ce: dict) -> str | None:
    """`the 4-byte word at 4(%eax) [0xc0001004]: 0x1 (edx) after the original, 0x2 (ecx) after
    the replacement`: a memory difference at the width the code wrote it."""
    w = ce.get("word") or {}
    if not w:
        return None
    where = f"{w['at']} [{w['address']:#x}]" if w.get("at") else f"{w['address']:#x}"

    def val(side: str) -> str:
        src = w.get(f"{side}_from")
        return f"{w[side]} ({src} at entry)" if src else w[side]

    return (f"the {w['size']}-byte word at {where} differs: {val('original')} after the original, "
            f"{val('replacement')} after the replacement")


def flags_lines(ce: dict) -> list[str]:
    """A save_fl return value or restore_fl argument as flag names (x86/flagnames.py)."""
    from pvverify.x86.flagnames import decode

    def num(v: object) -> int | None:
        try:
            return int(str(v).split()[0], 16)
        except (ValueError, IndexError):
            return None

    out = []
    if ce.get("flags_image") == "return" and ce.get("observable", "").startswith("return value"):
        a, b = num(ce.get("original")), num(ce.get("replacement"))
        if a is not None and b is not None:
            out.append(f"as flags: {decode(a)} after the original; {decode(b)} after the replacement")
    arg = ce.get("flags_arg")
    if ce.get("flags_image") == "arg" and arg:
        v = (ce.get("inputs") or {}).get(arg, (ce.get("state") or {}).get("regs", {}).get(arg))
        if isinstance(v, int):
            out.append(f"the flags argument ({arg}) = {v:#x}: {decode(v)}")
    return out


def other_lines(ce: dict) -> list[str]:
    """Every other observable that differs in the same state, with why it matters."""
    out = []
    for o in ce.get("others") or []:
        seen = " (unicorn too)" if o.get("replayed") else ""
        why = f": {o['why']}" if o.get("why") else ""
        out.append(f"also {o['observable']} differs: {o['original']} after the original, "
                   f"{o['replacement']} after the replacement{seen}{why}")
    return out


def lines(ce: dict, indent: str = "  ", reason: str = "") -> list[str]:
    """The counterexample's lines; the difference is left out when `reason` already says it."""
    out = [] if reason.startswith(difference(ce)) else [f"{indent}{difference(ce)}"]
    if ce.get("why"):
        out.append(f"{indent}why it matters: {ce['why']}")
    word = word_line(ce)
    if word:
        out.append(f"{indent}{word}")
    out += [f"{indent}{x}" for x in flags_lines(ce)]
    out += [f"{indent}{x}" for x in other_lines(ce)]
    inputs = input_lines(ce)
    if inputs:
        out.append(f"{indent}from the input state (what the difference depends on; "
                   "flags not listed are clear):")
        out += [indent + x[2:] for x in inputs]
    out.append(f"{indent}{replay_words(ce)}")
    if ce.get("original_listing") or ce.get("replacement_listing"):
        out += side_by_side(ce.get("original_listing") or [], ce.get("replacement_listing") or [],
                            indent=indent)
    return out
