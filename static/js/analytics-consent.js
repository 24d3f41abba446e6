/*
 * Google Analytics 4 in Consent Mode v2, basic mode (P7). base.html includes this file
 * only when GA_MEASUREMENT_ID is set, first among the page's scripts.
 *
 * 1. Before any other gtag command: every consent type denied.
 * 2. gtag.js is requested only once analytics consent is given: on load when the server
 *    says so (data-granted), or when the banner announces "consent:changed". Then
 *    js, consent update (analytics_storage only; the ad_* types stay denied), config
 *    with the page address, title and referrer the server scrubbed (no query string,
 *    no order number, token, name or search term), no user id, no Google signals.
 * 3. Ecommerce events from data-* attributes the server rendered: view_item and
 *    purchase on load, add_to_cart when the add-to-cart form is submitted. They carry
 *    SKUs, prices, quantities, currency and totals only.
 * 4. Withdrawal: consent update denied, ga-disable-<ID>, the _ga cookies deleted on this
 *    host and its parent domains; nothing more is sent. A choice made in another tab
 *    reaches this one on a BroadcastChannel, and the choice cookie is read again before
 *    every event, so a tab left open never sends after a withdrawal elsewhere.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var id = script && script.dataset.gaId;
  if (!id) {
    return;
  }
  var TAG_URL = "https://www.googletagmanager.com/gtag/js?id=";
  var disableFlag = "ga-disable-" + id;
  var CONSENT_COOKIE = "fejzo_consent";

  window.dataLayer = window.dataLayer || [];
  function gtag() {
    window.dataLayer.push(arguments);
  }
  window.gtag = gtag;

  gtag("consent", "default", {
    ad_storage: "denied",
    ad_user_data: "denied",
    ad_personalization: "denied",
    analytics_storage: "denied",
  });

  var page = {
    location: script.dataset.pageLocation,
    // Empty when the page's own title is safe to send.
    title: script.dataset.pageTitle || document.title,
    referrer: script.dataset.pageReferrer || "",
  };
  var granted = false;
  var configured = false;

  function pageEvents() {
    document.querySelectorAll("[data-analytics-event]").forEach(function (element) {
      gtag("event", element.dataset.analyticsEvent, JSON.parse(element.dataset.analyticsParams));
    });
  }

  function grant() {
    window[disableFlag] = false;
    if (granted) {
      return;
    }
    granted = true;
    if (configured) {
      // Withdrawn and given again on the same page: gtag.js is already here.
      gtag("consent", "update", { analytics_storage: "granted" });
      return;
    }
    configured = true;
    gtag("js", new Date());
    gtag("consent", "update", { analytics_storage: "granted" });
    gtag("config", id, {
      page_location: page.location,
      page_title: page.title,
      page_referrer: page.referrer,
      allow_google_signals: false,
      allow_ad_personalization_signals: false,
    });
    pageEvents();
    var tag = document.createElement("script");
    tag.async = true;
    tag.src = TAG_URL + encodeURIComponent(id);
    document.head.appendChild(tag);
  }

  function analyticsCookieNames() {
    return document.cookie
      .split(";")
      .map(function (pair) {
        return pair.split("=")[0].trim();
      })
      .filter(function (name) {
        return name === "_ga" || name.indexOf("_ga_") === 0;
      });
  }

  function cookieDomains() {
    // Google sets its cookies on the widest domain it may, with a leading dot; a
    // cookie is deleted only with the domain it was set with, so try every level.
    var host = window.location.hostname;
    var domains = [""];
    if (/^[\d.]+$/.test(host) || host.indexOf(":") !== -1 || host.indexOf(".") === -1) {
      return domains;
    }
    var labels = host.split(".");
    for (var i = 0; i < labels.length - 1; i += 1) {
      domains.push("." + labels.slice(i).join("."));
    }
    return domains;
  }

  function forgetCookies() {
    var domains = cookieDomains();
    analyticsCookieNames().forEach(function (name) {
      domains.forEach(function (domain) {
        document.cookie =
          name +
          "=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/" +
          (domain ? "; Domain=" + domain : "");
      });
    });
  }

  function withdraw() {
    granted = false;
    window[disableFlag] = true;
    gtag("consent", "update", { analytics_storage: "denied" });
    forgetCookies();
  }

  function follow(choice) {
    if (choice && choice.analytics) {
      grant();
    } else {
      withdraw();
    }
  }

  // The choice cookie holds signed JSON: "<base64 payload>:<signature>". Only the
  // server trusts it; here it only ever stops analytics, never starts it.
  function cookieStillGrants() {
    var raw = document.cookie.split(";").map(function (pair) {
      return pair.trim();
    }).filter(function (pair) {
      return pair.indexOf(CONSENT_COOKIE + "=") === 0;
    })[0];
    if (!raw) {
      return false;
    }
    try {
      var payload = raw.slice(CONSENT_COOKIE.length + 1).replace(/^"|"$/g, "").split(":")[0];
      var base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
      base64 += "====".slice(base64.length % 4 || 4);
      return JSON.parse(window.atob(base64)).a === 1;
    } catch (error) {
      return false;
    }
  }

  function stillGranted() {
    if (granted && !cookieStillGrants()) {
      withdraw();
    }
    return granted;
  }

  document.addEventListener("consent:changed", function (event) {
    follow(event.detail);
  });
  if ("BroadcastChannel" in window) {
    new window.BroadcastChannel("fejzo-consent").addEventListener("message", function (event) {
      follow(event.data);
    });
  }
  document.addEventListener("visibilitychange", stillGranted);
  window.addEventListener("pageshow", stillGranted);

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.analyticsAddToCart || !stillGranted()) {
      return;
    }
    var params = JSON.parse(form.dataset.analyticsAddToCart);
    var field = form.elements.namedItem("quantity");
    var quantity = Math.max(1, parseInt(field && field.value, 10) || 1);
    params.items.forEach(function (item) {
      item.quantity = quantity;
    });
    params.value = params.items.reduce(function (sum, item) {
      return sum + item.price * item.quantity;
    }, 0);
    gtag("event", "add_to_cart", params);
  });

  if (script.dataset.granted === "true") {
    grant();
  } else {
    // No consent (or no longer): nothing may be left behind from an earlier one.
    window[disableFlag] = true;
    forgetCookies();
  }
})();
