(function () {
  "use strict";
  // Rows are all in the HTML (readable and printable without the script). On screen, the script shows at most
  // PAGE rows of each long table ("table.paged": per rule its anomalies, the employees), the first ones matching
  // the filters in the table's order, with a pager: showing every row again after a filter then lays out a
  // page, not thousands of rows.
  var PAGE = 100;  // also in report.css (@media (scripting: enabled))
  function text(cell) {
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }
  function key(value) {
    var plain = value.replace(/[\s\u202f\u00a0€]/g, "").replace(",", ".");
    return /^-?\d+(\.\d+)?$/.test(plain) ? [0, parseFloat(plain)] : [1, value.toLowerCase()];
  }
  function sortBy(table, index, th) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (row, n) {
      return [key(text(row.cells[index] || row.cells[0])), n, row];
    });
    rows.sort(function (a, b) {
      var x = a[0], y = b[0], d = x[0] - y[0];
      if (!d) { d = x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0; }
      return (ascending ? d : -d) || a[1] - b[1];
    });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (r) { fragment.appendChild(r[2]); });
    body.appendChild(fragment);
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      if (th.hasAttribute("data-nosort")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      button.setAttribute("aria-label", "Trier par " + th.textContent.trim());
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, th); });
    });
  });
  var form = document.getElementById("filtres");
  if (!form) { return; }
  form.hidden = false;
  // Filtering and paging write one style sheet (the browser matches the rows natively) instead of touching
  // each row: filters hide the rows that do not match, ":nth-child(n+K of <matching rows>)" the rows past a
  // table's page, on screen only (a print shows every matching row).
  var sheet = document.createElement("style");
  document.head.appendChild(sheet);
  var count = document.getElementById("compte");
  var fields = Array.prototype.slice.call(form.querySelectorAll("[data-filter]"));
  var pagers = [];
  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.paged"), function (table, n) {
    var body = table.tBodies[0];
    if (!body || body.rows.length <= PAGE) { return; }
    var pager = {table: table, body: body, limit: PAGE, box: document.createElement("div"),
                 anomalies: body.rows[0].hasAttribute("data-sev")};
    pager.box.className = "pager no-print";
    pager.status = document.createElement("p");
    pager.status.setAttribute("role", "status");
    pager.more = button("", function () { pager.limit += PAGE; render(); });
    pager.all = button("Afficher toutes les lignes", function () { pager.limit = Infinity; render(); });
    pager.box.appendChild(pager.status);
    pager.box.appendChild(pager.more);
    pager.box.appendChild(pager.all);
    var wrap = table.closest(".table-wrap") || table;
    wrap.parentNode.insertBefore(pager.box, wrap.nextSibling);
    table.setAttribute("data-pg", String(n));
    pagers.push(pager);
  });
  function quoted(value) { return "\"" + CSS.escape(value) + "\""; }
  function render() {
    var wanted = fields.filter(function (f) { return f.value !== ""; }).map(function (f) {
      return [f.getAttribute("data-filter"), f.value];
    });
    // an anomaly row matches when its value is the one chosen; a summary row (rule, employee) when its list
    // of values holds it (an empty list: any)
    var row = "tr[data-sev]" + wanted.map(function (w) { return "[data-" + w[0] + "=" + quoted(w[1]) + "]"; }).join("");
    var summary = "tr" + wanted.map(function (w) {
      var name = "data-" + w[0] + "s";
      return ":is([" + name + "=\"\"],[" + name + "*=" + quoted("|" + w[1] + "|") + "])";
    }).join("");
    var rules = wanted.map(function (w) {
      var name = "data-" + w[0];
      return "tr[" + name + "]:not([" + name + "=" + quoted(w[1]) + "])," +
        "tr[" + name + "s]:not([" + name + "s=\"\"]):not([" + name + "s*=" + quoted("|" + w[1] + "|") + "])";
    });
    if (wanted.length) { rules.push("[data-group]:not(:has(" + row + "))"); }
    var css = rules.length ? rules.join(",") + "{display:none}" : "";
    var pages = [];
    pagers.forEach(function (p) {
      var matches = p.anomalies ? row : summary;
      var matching = wanted.length ? p.body.querySelectorAll(matches).length : p.body.rows.length;
      var shown = Math.min(matching, p.limit);
      if (shown < matching) {
        pages.push("table[data-pg=\"" + p.table.getAttribute("data-pg") + "\"]>tbody>tr:nth-child(n+" +
                   (shown + 1) + " of " + matches + ")");
      }
      p.box.hidden = matching <= PAGE;
      p.status.textContent = shown + " ligne(s) affichée(s) sur " + matching + ".";
      p.more.hidden = p.all.hidden = shown >= matching;
      p.more.textContent = "Afficher " + Math.min(PAGE, matching - shown) + " ligne(s) de plus";
    });
    if (pages.length) { css += "@media screen{" + pages.join(",") + "{display:none}}"; }
    sheet.textContent = css;
    if (count) {
      count.textContent = document.querySelectorAll(row).length + " anomalie(s) retenue(s) par les filtres sur " +
        count.getAttribute("data-total") + (pagers.length ? " (au plus " + PAGE + " lignes par tableau à la fois)" : "");
    }
  }
  function apply() {
    pagers.forEach(function (p) { p.limit = PAGE; });
    render();
  }
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  window.dsnFilter = apply;
  if (pagers.length) { render(); }
}());
