// Notes saved as they are typed (enhancement of the step page; without JavaScript « Enregistrer mes notes » and
// the status buttons save them). A pause of DELAY ms after the last key sends the note in the background to the
// form's own address. The line beside the button shows « Enregistrement… », then « Enregistré à 10 h 42. » (the
// time of this device) or what went wrong; a screen reader hears the first success and every failure only, not
// each pause. The form is clean for unsaved.js only when what was saved is what the box holds.
(function () {
  "use strict";
  var DELAY = 1200;
  var NBSP = "\u00a0";
  document.querySelectorAll("form[data-hub-autosave]").forEach(function (form) {
    var shown = form.querySelector("[data-hub-autosave-status]");
    var live = form.querySelector("[data-hub-autosave-live]");
    if (!shown || !live || !window.fetch || !window.FormData) {
      return;
    }
    var timer = null;
    var inFlight = false;
    var edits = 0;  // every keystroke counts; a save is complete only if none came while it was on its way
    var announced = false;

    function say(text, failed) {
      shown.textContent = text;
      shown.classList.toggle("hub-autosave--error", Boolean(failed));
      if (failed || !announced) {
        live.textContent = failed ? text : "Vos notes s’enregistrent automatiquement. " + text;
        announced = announced || !failed;
      }
    }

    function savedAt(iso) {
      var moment = iso ? new Date(iso) : new Date();
      if (isNaN(moment.getTime())) {
        moment = new Date();
      }
      var minutes = String(moment.getMinutes()).padStart(2, "0");
      return "Enregistré à " + moment.getHours() + NBSP + "h" + NBSP + minutes + ".";
    }

    function save() {
      timer = null;
      if (inFlight) {
        timer = setTimeout(save, DELAY);  // after the current request, with what is typed then
        return;
      }
      inFlight = true;
      var sent = edits;
      shown.textContent = "Enregistrement…";
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Hub-Autosave": "1" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
        })
        .then(function (result) {
          if (result.ok) {
            say(savedAt(result.answer.saved_at), false);
            if (edits === sent && timer === null) {
              form.dispatchEvent(new CustomEvent("hub:saved"));
            }
          } else {
            say(result.answer.message, true);
          }
        })
        .catch(function () {
          say("L’enregistrement automatique a échoué" + NBSP + ": utilisez le bouton «" + NBSP +
              "Enregistrer mes notes" + NBSP + "».", true);
        })
        .then(function () {
          inFlight = false;
        });
    }

    form.addEventListener("input", function () {
      edits += 1;
      if (timer) {
        clearTimeout(timer);
      }
      timer = setTimeout(save, DELAY);
    });
    form.addEventListener("submit", function () {
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
    });
  });
})();
