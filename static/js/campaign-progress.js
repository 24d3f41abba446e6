/*
 * Keep a campaign's progress current while it is sending (progressive enhancement).
 *
 * The page works without this: it has a "Rifresko" link. With it, the progress block
 * is fetched again every few seconds and swapped in, until the campaign stops sending;
 * a button pauses and resumes the refreshing (WCAG 2.2.2).
 */
(function () {
  "use strict";

  var SECONDS = 5;
  var region = document.getElementById("campaign-progress");
  if (!region || region.getAttribute("data-refresh") !== "on" || !window.fetch) {
    return;
  }
  var url = region.getAttribute("data-refresh-url");
  var toggle = document.querySelector(".campaign-refresh-toggle");
  var paused = false;
  var timer = null;

  function schedule() {
    window.clearTimeout(timer);
    if (!paused) {
      timer = window.setTimeout(refresh, SECONDS * 1000);
    }
  }

  function stop() {
    window.clearTimeout(timer);
    if (toggle) {
      toggle.hidden = true;
    }
  }

  function refresh() {
    window.fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("campaign-progress");
        if (!fresh) {
          stop();
          return;
        }
        fresh = document.importNode(fresh, true);
        region.replaceWith(fresh);
        region = fresh;
        if (region.getAttribute("data-refresh") === "on") {
          schedule();
        } else {
          stop();
        }
      })
      .catch(stop);
  }

  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      paused = !paused;
      toggle.textContent = toggle.getAttribute(paused ? "data-resume-label" : "data-pause-label");
      schedule();
    });
  }
  schedule();
})();
