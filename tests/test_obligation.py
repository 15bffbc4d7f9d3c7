"""The obligation loader rejects bad input with the file, the field and what was expected."""

from __future__ import annotations

import pytest

from pvverify.obligation import ObligationError, from_dict, load, parse_hex

BASE = {
    "schema": 1, "arch": "x86_64", "convention": "pv-callee-save", "returns": "u64",
    "site_length": 6, "original": {"target": {"asm": "pushfq\npopq %rax\nretq"}},
    "replacement": {"asm": "pushfq\npopq %rax"},
}


def bad(**changes):
    d = {**BASE, **changes}
    return {k: v for k, v in d.items() if v is not None}


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"schema": 2}, "schema", "expected 1"),
        ({"arch": "arm64"}, "arch", "i386"),
        ({"convention": "fastcall"}, "convention", "regparm3"),
        ({"convention": "regparm3"}, "convention", "not defined for x86_64"),
        ({"returns": "u128"}, "returns", "unknown type"),
        ({"args": ["u32", "void"]}, "args", "cannot be void"),
        ({"clobbers": ["eax"]}, "clobbers", "not x86_64 registers"),
        ({"site_length": 0}, "site_length", ">= 1"),
        ({"site_length": "6"}, "site_length", "integer"),
        ({"expect": "maybe"}, "expect", "equivalent"),
        ({"bogus": 1}, "bogus", "unknown field"),
        ({"original": {"target": {"hex": "9c 5"}}}, "original.target", "hex"),
        ({"original": {"target": {"asm": "x", "hex": "90"}}}, "original.target", "exactly one"),
        ({"original": {}}, "original.target", "missing"),
        ({"replacement": {"elf": "a", "symbol": "b"}}, "replacement", "asm or hex"),
    ],
)
def test_bad_fields_are_named(changes, field, expected):
    with pytest.raises(ObligationError) as e:
        from_dict(bad(**changes), "f.toml")
    msg = str(e.value)
    assert msg.startswith("f.toml"), msg
    assert field in msg, msg
    assert expected in msg, msg


def test_valid_obligation_loads_with_types():
    ob = from_dict(dict(BASE, args=["u32", "struct:u16,u8"]), "f.toml")
    assert ob.returns.size == 8
    assert ob.args[1].size == 4 and ob.args[1].observed_bytes == frozenset({0, 1, 2})


def test_key_is_content_addressed():
    a = from_dict(dict(BASE), "a.toml")
    b = from_dict(dict(BASE, name="other"), "b.toml")
    c = from_dict(dict(BASE, site_length=7), "c.toml")
    assert a.key() == b.key() != c.key()


def test_toml_syntax_error_names_file(tmp_path):
    p = tmp_path / "broken.toml"
    p.write_text("schema = 1\narch = \n")
    with pytest.raises(ObligationError, match="broken.toml: not valid TOML"):
        load(p)


def test_hex_parsing():
    assert parse_hex("9c 58\nc3", "x") == b"\x9c\x58\xc3"
    assert parse_hex("9c58", "x") == b"\x9c\x58"
    with pytest.raises(ObligationError, match="not hex"):
        parse_hex("zz", "x")


def test_assume_makes_a_precondition_and_bad_ones_are_named():
    from pvverify.check import check

    d = dict(BASE, site_length=9, original={"target": {"asm": "movq %gs:0x10,%rax\nretq"}},
             replacement={"asm": "movq $5,%rax"})
    assert check(from_dict(d, "f.toml"), replay=False).verdict == "not-equivalent"
    res = check(from_dict(dict(d, assume=["mem64[gs_base + 0x10] == 5"]), "f.toml"), replay=False)
    assert res.verdict == "equivalent"
    assert any("mem64[gs_base + 0x10] == 5" in a for a in res.assumptions)
    with pytest.raises(ObligationError, match="assume.*unknown name 'foo'"):
        from_dict(dict(d, assume=["foo == 1"]), "f.toml")
    with pytest.raises(ObligationError, match="assume.*not an expression"):
        from_dict(dict(d, assume=["rax =="]), "f.toml")


@pytest.mark.parametrize(("changes", "field"), [
    ({"arch": []}, "arch"), ({"arch": {"a": 1}}, "arch"), ({"convention": ["sysv"]}, "convention"),
    ({"expect": ["equivalent"]}, "expect"), ({"schema": True}, "schema"), ({"name": [1]}, "name"),
    ({"clobbers": [[1]]}, "clobbers"), ({"args": "u32"}, "args"), ({"returns": 5}, "returns"),
    ({"site_length": 10**30}, "site_length"), ({"assume": [["x"]]}, "assume"),
    ({"original": {"target": {"elf": "a\0b", "symbol": "f"}}}, None),
])
def test_values_of_the_wrong_type_are_named_not_crashes(changes, field):
    """Found by the hostile-input property test: `arch = []` was a TypeError."""
    try:
        ob = from_dict(bad(**changes), "f.toml")
    except ObligationError as e:
        assert field is None or field in str(e), str(e)
        return
    assert field is None  # the NUL path loads; building it is refused
    from pvverify.program import build

    with pytest.raises(ObligationError, match="cannot read"):
        build(ob)


def test_hostile_files_are_bad_input(tmp_path):
    import os

    fifo = tmp_path / "f.toml"
    os.mkfifo(fifo)
    for p, why in ((fifo, "not a regular file"), (tmp_path, "a directory"),
                   ("/dev/zero", "not a regular file")):
        with pytest.raises(ObligationError, match=why):
            load(p)
    deep = tmp_path / "deep.toml"
    deep.write_text("schema = 1\nargs = " + "[" * 50 + "]" * 50 + "\n")
    with pytest.raises(ObligationError, match="nested more than"):
        load(deep)
    big = tmp_path / "big.toml"
    big.write_bytes(b" " * ((1 << 20) + 1))
    with pytest.raises(ObligationError, match="at most"):
        load(big)
