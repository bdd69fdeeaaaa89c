"""How the web UI looks, measured in a real browser (Debian's chromium via Playwright): every text
drawn in the one font the theme intends (no per-glyph fallback, which drew bold Vietnamese in two
fonts), every visible text at WCAG AA contrast (4.5:1) in light and dark mode, and table headers
that wrap between words only.

Fonts are measured, not assumed: Chrome's DevTools protocol (CSS.getPlatformFontsForNode) says
which font files drew each node's glyphs."""

from __future__ import annotations

import unicodedata

import pytest

from test_ui import CHROMIUM, CHROMIUM_ARGS, NGHE_AN, UNANSWERABLE, _ask, _last_answer, serving, ui
from test_ui import served as served  # noqa: PLC0414 (the fixture: the app launched over its own index)

FAMILY = ui.FONT_FAMILY.replace(" ", "")  # the font the theme intends for all text, as Chrome names it
MIN_CONTRAST = 4.5  # WCAG 2.x AA for normal-size text
# The NFD article (decomposed accents) answers this: its title is bold, its passage decomposed.
NFD_QUESTION = "Cảng cá Sa Huỳnh có thể đón bao nhiêu tàu cá?"
# Symbols the bundled font does not draw (it has letters, digits and punctuation): a node may take
# these, and only these, from another font.
SYMBOLS = "⚠⏳✓✕×⋮"
# Nodes that must be measured, each selector matching at least one node with text: headings,
# buttons, tab labels, the chat question and answer, the cited sources (title in bold, details),
# the sources header ("NGUỒN"), highlighted text, labels.
FONT_TARGETS = {
    "heading": "h2",
    "button": "button#ask",
    "tab label": "button[role=tab]",
    "answer": "#chat .hd-answer",
    "citation marker": "#chat a.hd-cite",
    "source title": "#chat .hd-meta b",
    "source details": "#chat .hd-meta",
    "sources header": "#chat .hd-sources .hd-head",
    "highlight": "#chat .hd-passage mark",
    "passage": "#chat .hd-passage",
    "label": "[data-testid=block-info]",
}

# Marks (data-look) every visible element that shows text of its own: a non-blank text node child.
MARK_TEXT_JS = r"""
() => {
  let n = 0;
  for (const el of document.querySelectorAll('body *')) {
    el.removeAttribute('data-look');
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TEXTAREA', 'OPTION'].includes(el.tagName)) continue;
    if (![...el.childNodes].some(c => c.nodeType === 3 && c.textContent.trim())) continue;
    if (!el.checkVisibility({visibilityProperty: true}) || !el.getClientRects().length) continue;
    el.setAttribute('data-look', n++);
  }
  return n;
}
"""

# Every visible, enabled element that shows text of its own (a non-blank text node child, or a
# placeholder): the contrast of its text colour (alpha and the ancestors' opacity included) with
# the background it is drawn on (translucent ancestor backgrounds composited over the first opaque one).
CONTRAST_JS = r"""
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
  const lum = (c) => {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const canvas = () => parse(getComputedStyle(document.documentElement).backgroundColor)[3] > 0
    ? parse(getComputedStyle(document.documentElement).backgroundColor) : [255, 255, 255, 1];
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg && bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) break; }
    }
    let base = layers.length && layers[layers.length - 1][3] >= 1 ? layers.pop() : canvas();
    for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
    return base;
  };
  const opacity = (el) => { let o = 1; for (let e = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity); return o; };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width >= 2 && r.height >= 2 && el.checkVisibility({visibilityProperty: true});
  };
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    const cls = (typeof el.className === 'string' ? el.className : '').trim().split(/\s+/)
      .filter(c => c && !c.startsWith('svelte-')).slice(0, 2);
    if (cls.length) d += '.' + cls.join('.');
    const owner = el.parentElement && el.parentElement.closest('[id]');
    return owner ? '#' + owner.id + ' ' + d : d;
  };
  const results = [];
  const measure = (el, colour, text) => {
    const fg = parse(colour);
    if (!fg) return;
    const bg = background(el);
    const seen = over([fg[0], fg[1], fg[2], fg[3] * opacity(el)], bg);
    const rgb = (c) => 'rgb(' + c.slice(0, 3).map(Math.round).join(', ') + ')';
    results.push({element: describe(el), text: text.replace(/\s+/g, ' ').trim().slice(0, 50),
                  ratio: Math.round(ratio(seen, bg) * 100) / 100, color: rgb(seen), background: rgb(bg)});
  };
  for (const el of document.querySelectorAll('body *')) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION'].includes(el.tagName)) continue;
    const field = (el.tagName === 'TEXTAREA' || el.tagName === 'INPUT') && !['hidden', 'file', 'checkbox', 'radio'].includes(el.type);
    const own = field ? '' : [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (!own && !field) continue;
    // an inactive control is exempt (WCAG 1.4.3)
    if (!visible(el) || el.closest('[disabled], [aria-disabled=true]')) continue;
    if (!field) measure(el, getComputedStyle(el).color, own);
    else if (el.value) measure(el, getComputedStyle(el).color, el.value);
    else if (el.placeholder) measure(el, getComputedStyle(el, '::placeholder').color, '(placeholder) ' + el.placeholder);
  }
  return results;
}
"""

# Each word of each header cell of the Articles table: on how many lines it is drawn, and whether
# it sticks out of its cell (where the cell clips it).
HEADER_WORDS_JS = r"""
() => {
  const out = [];
  for (const th of document.querySelectorAll('#articles thead th')) {
    const cell = th.getBoundingClientRect();
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
      if (!node.parentElement.checkVisibility()) continue;
      for (const m of node.textContent.matchAll(/[\p{L}\p{N}]+/gu)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        const lines = new Set(rects.map(r => Math.round(r.top))).size;
        let box = {left: cell.left, right: cell.right};  // where the word can be seen: the cell, less what clips it
        for (let e = node.parentElement; e && e !== th.parentElement; e = e.parentElement) {
          if (getComputedStyle(e).overflowX === 'visible') continue;
          const r = e.getBoundingClientRect();
          box = {left: Math.max(box.left, r.left), right: Math.min(box.right, r.right)};
        }
        const outside = rects.some(r => r.left < box.left - 0.5 || r.right > box.right + 0.5);
        out.push({header: th.textContent.trim(), word: m[0], lines, outside});
      }
    }
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(chromium, url: str, **options):
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, **options)
    page.goto(url)
    page.locator("#question textarea").wait_for()
    # the load events (overview, lists, the kept conversation) done: Gradio dims pending outputs
    page.locator("#overview").wait_for()
    page.wait_for_function("() => !document.querySelector('.pending')", timeout=30_000)
    return page


def fonts_ready(page) -> None:
    page.evaluate("() => document.fonts.ready.then(() => true)")


@pytest.fixture(scope="module")
def chat_page(served, chromium):
    """The chat after a Vietnamese question answered with sources (its title in bold)."""
    page = open_page(chromium, served[0])
    _ask(page, NGHE_AN)
    _last_answer(page, 1)
    fonts_ready(page)
    yield page
    page.close()


def family_of(font: dict) -> str:
    """The family of a font Chrome reports: its PostScript name without the style (BeVietnamPro for
    BeVietnamPro-SemiBold; the family name Chrome gives includes the style, "Be Vietnam Pro
    SemiBold"), marked "(system)" unless it is a web font of the page."""
    family = font["postScriptName"].split("-")[0] or font["familyName"]
    return family if font["isCustomFont"] else f"{family} (system)"


def platform_fonts(page, selector: str) -> list[tuple[str, dict[str, int]]]:
    """(text, {font family: glyphs}) of each node the selector matches that draws text, as Chrome
    drew it (the node's text and its children's, not deeper descendants')."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        out = []
        for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
            fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            if not fonts:
                continue  # draws no text
            used: dict[str, int] = {}
            for f in fonts:
                used[family_of(f)] = used.get(family_of(f), 0) + f["glyphCount"]
            obj = cdp.send("DOM.resolveNode", {"nodeId": node})["object"]["objectId"]
            text = cdp.send("Runtime.callFunctionOn", {"objectId": obj, "returnByValue": True,
                                                       "functionDeclaration": "function() { return this.textContent; }"})
            out.append((" ".join(text["result"]["value"].split()), used))
        return out
    finally:
        cdp.detach()


def mixed_fonts(measured: list[tuple[str, dict[str, int]]]) -> list[str]:
    """The nodes drawn in another font than the intended one (beyond the symbols it lacks)."""
    problems = []
    for text, used in measured:
        others = sum(n for family, n in used.items() if family != FAMILY)
        if FAMILY not in used or others > sum(text.count(s) for s in SYMBOLS):
            problems.append(f"{text[:70]!r} drawn in {used}")
    return problems


def font_problems(page, targets: dict[str, str]) -> list[str]:
    problems = []
    for what, selector in targets.items():
        measured = platform_fonts(page, selector)
        if not measured:
            problems.append(f"{what} ({selector}): no text found to measure")
        problems += [f"{what}: {p}" for p in mixed_fonts(measured)]
    return problems


def every_text_problems(page) -> tuple[int, list[str]]:
    """(nodes measured, problems) over every visible element with text of its own."""
    count = page.evaluate(MARK_TEXT_JS)
    return count, mixed_fonts(platform_fonts(page, "[data-look]"))


def settle(page) -> None:
    """Wait for the page's transitions (a button fading in as it becomes active) to end."""
    page.evaluate("""() => Promise.race([
        Promise.all(document.getAnimations()
          .filter(a => a.effect && isFinite(a.effect.getComputedTiming().endTime))
          .map(a => a.finished.catch(() => null))),
        new Promise(done => setTimeout(done, 5000))]).then(() => true)""")


def contrast_problems(page, where: str) -> list[str]:
    settle(page)
    measured = page.evaluate(CONTRAST_JS)
    assert len(measured) > 10, f"{where}: only {len(measured)} texts found to measure"
    low = sorted((m for m in measured if m["ratio"] < MIN_CONTRAST), key=lambda m: m["ratio"])
    return [f"{where}: {m['ratio']}:1 {m['element']} {m['text']!r} ({m['color']} on {m['background']})" for m in low]


# -- fonts ---------------------------------------------------------------------------------

def test_headings_buttons_answer_and_sources_are_drawn_in_the_bundled_font(chat_page):
    problems = font_problems(chat_page, FONT_TARGETS)
    assert not problems, "text drawn in more than one font (per-glyph fallback):\n" + "\n".join(problems)


def test_every_text_of_every_tab_is_drawn_in_the_bundled_font(served, chromium):
    page = open_page(chromium, served[0])
    try:
        fonts_ready(page)
        count, found = every_text_problems(page)  # the first screen, its examples
        assert count > 10, f"only {count} texts found on the first screen"
        problems = [f"first screen: {p}" for p in found]
        _ask(page, NFD_QUESTION)  # decomposed accents: combining marks must not fall back either
        reply = _last_answer(page, 1)
        assert "420 tàu" in unicodedata.normalize("NFC", reply.locator(".hd-answer").inner_text()), reply.inner_text()
        _ask(page, UNANSWERABLE)  # the not-found answer, its "⚠" header and nearest passages
        _last_answer(page, 2)
        fonts_ready(page)
        count, found = every_text_problems(page)
        assert count > 30, f"only {count} texts found on the chat tab"
        problems += [f"chat: {p}" for p in found]
        for tab, ready in (("Tỉnh thành · Provinces", "#province-list label"),
                           ("Bài viết · Articles", "#articles .virtual-row")):
            page.get_by_role("tab", name=tab).click()
            page.locator(ready).first.wait_for()
            if tab.startswith("Tỉnh"):  # the passages about a province, from the NFD article
                page.locator("#province-list label", has_text="Quảng Ngãi").click()
                page.locator("#province-passages .hd-source").first.wait_for()
            fonts_ready(page)
            count, found = every_text_problems(page)
            assert count > 10, f"only {count} texts found on the {tab} tab"
            problems += [f"{tab}: {p}" for p in found]
        assert not problems, "text drawn in more than one font (per-glyph fallback):\n" + "\n".join(problems)
    finally:
        page.close()


def test_the_font_measurement_catches_gradios_default_font(served, chromium, monkeypatch):
    """The measurement is not vacuous: Gradio's default theme (Source Sans Pro, whose SemiBold has
    only a few Latin letters) fails it on the heading and the buttons."""
    import gradio as gr

    monkeypatch.setattr(ui, "theme", gr.themes.Default)
    page = None
    with serving(served[1]) as url:
        try:
            page = open_page(chromium, url)
            fonts_ready(page)
            problems = font_problems(page, {"heading": "h2", "button": "button#ask"})
        finally:
            if page is not None:
                page.close()
    assert [p.split(":")[0] for p in problems] == ["heading", "button"], problems
    assert all("SourceSansPro" in p for p in problems), problems


# -- contrast ------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_reaches_wcag_aa_contrast(served, chromium, scheme):
    page = open_page(chromium, served[0], color_scheme=scheme)
    try:
        assert page.evaluate("() => !!document.querySelector('.dark')") == (scheme == "dark"), "the colour scheme"
        problems = contrast_problems(page, "the first screen")
        _ask(page, NGHE_AN)
        _last_answer(page, 1)
        problems += contrast_problems(page, "chat, an answer with sources")
        _ask(page, UNANSWERABLE)
        _last_answer(page, 2)
        problems += contrast_problems(page, "chat, the not-found answer")
        page.get_by_role("tab", name="Bài viết · Articles").click()
        page.locator("#articles .virtual-row").first.wait_for()
        problems += contrast_problems(page, "articles")
        assert not problems, f"text below {MIN_CONTRAST}:1 ({scheme}), worst first:\n" + "\n".join(problems)
    finally:
        page.close()


# -- the articles table --------------------------------------------------------------------

@pytest.mark.parametrize("width", [1280, 768, 390])
def test_table_headers_break_between_words_only(served, chromium, width):
    page = open_page(chromium, served[0])
    try:
        page.get_by_role("tab", name="Bài viết · Articles").click()  # (a narrow screen folds the tabs)
        page.locator("#articles .virtual-row").first.wait_for()
        page.set_viewport_size({"width": width, "height": 900})
        fonts_ready(page)
        page.wait_for_timeout(300)  # Gradio sizes the columns after the rows are in
        words = page.evaluate(HEADER_WORDS_JS)
        assert "Passages" in [w["word"] for w in words], words
        broken = [w for w in words if w["lines"] != 1 or w["outside"]]
        assert not broken, f"header words broken or cut at {width}px: {broken}"
        # a narrow screen scrolls the table sideways: its last column can be brought into view
        page.locator("#articles thead th").last.scroll_into_view_if_needed()
        right = page.evaluate("() => [...document.querySelectorAll('#articles thead th')].pop().getBoundingClientRect().right")
        assert right <= width, f"the last column cannot be scrolled into view at {width}px"
    finally:
        page.close()


# -- the theme itself ------------------------------------------------------------------------

def test_the_theme_inlines_the_bundled_font_at_every_weight_with_its_licence():
    import re

    css = ui.theme()._get_theme_css()  # what /theme.css serves, to the login page too
    faces = re.findall(r"@font-face \{[^}]*font-family: '([^']+)'[^}]*font-weight: (\d+)[^}]*"
                       r"src: url\(data:font/woff2;base64,[A-Za-z0-9+/=]+\) format\('woff2'\)", css)
    assert faces == [(ui.FONT_FAMILY, str(w)) for w in (400, 500, 600, 700)], faces
    assert "url(data:font/woff2" in css and "fonts.googleapis" not in css
    assert "SourceSansPro" not in css and "Source Sans Pro" not in css, "Gradio's default font is still loaded"
    assert ui.theme().font.startswith(f"'{ui.FONT_FAMILY}', "), ui.theme().font
    assert "SIL Open Font License" in (ui.FONT_DIR / "OFL.txt").read_text(encoding="utf-8")


def test_without_the_font_files_the_theme_uses_system_fonts(tmp_path, monkeypatch):
    monkeypatch.setattr(ui, "FONT_DIR", tmp_path)
    assert ui.font_faces_css() == ""
    look = ui.theme()
    assert ui.FONT_FAMILY not in look.font and look.font.endswith("sans-serif"), look.font
    assert f"font-family: '{ui.FONT_FAMILY}'" not in look._get_theme_css()
