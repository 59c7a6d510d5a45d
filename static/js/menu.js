// Enhancement of the folding menu and filter panel (<details> that work without JavaScript).
// - On a phone: Escape closes the menu and gives the focus back to « Menu »; a click or a focus outside closes it,
//   so it never stays open over the page by mistake.
// - From 48rem the CSS shows both disclosures open through ::details-content; a browser that does not know it
//   gets them opened here (and their buttons hidden by the hub-open-wide class), so nothing is folded on a desk.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 48rem)");
  var native = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");

  if (!native) {
    var openWide = function () {
      document.documentElement.classList.toggle("hub-open-wide", wide.matches);
      if (wide.matches) {
        document.querySelectorAll("details.hub-menu, details.hub-filters").forEach(function (details) {
          details.open = true;
        });
      }
    };
    openWide();
    wide.addEventListener("change", openWide);
  }

  var menu = document.getElementById("menu");
  if (!menu) {
    return;
  }
  var button = menu.querySelector("summary");

  function close(giveFocusBack) {
    if (!menu.open || wide.matches) {
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
