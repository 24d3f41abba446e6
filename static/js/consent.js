/*
 * The cookie banner, enhanced (P7). Without this script the banner is a plain form
 * that posts and redirects, and "Zgjidh" and "Cilësimet e cookies" lead to the cookie
 * page; with it, the same choices happen in place:
 *
 * - on a page that asks (the banner is not hidden) focus moves to the banner's title;
 * - "Zgjidh" opens and closes the details layer, Esc closes it again;
 * - "Cilësimet e cookies" in the footer reopens the banner, Esc closes it and returns
 *   focus to the link;
 * - a choice is posted with fetch, the banner hides, and a "consent:changed" event
 *   tells the page what was chosen: {detail: {analytics, personalisation}}. If the
 *   request fails, the form is submitted the ordinary way.
 *
 * Our own code, from our own host; it talks to no one else.
 */
(function () {
  "use strict";

  var banner = document.querySelector("[data-consent-banner]");
  if (!banner) {
    return;
  }
  var form = banner.querySelector("[data-consent-form]");
  var title = banner.querySelector("#consent-title");
  var choose = banner.querySelector("[data-consent-choose]");
  var details = banner.querySelector("[data-consent-details]");
  // The footer link the banner was reopened from, while it is open that way.
  var reopenedFrom = null;

  function focus(element) {
    if (element) {
      element.focus({ preventScroll: true });
    }
  }

  function detailsOpen() {
    return Boolean(details) && !details.hidden;
  }

  function setDetails(open) {
    if (!details || !choose) {
      return;
    }
    details.hidden = !open;
    choose.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      focus(details.querySelector("input[type=checkbox]:not([disabled])"));
    }
  }

  function showBanner(link) {
    // Only a banner that was closed may be closed again with Esc: one that is asking
    // stays until the visitor chooses.
    if (banner.hidden) {
      reopenedFrom = link;
    }
    banner.hidden = false;
    focus(title);
  }

  function hideBanner() {
    var returnTo = reopenedFrom;
    setDetails(false);
    banner.hidden = true;
    document.body.classList.remove("consent-asking");
    reopenedFrom = null;
    // Focus must not stay on what just vanished.
    focus(returnTo || document.getElementById("main"));
  }

  function reflect(choice) {
    // Reopened later on this page, the banner shows the standing choice.
    ["analytics", "personalisation"].forEach(function (name) {
      var box = form.elements.namedItem(name);
      if (box) {
        box.checked = Boolean(choice[name]);
      }
    });
  }

  function submitPlainly(submitter) {
    if (submitter && submitter.name) {
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = submitter.name;
      field.value = submitter.value;
      form.appendChild(field);
    }
    // HTMLFormElement.submit() fires no submit event, so this does not come back here.
    HTMLFormElement.prototype.submit.call(form);
  }

  if (choose && details) {
    // From here on "Zgjidh" is a disclosure button, not a link to the cookie page.
    choose.setAttribute("role", "button");
    choose.addEventListener("click", function (event) {
      event.preventDefault();
      setDetails(!detailsOpen());
    });
    choose.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        setDetails(!detailsOpen());
      }
    });
  }

  banner.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    if (detailsOpen()) {
      event.preventDefault();
      setDetails(false);
      focus(choose);
    } else if (reopenedFrom) {
      event.preventDefault();
      hideBanner();
    }
  });

  document.querySelectorAll("[data-consent-reopen]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      showBanner(link);
    });
  });

  if (form) {
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter || null;
      var data = new FormData(form);
      if (submitter && submitter.name) {
        data.append(submitter.name, submitter.value);
      }
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("consent: " + response.status);
          }
          return response.json();
        })
        .then(
          function (choice) {
            var detail = {
              analytics: Boolean(choice.analytics),
              personalisation: Boolean(choice.personalisation),
            };
            reflect(detail);
            hideBanner();
            var status = document.querySelector("[data-consent-status]");
            if (status) {
              status.textContent = status.dataset.savedText || "";
            }
            document.dispatchEvent(new CustomEvent("consent:changed", { detail: detail }));
            // Other open tabs of the shop follow the choice at once.
            if ("BroadcastChannel" in window) {
              new window.BroadcastChannel("fejzo-consent").postMessage(detail);
            }
          },
          // Only a failed request falls back: the choice was not recorded.
          function () {
            submitPlainly(submitter);
          }
        );
    });
  }

  if (!banner.hidden) {
    focus(title);
  }
})();
