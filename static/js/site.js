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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", foldFiltersOnPhones);
  } else {
    foldFiltersOnPhones();
  }
})();
