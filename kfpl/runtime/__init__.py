"""The small runtime that generated evaluators import (and nothing of the compiler).

Generated modules use: ``D`` (exact decimals), ``date``, ``Evaluation`` (the claim
being evaluated), ``ABSENT`` (an input not given), and the declaration records ``InputSpec``, ``ParamValue``,
``MeasureMeta`` and ``RuleSpec``.
"""

from datetime import date
from decimal import Decimal as D

from kfpl.runtime.application import Application, ApplicationError, InputSpec
from kfpl.runtime.engine import EXPLAIN_VERSION, Outcome, PolicySetRuntime
from kfpl.runtime.measure import (
    ABSENT,
    Check,
    Evaluation,
    MeasureMeta,
    ParamValue,
    Result,
    RuleSpec,
)

__all__ = [
    "ABSENT",
    "EXPLAIN_VERSION",
    "Application",
    "ApplicationError",
    "Check",
    "D",
    "Evaluation",
    "InputSpec",
    "MeasureMeta",
    "Outcome",
    "ParamValue",
    "PolicySetRuntime",
    "Result",
    "RuleSpec",
    "date",
]
