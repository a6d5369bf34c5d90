/* Ilja's small enhancements; every page works without them (no inline scripts: CSP). */
(function () {
  "use strict";
  var SEOUL = "서울특별시";

  function groupOf(id) {
    var field = document.getElementById(id);
    return field ? field.closest(".form-group") : null;
  }

  /* Show the Seoul district select or the free-text district field, following the 시·도. */
  function syncDistrict(root) {
    var sido = root.querySelector("#sido");
    if (!sido) { return; }
    var seoul = groupOf("sigungu");
    var other = groupOf("sigungu_other");
    function apply() {
      var inSeoul = sido.value === SEOUL;
      if (seoul) { seoul.classList.toggle("ilja-hidden", !inSeoul); }
      if (other) { other.classList.toggle("ilja-hidden", inSeoul); }
    }
    sido.addEventListener("change", apply);
    apply();
  }

  /* After a submit: focus the error summary, or else the results. */
  function focusOutcome(root) {
    var target = root.querySelector("#error-summary") || root.querySelector("#results");
    if (target) { target.focus(); }
  }

  /* KRDS greys a select until it is marked "completed" (a value chosen), as a placeholder: a
     value the page chose already (a timesheet's 근무) is shown as chosen too. */
  function markCompleted(root) {
    root.querySelectorAll("select.krds-form-select").forEach(function (select) {
      function mark() { select.classList.toggle("completed", select.value !== ""); }
      select.addEventListener("change", mark);
      mark();
    });
  }

  /* A table wider than the screen scrolls inside its wrapper: make that region reachable by
     the keyboard (Tab, then the arrow keys) and name it by the table's caption. Checked again
     when the window changes size, so a narrow phone gets it and a wide desk does not. */
  function scrollableTables(root) {
    root.querySelectorAll(".krds-table-wrap").forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
      if (scrolls && !wrap.hasAttribute("tabindex")) {
        var caption = wrap.querySelector("caption");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (caption) { wrap.setAttribute("aria-label", caption.textContent.trim()); }
        wrap.dataset.iljaScrolls = "1";
      } else if (!scrolls && wrap.dataset.iljaScrolls) {
        ["tabindex", "role", "aria-label", "data-ilja-scrolls"].forEach(function (name) {
          wrap.removeAttribute(name);
        });
      }
    });
  }

  function init(root) {
    syncDistrict(root);
    markCompleted(root);
    focusOutcome(root);
    scrollableTables(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  window.addEventListener("resize", function () { scrollableTables(document); });
  document.addEventListener("htmx:afterSettle", function () { init(document); });
})();
