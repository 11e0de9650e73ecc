// When a form comes back with problems, move focus to the error summary at the top of the page,
// so a screen reader reads the problems first and a phone shows them instead of the page's top.
// A link in the summary then brings its field into view with the field's label above it, and
// focuses the field. Without this script the page still works: the summary is first in <main>.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    var group = field.closest("fieldset");
    var label = group ? group.querySelector("legend") : document.querySelector("label[for='" + CSS.escape(field.id) + "']");
    (label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
