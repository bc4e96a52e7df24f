"""axe-core in a Playwright page: the accessibility violations a page has.

axe-core comes from npm (tests/browser/package.json, `make browser-deps`).
Pages with a Content-Security-Policy refuse an injected script, so the page's
browser context must be made with ``bypass_csp=True``. Without axe-core the
calling test skips, except under CI, where it is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"

# The impacts a page must have none of; "minor" and "moderate" are reported
# by axe too but are not held to zero.
BLOCKING_IMPACTS = ("serious", "critical")


def _axe_source() -> str:
    if not AXE_JS.exists():
        message = "axe-core is missing (run `make browser-deps`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[dict]:
    """The serious and critical axe-core violations of the page as it is now.

    Each is axe's violation (``id``, ``impact``, ``help``, ``helpUrl``) with
    ``nodes`` cut down to the CSS targets and the failure summary of each
    offending element, enough to find and fix it.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=_axe_source())
    violations = page.evaluate(
        """async () => {
            const result = await window.axe.run(document, {
                resultTypes: ["violations"],
            });
            return result.violations;
        }"""
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "helpUrl": violation["helpUrl"],
            "nodes": [
                {
                    "target": node["target"],
                    "summary": node.get("failureSummary", ""),
                }
                for node in violation["nodes"]
            ],
        }
        for violation in violations
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def describe_violations(violations: list[dict]) -> str:
    """A readable list of violations for an assertion message."""
    lines = []
    for violation in violations:
        lines.append(
            "%s (%s): %s" % (violation["id"], violation["impact"], violation["help"])
        )
        for node in violation["nodes"][:5]:
            lines.append("    %s" % " ".join(map(str, node["target"])))
    return "\n".join(lines)
