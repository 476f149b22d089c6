/* Small enhancements for the public site; every page works without them. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var NARROW = "(max-width: 47.99rem)";
  var openDetails = {};

  // On phones the filter panel starts folded so the results come first on screen.
  function foldFiltersOnPhones() {
    var panel = document.getElementById("filter-panel");
    if (panel && window.matchMedia(NARROW).matches) {
      panel.open = false;
    }
  }

  // Keep each <details> open or closed as the visitor left it across in-page updates.
  document.addEventListener("htmx:beforeSwap", function () {
    openDetails = {};
    document.querySelectorAll("#search-region details[id]").forEach(function (element) {
      openDetails[element.id] = element.open;
    });
  });

  document.addEventListener("htmx:afterSwap", function () {
    Object.keys(openDetails).forEach(function (id) {
      var element = document.getElementById(id);
      if (element) {
        element.open = openDetails[id];
      }
    });
    // Tell screen reader users what changed: the status region lives outside the swapped part.
    var count = document.querySelector("[data-search-count]");
    var status = document.getElementById("search-status");
    if (count && status) {
      status.textContent = count.textContent.replace(/\s+/g, " ").trim();
    }
  });

  // Blank fields (an empty search box) stay out of the address, so shared links stay short.
  document.addEventListener("htmx:configRequest", function (event) {
    var data = event.detail.formData;
    if (!data || !event.detail.elt.hasAttribute("data-clean-params")) {
      return;
    }
    var names = [];
    data.forEach(function (value, name) {
      if (names.indexOf(name) < 0) {
        names.push(name);
      }
    });
    names.forEach(function (name) {
      var kept = data.getAll(name).filter(function (value) {
        return typeof value !== "string" || value.trim() !== "";
      });
      data.delete(name);
      kept.forEach(function (value) {
        data.append(name, value);
      });
    });
  });

  // The language switcher returns to the page as it is now: filters changed in place are in the address.
  function followAddress() {
    document.querySelectorAll(".language-switcher input[name=next]").forEach(function (input) {
      input.value = window.location.pathname + window.location.search;
    });
  }
  document.addEventListener("htmx:pushedIntoHistory", followAddress);
  document.addEventListener("htmx:replacedInHistory", followAddress);


  // The States index: filter the rendered rows as the visitor types (the server does the same for a submitted
  // form: recommendations/site/state_filter.py). Folding matches search_key there: accents, case, punctuation.
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function filterStates(form) {
    var words = fold(form.elements.q.value).split(" ").filter(Boolean);
    var includeEmpty = form.elements.all.checked;
    var shown = 0;
    document.querySelectorAll("#state-list [data-names]").forEach(function (row) {
      var names = row.getAttribute("data-names");
      var match = (includeEmpty || !row.hasAttribute("data-empty")) &&
        words.every(function (word) { return names.indexOf(word) >= 0; });
      row.hidden = !match;
      shown += match ? 1 : 0;
    });
    document.querySelectorAll("section[data-state-group]").forEach(function (section) {
      var empty = !section.querySelector("tr[data-names]:not([hidden])");
      section.hidden = empty;
      document.querySelectorAll("li[data-state-group='" + section.getAttribute("data-state-group") + "']")
        .forEach(function (item) { item.hidden = empty; });
    });
    document.querySelector("[data-state-shown]").textContent = shown;
    document.querySelector("[data-state-none]").hidden = shown > 0;
    document.querySelector("[data-state-toc]").hidden = shown === 0;
    document.querySelector("[data-state-none-empty]").hidden = includeEmpty;
    // Keep the address shareable and the language switcher on the same view, without a request.
    var params = new URLSearchParams();
    if (form.elements.q.value.trim()) { params.set("q", form.elements.q.value.trim()); }
    if (includeEmpty) { params.set("all", "on"); }
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    followAddress();
  }

  function setUpStateFilter() {
    var form = document.querySelector("form[data-state-filter]");
    if (!form) {
      return;
    }
    form.addEventListener("input", function () { filterStates(form); });
    form.addEventListener("change", function () { filterStates(form); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      filterStates(form);
    });
  }

  function ready() {
    foldFiltersOnPhones();
    setUpStateFilter();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
