"""A validated population as typed columns: what the columnar engine computes on.

Two readers produce ``Columns``: from validated ``Application`` objects (any population
the reference reader took: JSON lines, one application), and from tables (CSV or
Parquet, validated column by column without an object per application). The engine
(``kfpl.columnar.kernel.Frame``) reads only this, so both give the same results.

Encodings, one per input type, so that no column holds a Python object per row except
where the type needs one (sets, lists):

* money: int64 fen; rate: int64 units of 10^-10; count, year: int64; date: int64
  proleptic ordinal (``date.toordinal()``); bool: ``np.bool_``;
* text and enum: ``Codes``, int32 codes into a vocabulary (-1 where missing);
* set: object array of tuples of members; list: object array of lists of record dicts
  (values as the reference reader gives them), None where missing.

Every ``Values`` has ``present`` (False where the fact is missing: missing is not zero),
and its ``data`` holds a neutral value there (0, False, -1, None).

Rows: applications ``0..n_apps-1`` in input order; claims in application order and,
within one, in claim order (``claim_index``); history and past rows name their
application by ``app`` and are in input order within it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass
class Codes:
    """Text as integer codes into ``vocabulary`` (-1: missing)."""

    codes: npt.NDArray[np.int32]
    vocabulary: list[str]

    def code_of(self, word: str) -> int:
        """The code of ``word``, or -2 (no row has it)."""
        try:
            return self.vocabulary.index(word)
        except ValueError:
            return -2


@dataclass
class Values:
    """One input over rows: ``data`` in the type's encoding, ``present`` where known."""

    type: str  # money rate count year date bool text enum set list
    data: Any  # np.ndarray, or Codes for text and enum
    present: Bools


@dataclass
class History:
    """Earlier awards (the application's ``history`` without facts)."""

    app: Ints
    measure: Codes
    year: Ints
    amount: Ints  # fen
    keys: dict[str, Codes]  # project, product, level (-1 where not named)
    step: Ints  # ``step``: the value whose step was rewarded, in fen (-1: not named)

    @property
    def n(self) -> int:
        return len(self.app)


@dataclass
class Past:
    """Facts of earlier years (history records with ``facts``)."""

    app: Ints
    year: Ints
    facts: dict[str, Values]

    @property
    def n(self) -> int:
        return len(self.app)


@dataclass
class Columns:
    n_apps: int
    year: Ints  # per application
    enterprise_id: Codes  # per application
    enterprise: dict[str, Values]  # per application: the enterprise inputs given
    claim_app: Ints  # per claim: its application
    claim_index: Ints  # per claim: its position in the application's claims
    claim_id: Codes
    measure: Codes
    keys: dict[str, Codes]  # per claim: project, product (-1 where not named)
    facts: dict[str, Values]  # per claim
    history: History
    past: Past
    app_date: Values  # per application: its ``date`` (type date), where given
    claim_date: Values  # per claim: its own ``date``, else the application's
    # Where each application came from (file:line, table row), for messages.
    where: list[str] = field(default_factory=list)

    @property
    def n_claims(self) -> int:
        return len(self.claim_app)
