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
    def __init__(
        self, project: Project, against: Path, population: Path, group_by: str | None = None
    ) -> None:
        self._group_by = group_by
        self.project = project
        self.against = against
        self.population = population
        self._lock = threading.Lock()
        self._views: dict[str, dict[str, Any]] = {}
        self._state: object = None  # the project state the views were computed from

    def group_by(self) -> str | None:
        """The field the server was told to group by, else the ``[impact] group_by`` of
        the project file owning the served folder."""
        from kfpl.project import config

        if self._group_by is not None:
            return self._group_by
        try:
            found = config.load(self.project.folder)
        except config.ProjectError:
            return None
        if found.policies.resolve() != self.project.folder:
            return None
        return found.group_by

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
                tables = impact_tables(
                    self.project.policy_set, revised.policy_set, self.population, self.group_by()
                )
                for code in ("zh", "en"):
                    self._views[code] = {
                        "against": self.against.name,
                        "population": self.population.name,
                        "svgs": chart_svgs(tables, code),
                        "tables": table_rows(tables, code),
                    }
            return self._views[lang]
