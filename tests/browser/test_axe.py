"""tests/browser/axe.py finds what it should, and nothing on a clean page."""

from __future__ import annotations

from tests.browser.axe import axe_violations


def test_axe_reports_an_unlabelled_field_and_passes_a_labelled_one(new_page):
    page = new_page(bypass_csp=True)
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<input type="text" name="q"></main></body></html>'
    )
    found = axe_violations(page)
    assert [v["id"] for v in found] == ["label"]
    assert found[0]["impact"] == "critical"
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<label for="q">Search</label><input id="q" type="text" name="q">'
        "</main></body></html>"
    )
    assert axe_violations(page) == []
