/* Meetup Notes: the status round page saves each row on its own, as soon as it is finished.
 *
 * Enter in a row's one-line fields (Ctrl+Enter or Cmd+Enter in its note), or the row's Save
 * button, posts the form with _row=<the row> and asks for JSON: only that row is checked and
 * saved (priorities/admin/status_round.py). The answer gives the row's new version and what
 * the page now shows, so the next save of the row is not taken for a stale one; focus moves to
 * the next row. A refused row gets the version and the other editor's text back, so that saving
 * again after comparing is deliberate. Without JavaScript every Save button (and Enter) posts
 * the whole form, which saves every changed row. The row's drafts (drafts.js) are forgotten once the
 * site says it saved them; a refusal (a newer save by someone else, an expired sign-in) keeps
 * the text in the row and says why.
 */
(function () {
  "use strict";
  var form = document.getElementById("status-round-form");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-row]"));

  function say(row, text) {
    row.querySelector(".round-saved").textContent = text;
  }

  function showErrors(row, errors) {
    Array.prototype.forEach.call(row.querySelectorAll(".round-js-error"), function (item) {
      item.remove();
    });
    var list = document.createElement("ul");
    list.className = "errorlist nonfield round-js-error";
    Object.keys(errors).forEach(function (field) {
      errors[field].forEach(function (message) {
        var item = document.createElement("li");
        item.textContent = message;
        list.appendChild(item);
      });
    });
    row.insertBefore(list, row.querySelector(".round-fields"));
    row.classList.add("round-row-error");
  }

  function save(row) {
    var prefix = row.dataset.row;
    var data = new FormData(form);
    data.set("_row", prefix);
    say(row, "Saving…");
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          // Redirected to the login page: the sign-in expired. The text stays here.
          throw new Error("Not saved: you are signed out. Sign in again in another tab, then save.");
        }
        return response.json().then(function (answer) {
          return { ok: response.ok, answer: answer };
        });
      })
      .then(function (result) {
        var answer = result.answer;
        if (answer.version !== undefined && answer.version !== null) {
          // Saved, or refused because someone else saved the row: either way the next save
          // must send the row's new version and what it now shows.
          form.elements.namedItem(prefix + "-version").value = answer.version;
          form.elements.namedItem(prefix + "-shown").value = answer.shown;
        }
        if (!result.ok) {
          Object.keys(answer.values || {}).forEach(function (name) {
            var field = form.elements.namedItem(prefix + "-" + name);
            if (field && field.value !== answer.values[name]) {
              field.value = answer.values[name]; // their newer text, where this row kept none
            }
          });
          showErrors(row, answer.errors || { __all__: ["Not saved."] });
          say(row, "Not saved");
          return;
        }
        Array.prototype.forEach.call(row.querySelectorAll(".round-js-error"), function (item) {
          item.remove();
        });
        row.classList.remove("round-row-error");
        var now = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        say(row, answer.saved ? "Saved at " + now : "Nothing to save");
        row.classList.toggle("round-row-saved", answer.saved);
        if (window.MeetupDrafts) {
          window.MeetupDrafts.forget(form, ["headline", "body", "reported_by"].map(function (name) {
            return prefix + "-" + name;
          }));
        }
        var next = rows[rows.indexOf(row) + 1];
        if (next) {
          next.querySelector("select, input:not([type=hidden]), textarea").focus();
        }
      })
      .catch(function (error) {
        showErrors(row, { __all__: [error.message || "Not saved: the site could not be reached."] });
        say(row, "Not saved");
      });
  }

  rows.forEach(function (row) {
    row.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.isComposing) {
        return;
      }
      var inNote = event.target.tagName === "TEXTAREA";
      if (inNote && !(event.ctrlKey || event.metaKey)) {
        return;
      }
      if (event.target.tagName === "BUTTON") {
        return; // the button's own click saves
      }
      event.preventDefault();
      save(row);
    });
    row.querySelector(".round-save").addEventListener("click", function (event) {
      event.preventDefault();
      save(row);
    });
  });
})();
