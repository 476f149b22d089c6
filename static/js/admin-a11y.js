/* Accessible names for what Django's admin draws without one (WCAG 2.1 A/AA, checked by
   tests/browser/test_accessibility.py): select2's comboboxes and search boxes take their field's label,
   and a tabular inline's inputs take their column's heading. Re-applied whenever the page changes
   (select2 redraws its selection; "Add another" adds rows). */
(function () {
  "use strict";

  // The words this script adds, in the page's language: written by the template on the script element
  // (templates/admin/base_site.html), so no JavaScript catalogue is needed.
  var words = (document.currentScript && document.currentScript.dataset) || {};
  function word(name, english) {
    return words[name] || english;
  }

  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label) {
      if (!label.id) label.id = select.id + "_label";
      return label;
    }
    return null;
  }

  function columnHeading(field) {
    var cell = field.closest("td");
    var table = cell && cell.closest("table");
    if (!table || !table.tHead) return "";
    var index = Array.prototype.indexOf.call(cell.parentNode.children, cell);
    var heading = table.tHead.rows[0] && table.tHead.rows[0].cells[index];
    return heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function nameSelect2(select) {
    var container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2")) return;
    var label = labelOf(select);
    var name = label ? label.textContent.replace(/\s+/g, " ").replace(/:$/, "").trim() : columnHeading(select);
    var combobox = container.querySelector('.select2-selection[role="combobox"]');
    if (combobox) {
      var rendered = container.querySelector(".select2-selection__rendered");
      if (label) {
        var ids = label.id + (rendered && rendered.id && combobox.classList.contains("select2-selection--single") ? " " + rendered.id : "");
        if (combobox.getAttribute("aria-labelledby") !== ids) combobox.setAttribute("aria-labelledby", ids);
      } else if (name && combobox.getAttribute("aria-label") !== name) {
        combobox.setAttribute("aria-label", name);
      }
      // The chosen value's span is a "textbox" with no name of its own; the combobox reads it as its value.
      if (rendered && rendered.getAttribute("role") === "textbox") {
        rendered.setAttribute("role", "presentation");
        rendered.removeAttribute("aria-readonly");
      }
      // select2 4.0 puts its "clear" cross straight into the list of chosen items.
      container.querySelectorAll("ul.select2-selection__rendered > :not(li)").forEach(function (item) {
        if (item.getAttribute("role") !== "listitem") item.setAttribute("role", "listitem");
      });
    }
    container.querySelectorAll(".select2-search__field").forEach(function (input) {
      if (name && input.getAttribute("aria-label") !== name) input.setAttribute("aria-label", name);
    });
  }

  function nameInlineFields(root) {
    root.querySelectorAll(".tabular td input, .tabular td select, .tabular td textarea").forEach(function (field) {
      if (field.type === "hidden" || field.labels && field.labels.length || field.getAttribute("aria-label")) return;
      var heading = columnHeading(field) || (field.name.endsWith("-DELETE") ? word("delete", "Delete") : "");
      if (heading) field.setAttribute("aria-label", heading);
    });
  }

  // A table wider than the screen scrolls inside its box: the box must take the keyboard's focus to scroll.
  function focusableScrollers() {
    document.querySelectorAll(".inline-group, .results, .tabular").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1 && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        if (!box.getAttribute("role")) box.setAttribute("role", "region");
        var heading = box.querySelector("h2, caption");
        if (heading && !box.getAttribute("aria-label")) box.setAttribute("aria-label", heading.textContent.trim());
      }
    });
  }

  // A tabular inline's column without a heading (the saved row's name, the delete box) gets one for screen readers.
  function nameEmptyHeadings() {
    document.querySelectorAll(".tabular thead th").forEach(function (heading) {
      if (heading.textContent.trim()) return;
      var table = heading.closest("table");
      var index = Array.prototype.indexOf.call(heading.parentNode.children, heading);
      var cell = table.tBodies[0] && table.tBodies[0].rows[0] && table.tBodies[0].rows[0].cells[index];
      var text = heading.classList.contains("original") ? word("savedRow", "Saved row")
        : cell && cell.querySelector('input[name$="-DELETE"], .inline-deletelink') ? word("delete", "Delete")
        : word("more", "More");
      var span = document.createElement("span");
      span.className = "visually-hidden";
      span.textContent = text;
      heading.appendChild(span);
    });
  }

  function apply() {
    nameEmptyHeadings();
    focusableScrollers();
    document.querySelectorAll("select.select2-hidden-accessible").forEach(nameSelect2);
    nameInlineFields(document);
    // The search box select2 opens at the end of the page.
    document.querySelectorAll(".select2-container--open .select2-search__field").forEach(function (input) {
      if (!input.getAttribute("aria-label")) input.setAttribute("aria-label", word("search", "Search"));
    });
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      apply();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    apply();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  });
})();
