/* Keyboard and focus for every page (loaded with defer from base.html; no inline script):
 * - after an HTMX swap, focus moves to the updated region's heading and a live region says so;
 * - menus (<details data-menu>) and metric definitions (<details class="define">) close on Esc
 *   and on a click outside, and only one is open at a time;
 * - a horizontally scrolling table wrapper a template left unlabelled becomes a focusable,
 *   named region, so it scrolls with the keyboard too;
 * - a table that becomes cards on a phone states its table roles, which some browsers drop
 *   once CSS changes a table's display. */
(function () {
  "use strict";

  var POPUPS = "details[data-menu], details.define";

  function announce(text) {
    var live = document.getElementById("live-region");
    if (!live) return;
    // Emptied first so that the same words twice are announced twice.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function headingOf(region) {
    var heading = region.querySelector("[data-focus-after-swap]") || region.querySelector("h2, h1");
    if (heading && !heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    return heading;
  }

  function closePopups(except) {
    document.querySelectorAll(POPUPS + "[open]").forEach(function (popup) {
      if (popup !== except && !popup.contains(except)) popup.open = false;
    });
  }

  function labelScrollRegions(root) {
    root.querySelectorAll(".table-wrap:not([tabindex])").forEach(function (wrap) {
      var table = wrap.querySelector("table");
      var caption = table && table.querySelector("caption");
      var section = wrap.closest("section, .panel");
      var heading = section && section.querySelector("h2, h3");
      var name = (caption && caption.textContent) || (heading && heading.textContent) || "Table";
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", name.trim().replace(/\s+/g, " ") + " (scrolls sideways)");
    });
  }

  var CELL_ROLES = { THEAD: "columnheader", TBODY: "rowheader", TFOOT: "rowheader" };

  function keepTableRoles(root) {
    root.querySelectorAll("table.phone-cards, table.campaign-cards").forEach(function (table) {
      table.setAttribute("role", "table");
      Array.prototype.forEach.call(table.rows, function (row) {
        var group = row.parentElement;
        group.setAttribute("role", "rowgroup");
        row.setAttribute("role", "row");
        Array.prototype.forEach.call(row.cells, function (cell) {
          cell.setAttribute("role", cell.tagName === "TD" ? "cell" : CELL_ROLES[group.tagName]);
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    labelScrollRegions(document);
    keepTableRoles(document);
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.isConnected) return;
    labelScrollRegions(target);
    keepTableRoles(target);
    var heading = headingOf(target);
    if (heading) {
      heading.focus({ preventScroll: false });
      announce("Updated: " + heading.textContent.trim().replace(/\s+/g, " "));
    } else {
      announce("Content updated");
    }
  });

  // One popup open at a time: opening one closes the others ("toggle" does not bubble).
  document.addEventListener("toggle", function (event) {
    var popup = event.target;
    if (popup.matches && popup.matches(POPUPS) && popup.open) closePopups(popup);
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelectorAll(POPUPS + "[open]");
    if (!open.length) return;
    var inner = open[open.length - 1];
    open.forEach(function (popup) { popup.open = false; });
    var summary = inner.querySelector("summary");
    if (summary && inner.contains(document.activeElement)) summary.focus();
  });

  document.addEventListener("click", function (event) {
    var inside = event.target.closest && event.target.closest(POPUPS);
    closePopups(inside);
  });
})();
