// Small progressive enhancement; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Put the cursor on the first field the server marked as wrong.
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad) { bad.focus(); }
  // Select a newly created token or secret with one click, for copying.
  document.querySelectorAll("code.secret").forEach(function (el) {
    el.addEventListener("click", function () {
      var r = document.createRange(); r.selectNodeContents(el);
      var s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
    });
  });
});
