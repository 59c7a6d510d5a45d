// Warn before leaving a form whose typed values were not saved (convention 20). Enhancement only: without
// JavaScript the form works the same. Forms opt in with the data-hub-unsaved attribute; a form saved in the
// background (notes.js) sends « hub:saved » and is clean again.
(function () {
  "use strict";
  var dirty = new Set();
  document.querySelectorAll("form[data-hub-unsaved]").forEach(function (form) {
    function mark() { dirty.add(form); }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { dirty.delete(form); });
    form.addEventListener("hub:saved", function () { dirty.delete(form); });
  });
  // Buttons elsewhere on the page may submit a form through their form attribute: that submit event is the
  // form's own, handled above.
  window.addEventListener("beforeunload", function (event) {
    if (!dirty.size) { return; }
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to show their own warning
  });
})();
