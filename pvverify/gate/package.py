"""A kernel package's files: one vmlinux and its modules, from a directory or a `.deb`.

A Debian `-dbg` package unpacks to `usr/lib/debug/boot/vmlinux-<release>`
(also linked as `usr/lib/debug/lib/modules/<release>/vmlinux`; 7.x packages
keep the file itself there) and the module tree
`usr/lib/debug/lib/modules/<release>/kernel/**.ko`; an installed kernel tree
has `lib/modules/<release>/{vmlinux,kernel/}`. `--package` may point at any
level of these: the unpacked package root, `usr/lib/debug`, a root holding
`boot/` and `lib/modules/<release>`, `lib/modules/<release>` itself, or the
`.deb`. Every module under the path given is gated (`kernel/`, and `updates/`,
`extra/` where DKMS puts them), whatever the layout; a package in which no
module is found is refused (a kernel has modules: a path that shows none is
the wrong level, and gating its vmlinux alone would pass what was not read).

A `.deb` is streamed: `ar` members, then the data tarball through Python's
`tarfile` (xz, gzip, bzip2 or plain; anything else through `dpkg-deb
--fsys-tarfile`), one member at a time, so memory stays bounded by the largest
module. Modules are peeked at as they pass by (`kernel.peek`): the thousands
without a paravirt site are decided there and never written out; the vmlinux
and the modules that may hold sites are written to a work directory (the
vmlinux must be a file: its DWARF is read through a memory map).

Files named on the command line are a package too, of one (`from_files`): a
vmlinux, modules with the `--vmlinux` they are read against, or files that each
stand alone. Everything after this module (reading, obligations, memo keys,
rows, file names) is the same for both.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pvverify.kernel import compressed
from pvverify.kernel.elf import open_image
from pvverify.kernel.peek import Peek, peek_bytes

# every suffix the kernel's modules_install writes (kernel.compressed inflates them)
MODULE_SUFFIXES = (".ko", ".ko.xz", ".ko.zst", ".ko.gz")
# a member bigger than this is written out and peeked at from the file, not
# from memory (Debian's debug amdgpu.ko is 340 MB): the stream's memory stays
# below a few times this
MAX_MODULE = 32 << 20


class PackageError(ValueError):
    """The path is not a kernel package this tool can read; the message says why."""


@dataclass
class Package:
    """One kernel: its vmlinux and its modules, each named relative to the package root;
    or the files given on the command line (`given`), named as given."""

    name: str                 # "" for the files given on the command line
    root: Path | None
    vmlinux: Path | None      # what the modules are read against (None: each file stands alone)
    modules: list[Path]
    # modules already decided from their headers while a .deb streamed by
    # (relative name -> why it holds no site); they are not on disk
    decided: dict[str, Peek] = field(default_factory=dict)
    # the files given on the command line, in their order, each as it was spelt
    # (the vmlinux among them only if it was given too)
    given: list[str] | None = None

    def name_of(self, path: Path | str) -> str:
        """A file as the package names it: relative to its root, or as it was given."""
        if self.root is None:
            return str(path)
        try:
            return str(Path(path).relative_to(self.root))
        except ValueError:
            return str(path)

    def label(self, name: str) -> str:
        """A file as rows, issues and errors name it: `package/file`, a given one as given."""
        return f"{self.name}/{name}" if self.name else name

    @property
    def members(self) -> list[str]:
        """Every file to read, as paths, in the order reports list them: the vmlinux first
        and the modules in name order, or the given files in their order."""
        if self.given is not None:
            return list(self.given)
        return [str(self.vmlinux), *map(str, self.modules)]

    def role(self, path: str) -> str:
        """How `path` is read: `vmlinux` (the kernel the modules are read against),
        `module` (against it) or `alone` (its own kernel: no --vmlinux)."""
        if self.vmlinux is None:
            return "alone"
        same = path == str(self.vmlinux) or (
            self.given is not None and Path(path).resolve() == self.vmlinux.resolve())
        return "vmlinux" if same else "module"

    def position(self, name: str) -> str | int:
        """Where a file's rows go: in name order, the given files in their order."""
        return self.given.index(name) if self.given is not None and name in self.given else name

    @property
    def peeks(self) -> bool:
        """Whether a module is first judged from its headers (`kernel.peek`): for a
        package's thousands; a file given by name is read whole, as it was asked."""
        return self.given is None

    @property
    def files(self) -> int:
        return len(self.members) + len(self.decided)


def is_module(name: str) -> bool:
    return name.endswith(MODULE_SUFFIXES)


def _vmlinux_candidates(root: Path) -> list[Path]:
    pats = ["usr/lib/debug/boot/vmlinux-*", "usr/lib/debug/lib/modules/*/vmlinux",
            "usr/lib/debug/vmlinux-*", "lib/modules/*/vmlinux", "boot/vmlinux-*", "vmlinux-*",
            "vmlinux"]
    out: list[Path] = []
    for pat in pats:
        out += [p for p in sorted(root.glob(pat)) if p.is_file()]
    return out


NO_MODULES = ("no kernel module (*{}) under it: point --package at the package root, "
              "usr/lib/debug, or lib/modules/<release>, whichever holds the modules"
              .format(", *".join(MODULE_SUFFIXES)))


def _modules_under(root: Path) -> list[Path]:
    """Every module file below root, each once (by its real path), in name order;
    not the `.build-id` links to them."""
    seen: set[Path] = set()
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d != ".build-id")
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if is_module(name) and p.is_file() and (real := p.resolve()) not in seen:
                seen.add(real)
                out.append(p)
    return out


def from_directory(root: str | Path) -> Package:
    root = Path(root)
    if not root.is_dir():
        raise PackageError(f"{root}: not a directory")
    found: dict[Path, Path] = {}
    for p in _vmlinux_candidates(root):
        found.setdefault(p.resolve(), p)
    if not found:
        raise PackageError(f"{root}: no vmlinux (looked for usr/lib/debug/boot/vmlinux-*, "
                           "lib/modules/<release>/vmlinux)")
    if len(found) > 1:
        raise PackageError(f"{root}: more than one vmlinux ({', '.join(map(str, found.values()))}): "
                           "give one kernel per --package")
    vmlinux = next(iter(found.values()))
    modules = _modules_under(root)
    if not modules:
        raise PackageError(f"{root}: {NO_MODULES}")
    return Package(root.name, root, vmlinux, modules)


# -- .deb --------------------------------------------------------------------------


def _ar_members(f: BinaryIO, path: Path) -> Iterator[tuple[str, int]]:
    """(name, size) of each member of an ar archive, leaving f at its data."""
    if f.read(8) != b"!<arch>\n":
        raise PackageError(f"{path}: not a Debian package (no ar magic)")
    while True:
        head = f.read(60)
        if not head:
            return
        if len(head) < 60 or head[58:60] != b"`\n":
            raise PackageError(f"{path}: truncated or malformed ar header")
        name = head[:16].decode("ascii", "replace").strip().rstrip("/")
        try:
            size = int(head[48:58].decode("ascii").strip())
        except ValueError:
            raise PackageError(f"{path}: malformed ar member size") from None
        start = f.tell()
        yield name, size
        f.seek(start + size + (size & 1))


class _Bounded:
    """A read-only file over the next `size` bytes of f (one ar member)."""

    def __init__(self, f: BinaryIO, size: int) -> None:
        self.f, self.left = f, size

    def read(self, n: int = -1) -> bytes:
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.f.read(n)
        self.left -= len(data)
        return data


def _data_tar(deb: Path) -> Iterator[tarfile.TarFile]:
    with open(deb, "rb") as f:
        for name, size in _ar_members(f, deb):
            if not name.startswith("data.tar"):
                continue
            mode = {"data.tar.xz": "r|xz", "data.tar.gz": "r|gz", "data.tar.bz2": "r|bz2",
                    "data.tar": "r|"}.get(name)
            if mode is not None:
                with tarfile.open(fileobj=_Bounded(f, size), mode=mode) as tar:  # type: ignore[arg-type]
                    yield tar
                return
            break
    # zstd and others: let dpkg-deb decompress, still as a stream
    dpkg = shutil.which("dpkg-deb")
    if dpkg is None:
        raise PackageError(f"{deb}: data tarball compressed in a way Python cannot read, and no dpkg-deb")
    with subprocess.Popen([dpkg, "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            yield tar
    if proc.returncode:
        raise PackageError(f"{deb}: dpkg-deb --fsys-tarfile failed ({proc.returncode})")


_VMLINUX = re.compile(r"^(usr/lib/debug/)?(boot/vmlinux-[^/]+|lib/modules/[^/]+/vmlinux)$")


def from_deb(deb: str | Path, workdir: str | Path) -> Package:
    """Stream a `.deb`, writing its vmlinux and the modules that may hold sites under workdir."""
    deb = Path(deb)
    name = deb.name.removesuffix(".deb")
    root = Path(workdir) / name
    root.mkdir(parents=True, exist_ok=True)
    vmlinux: Path | None = None
    modules: list[Path] = []
    decided: dict[str, Peek] = {}
    try:
        for tar in _data_tar(deb):
            for m in tar:
                rel = m.name.removeprefix("./")
                if not m.isfile():
                    continue
                if _VMLINUX.match(rel):
                    if vmlinux is not None:
                        raise PackageError(f"{deb}: more than one vmlinux ({vmlinux.name}, {rel})")
                    vmlinux = _write(tar, m, root / rel)
                elif is_module(rel) and "/.build-id/" not in f"/{rel}":
                    if m.size > MAX_MODULE:
                        modules.append(_write(tar, m, root / rel))
                        continue
                    src = tar.extractfile(m)
                    data = src.read() if src is not None else b""
                    peek = peek_bytes(_inflated(data))
                    if peek.sites:
                        out = root / rel
                        out.parent.mkdir(parents=True, exist_ok=True)
                        out.write_bytes(data)
                        modules.append(out)
                    else:
                        decided[rel] = peek
    except (tarfile.TarError, EOFError, OSError) as e:
        raise PackageError(f"{deb}: cannot read the data tarball: {e}") from None
    if vmlinux is None:
        raise PackageError(f"{deb}: no vmlinux in the package (is it a -dbg package?)")
    if not modules and not decided:
        raise PackageError(f"{deb}: {NO_MODULES}")
    return Package(name, root, vmlinux, sorted(modules), decided)


def _inflated(data: bytes) -> bytes:
    """A member as the reader will see it: a compressed module inflated within the
    reader's bounds (a bomb in a package costs no more than one given alone)."""
    if compressed.kind(data[:6]) is None:
        return data
    try:
        return compressed.inflate(data)
    except compressed.InflateError:
        return b""  # not an ELF: peeked as "maybe", the full reader says what is wrong


def _write(tar: tarfile.TarFile, m: tarfile.TarInfo, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    src = tar.extractfile(m)
    if src is None:
        raise PackageError(f"{m.name}: cannot extract")
    with open(out, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return out


def from_files(paths: list[str], vmlinux: str | None) -> Package:
    """The files given on the command line as a package of one: each module read
    against `vmlinux` (--vmlinux, gated too only if given among them), or, without
    it, every file read alone as its own kernel (a module then has no pv_ops: bad
    input, named). A file given twice is read once."""
    given = list(dict.fromkeys(paths))
    if vmlinux is None:
        return Package("", None, None, [], given=given)
    open_image(vmlinux)  # what every module needs: unreadable, the run is bad input
    pkg = Package("", None, Path(vmlinux), [], given=given)
    pkg.modules = [Path(p) for p in given if pkg.role(p) == "module"]
    return pkg


def open_package(path: str | Path, workdir: str | Path | None) -> Package:
    """A directory tree or a .deb (unpacked, as far as needed, under workdir)."""
    p = Path(path)
    if p.is_dir():
        return from_directory(p)
    if p.suffix == ".deb" and p.is_file():
        if workdir is None:
            raise PackageError(f"{p}: a .deb needs a work directory to unpack its vmlinux into")
        return from_deb(p, workdir)
    if not os.path.exists(p):
        raise PackageError(f"{p}: no such file or directory")
    raise PackageError(f"{p}: neither a directory nor a .deb")
