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
