// Names for controls that Django admin's own scripts build without one
// (found by axe-core, tests/browser/test_admin_walk.py):
// - the filter icon of the two-box selector is a span with aria-label and no
//   role (aria-label is not allowed there): it becomes an image;
// - the autocomplete (select2) box names itself after its selected text, so
//   an empty one has no name: it takes the name of the select it replaces.
// Both are built after page load and when a form row is added; an observer
// names them as they appear.
(function () {
  "use strict";
  function nameControls(root) {
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.getAttribute("aria-label");
      var box = select.nextElementSibling;
      if (!label || !box || !box.classList.contains("select2")) return;
      box.querySelectorAll("[role=combobox], [role=textbox]").forEach(function (part) {
        if (!part.hasAttribute("aria-label")) part.setAttribute("aria-label", label);
      });
    });
  }
  function start() {
    nameControls(document);
    new MutationObserver(function () { nameControls(document); }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
