"""kfpl — the Kaifeng Policy Language (开封政策语言)."""

__version__ = "0.1.0"
