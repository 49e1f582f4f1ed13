"""The language service (service.py, pure) and `kfpl lsp` (server.py, pygls)."""
