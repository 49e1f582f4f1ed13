"""kfpl — the kfpl policy language."""

__version__ = "0.1.0"
