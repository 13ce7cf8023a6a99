"""Expectations: statements a team wants to stay true ("shop/frontend may reach shop/api on TCP
8080", "nothing outside payments reaches payments/*"), checked against the computed connectivity.

Pure Python, no Django. parse_expectations(text, file) -> [Statement] (ExpectationsInvalid with
file and line otherwise); check(evaluator, statements) -> [Outcome]; netviz.expect.render words
the outcomes. The file format is described in netviz.expect.schema.
"""

from netviz.expect.evaluate import Outcome, Reason, Violation, check
from netviz.expect.schema import ExpectationsInvalid, ExpectError, Statement, parse_expectations

__all__ = [
    "ExpectError",
    "ExpectationsInvalid",
    "Outcome",
    "Reason",
    "Statement",
    "Violation",
    "check",
    "parse_expectations",
]
