"""Two instruction listings side by side, as wide as their longest line.

Entries are the counterexample's listing dicts ({"address", "text", and
optionally "refers", "symbol", "refers_name"}); nothing is cut, so an
operand is never half shown.
"""

from __future__ import annotations

from itertools import zip_longest


def line(entry: dict) -> str:
    """`address <symbol>: text  # <what a rip-relative operand or branch names>`."""
    addr = entry.get("address")
    head = f"{addr:#x}" if isinstance(addr, int) else ""
    if entry.get("symbol"):
        head += f" <{entry['symbol']}>"
    text = entry.get("text", "")
    out = f"{head}: {text}" if head else text
    ref = entry.get("refers")
    if isinstance(ref, int) and not _shows(text, ref):
        out += f"  # {ref:#x}" + (f" <{entry['refers_name']}>" if entry.get("refers_name") else "")
    elif entry.get("refers_name"):
        out += f"  # <{entry['refers_name']}>"
    return out


def _shows(text: str, ref: int) -> bool:
    return f"{ref:#x}" in text


def side_by_side(left: list[dict], right: list[dict], titles: tuple[str, str] = (
        "original path", "replacement path"), indent: str = "  ") -> list[str]:
    ls = [line(e) for e in left]
    rs = [line(e) for e in right]
    width = max([len(titles[0]), *map(len, ls)])
    rows = [f"{indent}{titles[0]:<{width}} | {titles[1]}",
            f"{indent}{'-' * width}-+-{'-' * max([len(titles[1]), *map(len, rs)])}"]
    for a, b in zip_longest(ls, rs, fillvalue=""):
        rows.append(f"{indent}{a:<{width}} | {b}".rstrip())
    return rows
