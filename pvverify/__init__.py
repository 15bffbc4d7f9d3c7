"""pvverify: prove that a paravirt patch site's inline replacement equals its indirect call."""

from pvverify.util.version import __version__

__all__ = ["__version__"]
