"""The SLEIGH context of an architecture (pypcode), built once: the lifter's
register file and its translator. Its own module because both the path state
(register layout) and the P-code executor need it."""

from __future__ import annotations

from functools import cache

import pypcode

from pvverify.x86.arch import Arch


@cache
def context(arch: Arch) -> pypcode.Context:
    return pypcode.Context(arch.sleigh)
