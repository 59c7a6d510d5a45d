// A form sent back with errors: the summary at its top (role="alert", tabindex="-1") takes the focus, so that a
// keyboard or screen reader user starts from the list of what to correct, each item a link to its field.
(function () {
  "use strict";
  var summary = document.getElementById("erreurs");
  if (summary && summary.getAttribute("role") === "alert") {
    summary.focus();
  }
})();
