// Notes saved as they are typed (enhancement of the step page; without JavaScript « Enregistrer mes notes » and
// the status buttons save them). A pause of DELAY ms after the last key sends the note in the background to the
// form's own address; the status line says « Enregistrement… », then « Enregistré à 10 h 42. » or what went
// wrong, and the form is then clean for unsaved.js. One request at a time; typing during a request sends again.
(function () {
  "use strict";
  var DELAY = 1200;
  document.querySelectorAll("form[data-hub-autosave]").forEach(function (form) {
    var status = form.querySelector("[data-hub-autosave-status]");
    if (!status || !window.fetch || !window.FormData) {
      return;
    }
    var timer = null;
    var inFlight = false;
    var again = false;

    function say(text, failed) {
      status.textContent = text;
      status.classList.toggle("hub-autosave--error", Boolean(failed));
    }

    function save() {
      timer = null;
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      again = false;
      say("Enregistrement…");
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
          say(result.answer.message, !result.ok);
          if (result.ok && !again) {
            form.dispatchEvent(new CustomEvent("hub:saved"));
          }
        })
        .catch(function () {
          say("L’enregistrement automatique a échoué : utilisez le bouton « Enregistrer mes notes ».", true);
        })
        .then(function () {
          inFlight = false;
          if (again) {
            save();
          }
        });
    }

    form.addEventListener("input", function () {
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
