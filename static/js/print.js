// The printed footer (templates/_footer.html) gets the day of printing: the server cannot write it, since the
// page may come from the page cache or stay open for days. Without JavaScript the footer, printed at the end of
// the document, gives the address alone.
(function () {
  "use strict";
  var footer = document.querySelector("[data-print-footer]");
  if (!footer) { return; }
  var dateSlot = footer.querySelector("[data-print-date]");
  var urlSlot = footer.querySelector("[data-print-url]");
  var format = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", year: "numeric" });

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  function readable(address) {
    try { return decodeURI(address); } catch (error) { return address; }  // a malformed escape stays as it is
  }

  function fill() {
    var now = new Date();
    var time = document.createElement("time");
    time.dateTime = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
    // « 1er décembre 2026 », as French writes the first day of a month.
    time.textContent = format.formatToParts(now).map(function (part) {
      return part.type === "day" && part.value === "1" ? "1er" : part.value;
    }).join("");
    dateSlot.replaceChildren(" le ", time);
    // What the browser shows is the address the reader knows (a proxy may have told the server another), with
    // its query (a search prints its words), readable (« é », not « %C3%A9 »).
    urlSlot.textContent = readable(window.location.href.split("#")[0]);
    // The sentence goes to the bottom of every sheet (print.css, @page margin box), where it can never be pushed
    // alone onto a page of its own; JSON's quoting is a valid CSS string. The element at the end then stays out.
    var sentence = footer.textContent.replace(/\s+/g, " ").trim();
    document.documentElement.style.setProperty("--hub-print-footer", JSON.stringify(sentence));
    footer.classList.add("hub-print-footer--paged");
  }

  fill();
  // A tab left open overnight prints with the day it is printed.
  window.addEventListener("beforeprint", fill);
})();
