/* plancode site: table filters. Progressive enhancement only: without JavaScript every
   row stays visible and the (useless) select boxes stay hidden.

   A filter form names its target (a table or a block of tables) in data-filters; each of
   its <select data-filter="KEY"> hides the target's body rows whose data-KEY differs from
   the chosen value. Rows without data-KEY (goal rows, group headings) always stay. */
(function () {
  "use strict";

  function rowsOf(target) {
    var tables = target.matches("table") ? [target] : Array.prototype.slice.call(target.querySelectorAll("table[data-filterable]"));
    var rows = [];
    tables.forEach(function (table) {
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) { rows.push(row); });
      });
    });
    return rows;
  }

  function apply(form, target) {
    var chosen = {};
    Array.prototype.forEach.call(form.querySelectorAll("select[data-filter]"), function (select) {
      if (select.value !== "") { chosen[select.getAttribute("data-filter")] = select.value; }
    });
    var shown = 0, total = 0;
    rowsOf(target).forEach(function (row) {
      var filterable = false, visible = true;
      Object.keys(chosen).forEach(function (key) {
        var value = row.getAttribute("data-" + key);
        if (value === null) { return; }
        filterable = true;
        if (value !== chosen[key]) { visible = false; }
      });
      if (row.hasAttribute("data-owner") || row.hasAttribute("data-status")) {
        total += 1;
        if (visible) { shown += 1; }
      }
      row.hidden = filterable && !visible;
    });
    var count = form.querySelector("[data-filter-count]");
    if (count) { count.textContent = Object.keys(chosen).length ? shown + " / " + total : ""; }
  }

  document.querySelectorAll("form[data-filters]").forEach(function (form) {
    var target = document.getElementById(form.getAttribute("data-filters"));
    if (!target) { return; }
    form.hidden = false;
    form.addEventListener("change", function () { apply(form, target); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply(form, target);  /* a browser may restore the selects' values on "back" */
  });
})();

/* Gantt charts: say when the timeline scrolls, and open it at the as-of line. */
(function () {
  "use strict";
  document.querySelectorAll("figure[data-gantt]").forEach(function (figure) {
    var scroll = figure.querySelector(".gantt-scroll");
    if (!scroll) { return; }
    if (scroll.scrollWidth > scroll.clientWidth + 1) {
      figure.setAttribute("data-overflow", "");
      var at = parseFloat(scroll.getAttribute("data-scroll-to"));
      if (!isNaN(at)) { scroll.scrollLeft = Math.max(0, at - scroll.clientWidth * 0.6); }
    }
  });
})();

/* Phones: tables marked data-cards become one card per row below 640 px; each cell is
   labelled with its column's header (copied here, so the HTML stays a plain table). */
(function () {
  "use strict";
  document.querySelectorAll("table[data-cards]").forEach(function (table) {
    var head = table.tHead && table.tHead.rows.length === 1 ? table.tHead.rows[0].cells : null;
    if (!head) { return; }
    var names = Array.prototype.map.call(head, function (cell) { return cell.textContent.trim(); });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (column > 0 && names[column]) { cell.setAttribute("data-label", names[column]); }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("carded");
  });
})();

/* Sortable tables: each column header of a one-row header becomes a button; sorting
   again reverses. Figures sort as numbers (50 %, 1,300, −15.5), the rest as text. */
(function () {
  "use strict";
  function key(cell) {
    var text = (cell.getAttribute("data-sort") || cell.textContent).trim();
    var number = text.replace(/[\s,%]/g, "").replace("\u2212", "-").match(/^[-+]?\d+(\.\d+)?/);
    return number && !/^\d{4}-\d{2}/.test(text) ? {n: parseFloat(number[0]), t: text} : {n: null, t: text};
  }
  function compare(a, b) {
    if (a.n !== null && b.n !== null) { return a.n - b.n; }
    if (a.n !== null) { return -1; }
    if (b.n !== null) { return 1; }
    return a.t.localeCompare(b.t);
  }
  document.querySelectorAll(".table-wrap > table").forEach(function (table) {
    if (table.matches(".tree, .matrix") || !table.tHead || table.tHead.rows.length !== 1 || table.tBodies.length !== 1) { return; }
    var body = table.tBodies[0];
    if (body.rows.length < 3 || body.querySelector("td[colspan], th[colspan]")) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (header.firstChild) { button.appendChild(header.firstChild); }
      header.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows).map(function (row, index) {
          return {row: row, key: key(row.cells[column] || row), index: index};
        });
        rows.sort(function (a, b) { return (ascending ? 1 : -1) * compare(a.key, b.key) || a.index - b.index; });
        rows.forEach(function (item) { body.appendChild(item.row); });
      });
    });
  });
})();

/* The search box: tasks, goals, workstreams and people from search-index.js, shown
   with textContent only (names are data, never markup). */
(function () {
  "use strict";
  var index = window.PLANCODE_SEARCH, form = document.querySelector("form.search");
  if (!index || !form) { return; }
  var input = form.querySelector("input"), list = form.querySelector(".search-results");
  form.hidden = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a");
    if (first) { window.location.href = first.getAttribute("href"); }
  });
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!words.length) { return; }
    var shown = 0;
    for (var i = 0; i < index.length && shown < 12; i += 1) {
      var entry = index[i], haystack = (entry[1] + " " + entry[2]).toLowerCase();
      if (words.every(function (w) { return haystack.indexOf(w) >= 0; })) {
        var item = document.createElement("li"), link = document.createElement("a"), kind = document.createElement("span"),
            detail = document.createElement("span");
        link.href = entry[3];
        kind.className = "search-kind"; kind.textContent = entry[0];
        detail.className = "search-detail"; detail.textContent = entry[2];
        link.appendChild(kind); link.appendChild(document.createTextNode(" " + entry[1] + " ")); link.appendChild(detail);
        item.appendChild(link); list.appendChild(item); shown += 1;
      }
    }
  });
})();
