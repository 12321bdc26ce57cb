/*
 * Print buttons: <button data-print hidden>Print</button> opens the browser's print dialog.
 * The button stays hidden without JavaScript (it could do nothing); it is revealed on load and
 * after each HTMX swap. No inline handlers: the site runs under a strict CSP.
 */
(function () {
  "use strict";

  function reveal(root) {
    if (!root || !root.querySelectorAll) return;
    Array.prototype.forEach.call(root.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (!button) return;
    event.preventDefault();
    window.print();
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  } else {
    reveal(document);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    reveal((event.detail && event.detail.elt) || event.target);
  });
})();
