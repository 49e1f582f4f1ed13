"""The kfpl grammar, installed as the package ``kfpl.grammar`` (see pyproject.toml)."""
