"""The fault table of issue #7 (fault, provider, retries, records expected, delivered, duplicates).

Fault tests add a row per run; with FAULT_TABLE=<path> in the environment the rows are appended to
that file as Markdown table lines, e.g. `FAULT_TABLE=/tmp/faults.md pytest integration_tests -k fault`.
"""

from __future__ import annotations

import os
from collections import Counter


def add_row(fault: str, provider: str, stream: str, retries: int, expected: int, delivered: Counter, outcome: str) -> None:
    path = os.environ.get("FAULT_TABLE")
    if not path:
        return
    duplicates = sum(n - 1 for n in delivered.values() if n > 1)
    with open(path, "a", encoding="utf-8") as table:
        table.write(f"| {fault} | {provider} | {stream} | {retries} | {expected} | {sum(delivered.values())} | "
                    f"{duplicates} | {outcome} |\n")


def add_paging_row(fault: str, case: str, numbers: dict[str, int]) -> None:
    """A row of the paging table: fault, stream, expected, delivered, duplicates, missing, new items delivered."""
    path = os.environ.get("FAULT_TABLE")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as table:
        table.write(f"| {fault} | {case} | {numbers['expected']} | {numbers['delivered']} | {numbers['duplicates']} | "
                    f"{numbers['missing']} | {numbers['new delivered']} |\n")
