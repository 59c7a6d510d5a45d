// A rule item of « Par où commencer ? » in the admin shows the target field its kind names, and any other target
// already filled or in error (so that nothing typed is hidden: the model's check says what to empty). Enhancement
// only: without JavaScript every target field shows. The kinds and their fields come from the page (json_script).
// Django's admin loads form media in the page's head: the work waits for the document.
(function () {
  "use strict";
  var targets = {};  // {kind: field}
  var fields = [];

  function update(item) {
    var kind = item.querySelector("select[name$='-kind']");
    if (!kind) { return; }
    fields.forEach(function (field) {
      var row = item.querySelector(".form-row.field-" + field);
      if (!row) { return; }
      var input = row.querySelector("select[name$='-" + field + "']");
      var shown = targets[kind.value] === field || (input && input.value) || row.querySelector(".errorlist");
      row.classList.toggle("hub-usage-hidden", !shown);
    });
  }

  function start() {
    var data = document.getElementById("usage-targets");
    if (!data) { return; }
    targets = JSON.parse(data.textContent);
    fields = Object.keys(targets).map(function (kind) { return targets[kind]; });
    document.querySelectorAll(".inline-related").forEach(update);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[name$='-kind']")) {
      update(event.target.closest(".inline-related"));
    }
  });
  // Django's event for a row added with « Ajouter un autre… ».
  document.addEventListener("formset:added", function (event) { update(event.target); });
})();
