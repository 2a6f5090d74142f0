/* Progressive enhancement only: pages are complete without JavaScript.
   Tables marked .sortable get header buttons that sort their rows. A cell's data-sort is the
   number it sorts by (a change written "↑3" sorts as 3, "↓1" as -1); an empty data-sort
   ("新", "—": nothing to compare) sorts last whichever way. A header's data-sort-first
   ("descending") is the order of its first click (the biggest change first). */
(function () {
  "use strict";
  function cellValue(row, index) {
    var cell = row.children[index];
    if (!cell) return "";
    if (cell.hasAttribute("data-sort")) {
      var given = cell.getAttribute("data-sort");
      return given === "" ? null : parseFloat(given);
    }
    var text = cell.textContent.trim();
    var number = parseFloat(text.replace(/[^0-9.\-]/g, ""));
    return /^-?[0-9.]+/.test(text) ? number : text;
  }
  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var current = header.getAttribute("aria-sort");
    var ascending = current ? current !== "ascending" : header.getAttribute("data-sort-first") !== "descending";
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0);
      var order = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "zh-CN");
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      // One control per header: a link in it (the matrix's item number, which opens the
      // criterion without JavaScript) gives up its text to the button, since a link inside
      // a button would be a second Tab stop and would take the click meant for sorting.
      // The page says where the criteria are, and the header's title still shows the text.
      Array.prototype.forEach.call(th.querySelectorAll("a"), function (link) {
        while (link.firstChild) link.parentNode.insertBefore(link.firstChild, link);
        link.parentNode.removeChild(link);
      });
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, th); });
    });
  });
})();
