// A worksheet page: the « Imprimer la feuille » button (hidden without JavaScript, where the browser's own menu
// prints the same), and the sheet's title put before print.js's « Imprimé le … depuis … » at the bottom of every
// printed page (worksheet-print.css reads --hub-sheet-footer).
(function () {
  "use strict";
  var button = document.querySelector("[data-hub-print]");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }
  var footer = document.querySelector("[data-sheet-footer]");
  if (!footer) { return; }
  var printed = document.querySelector("[data-print-footer]");

  function fill() {
    var where = printed ? printed.textContent : footer.textContent;
    var sentence = "\u00ab\u00a0" + footer.getAttribute("data-sheet-title") + "\u00a0\u00bb \u00b7 " + where.replace(/\s+/g, " ").trim();
    document.documentElement.style.setProperty("--hub-sheet-footer", JSON.stringify(sentence));
    footer.classList.add("hub-sheet__footer--paged");
  }

  fill();
  // Registered after print.js's own listener (this script comes later): the date it writes is the day's.
  window.addEventListener("beforeprint", fill);
})();
