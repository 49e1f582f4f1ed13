"""mkdocs hook: take the navigation from the generated ``docs/.nav.yml``.

The page order follows the policy set (mfg-2a before mfg-10), which mkdocs' own
alphabetical navigation cannot give; section titles are translated per language by
``nav_translations`` in mkdocs.yml. Without the file (docs not generated yet) mkdocs
falls back to its own navigation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def on_config(config: Any) -> Any:
    nav_file = Path(config["docs_dir"]) / ".nav.yml"
    if nav_file.is_file():
        data = yaml.safe_load(nav_file.read_text(encoding="utf-8"))
        config["nav"] = data["nav"]
    return config
