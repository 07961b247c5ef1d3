// Sortable tables: click a column header to sort the rows by that column, click again to reverse.
// Progressive enhancement over a plain server-rendered table (table.sortable-table): each header
// with data-sort="number" or "text" gets a button; the header sorted by carries aria-sort. A cell
// may give its value in data-sort-value (an empty value sorts last either way, e.g. withheld
// figures). Rows of the tbody are moved, never re-rendered; the tfoot (totals) stays put. Only
// textContent and data attributes are read, so names never become markup.
"use strict";

(() => {
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function cellValue(row, index, type) {
    const cell = row.cells[index];
    if (!cell) return null;
    const raw = cell.dataset.sortValue ?? cell.textContent.trim();
    if (raw === "") return null;
    if (type !== "number") return raw;
    const number = Number(raw);
    return Number.isFinite(number) ? number : null;
  }

  function compare(a, b, type, ascending) {
    if (a.value === null || b.value === null) {
      if (a.value === b.value) return a.position - b.position;
      return a.value === null ? 1 : -1; // no value: last, whatever the direction
    }
    const order = type === "number" ? a.value - b.value : collator.compare(a.value, b.value);
    return (ascending ? order : -order) || a.position - b.position;
  }

  function sortBy(table, header) {
    const type = header.dataset.sort;
    const index = header.cellIndex;
    const ascending = header.getAttribute("aria-sort") !== "ascending";
    for (const body of table.tBodies) {
      const rows = [...body.rows].map((row, position) => ({
        row,
        position,
        value: cellValue(row, index, type),
      }));
      rows.sort((a, b) => compare(a, b, type, ascending));
      for (const { row } of rows) body.appendChild(row);
    }
    for (const other of table.querySelectorAll("thead th[data-sort]")) {
      other.removeAttribute("aria-sort");
    }
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function setUpTable(table) {
    for (const header of table.querySelectorAll("thead th[data-sort]")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      button.addEventListener("click", () => sortBy(table, header));
    }
    table.classList.add("is-sortable");
  }

  function setUpAll() {
    document.querySelectorAll("table.sortable-table").forEach(setUpTable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
