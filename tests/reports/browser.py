"""Headless Chromium driven from the command line (``--headless --no-sandbox --disable-gpu``): the DOM after the
page's scripts ran (with a probe script injected that measures and acts on the page), screenshots and PDF.

``axe_source()`` finds axe-core (``npm install --prefix var/test-tools axe-core@4``, done by ``.ci/run``; or the
``AXE_CORE`` file); without it :data:`RULES` is the equivalent ruleset run instead."""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_PATHS = (ROOT / "var" / "test-tools" / "node_modules" / "axe-core" / "axe.min.js",)
A4_POINTS = (595.0, 842.0)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def axe_source() -> str | None:
    """axe-core's script, if it is installed."""
    candidates = ([Path(os.environ["AXE_CORE"])] if os.environ.get("AXE_CORE") else []) + list(AXE_PATHS)
    for path in candidates:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


# The equivalent ruleset (WCAG 2.1 A/AA checks a static report can fail), run in the page.
RULES = r"""
function dsnAudit() {
  var out = [];
  function fail(rule, node, detail) { out.push({rule: rule, node: node ? (node.id || node.tagName) : null, detail: detail || ""}); }
  var root = document.documentElement;
  if (!/^fr\b/.test(root.getAttribute("lang") || "")) { fail("html-lang", root); }
  if (!document.title.trim()) { fail("document-title", root); }
  if (document.querySelectorAll("h1").length !== 1) { fail("page-has-one-h1", root, document.querySelectorAll("h1").length); }
  var last = 0;
  document.querySelectorAll("h1,h2,h3,h4,h5,h6").forEach(function (h) {
    var level = +h.tagName[1];
    if (level > last + 1) { fail("heading-order", h, "h" + last + " → h" + level); }
    if (!h.textContent.trim()) { fail("empty-heading", h); }
    last = level;
  });
  if (!document.querySelector("main")) { fail("landmark-main", root); }
  document.querySelectorAll("th").forEach(function (th) {
    var inHead = th.parentNode.parentNode.tagName === "THEAD";
    if (!th.getAttribute("scope")) { fail("th-has-scope", th, th.textContent.trim()); }
  });
  document.querySelectorAll("table").forEach(function (t) {
    if (!t.querySelector("th")) { fail("table-has-headers", t); }
  });
  document.querySelectorAll("select,input,textarea").forEach(function (f) {
    var label = f.id && document.querySelector("label[for='" + f.id + "']");
    if (!label && !f.closest("label") && !f.getAttribute("aria-label")) { fail("label", f); }
  });
  document.querySelectorAll("a,button").forEach(function (b) {
    if (!(b.textContent.trim() || b.getAttribute("aria-label"))) { fail("name", b); }
  });
  var ids = {};
  document.querySelectorAll("[id]").forEach(function (e) {
    if (ids[e.id]) { fail("duplicate-id", e); } ids[e.id] = true;
  });
  document.querySelectorAll("img").forEach(function (i) { if (!i.hasAttribute("alt")) { fail("image-alt", i); } });
  function rgb(text) { var m = text.match(/[\d.]+/g); return m ? m.map(Number) : null; }
  function lum(c) {
    var v = c.slice(0, 3).map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }
  function background(e) {
    for (; e; e = e.parentElement) {
      var c = rgb(getComputedStyle(e).backgroundColor);
      if (c && (c.length < 4 || c[3] > 0)) { return c; }
    }
    return [255, 255, 255];
  }
  var checked = 0;
  var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  var seen = new Set();
  while (walker.nextNode()) {
    var e = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !e || seen.has(e)) { continue; }
    seen.add(e);
    var style = getComputedStyle(e);
    if (style.visibility === "hidden" || e.offsetParent === null && style.position !== "fixed") { continue; }
    var fg = rgb(style.color), bg = background(e);
    var a = lum(fg), b = lum(bg), ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    checked++;
    if (ratio < 4.5) { fail("color-contrast", e, ratio.toFixed(2) + " " + style.color + " on " + bg.join(",")); }
  }
  return {violations: out, texts_checked: checked};
}
"""

PROBE = r"""
<script>
(function () {
  var result = {};
  try {
    %(actions)s
  } catch (err) { result.error = String(err); }
  function visibleRows() {
    return Array.prototype.filter.call(document.querySelectorAll("tr[data-sev]"), function (r) {
      return r.offsetParent !== null;
    }).length;
  }
  result.width = window.innerWidth;
  result.scroll_width = document.documentElement.scrollWidth;
  result.h1 = Array.prototype.map.call(document.querySelectorAll("h1"), function (h) { return h.textContent.trim(); });
  result.headings = Array.prototype.map.call(document.querySelectorAll("h1,h2,h3,h4,h5,h6"), function (h) { return h.tagName; });
  result.rows = visibleRows();
  result.groups = Array.prototype.filter.call(document.querySelectorAll("[data-group]"), function (g) {
    return g.offsetParent !== null;
  }).length;
  result.filters_shown = !!document.getElementById("filtres") && !document.getElementById("filtres").hidden;
  result.audit = dsnAudit();
  function done() { window.parent.document.body.setAttribute("data-probe", JSON.stringify(result)); }
  if (window.axe) {
    axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa"]}}).then(function (r) {
      result.axe = r.violations.map(function (v) { return {id: v.id, impact: v.impact, nodes: v.nodes.length}; });
      done();
    }, function (err) { result.axe_error = String(err); done(); });
  } else { done(); }
}());
</script>
"""


def framed(page: Path, width: int, text: str, height: int = 900) -> Path:
    """A page showing ``text`` in a frame ``width`` px wide (a headless window is at least 500 px wide; the
    frame is the viewport the report's layout and media queries see)."""
    out = page.with_name(f"{page.stem}.frame-{width}.html")
    out.write_text(f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>cadre</title></head>'
                   f'<body style="margin:0"><iframe title="rapport" style="border:0;width:{width}px;'
                   f'height:{height}px" srcdoc="{html.escape(text, quote=True)}"></iframe></body></html>',
                   encoding="utf-8")
    return out


class Browser:
    """One Chromium binary and a profile folder."""

    def __init__(self, path: str, profile: Path):
        self.path, self.profile = path, profile

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [self.path, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-extensions", f"--user-data-dir={self.profile}", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)

    def probe(self, page: Path, width: int, actions: str = "", axe: bool = False) -> dict:
        """Load a copy of ``page`` with the probe script (and axe-core if asked and installed) at ``width`` px;
        ``actions``: JavaScript run first (e.g. choose a filter). What the probe measured."""
        text = page.read_text(encoding="utf-8")
        extra = ""
        source = axe_source() if axe else None
        if source:
            extra += f"<script>{source}</script>"
        extra += f"<script>{RULES}</script>" + PROBE % {"actions": actions}
        probed = framed(page, width, text.replace("</body>", extra + "</body>"))
        done = self._run(f"--window-size={max(width, 500)},900", "--virtual-time-budget=15000", "--dump-dom",
                         probed.as_uri())
        found = re.search(r'data-probe="([^"]*)"', done.stdout)
        assert found, f"no probe result from chromium: {done.stderr[-2000:]}"
        result = json.loads(html.unescape(found.group(1)))
        result["axe_used"] = bool(source)
        return result

    def screenshot(self, page: Path, out: Path, width: int, height: int = 1200) -> Path:
        shown = framed(page, width, page.read_text(encoding="utf-8"), height)
        self._run(f"--window-size={max(width, 500)},{height}", "--hide-scrollbars", f"--screenshot={out}",
                  shown.as_uri())
        assert out.is_file() and out.stat().st_size > 1000, f"no screenshot of {page}"
        return out

    def pdf(self, page: Path, out: Path) -> Path:
        self._run("--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri())
        assert out.is_file() and out.read_bytes().startswith(b"%PDF"), f"no PDF of {page}"
        return out


def pdf_pages(path: Path) -> list[tuple[float, float]]:
    """The size (width, height in points) of each page of a PDF written by Chromium."""
    data = path.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    boxes = [tuple(float(x) for x in m.groups()) for m in
             re.finditer(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)]
    return [boxes[min(i, len(boxes) - 1)] if boxes else (0.0, 0.0) for i in range(pages)]
