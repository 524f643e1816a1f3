(function () {
  "use strict";
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
  // Filtering writes one style sheet (the browser matches the rows natively) instead of touching each row.
  var sheet = document.createElement("style");
  document.head.appendChild(sheet);
  var count = document.getElementById("compte");
  var fields = Array.prototype.slice.call(form.querySelectorAll("[data-filter]"));
  function quoted(value) { return "\"" + CSS.escape(value) + "\""; }
  function apply() {
    var wanted = fields.filter(function (f) { return f.value !== ""; }).map(function (f) {
      return [f.getAttribute("data-filter"), f.value];
    });
    var row = "tr[data-sev]" + wanted.map(function (w) { return "[data-" + w[0] + "=" + quoted(w[1]) + "]"; }).join("");
    var rules = wanted.map(function (w) {
      var name = "data-" + w[0];
      return "tr[" + name + "]:not([" + name + "=" + quoted(w[1]) + "])," +
        "tr[" + name + "s]:not([" + name + "s=\"\"]):not([" + name + "s*=" + quoted("|" + w[1] + "|") + "])";
    });
    if (wanted.length) { rules.push("[data-group]:not(:has(" + row + "))"); }
    sheet.textContent = rules.length ? rules.join(",") + "{display:none}" : "";
    if (count) {
      count.textContent = document.querySelectorAll(row).length + " anomalie(s) affichée(s) sur " +
        count.getAttribute("data-total");
    }
  }
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  window.dsnFilter = apply;
}());
