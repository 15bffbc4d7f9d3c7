"""The tool's version: in reports, proof manifests and the cache's tool identity."""

__version__ = "0.1.0"
