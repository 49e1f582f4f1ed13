"""The review page of the service: the served project against a revision, in charts.

The same charts and tables as the site's review page (kfpl.diff.charts), computed once
on first request and again after a studio save (a population run takes seconds, not
milliseconds).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from kfpl.serve.project import Project, ProjectError


class ReviewCharts:
    def __init__(self, project: Project, against: Path, population: Path) -> None:
        self.project = project
        self.against = against
        self.population = population
        self._lock = threading.Lock()
        self._views: dict[str, dict[str, Any]] = {}
        self._state: object = None  # the project state the views were computed from

    def view(self, lang: str) -> dict[str, Any]:
        from kfpl.diff.charts import chart_svgs, impact_tables, table_rows

        with self._lock:
            if self._state is not self.project.state:  # a studio save: compute again
                self._views.clear()
                self._state = self.project.state
            if lang not in self._views:
                revised = Project(self.against)
                if not self.population.is_file():
                    raise ProjectError(f"no such population file: {self.population}")
                tables = impact_tables(self.project.policy_set, revised.policy_set, self.population)
                for code in ("zh", "en"):
                    self._views[code] = {
                        "against": self.against.name,
                        "population": self.population.name,
                        "svgs": chart_svgs(tables, code),
                        "tables": table_rows(tables, code),
                    }
            return self._views[lang]
