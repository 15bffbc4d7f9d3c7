"""pvverify: prove that a paravirt patch site's inline replacement equals its indirect call."""

__version__ = "0.1.0"
