// Progressive enhancement of the fiche catalogue: filters refresh the results without a full reload,
// through the same partial the server renders (resources/_results.html), and the address follows.
// Without JavaScript the forms and links work as they are.
(function () {
  "use strict";
  var root = document.getElementById("catalogue");
  if (!root || !window.fetch || !window.history || !window.URLSearchParams) {
    return;
  }
  var listPath = new URL(root.dataset.partialUrl, window.location.href).pathname;
  var controller = null;

  function urlFromForm(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "") {
        params.append(key, value);
      }
    });
    var query = params.toString();
    return listPath + (query ? "?" + query : "");
  }

  function openFacets() {
    return Array.prototype.map.call(root.querySelectorAll("details[open]"), function (el) { return el.id; });
  }

  function load(url, push) {
    if (controller) {
      controller.abort();
    }
    controller = new AbortController();
    var focusedId = document.activeElement && root.contains(document.activeElement) ? document.activeElement.id : null;
    var wasOpen = openFacets();
    root.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "X-Hub-Partial": "1" }, signal: controller.signal, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok && response.status !== 400) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        root.innerHTML = html;
        wasOpen.forEach(function (id) {
          var details = document.getElementById(id);
          if (details) { details.open = true; }
        });
        if (push) {
          window.history.pushState({ catalogue: true }, "", url);
        }
        var results = document.getElementById("resultats");
        if (results && results.dataset.title) {
          document.title = results.dataset.title;
        }
        // The head's feed link follows the filters too: feed readers look for it there.
        var feed = document.querySelector('link[rel="alternate"][type="application/atom+xml"]');
        if (results && feed && results.dataset.feed) {
          feed.setAttribute("href", results.dataset.feed);
          feed.setAttribute("title", results.dataset.feedTitle || feed.getAttribute("title"));
        }
        // A live region that stays in the page: one inserted with the new results would not be read.
        var announce = document.getElementById("catalogue-annonce");
        var count = document.getElementById("nombre-resultats");
        if (announce && count) {
          announce.textContent = count.textContent;
        }
        var previous = focusedId && document.getElementById(focusedId);
        var target = previous && !previous.disabled ? previous : count;
        if (target) {
          target.focus({ preventScroll: target === previous });
        }
        root.removeAttribute("aria-busy");
      })
      .catch(function (error) {
        if (error.name !== "AbortError") {
          window.location.assign(url);
        }
      });
  }

  root.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.form || field.type === "search") {
      return;
    }
    load(urlFromForm(field.form), true);
  });

  root.addEventListener("submit", function (event) {
    event.preventDefault();
    load(urlFromForm(event.target), true);
  });

  root.addEventListener("click", function (event) {
    var link = event.target.closest("a");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    var url = new URL(link.href, window.location.href);
    if (url.origin === window.location.origin && url.pathname === listPath) {
      event.preventDefault();
      load(url.pathname + url.search, true);
    }
  });

  window.addEventListener("popstate", function () {
    load(window.location.pathname + window.location.search, false);
  });
})();
