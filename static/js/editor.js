// The workspace editor, enhanced: line numbers that follow the text and its scrolling, the
// checker's messages and the preview refreshed when typing pauses (POST to the /live endpoint,
// with the page's CSRF token), links to a line that move the cursor there, and "New question"
// inserted at the cursor. Without this script the page's buttons do the same by posting the form.
// On the conflict page (a form#editor without data-live) only the line numbers follow the text.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form || !window.fetch) {
    return;
  }
  var text = form.querySelector("textarea");
  var gutter = form.querySelector(".editor-gutter");
  var messages = document.getElementById("editor-messages");
  var preview = document.getElementById("editor-preview");
  var token = form.querySelector("input[name='csrf_token']");
  var pause = null;
  var sent = 0;
  document.documentElement.classList.add("js-editor");

  function numberLines() {
    var count = text.value.split("\n").length;
    var shown = gutter.children.length;
    for (var n = shown + 1; n <= count; n++) {
      var span = document.createElement("span");
      span.id = "line-" + n;
      span.textContent = String(n);
      gutter.appendChild(span);
      gutter.appendChild(document.createTextNode("\n"));
    }
    while (gutter.children.length > count) {
      var last = gutter.lastElementChild;
      if (last.nextSibling) {
        gutter.removeChild(last.nextSibling);
      }
      gutter.removeChild(last);
    }
    gutter.scrollTop = text.scrollTop;
  }

  function goToLine(line) {
    var lines = text.value.split("\n");
    line = Math.max(1, Math.min(line, lines.length));
    var start = 0;
    for (var i = 0; i < line - 1; i++) {
      start += lines[i].length + 1;
    }
    text.focus();
    text.setSelectionRange(start, start + lines[line - 1].length);
    var height = text.scrollHeight / lines.length;
    text.scrollTop = Math.max(0, (line - 3) * height);
    gutter.scrollTop = text.scrollTop;
    text.scrollIntoView({ block: "nearest" });
  }

  function live() {
    var body = new URLSearchParams();
    body.set("path", form.dataset.path);
    body.set("text", text.value);
    body.set("csrf_token", token ? token.value : "");
    var ticket = ++sent;
    return fetch(form.dataset.live, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) {
        if (ticket !== sent) {
          return data;
        }
        if (!response.ok) {
          messages.textContent = data.message || "The text could not be checked.";
          return data;
        }
        messages.innerHTML = data.messages_html;
        preview.innerHTML = data.preview_html;
        return data;
      });
    }).catch(function () {
      messages.textContent = "The check could not reach the server. Your text is still here; press Save or Check.";
      return {};
    });
  }

  text.addEventListener("input", function () {
    numberLines();
    if (form.dataset.live) {
      clearTimeout(pause);
      pause = setTimeout(live, 600);
    }
  });
  text.addEventListener("scroll", function () {
    gutter.scrollTop = text.scrollTop;
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#line-']");
    if (!link) {
      return;
    }
    event.preventDefault();
    goToLine(parseInt(link.hash.slice("#line-".length), 10));
  });

  var question = document.getElementById("new-question");
  if (question) {
    question.addEventListener("click", function (event) {
      event.preventDefault();
      var start = text.selectionStart;
      var end = text.selectionEnd;
      live().then(function (data) {
        if (!data.question_skeleton) {
          return;
        }
        var before = text.value.slice(0, start);
        var lead = before === "" || before.slice(-2) === "\n\n" ? "" : (before.slice(-1) === "\n" ? "\n" : "\n\n");
        var inserted = lead + data.question_skeleton;
        text.setRangeText(inserted, start, end, "end");
        text.focus();
        numberLines();
        clearTimeout(pause);
        pause = setTimeout(live, 600);
      });
    });
  }

  numberLines();
  if (form.dataset.line) {
    goToLine(parseInt(form.dataset.line, 10));
  }
})();
