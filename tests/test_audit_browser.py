"""The audit's HTML page in a real browser: headless Chromium (the Debian package), driven
through the DevTools protocol by Playwright's Python client (its own browser downloads are
never used: it launches the system Chromium by path). The page has no script; the checks
below are evaluated by the test, from outside, on the laid-out page.

At a 390 px phone, a 768 px and a 1024 px tablet, a 1280 px laptop and a 1440 px desktop: no sideways
scroll and no element past the right edge, no two text boxes overlapping, no table cell
cutting off its content, no name broken letter by letter, timeline bars with a real width,
and every text/background pair at WCAG AA contrast (computed from the computed styles). In
print: the pills keep an outline in their colour, so they survive printing without
background graphics, and the page asks for exact colours. The page requests nothing but
itself.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_support import run_main

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "railway-app-audit"
CHROMIUM = os.environ.get("ETC_POLICY_CHROMIUM") or shutil.which("chromium") \
    or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (Debian package `chromium`; "
    "tests/setup installs it when apt-get is available as root)")
WIDTHS = (390, 768, 1024, 1280, 1440)
# No background networking, updates or first-run work: the browser stays offline.
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
        "--disable-default-apps", "--disable-sync", "--no-first-run", "--disable-extensions",
        "--disable-breakpad", "--metrics-recording-only", "--disable-gpu"]

# Evaluated by the test in the page (the page itself has no script).
MEASURE = r"""() => {
  const W = window.innerWidth, out = {width: W,
    scrollWidth: document.scrollingElement.scrollWidth, pastEdge: [], overlaps: [],
    cutCells: [], brokenNames: [], narrowBars: [], contrast: [], texts: 0};
  const visible = el => { const s = getComputedStyle(el);
    return s.display !== 'none' && s.visibility !== 'hidden'; };
  const describe = el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') +
    ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  for (const el of document.body.querySelectorAll('*')) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > W + 0.5) out.pastEdge.push(describe(el) + ' right=' + r.right);
  }
  // every line box of every text node
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || !visible(node.parentElement)) continue;
    const range = document.createRange(); range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter(r => r.width > 0.5 && r.height > 0.5);
    out.texts += 1;
    rects.forEach(r => boxes.push({r, node}));
    const code = node.parentElement.closest('code');
    if (code && rects.length > 1) {
      // a name broken letter by letter: a line fragment (not the last) under 3 characters
      const ch = parseFloat(getComputedStyle(code).fontSize) * 0.6;
      rects.slice(0, -1).forEach(r => { if (r.width < 3 * ch)
        out.brokenNames.push(describe(code) + ' fragment ' + r.width.toFixed(1)); });
    }
  }
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i].r, b = boxes[j].r;
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (w > 1 && h > 2 && boxes[i].node !== boxes[j].node)
      out.overlaps.push(JSON.stringify([boxes[i].node.textContent.trim().slice(0, 30),
                                        boxes[j].node.textContent.trim().slice(0, 30)]));
  }
  for (const cell of document.querySelectorAll('td, th, dd, .tl-label, .tl-date')) {
    if (visible(cell) && cell.scrollWidth > cell.clientWidth + 1)
      out.cutCells.push(describe(cell) + ' ' + cell.scrollWidth + '>' + cell.clientWidth);
  }
  for (const bar of document.querySelectorAll('.tl-bar')) {
    const r = bar.getBoundingClientRect();
    if (r.width < 48) out.narrowBars.push(r.width);
  }
  // WCAG contrast of every element that holds text, against its effective background
  const rgb = s => { const m = s.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const background = el => { for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c && c.a > 0) return c; }
    return {r: 255, g: 255, b: 255, a: 1}; };
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !visible(el)) continue;
    const s = getComputedStyle(el), fg = rgb(s.color), bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight) >= 700;
    const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    if (ratio < need) out.contrast.push(describe(el) + ' ' + s.color + ' on ' +
      JSON.stringify(bg) + ' = ' + ratio.toFixed(2));
  }
  return out;
}"""

PRINT_PILLS = r"""() => [...document.querySelectorAll('.sev, .st')].map(el => {
  const s = getComputedStyle(el);
  return {text: el.textContent, color: s.color, border: s.borderTopColor,
          borderWidth: parseFloat(s.borderTopWidth), background: s.backgroundColor,
          adjust: s.printColorAdjust || s.webkitPrintColorAdjust};
})"""


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import contextlib
    import io

    from etc_policy.cli import main

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["audit", str(FIXTURE), "--as-of", "2026-11-01", "-f", "html"]) == 1
    path = tmp_path_factory.mktemp("audit-html") / "audit.html"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _open(browser: object, page_file: Path, width: int, requests: list[str]) -> object:
    page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page.on("request", lambda request: requests.append(request.url))
    page.goto(page_file.as_uri())
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_layout_at_every_width(browser: object, page_file: Path, width: int) -> None:
    requests: list[str] = []
    page = _open(browser, page_file, width, requests)
    found = page.evaluate(MEASURE)
    page.close()
    assert found["texts"] > 100                      # the measurement saw the page
    assert found["scrollWidth"] <= found["width"], "sideways scroll"
    assert found["pastEdge"] == []
    assert found["overlaps"] == []
    assert found["cutCells"] == []
    assert found["brokenNames"] == []
    assert found["narrowBars"] == []
    assert found["contrast"] == []
    assert requests == [page_file.as_uri()]          # nothing but the page itself


def test_the_checks_catch_a_broken_page(browser: object, tmp_path: Path) -> None:
    """The same measurements on a page with each fault: they are not vacuous."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width">'
        "<style>body{margin:0;font:15px sans-serif}</style></head><body>"
        '<p style="width:500px">wide paragraph</p>'
        '<p style="color:#8a94a6;background:#fff">pale text on white</p>'
        '<div style="position:relative;height:20px"><span style="position:absolute;left:0">'
        'first label</span><span style="position:absolute;left:10px">second label</span></div>'
        '<table style="table-layout:fixed;width:120px"><tr><td style="overflow:hidden;'
        'white-space:nowrap">a message that is cut off here</td></tr></table>'
        '<p style="width:12px"><code style="overflow-wrap:anywhere">CLOUDINARY_API_SECRET</code>'
        '</p>' + "<p>filler text</p>" * 100 + "</body></html>", encoding="utf-8")
    page = _open(browser, broken, 390, [])
    found = page.evaluate(MEASURE)
    page.close()
    assert found["scrollWidth"] > found["width"] and found["pastEdge"]
    assert any("pale text" in c for c in found["contrast"])
    assert any("first label" in o for o in found["overlaps"])
    assert any("a message" in c for c in found["cutCells"])
    assert found["brokenNames"]


def test_print_keeps_the_pills(browser: object, page_file: Path, tmp_path: Path) -> None:
    page = _open(browser, page_file, 1024, [])
    page.emulate_media(media="print")
    pills = page.evaluate(PRINT_PILLS)
    found = page.evaluate(MEASURE)
    pdf = page.pdf(path=str(tmp_path / "audit.pdf"), print_background=False)
    page.close()
    assert len(pills) > 20
    for pill in pills:
        # outlined in their own colour on white: readable without background graphics
        assert pill["border"] == pill["color"] and pill["borderWidth"] >= 1, pill
        assert pill["background"] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), pill
        assert pill["adjust"] == "exact", pill
    assert found["contrast"] == [] and found["overlaps"] == []
    assert pdf[:5] == b"%PDF-"
