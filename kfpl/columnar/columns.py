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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from kfpl.runtime.application import Application, InputSpec

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

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, rows: npt.NDArray[np.int64]) -> Codes:
        return Codes(self.codes[rows], self.vocabulary)

    def words(self) -> list[str | None]:
        """The text of every row (None where missing)."""
        table: list[str | None] = [*self.vocabulary, None]  # code -1 indexes the None
        return [table[c] for c in self.codes.tolist()]

    def recoded(self, vocabulary: dict[str, int]) -> npt.NDArray[np.int32]:
        """The codes into ``vocabulary`` (words not yet in it are added; -1 stays)."""
        lookup = np.array(
            [vocabulary.setdefault(w, len(vocabulary)) for w in self.vocabulary] + [-1],
            dtype=np.int32,
        )
        out: npt.NDArray[np.int32] = lookup[self.codes]
        return out

    @staticmethod
    def concat(parts: Sequence[Codes]) -> Codes:
        """The rows of ``parts`` one after the other, in one vocabulary."""
        vocabulary: dict[str, int] = {}
        codes = [p.recoded(vocabulary) for p in parts]
        joined = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int32)
        return Codes(joined, list(vocabulary))


def encode(words: Iterable[str | None]) -> Codes:
    """Text as codes, the vocabulary in order of first appearance (None: -1)."""
    vocabulary: dict[str | None, int] = {None: -1}
    codes = np.fromiter(
        (vocabulary.setdefault(w, len(vocabulary) - 1) for w in words), dtype=np.int32
    )
    return Codes(codes, [w for w in vocabulary if w is not None])


@dataclass
class Values:
    """One input over rows: ``data`` in the type's encoding, ``present`` where known."""

    type: str  # money rate count year date bool text enum set list
    data: Any  # np.ndarray, or Codes for text and enum
    present: Bools


HISTORY_NAMES = ("project", "product", "level")  # the keys of ``History.keys``


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
    where: Sequence[str] = field(default_factory=list)

    @property
    def n_claims(self) -> int:
        return len(self.claim_app)


# --------------------------------------------------------------------------- from objects


def fen_of(value: Decimal) -> int:
    return int(value.scaleb(2))


def rate_of(value: Decimal) -> int:
    return int(value.scaleb(10))


_NUMBERS: dict[str, tuple[Any, Any]] = {
    "money": (np.int64, fen_of),
    "rate": (np.int64, rate_of),
    "count": (np.int64, int),
    "year": (np.int64, int),
    "date": (np.int64, lambda d: d.toordinal()),
    "bool": (np.bool_, bool),
}


def values_of(kind: str, column: list[Any]) -> Values:
    """One input's validated values (None where missing) in the encoding of ``kind``."""
    rows = [i for i, v in enumerate(column) if v is not None]
    return _sparse(kind, len(column), rows, [column[i] for i in rows])


def _sparse(kind: str, n: int, rows: list[int], given: list[Any]) -> Values:
    """The values ``given`` at ``rows`` (missing elsewhere) in the encoding of ``kind``."""
    at = np.array(rows, dtype=np.int64)
    present = np.zeros(n, dtype=np.bool_)
    present[at] = True
    if kind in ("text", "enum"):
        words = encode(given)
        codes = np.full(n, -1, dtype=np.int32)
        codes[at] = words.codes
        return Values(kind, Codes(codes, words.vocabulary), present)
    if kind in _NUMBERS:
        dtype, convert = _NUMBERS[kind]
        data = np.zeros(n, dtype=dtype)
        data[at] = np.fromiter((convert(v) for v in given), dtype=dtype, count=len(given))
        return Values(kind, data, present)
    out = np.full(n, None, dtype=object)  # set: tuples of members; list: lists of records
    if rows:
        chosen = np.empty(len(given), dtype=object)
        chosen[:] = given
        out[at] = chosen
    return Values(kind, out, present)


def _columns(
    records: list[dict[str, Any]], inputs: dict[str, InputSpec], skip: tuple[str, ...] = ()
) -> dict[str, Values]:
    """Every input some record names, over all the records (missing elsewhere); one
    pass over the values given, none over the records an input is missing from."""
    found: dict[str, tuple[list[int], list[Any]]] = {}
    for i, record in enumerate(records):
        for name, value in record.items():
            if value is not None:
                rows, given = found.setdefault(name, ([], []))
                rows.append(i)
                given.append(value)
    return {
        name: _sparse(inputs[name].type, len(records), rows, given)
        for name, (rows, given) in found.items()
        if name not in skip and name in inputs
    }


def columns_from_applications(apps: list[Application], inputs: dict[str, InputSpec]) -> Columns:
    """The typed columns of validated applications (the reference reader's objects)."""
    from kfpl.runtime.application import CLAIM_KEYS

    claims = [c for app in apps for c in app.claims]
    counts = [len(app.claims) for app in apps]
    claim_app = np.repeat(np.arange(len(apps), dtype=np.int64), counts)
    history = [(a, p) for a, app in enumerate(apps) for p in app.history]
    past = [(a, p) for a, app in enumerate(apps) for p in app.past]
    step = [p.keys.get("step") for _, p in history]
    return Columns(
        n_apps=len(apps),
        year=np.fromiter((app.year for app in apps), dtype=np.int64, count=len(apps)),
        enterprise_id=encode(app.enterprise_id for app in apps),
        enterprise=_columns([app.enterprise for app in apps], inputs, ("id", "name")),
        claim_app=claim_app,
        claim_index=np.fromiter((c.index for c in claims), dtype=np.int64, count=len(claims)),
        claim_id=encode(c.id for c in claims),
        measure=encode(c.measure for c in claims),
        keys={k: encode(c.keys.get(k) for c in claims) for k in CLAIM_KEYS},
        facts=_columns([c.facts for c in claims], inputs),
        history=History(
            app=np.fromiter((a for a, _ in history), dtype=np.int64, count=len(history)),
            measure=encode(p.measure for _, p in history),
            year=np.fromiter((p.year for _, p in history), dtype=np.int64, count=len(history)),
            amount=np.fromiter(
                (fen_of(p.amount) for _, p in history), dtype=np.int64, count=len(history)
            ),
            keys={k: encode(p.keys.get(k) for _, p in history) for k in HISTORY_NAMES},
            step=np.fromiter(
                (-1 if s is None else fen_of(s) for s in step), dtype=np.int64, count=len(step)
            ),
        ),
        past=Past(
            app=np.fromiter((a for a, _ in past), dtype=np.int64, count=len(past)),
            year=np.fromiter((p.year for _, p in past), dtype=np.int64, count=len(past)),
            facts=_columns([p.facts for _, p in past], inputs),
        ),
        app_date=values_of("date", [app.date for app in apps]),
        claim_date=values_of("date", [c.date for c in claims]),
    )
