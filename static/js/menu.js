// Enhancement of the phone menu (a <details> that works without JavaScript): Escape closes it and gives the focus
// back to « Menu », a click or a focus outside closes it, so it never stays open over the page by mistake.
(function () {
  "use strict";
  var menu = document.getElementById("menu");
  if (!menu) {
    return;
  }
  var button = menu.querySelector("summary");

  function close(giveFocusBack) {
    if (!menu.open) {
      return;
    }
    menu.open = false;
    if (giveFocusBack) {
      button.focus();
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.contains(document.activeElement)) {
      close(true);
    }
  });
  document.addEventListener("click", function (event) {
    if (!menu.contains(event.target)) {
      close(false);
    }
  });
  document.addEventListener("focusin", function (event) {
    if (!menu.contains(event.target)) {
      close(false);
    }
  });
}());
