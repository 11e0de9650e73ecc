// The credential check page, enhanced: drop a credential file anywhere on the file area and the
// form is sent at once, as if it had been chosen with the file input and the button pressed.
// Without this script the file input and the text box do the same.
(function () {
  "use strict";
  var form = document.getElementById("credential-form");
  var area = form && form.querySelector(".credential-drop");
  var input = area && area.querySelector("input[type='file']");
  if (!input || !window.DataTransfer) {
    return;
  }
  var hint = area.querySelector(".credential-drop-hint");
  hint.hidden = false;
  area.classList.add("credential-drop-ready");

  function over(event) {
    event.preventDefault();
    area.classList.add("credential-drop-over");
  }
  area.addEventListener("dragenter", over);
  area.addEventListener("dragover", over);
  area.addEventListener("dragleave", function () {
    area.classList.remove("credential-drop-over");
  });
  area.addEventListener("drop", function (event) {
    event.preventDefault();
    area.classList.remove("credential-drop-over");
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) {
      return;
    }
    var chosen = new DataTransfer();
    chosen.items.add(files[0]);
    input.files = chosen.files;
    hint.textContent = "Checking " + files[0].name + "…";
    form.submit();
  });
})();
