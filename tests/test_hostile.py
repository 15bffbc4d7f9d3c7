"""The CI contract against hostile input (issue 14): exit codes that mean what the
documentation says, a cache that cannot lie, obligations that cannot make the
assembler read files or run away, bounded reads of hostile files, and signals.

Every run here must end with a documented exit code and no traceback; runs
that could hang or grow without bound run the real CLI in a subprocess with an
address-space limit and a timeout.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import lzma
import os
import resource
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from kernel_fixture import IRQ_DISABLE, Alt, build

from pvverify.cli import exits
from pvverify.cli import main as cli
from pvverify.util.cache import Cache

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTED = {0, 1, 2, 3, 4, 5, 130, 143}
MEMORY = 3 << 30  # address space for one CLI run (unicorn reserves ~1 GiB per worker)

GOOD = "schema = 1\narch = \"x86_64\"\nconvention = \"pv-callee-save\"\nreturns = \"void\"\n" \
       "site_length = 6\n[original]\ntarget = { asm = \"cli\\nretq\" }\n"


def obligation(tmp: Path, name: str, replacement: str = "cli") -> Path:
    p = tmp / name
    p.write_text(GOOD + f"[replacement]\nasm = {json.dumps(replacement)}\n")
    return p


def cli_proc(*args: str, timeout: float = 120, env: dict | None = None,
             memory: int = MEMORY) -> subprocess.CompletedProcess:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    e = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    p = subprocess.run([sys.executable, "-m", "pvverify", *map(str, args)], capture_output=True,
                       text=True, cwd=ROOT, timeout=timeout, preexec_fn=limit, env=e)
    assert "Traceback" not in p.stderr + p.stdout, p.stderr
    assert p.returncode in DOCUMENTED, (p.returncode, p.stderr)
    return p


def _children_cpu() -> float:
    """CPU seconds the finished child processes used (a bound on work, not on the load)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def cli_run(*args: str) -> tuple[int, str, str]:
    """The console entry point in-process: every exit path, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.run([str(a) for a in args])
    assert "Traceback" not in out.getvalue() + err.getvalue()
    assert code in DOCUMENTED, (code, err.getvalue())
    return code, out.getvalue(), err.getvalue()


# -- exit codes ------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [
    [], ["--bogus"], ["check", "--bogus", "x.toml"], ["check", "--timeout", "-1", "x.toml"],
    ["check", "--timeout", "0", "x.toml"], ["check", "--timeout", "nan", "x.toml"],
    ["check", "--timeout"], ["check", "--format", "xml", "x.toml"],
    ["check", "--arch", "x86_64", "--convention", "sysv"],          # flags form, no site length
    ["check", "--site-length", "-6", "--arch", "x86_64"],
    ["check", "x.toml", "--arch", "x86_64"],                         # files and flags
    ["gate"], ["gate", "--jobs", "0", "vmlinux"], ["gate", "--jobs", "two", "vmlinux"],
    ["gate", "--timeout", "-1", "vmlinux"], ["gate", "--timeout", "inf", "vmlinux"],
    ["gate", "--allow-unknown", "--bogus", "vmlinux"], ["gate", "--format", "xml", "vmlinux"],
    ["prove", "x.toml"], ["prove", "--emit"],
])
def test_usage_errors_exit_4(argv):
    code, _, err = cli_run(*argv)
    assert code == exits.USAGE, err
    assert "usage" in err.lower() or "required" in err or "not both" in err


def test_version_and_help_list_the_exit_codes():
    from pvverify import __version__

    code, out, _ = cli_run("--version")
    assert code == 0 and out.strip() == f"pvverify {__version__}"
    for command in ([], ["check"], ["gate"], ["prove"]):
        code, out, _ = cli_run(*command, "--help")
        assert code == 0
        for line in ("0    equivalent", "1    not-equivalent", "2    unknown", "3    bad input",
                     "4    usage error", "5    internal error", "130"):
            assert line in out, (command, line)


def test_a_crash_is_exit_5_never_a_verdict(tmp_path, monkeypatch):
    """A bug inside the decision becomes 'unknown: internal error' in the report, but
    the exit code is 5: with --allow-unknown it must not pass the gate."""
    import pvverify.check as check_mod

    def boom(*_a, **_k):
        raise RuntimeError("model bug")

    monkeypatch.setattr(check_mod, "_decide", boom)
    good = obligation(tmp_path, "a.toml")
    code, out, _ = cli_run("check", good, "--format", "json")
    assert code == exits.INTERNAL
    assert "internal error: RuntimeError: model bug" in out
    k = build(tmp_path, 64, "6.1", [Alt("s_cli", "cli")])
    code, _, _ = cli_run("gate", k, "--no-cache", "--jobs", "1", "--allow-unknown")
    assert code == exits.INTERNAL


# -- the cache -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kernel(tmp_path_factory) -> Path:
    """A kernel with one unsafe alternative, so a lying cache changes the exit code."""
    tmp = tmp_path_factory.mktemp("k")
    return build(tmp, 64, "6.1", [Alt("s_save", "pushfq\npopq %rax"), Alt("s_cli", "sti")])


def gate(*args) -> tuple[int, dict, str]:
    code, out, err = cli_run("gate", *args, "--format", "json", "--jobs", "1")
    return code, (json.loads(out) if out.strip() else {}), err


def verdicts(doc: dict) -> list[tuple]:
    return sorted((r["op"], r["kind"], r["address"], r["verdict"]) for r in doc["results"])


@pytest.fixture(scope="module")
def baseline(kernel) -> tuple[int, list]:
    code, doc, _ = gate(kernel, "--no-cache")
    assert code == 1 and any(v[3] == "not-equivalent" for v in verdicts(doc))
    return code, verdicts(doc)


def _entries(cache: Path) -> list[Path]:
    return [f for f in cache.rglob("*.json") if f.is_file() or f.is_fifo()]


def _damage(f: Path, how: str, other: Path) -> None:
    if how == "fifo":
        f.unlink()
        os.mkfifo(f)
        return
    if how == "forged":  # a lie with the rest of the entry intact: the checksum no longer matches
        e = json.loads(f.read_text())
        if isinstance(e["payload"], dict) and "verdict" in e["payload"]:
            e["payload"]["verdict"] = "equivalent"
            e["payload"]["counterexample"] = None
        else:
            e["payload"] = {}
        f.write_text(json.dumps(e))
        return
    if how == "moved":  # another key's (valid) entry at this key's path
        f.write_bytes(other.read_bytes())
        return
    f.write_text({"garbage": "\x00\x01garbage{{", "empty-object": "{}", "null": "null",
                  "verdict-only": '{"verdict": "equivalent", "reason": "cached"}',
                  "empty": ""}[how])


@pytest.mark.parametrize("how", ["garbage", "empty-object", "null", "verdict-only", "empty",
                                 "forged", "moved", "fifo"])
def test_damaged_cache_entries_are_ignored_warned_once_and_rewritten(tmp_path, kernel, baseline, how):
    cache = tmp_path / "cache"
    code, doc, _ = gate(kernel, "--cache", cache)
    assert (code, verdicts(doc)) == baseline
    entries = _entries(cache)
    assert len(entries) >= 2
    for f in entries:
        _damage(f, how, next(e for e in entries if e != f))
    t0 = time.process_time()  # CPU: a bound that does not move with the machine's load
    code, doc, err = gate(kernel, "--cache", cache)
    assert time.process_time() - t0 < 60
    assert (code, verdicts(doc)) == baseline, err
    assert err.count("warning: ignoring damaged cache entry") == 1, err
    code, doc, err = gate(kernel, "--cache", cache)  # rewritten: clean and answered
    assert (code, verdicts(doc)) == baseline and "warning" not in err


def test_a_smaller_work_bound_never_answers_for_a_larger_one(tmp_path, kernel, baseline):
    cache = tmp_path / "cache"
    code, doc, _ = gate(kernel, "--cache", cache, "--max-visits", "1", "--fixpoint-visits", "1")
    assert code == 2 and "unknown" in {v[3] for v in verdicts(doc)}
    assert all("exploration bound" in r["reason"] for r in doc["results"] if r["verdict"] == "unknown")
    code, doc, _ = gate(kernel, "--cache", cache)
    assert (code, verdicts(doc)) == baseline


def test_the_wall_clock_safety_net_is_its_own_cause_and_never_cached(tmp_path, kernel, baseline):
    cache = tmp_path / "cache"
    code, doc, _ = gate(kernel, "--cache", cache, "--timeout", "0.000001")
    assert code == 2
    unknown = [r["reason"] for r in doc["results"] if r["verdict"] == "unknown"]
    assert unknown and all(r.startswith("wall-clock safety limit") and "machine was slow" in r
                           for r in unknown)
    code, doc, _ = gate(kernel, "--cache", cache)  # nothing of it was kept
    assert (code, verdicts(doc)) == baseline


@pytest.mark.parametrize("obstacle", ["file-as-cache-dir", "file-as-results-dir", "read-only"])
def test_an_unusable_cache_is_a_warning_and_an_uncached_run(tmp_path, kernel, baseline, obstacle):
    cache = tmp_path / "cache"
    if obstacle == "file-as-cache-dir":
        cache.write_text("not a directory")
    elif obstacle == "file-as-results-dir":
        cache.mkdir()
        (cache / "results").write_text("not a directory")
    else:
        cache.mkdir()
        cache.chmod(0o500)
    try:
        code, doc, err = gate(kernel, "--cache", cache)
    finally:
        if cache.is_dir():
            cache.chmod(0o700)
    assert (code, verdicts(doc)) == baseline
    if obstacle != "read-only" or os.geteuid() != 0:  # root writes through 0o500
        assert err.count("pvverify: warning:") == 1 and str(cache) in err, err


def test_an_empty_ops_table_entry_is_recomputed(tmp_path):
    """What a full disk leaves: a zero-length entry. It is a miss, warned about once."""
    warnings: list[str] = []
    c = Cache(tmp_path / "c", warnings.append)
    key = {"tool": "t", "image": "build-id:00", "arch": "x86_64"}
    c.put("optables", key, {"30": {"name": "irq.save_fl"}})
    assert c.get("optables", key) == {"30": {"name": "irq.save_fl"}}
    c.path("optables", key).write_bytes(b"")
    assert c.get("optables", key) is None and c.get("optables", key) is None
    assert len(warnings) == 1 and "damaged" in warnings[0]
    c.put("optables", key, {"30": {"name": "irq.save_fl"}})
    assert c.get("optables", key) == {"30": {"name": "irq.save_fl"}}
    assert not list(c.path("optables", key).parent.glob("*.tmp"))


def test_concurrent_writers_leave_whole_entries(tmp_path):
    """Many processes writing the same and different keys: every entry verifies."""
    script = (
        "import sys; from pvverify.util.cache import Cache\n"
        "c = Cache(sys.argv[1])\n"
        "for i in range(200):\n"
        "    c.put('results', {'k': i % 20}, {'verdict': 'equivalent', 'reason': 'x' * (i % 20) * 50})\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "c")],
                              env={**os.environ, "PYTHONPATH": str(ROOT)}) for _ in range(4)]
    assert all(p.wait(60) == 0 for p in procs)
    warnings: list[str] = []
    c = Cache(tmp_path / "c", warnings.append)
    for k in range(20):
        assert c.get("results", {"k": k}) == {"verdict": "equivalent", "reason": "x" * k * 50}
    assert not warnings and not list((tmp_path / "c").rglob("*.tmp"))


def _with_build_id(tmp: Path, desc: bytes, section: str) -> Path:
    """`.notes` as Debian's vmlinux has it (the kernel's own note section), or the
    linker's `.note.gnu.build-id`."""
    note = (f'.section {section},"a"\n.balign 4\n .long 4, {len(desc)}, 3\n .asciz "GNU"\n'
            f' .byte {", ".join(map(str, desc))}\n') if section == ".notes" else ""
    src = tmp / "n.s"
    src.write_text(f".text\n.globl _start\n_start: ret\n{note}")
    subprocess.run(["as", "--64", "-o", tmp / "n.o", src], check=True)
    out = tmp / f"n{section}"
    flag = [] if note else [f"--build-id=0x{desc.hex()}"]
    subprocess.run(["ld", *flag, "-o", out, tmp / "n.o"], check=True)
    return out


def test_image_identity_is_the_build_id_from_any_note_or_the_content(tmp_path):
    from pvverify.kernel.elf import open_image

    desc = bytes(range(1, 21))
    for section in (".notes", ".note.gnu.build-id"):
        img = open_image(_with_build_id(tmp_path, desc, section))
        assert img.identity() == "build-id:" + desc.hex()
    # two binaries with the same size and mtime but different bytes (no build-id)
    k = build(tmp_path, 64, "6.1", [Alt("s_cli", "cli")])
    data = bytearray(k.read_bytes())
    other = tmp_path / "other"
    i = data.find(b"Linux version")
    data[i] ^= 0x20
    other.write_bytes(data)
    st = k.stat()
    os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert other.stat().st_size == st.st_size
    a, b = open_image(k).identity(), open_image(other).identity()
    assert a.startswith("sha256:") and b.startswith("sha256:") and a != b


# -- obligations -----------------------------------------------------------------------


ASM = {  # hostile assembly -> the line the refusal must name
    "include": ('nop\n.include "/etc/passwd"', 2),
    "include-bare": ("nop\nnop\n.include /etc/passwd", 3),
    "incbin-fifo": (".incbin FIFO", 1),
    "rept": (".rept 100000000\nnop\n.endr", 1),
    "fill": ("cli\n.fill 0x10000000", 2),
    "skip": (".skip 0x10000000", 1),
    "org": (".org 0x10000000", 1),
    "dot": (". = 0x10000000", 1),
    "p2align": (".p2align 30", 1),
    "macro": (".macro m\ncli\n.endm\nm", 1),
    "irp": (".irp r,1,2\nnop\n.endr", 1),
    "section": (".section .data\n.byte 1", 1),
    "semicolon": ("nop; .incbin FIFO", 1),
    "comment-hidden": ("nop /* x */ ; .rept 9\n.endr", 1),
    "unknown-insn": ("nop\nnot_an_instruction %rax", 2),
}


def test_assembly_is_data_not_a_program(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    files = {}
    for name, (text, _) in ASM.items():
        files[name] = obligation(tmp_path, f"{name}.toml", text.replace("FIFO", str(fifo)))
    good = obligation(tmp_path, "good.toml")
    t0 = _children_cpu()
    p = cli_proc("check", *files.values(), good, "--format", "json", timeout=600,
                 env={"TMPDIR": str(tmpdir)})
    assert _children_cpu() - t0 < 60
    assert p.returncode == exits.BAD_INPUT
    lines = {Path(d["file"]).stem: d for d in map(json.loads, p.stdout.splitlines())}
    assert lines["good"]["verdict"] == "equivalent"   # the rest of the batch still ran
    for name, (_, line) in ASM.items():
        d = lines[name]
        assert d["verdict"] is None and f"{name}.toml" in d["error"], d
        assert f"line {line}:" in d["error"], d
    assert "root:" not in p.stdout + p.stderr           # /etc/passwd was never read
    assert not list(tmpdir.iterdir())                   # the assembler's files are gone


def test_text_format_names_file_and_line(tmp_path):
    bad = obligation(tmp_path, "bad.toml", "cli\\nnop\\nnot_an_instruction %rax".replace("\\n", "\n"))
    code, _, err = cli_run("check", bad)
    assert code == 3
    assert "bad.toml: field 'replacement'" in err and "line 3: Error: no such instruction" in err
    assert "obligation.s" not in err and "pvverify-as-" not in err


def test_hostile_obligation_files(tmp_path):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    (tmp_path / "dir.toml").mkdir()
    (tmp_path / "huge.toml").write_bytes(b"#" * (2 << 20))
    (tmp_path / "latin1.toml").write_bytes(GOOD.encode() + b'name = "caf\xe9"\n')
    (tmp_path / "deep-array.toml").write_text(GOOD + "args = " + "[" * 1000 + "]" * 1000 + "\n")
    (tmp_path / "deep-table.toml").write_text(GOOD + "clobbers = " + "{a=" * 1000 + "1" + "}" * 1000)
    (tmp_path / "huge-site.toml").write_text(GOOD.replace("site_length = 6", "site_length = 10000000000")
                                             + '[replacement]\nasm = "cli"\n')
    (tmp_path / "deep-assume.toml").write_text(GOOD + "assume = [\"" + "(" * 5000 + "rax" + ")" * 5000
                                               + " == 1\"]\n[replacement]\nasm = \"cli\"\n")
    good = obligation(tmp_path, "good.toml")
    bad = ["/dev/zero", fifo, tmp_path / "huge.toml", tmp_path / "latin1.toml",
           tmp_path / "deep-array.toml", tmp_path / "deep-table.toml", tmp_path / "huge-site.toml",
           tmp_path / "deep-assume.toml", tmp_path / "missing.toml"]
    for fmt in ("json", "text"):
        t0 = _children_cpu()
        p = cli_proc("check", *bad, good, "--format", fmt, timeout=600, memory=2 << 30)
        assert _children_cpu() - t0 < 60
        assert p.returncode == exits.BAD_INPUT, p.stderr
        if fmt == "json":
            lines = {d["file"]: d for d in map(json.loads, p.stdout.splitlines())}
            assert lines[str(good)]["verdict"] == "equivalent"
            assert all(lines[str(b)]["verdict"] is None for b in bad), lines
        else:
            assert f"{good}: equivalent" in p.stdout
            assert all(f"{b}: bad input" in p.stderr for b in bad), p.stderr
    reasons = p.stderr
    for needle in ("not a regular file", "at most", "not UTF-8", "nested", "a site is at most"):
        assert needle in reasons, needle


# -- hostile ELF -----------------------------------------------------------------------


def _shdrs(data: bytes) -> tuple[int, int, list[tuple]]:
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    hdrs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = hdrs[shstrndx]
    names = [data[strtab[4] + h[0]:data.index(b"\0", strtab[4] + h[0])].decode() for h in hdrs]
    return shoff, shentsize, [(n, *h) for n, h in zip(names, hdrs, strict=True)]


def _patch_section(src: Path, dst: Path, name: str, **fields: int) -> Path:
    data = bytearray(src.read_bytes())
    shoff, entsize, hdrs = _shdrs(bytes(data))
    i = next(i for i, h in enumerate(hdrs) if h[0] == name)
    h = list(hdrs[i][1:])
    order = ["name", "type", "flags", "addr", "offset", "size", "link", "info", "align", "entsize"]
    for k, v in fields.items():
        h[order.index(k)] = v
    struct.pack_into("<IIQQQQIIQQ", data, shoff + i * entsize, *h)
    dst.write_bytes(data)
    return dst


def test_sections_past_eof_and_a_symtab_spanning_the_file(tmp_path, kernel):
    size = kernel.stat().st_size
    cases = {
        "text-past-eof": _patch_section(kernel, tmp_path / "a", ".text", size=size * 4),
        "symtab-spanning": _patch_section(kernel, tmp_path / "b", ".symtab", offset=0,
                                          size=size // 24 * 24),
        "strtab-past-eof": _patch_section(kernel, tmp_path / "c", ".strtab", offset=size - 4),
        "altinstr-huge": _patch_section(kernel, tmp_path / "d", ".altinstructions", size=1 << 62),
    }
    for name, f in cases.items():
        t0 = time.process_time()
        code, doc, err = gate(f, "--no-cache")
        assert code == exits.BAD_INPUT, (name, err)
        assert str(f) in err and not doc["results"], (name, err)
        assert [e["file"] for e in doc["errors"]] == [str(f)]
        assert time.process_time() - t0 < 10, name  # CPU seconds: refused without reading it all


def test_compressed_modules_bounded_and_checked(tmp_path, kernel, baseline):
    import zstandard

    head = kernel.read_bytes()[:64]
    zeros = bytes(1 << 24)
    xz, gz = lzma.LZMACompressor(preset=0), zlib.compressobj(9, zlib.DEFLATED, 31)
    zst = zstandard.ZstdCompressor().compressobj()
    xz_data, gz_data, zst_data = xz.compress(head), gz.compress(head), zst.compress(head)
    for _ in range(6):  # 96 MiB of ELF header and zeros; 64 MiB + 64 x compressed allowed
        xz_data += xz.compress(zeros)
        gz_data += gz.compress(zeros)
        zst_data += zst.compress(zeros)
    (tmp_path / "bomb.ko.xz").write_bytes(xz_data + xz.flush())
    (tmp_path / "bomb.ko.gz").write_bytes(gz_data + gz.flush())
    (tmp_path / "bomb.ko.zst").write_bytes(zst_data + zst.flush())
    whole = kernel.read_bytes()
    (tmp_path / "text.ko.xz").write_bytes(lzma.compress(b"root:x:0:0:" * 100000))
    (tmp_path / "text.ko.zst").write_bytes(zstandard.ZstdCompressor().compress(b"root:x:0:0:" * 100000))
    (tmp_path / "trunc.ko.xz").write_bytes(lzma.compress(whole)[:200])
    (tmp_path / "trunc.ko.zst").write_bytes(zstandard.ZstdCompressor().compress(whole)[:-3])
    (tmp_path / "trailing.ko.xz").write_bytes(lzma.compress(whole) + lzma.compress(b"more code"))
    (tmp_path / "ok.ko.xz").write_bytes(lzma.compress(whole))
    (tmp_path / "ok.ko.gz").write_bytes(gzip.compress(whole))
    (tmp_path / "ok.ko.zst").write_bytes(zstandard.ZstdCompressor().compress(whole))
    for name, needle in (("bomb.ko.xz", "refused"), ("bomb.ko.gz", "refused"), ("bomb.ko.zst", "refused"),
                         ("text.ko.xz", "not an ELF"), ("text.ko.zst", "not an ELF"),
                         ("trunc.ko.xz", "truncated xz"), ("trunc.ko.zst", "truncated zstd"),
                         ("trailing.ko.xz", "data after the end of the xz stream")):
        p = cli_proc("gate", tmp_path / name, "--no-cache", "--jobs", "1", timeout=120, memory=2 << 30)
        assert p.returncode == exits.BAD_INPUT and needle in p.stderr, (name, p.stderr)
        assert "root:" not in p.stderr
    for name in ("ok.ko.xz", "ok.ko.gz", "ok.ko.zst"):
        code, doc, _ = gate(tmp_path / name, "--no-cache")
        assert (code, [v[1:] for v in verdicts(doc)]) == (baseline[0], [v[1:] for v in baseline[1]]), name


def test_compressed_bomb_in_a_package_is_bounded(tmp_path, kernel):
    """A package's modules are peeked at before they are read: the peek inflates
    within the reader's bounds too (it used to inflate every xz stream whole)."""
    root = tmp_path / "linux-image-bomb-dbg" / "lib/modules/6.1.0-test"
    (root / "kernel").mkdir(parents=True)
    (root / "vmlinux").write_bytes(kernel.read_bytes())
    stream = lzma.compress(bytes(1 << 24), preset=0)  # 16 MiB of zeros; 200 of them: 3.2 GiB
    (root / "kernel/bomb.ko.xz").write_bytes(lzma.compress(kernel.read_bytes()[:64] + bytes(1 << 24),
                                                           preset=0) + stream * 200)
    p = cli_proc("gate", "--package", tmp_path / "linux-image-bomb-dbg", "--no-cache", "--jobs", "1",
                 "--format", "json", timeout=120, memory=2 << 30)
    doc = json.loads(p.stdout)
    assert p.returncode == exits.BAD_INPUT, p.stderr
    assert [e["file"].rsplit("/", 1)[1] for e in doc["errors"]] == ["bomb.ko.xz"]
    assert "data after the end of the xz stream" in doc["errors"][0]["error"]
    assert doc["results"]  # the vmlinux's outcomes are all there


def test_special_files_as_binaries(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for f in ("/dev/zero", fifo, tmp_path, "/etc/passwd", tmp_path / "missing"):
        code, _, err = gate(f, "--no-cache")
        assert code == exits.BAD_INPUT and str(f) in err, err
        assert "root:" not in err


def test_garbage_debug_aranges_is_bad_input(tmp_path):
    """DWARF that is there but garbage: bad input, not a fall-back table or a traceback."""
    k = build(tmp_path, 64, "6.1", [Alt("s_cli", "cli")])
    subprocess.run(["as", "--64", "-g", "-o", tmp_path / "g.o", tmp_path / "vmlinux.s"], check=True)
    subprocess.run(["ld", "-m", "elf_x86_64", "-static", "-nostdlib", "-Ttext=0xffffffff81000000",
                    "-o", k, tmp_path / "g.o"], check=True)
    data = bytearray(k.read_bytes())
    _, _, hdrs = _shdrs(bytes(data))
    ar = next(h for h in hdrs if h[0] == ".debug_aranges")
    off, size = ar[5], ar[6]
    data[off:off + size] = (b"\xff\x7f\x13\x00" * size)[:size]
    k.write_bytes(data)
    code, doc, err = gate(k, "--no-cache")
    assert code == exits.BAD_INPUT and "malformed DWARF" in err, err


# -- signals and reports ------------------------------------------------------------------


def _children(pid: int) -> set[int]:
    out: set[int] = set()
    for t in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            out |= {int(c) for c in t.read_text().split()}
    return out


def _descendants(pid: int) -> dict[int, int]:
    """Every process below pid, with its depth (workers come from a fork server: 2)."""
    out: dict[int, int] = {}
    level, depth = {pid}, 0
    while level and depth < 5:
        depth += 1
        level = {c for p in level for c in _children(p)} - set(out)
        out |= dict.fromkeys(level, depth)
    return out


def _catches(pid: int, *sigs: int) -> bool:
    """pid has a handler for every one of sigs (/proc's SigCgt mask)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    mask = int(next(x for x in status.splitlines() if x.startswith("SigCgt:")).split()[1], 16)
    return all(mask >> (s - 1) & 1 for s in sigs)


def _gone(pids) -> bool:
    """None of pids is alive, after a bounded wait for the ones that are exiting
    (a worker the kernel is still tearing down); no timing is asserted."""
    for _ in range(400):
        if not any(_alive(k) for k in pids):
            return True
        time.sleep(0.025)
    return False


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.fixture(scope="module")
def slow_kernel(tmp_path_factory) -> Path:
    """Eighty distinct obligations, each a loop of at least 25,600 iterations (one
    path) that exploration unrolls to its 2,000-instruction bound: seconds of
    proving on two workers however fast the machine (straight-line ones took
    under 0.5 s in all, and the signal came after the run)."""
    tmp = tmp_path_factory.mktemp("slow")
    # each loop at a site of its own: eighty alternatives of one site are one group, of
    # which the patcher applies the last (one outcome: the run took under a second, and
    # a signal "during" it came after its end)
    sites = "\n".join(f"s_loop{k}: call *pv_ops+{8 * IRQ_DISABLE}(%rip)\n .byte 0x90, 0x90"
                      for k in range(80))
    loops = [Alt(f"s_loop{k}", f"movb ${100 + k}, %ch\n1: decw %cx\njnz 1b") for k in range(80)]
    return build(tmp, 64, "6.1", loops, extra=sites)


def _slow_gate(slow_kernel, *extra) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pvverify", "gate", slow_kernel, "--no-cache",
                             "--jobs", "2", "--timeout", "600", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_stops_workers_and_removes_stale_reports(tmp_path, slow_kernel, sig, code):
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    sarif.write_text("stale")
    junit.write_text("stale")
    p = _slow_gate(slow_kernel, "--sarif", sarif, "--junit", junit)
    kids: dict[int, int] = {}
    # the workers (forked by the fork server, so grandchildren) are running: bounded by the
    # run itself, which outlasts this by far (80 loops of 25,600 iterations each)
    for _ in range(6000):  # bounded: 5 minutes
        if sum(d >= 2 for d in kids.values()) >= 2 or p.poll() is not None:
            break
        kids |= _descendants(p.pid)
        time.sleep(0.05)
    assert p.poll() is None, "the run ended before the signal: the workload is too small"
    p.send_signal(sig)
    _, err = p.communicate(timeout=60)
    assert p.returncode == code, err
    assert "Traceback" not in err and ("SIGTERM" if code == 143 else "SIGINT") in err
    assert _gone(kids)
    assert not sarif.exists() and not junit.exists()


def test_a_signal_at_any_moment_ends_with_its_code_and_no_process_left(slow_kernel):
    """SIGINT/SIGTERM at random moments of a run, from the moment its handlers are in
    place (python -m pvverify installs them before any import): reading, starting the
    fork server, proving. Each run ends with 130/143, or, had it finished first, with
    its verdicts' code and a whole report; no traceback and no process of it left."""
    import random

    rng = random.Random(22)
    stopped = 0
    for i in range(8):
        sig = (signal.SIGTERM, signal.SIGINT)[i % 2]
        p = _slow_gate(slow_kernel, "--format", "json")
        seen: dict[int, int] = {}
        for _ in range(12000):  # the handlers are in place (a bounded poll of /proc)
            if _catches(p.pid, signal.SIGINT, signal.SIGTERM) or p.poll() is not None:
                break
            time.sleep(0.005)
        until = time.monotonic() + rng.uniform(0, 4)
        while time.monotonic() < until and p.poll() is None:
            seen |= _descendants(p.pid)
            time.sleep(0.01)
        if p.poll() is None:
            p.send_signal(sig)
        out, err = p.communicate(timeout=120)
        assert "Traceback" not in err, err
        if p.returncode in (130, 143):
            stopped += 1
            assert p.returncode == 128 + sig, err
            assert ("SIGTERM" if sig == signal.SIGTERM else "SIGINT") in err
        else:  # finished before the signal came: a whole report with its code
            assert p.returncode == 2 and json.loads(out)["results"], (p.returncode, err)
        assert _gone(seen), f"left behind: {sorted(k for k in seen if _alive(k))}"
    assert stopped, "no run was stopped: the signals all came after the end"


def test_a_failed_run_removes_stale_reports_and_a_good_one_writes_them(tmp_path, kernel, baseline):
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    for f in (sarif, junit):
        f.write_text("stale")
    # nothing to report (the vmlinux every module needs is missing): no report at all
    code, _, _ = gate(kernel, "--vmlinux", tmp_path / "missing", "--no-cache", "--sarif", sarif,
                      "--junit", junit)
    assert code == 3 and not sarif.exists() and not junit.exists()
    # one binary not read: exit 3, and the others' results in every report
    for f in (sarif, junit):
        f.write_text("stale")
    code, doc, _ = gate(kernel, tmp_path / "missing", "--no-cache", "--sarif", sarif, "--junit", junit)
    assert code == 3 and verdicts(doc) == baseline[1]
    s = json.loads(sarif.read_text())
    assert s["version"] == "2.1.0" and "pvverify/not-equivalent" in sarif.read_text()
    assert "missing" in sarif.read_text() and "missing" in junit.read_text()
    assert junit.read_text().startswith("<?xml") and not list(tmp_path.glob(".*.tmp"))
    code, _, err = gate(kernel, "--no-cache", "--sarif", tmp_path)  # a directory: usage error
    assert code == exits.USAGE and "directory" in err


def test_the_entry_point_leaves_no_moment_to_the_default_action():
    """After the command, the process entry point ignores SIGINT/SIGTERM rather than
    restoring their default action: a signal between the result and the exit used to
    kill the process (-15, the flake of issue 22); now the exit code is the result's."""
    from pvverify.util import signals

    old = {s: signal.getsignal(s) for s in signals.NAMES}
    try:
        with signals.handled(final=True):
            assert all(signal.getsignal(s) is signals._raise for s in signals.NAMES)
        assert all(signal.getsignal(s) is signal.SIG_IGN for s in signals.NAMES)
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        signals._raised = 0
    with signals.handled():  # in-process (the tests' cli.run): the old handlers come back
        pass
    assert {s: signal.getsignal(s) for s in signals.NAMES} == old


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_closed_stdout_never_turns_a_failing_gate_into_a_pass(kernel, fmt):
    """`pvverify gate ... | head -1` with the reader gone: exit 1 (the unsafe site), quietly."""
    r, w = os.pipe()
    os.close(r)
    try:
        p = subprocess.run([sys.executable, "-m", "pvverify", "gate", str(kernel), "--no-cache",
                            "--jobs", "1", "--format", fmt], stdout=w, stderr=subprocess.PIPE, text=True,
                           cwd=ROOT, timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.close(w)
    assert p.returncode == exits.NOT_EQUIVALENT and "Traceback" not in p.stderr, p.stderr
