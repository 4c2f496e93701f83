/* Meetup Notes: drafts of what an editor types, kept in the browser until it is saved.
 *
 * Every text field and textarea of a form marked data-drafts (the status round) or of an
 * admin change form is copied to localStorage as the editor types. Opened again (a reload, a
 * new tab, after a crash or an expired sign-in), the page offers the drafts back: "Restore"
 * fills the fields in, "Discard" forgets them. Drafts are forgotten only once the site says
 * the text was saved: a success message on the page after the post, or a saved row of the
 * status round (which calls MeetupDrafts.forget). A post refused for any reason, or sent to
 * the login page because the sign-in expired, leaves them where they were.
 *
 * An external file: the Content-Security-Policy allows no inline script.
 */
(function () {
  "use strict";
  var PREFIX = "meetup-notes-draft:";
  var PENDING = "meetup-notes-draft-pending";
  var store;
  try {
    store = window.localStorage;
    store.getItem(PREFIX);
  } catch (error) {
    return; // storage disabled: the page works as before
  }

  function formKey(form) {
    return form.dataset.drafts || window.location.pathname;
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      if (!field.name || field.disabled || field.name.indexOf("__prefix__") !== -1) {
        return false;
      }
      return field.tagName === "TEXTAREA" || (field.tagName === "INPUT" && field.type === "text");
    });
  }

  function keyOf(form, name) {
    return PREFIX + formKey(form) + ":" + name;
  }

  /* An inline row's fields are named by position ("updates-3-headline"); rows are added,
   * deleted and reordered, so a saved row's draft is kept under its object's id instead
   * ("updates-id42-headline") and finds its row again wherever the row now is. */
  var POSITIONAL = /^(.+)-(\d+)-([^-]+)$/;
  var BY_ID = /^(.+)-id(\d+)-([^-]+)$/;

  function draftName(form, field) {
    var parts = POSITIONAL.exec(field.name);
    var id = parts && form.elements.namedItem(parts[1] + "-" + parts[2] + "-id");
    return id && id.value ? parts[1] + "-id" + id.value + "-" + parts[3] : field.name;
  }

  function fieldFor(form, name) {
    var parts = BY_ID.exec(name);
    if (!parts) {
      return form.elements.namedItem(name);
    }
    var rows = Array.prototype.filter.call(form.elements, function (field) {
      var row = POSITIONAL.exec(field.name);
      return row && row[1] === parts[1] && row[3] === "id" && field.value === parts[2];
    });
    return rows.length ? form.elements.namedItem(rows[0].name.slice(0, -2) + parts[3]) : null;
  }

  function keysOfForm(form) {
    var start = PREFIX + formKey(form) + ":";
    var keys = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(start) === 0) {
        keys.push(key);
      }
    }
    return keys;
  }

  function forget(form, names) {
    (names ? names.map(function (name) { return keyOf(form, name); }) : keysOfForm(form))
      .forEach(function (key) { store.removeItem(key); });
  }

  function offer(form) {
    var drafts = keysOfForm(form)
      .map(function (key) {
        var name = key.slice((PREFIX + formKey(form) + ":").length);
        var field = fieldFor(form, name);
        return { key: key, name: name, field: field, text: store.getItem(key) };
      })
      .filter(function (draft) {
        return draft.text && !(draft.field && draft.field.value === draft.text);
      });
    if (!drafts.length) {
      return;
    }
    var box = document.createElement("div");
    box.className = "draft-offer";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "Unsaved text");
    var text = document.createElement("p");
    text.textContent =
      drafts.length === 1
        ? "This page holds text you typed earlier and did not save."
        : "This page holds " + drafts.length + " texts you typed earlier and did not save.";
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "button draft-restore";
    restore.textContent = "Restore my text";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button draft-discard";
    discard.textContent = "Discard it";
    var lost = document.createElement("ul");
    drafts.forEach(function (draft) {
      if (!draft.field) {
        var item = document.createElement("li");
        item.textContent = draft.text; // a row that is not on the page any more: copy it
        lost.appendChild(item);
      }
    });
    restore.addEventListener("click", function () {
      drafts.forEach(function (draft) {
        if (draft.field) {
          draft.field.value = draft.text;
          draft.field.dispatchEvent(new Event("input", { bubbles: true }));
        }
      });
      box.remove();
    });
    discard.addEventListener("click", function () {
      drafts.forEach(function (draft) { store.removeItem(draft.key); });
      box.remove();
    });
    box.appendChild(text);
    if (lost.children.length) {
      box.appendChild(lost);
    }
    box.appendChild(restore);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(discard);
    form.insertBefore(box, form.firstChild);
  }

  function watch(form) {
    form.addEventListener("input", function (event) {
      var field = event.target;
      if (fieldsOf(form).indexOf(field) === -1) {
        return;
      }
      try {
        if (field.value) {
          store.setItem(keyOf(form, draftName(form, field)), field.value);
        } else {
          store.removeItem(keyOf(form, draftName(form, field)));
        }
      } catch (error) {
        /* storage full: nothing more to keep */
      }
    });
    form.addEventListener("submit", function () {
      try {
        window.sessionStorage.setItem(PENDING, formKey(form));
      } catch (error) {
        /* no session storage: drafts stay until discarded */
      }
    });
  }

  function forgetWhatWasSaved() {
    var pending;
    try {
      pending = window.sessionStorage.getItem(PENDING);
    } catch (error) {
      return;
    }
    if (!pending) {
      return;
    }
    // The page after a post says whether it was saved; either way the mark is spent, so a
    // later save of another page cannot forget these drafts.
    window.sessionStorage.removeItem(PENDING);
    var saved = document.querySelector(".messagelist .success");
    var refused = document.querySelector(".errornote, .errorlist");
    if (saved && !refused) {
      forget({ dataset: { drafts: pending } });
    }
  }

  function start() {
    forgetWhatWasSaved();
    var forms = document.querySelectorAll("form[data-drafts], body.change-form #content-main form");
    Array.prototype.forEach.call(forms, function (form) {
      watch(form);
      offer(form);
    });
  }

  window.MeetupDrafts = { forget: forget };
  // The admin loads its media in <head>, before the form exists.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
