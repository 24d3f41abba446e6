/*
 * Suggestions under the header's search box, as one types (ARIA combobox with a
 * listbox). Without this script the box is a plain GET form to /kerko/ and works
 * the same; with it:
 *
 * - after two letters, products and categories from /kerko/sugjerime/ (JSON, no
 *   personal data) are listed under the box; the box says aria-expanded;
 * - ↓ and ↑ move through them (aria-activedescendant), Enter opens the chosen one,
 *   Esc closes the list (a second Esc empties the box), Enter with nothing chosen
 *   submits the form as before;
 * - a click or tap on a suggestion opens it.
 *
 * Our own code, from our own host; it builds the list with textContent only.
 */
(function () {
  "use strict";

  var form = document.querySelector("form.search[data-suggest-url]");
  var input = form && form.querySelector("input[name=q]");
  if (!input || !window.fetch) {
    return;
  }
  var url = form.getAttribute("data-suggest-url");
  var lang = document.documentElement.lang || "sq";
  var words = lang === "en"
    ? {products: "Products", categories: "Categories", label: "Suggestions"}
    : {products: "Produkte", categories: "Kategori", label: "Sugjerime"};
  var list = document.createElement("ul");
  list.id = "site-search-suggestions";
  list.className = "search-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", words.label);
  list.hidden = true;
  form.appendChild(list);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("autocomplete", "off");

  var options = [];
  var active = -1;
  var timer = null;
  var asked = "";
  var cache = {};

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function choose(index) {
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({block: "nearest"});
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function go(index) {
    var href = options[index] && options[index].getAttribute("data-href");
    if (href) {
      window.location.assign(href);
    }
  }

  function heading(text) {
    var item = document.createElement("li");
    item.setAttribute("role", "presentation");
    item.className = "search-suggestions-heading";
    item.textContent = text;
    list.appendChild(item);
  }

  function add(entry, kind) {
    var item = document.createElement("li");
    item.id = "site-search-option-" + options.length;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", "false");
    item.setAttribute("data-href", entry.url);
    item.className = "search-suggestion " + kind;
    item.textContent = entry.name;
    item.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep focus in the box until we navigate
    });
    item.addEventListener("click", function () {
      window.location.assign(entry.url);
    });
    list.appendChild(item);
    options.push(item);
  }

  function show(data) {
    list.textContent = "";
    options = [];
    active = -1;
    if (data.categories.length) {
      heading(words.categories);
      data.categories.forEach(function (entry) { add(entry, "category"); });
    }
    if (data.products.length) {
      heading(words.products);
      data.products.forEach(function (entry) { add(entry, "product"); });
    }
    if (options.length && document.activeElement === input) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    } else {
      close();
    }
  }

  function ask() {
    var query = input.value.trim();
    if (query.length < 2) {
      close();
      return;
    }
    if (cache[query]) {
      show(cache[query]);
      return;
    }
    asked = query;
    fetch(url + "?q=" + encodeURIComponent(query), {headers: {Accept: "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) {
          return;
        }
        cache[query] = data;
        if (asked === query) {
          show(data);
        }
      })
      .catch(function () { close(); });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 150);
  });

  input.addEventListener("keydown", function (event) {
    var open = !list.hidden && options.length > 0;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) {
        ask();
        return;
      }
      choose(active + 1 < options.length ? active + 1 : 0);
    } else if (event.key === "ArrowUp") {
      if (open) {
        event.preventDefault();
        choose(active > 0 ? active - 1 : options.length - 1);
      }
    } else if (event.key === "Enter") {
      if (open && active >= 0) {
        event.preventDefault();
        go(active);
      }
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        close();
      } else if (input.value) {
        event.preventDefault();
        input.value = "";
      }
    }
  });

  input.addEventListener("blur", function () {
    window.setTimeout(close, 100);
  });
})();
