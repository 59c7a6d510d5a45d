// Warn before leaving a form whose typed values were not saved (convention 20). Enhancement only: without
// JavaScript the form works the same. Forms opt in with the data-hub-unsaved attribute.
(function () {
  "use strict";
  var dirty = false;
  document.querySelectorAll("form[data-hub-unsaved]").forEach(function (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return; }
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to show their own warning
  });
})();
