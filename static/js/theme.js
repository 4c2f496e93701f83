/* Meetup Notes: follow the reader's light or dark preference with Bootstrap's colour modes.
 *
 * Loaded from <head> (not deferred) so the page is painted in the right mode at once; an
 * external file rather than an inline script, so a Content-Security-Policy without
 * 'unsafe-inline' allows it. Without JavaScript the page simply stays light.
 */
(function () {
  "use strict";
  var root = document.documentElement;
  var query = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function apply() {
    root.setAttribute("data-bs-theme", query && query.matches ? "dark" : "light");
  }

  apply();
  if (query && query.addEventListener) {
    query.addEventListener("change", apply);
  }
})();
