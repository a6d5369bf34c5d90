/* The KRDS mobile menu (below 1024px the header's menu, log-in and language links are hidden):
   the "btn-navi all" button opens the slide-in "krds-main-menu-mobile" panel as a modal dialog.
   KRDS's own ui-script.js needs the whole KRDS script set, so this does its part only: open and
   close, keep Tab inside, Escape closes, focus goes back to the button. No inline scripts: CSP. */
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])";

  function init() {
    var panel = document.getElementById("mobile-nav");
    var opener = document.getElementById("open-nav");
    if (!panel || !opener) { return; }
    var dialog = panel.querySelector(".gnb-wrap");
    var closer = panel.querySelector("#close-nav");
    var outside = [document.querySelector("#krds-header .header-in"), document.getElementById("main-content"),
                   document.getElementById("krds-footer"), document.getElementById("krds-masthead"),
                   document.getElementById("krds-skip-link")];

    function setOutside(inert) {
      outside.forEach(function (element) {
        if (element) { element.inert = inert; }
      });
    }

    function open() {
      panel.hidden = false;
      opener.setAttribute("aria-expanded", "true");
      document.body.classList.add("is-gnb-mobile");
      setOutside(true);
      /* the next frame, so that the panel slides in (KRDS animates "right") */
      window.requestAnimationFrame(function () {
        panel.classList.add("is-backdrop", "is-open");
        var first = dialog.querySelector(FOCUSABLE);
        (first || dialog).focus();
      });
    }

    function close() {
      panel.classList.remove("is-backdrop", "is-open");
      panel.hidden = true;
      opener.setAttribute("aria-expanded", "false");
      document.body.classList.remove("is-gnb-mobile");
      setOutside(false);
      opener.focus();
    }

    function trap(event) {
      if (event.key === "Escape") { event.preventDefault(); close(); return; }
      if (event.key !== "Tab") { return; }
      var items = Array.prototype.filter.call(dialog.querySelectorAll(FOCUSABLE), function (element) {
        return element.offsetParent !== null;
      });
      if (!items.length) { return; }
      var first = items[0];
      var last = items[items.length - 1];
      if (event.shiftKey && document.activeElement === first) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && document.activeElement === last) { event.preventDefault(); first.focus(); }
    }

    opener.addEventListener("click", open);
    closer.addEventListener("click", close);
    panel.addEventListener("keydown", trap);
    /* a click on the dimmed backdrop, outside the panel, closes it */
    panel.addEventListener("click", function (event) {
      if (!dialog.contains(event.target)) { close(); }
    });
    window.matchMedia("(min-width: 1024px)").addEventListener("change", function (query) {
      if (query.matches && !panel.hidden) { close(); }
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
