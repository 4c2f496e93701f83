/* Meetup Notes: live pages. While a meeting runs, a day or meetup page updates itself.
 *
 * The page's <main> carries data-live-url (the version probe, naming the page) and
 * data-live-version (the version the page was built from). Every few seconds, while the tab
 * is visible, the probe is asked "&since=<version>": 204 while nothing the page shows
 * changed, 200 {"version": n} once something did. The page is then fetched again (for readers, from the page cache) and each
 * part of <main> that differs is swapped in; the rest, and where the reader is, stay as they
 * are. A polite status line says when, for screen readers as well. Without JavaScript (or
 * without fetch) the page is as it always was: it changes on reload.
 *
 * An external file, as the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";
  var main = document.querySelector("main[data-live-url]");
  if (!main || !window.fetch || !window.DOMParser) {
    return;
  }
  var INTERVAL = 5000; // ms: a change shows within the 10 s the site promises
  var status = document.getElementById("live-status");
  var timer = null;
  var busy = false;

  function schedule() {
    window.clearTimeout(timer);
    timer = document.hidden ? null : window.setTimeout(probe, INTERVAL);
  }

  function probe() {
    if (busy || document.hidden) {
      return;
    }
    busy = true;
    var url = main.dataset.liveUrl;
    url += url.indexOf("?") < 0 ? "?" : "&";
    url += "since=" + encodeURIComponent(main.dataset.liveVersion);
    fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status !== 200) {
          return null;
        }
        return response.json().then(refresh);
      })
      .catch(function () {
        /* offline for a moment: ask again next time */
      })
      .then(function () {
        busy = false;
        schedule();
      });
  }

  function refresh(answer) {
    return fetch(window.location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (!html) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
        if (!fresh) {
          return;
        }
        var changed = keepingPlace(function () {
          return swapChanged(main, fresh);
        });
        main.dataset.liveVersion = fresh.dataset.liveVersion || String(answer.version);
        if (changed && status) {
          var now = new Date();
          status.textContent =
            "Updated at " + now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
          status.classList.add("live-status-shown");
        }
      });
  }

  /* Run ``swap`` and keep the reader's place in what it replaced: the focused link or
   * control and the folded parts (<details>) they had opened. */
  function keepingPlace(swap) {
    var active = document.activeElement;
    var inside = active && active !== document.body && main.contains(active);
    var focused = inside ? placeOf(active) : null;
    var opened = Array.prototype.map.call(main.querySelectorAll("details[open]"), placeOf);
    var changed = swap();
    opened.forEach(function (place) {
      var details = find(place);
      if (details) {
        details.open = true;
      }
    });
    if (focused && !main.contains(active)) {
      var again = find(focused);
      if (again) {
        again.focus({ preventScroll: true });
      }
    }
    return changed;
  }

  /* Where ``element`` is, in terms that hold in a fresh copy of the page: its id, or the
   * nearest element with an id around it, its tag and its index among those tags there. */
  function placeOf(element) {
    if (element.id) {
      return { id: element.id };
    }
    var owner = element.parentElement && element.parentElement.closest("[id]");
    owner = owner && main.contains(owner) ? owner : main;
    var same = owner.getElementsByTagName(element.tagName);
    return {
      owner: owner === main ? null : owner.id,
      tag: element.tagName,
      index: Array.prototype.indexOf.call(same, element),
      href: element.getAttribute("href"),
    };
  }

  function find(place) {
    if (place.id) {
      return document.getElementById(place.id);
    }
    var owner = place.owner ? document.getElementById(place.owner) : main;
    var element = owner && owner.getElementsByTagName(place.tag)[place.index];
    return element && element.getAttribute("href") === place.href ? element : null;
  }

  /* Replace each child of ``current`` whose HTML differs from ``fresh``'s, looking inside
   * sections (a day's areas and sessions) so that one new update replaces one area; when the
   * two no longer have the same parts (a section added or removed), replace them all. */
  function swapChanged(current, fresh) {
    var old = current.children;
    var now = fresh.children;
    if (old.length !== now.length) {
      current.replaceChildren.apply(
        current,
        Array.prototype.map.call(fresh.childNodes, function (node) {
          return document.importNode(node, true);
        })
      );
      return true;
    }
    var changed = false;
    for (var i = now.length - 1; i >= 0; i--) {
      if (old[i].outerHTML === now[i].outerHTML) {
        continue;
      }
      if (old[i].tagName === "SECTION" && now[i].tagName === "SECTION" && old[i].id === now[i].id) {
        swapChanged(old[i], now[i]);
        copyAttributes(old[i], now[i]);
      } else {
        current.replaceChild(document.importNode(now[i], true), old[i]);
      }
      changed = true;
    }
    return changed;
  }

  function copyAttributes(target, source) {
    Array.prototype.forEach.call(source.attributes, function (attribute) {
      if (target.getAttribute(attribute.name) !== attribute.value) {
        target.setAttribute(attribute.name, attribute.value);
      }
    });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      window.clearTimeout(timer);
    } else {
      probe();
    }
  });
  schedule();
})();
