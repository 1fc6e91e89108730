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
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
  var form = document.getElementById("interview");
  if (form) { saveAsYouGo(form); }
});

// saveAsYouGo sends each answer to the API as soon as it is given, so that a
// dropped connection loses nothing. An answer that cannot be sent waits in
// sessionStorage (this tab only, gone when it closes) and is sent again when
// the connection returns or the page is opened again.
function saveAsYouGo(form) {
  var id = form.dataset.id, csrf = form.dataset.csrf;
  var key = "alliance.screening." + id + ".pending";
  var status = document.getElementById("save-status");
  var msgs = { saving: form.dataset.saving, saved: form.dataset.saved, failed: form.dataset.failed };
  var sending = false;

  function pending() {
    try { return JSON.parse(sessionStorage.getItem(key)) || {}; } catch (e) { return {}; }
  }
  function keep(p) {
    if (Object.keys(p).length === 0) { sessionStorage.removeItem(key); } else { sessionStorage.setItem(key, JSON.stringify(p)); }
  }
  function show(state) {
    status.textContent = msgs[state] || "";
    status.className = "save-status " + state;
    form.dataset.saveState = state;
  }
  function body(p) {
    var b = { answers: { questions: {}, indicators: {} } };
    Object.keys(p).forEach(function (name) {
      var v = p[name];
      if (name.indexOf("q.") === 0) { b.answers.questions[name.slice(2)] = v; }
      else if (name.indexOf("i.") === 0) { b.answers.indicators[name.slice(2)] = v; }
      else if (name === "age") { b.age = v === "" ? null : Number(v); }
      else if (name === "notes") { b.notes = v; }
      else if (name === "recruitment_event") { b.recruitment_event = v; }
    });
    return b;
  }
  function flush() {
    var p = pending();
    if (sending || Object.keys(p).length === 0) { return; }
    sending = true; show("saving");
    fetch("/api/v1/assessments/" + id, {
      method: "PATCH", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body(p))
    }).then(function (resp) {
      sending = false;
      if (!resp.ok) { throw new Error("status " + resp.status); }
      // Drop what was sent, unless it changed again meanwhile.
      var now = pending();
      Object.keys(p).forEach(function (k) { if (now[k] === p[k]) { delete now[k]; } });
      keep(now);
      if (Object.keys(now).length) { flush(); } else { show("saved"); }
    }).catch(function () {
      sending = false; show("failed");
    });
  }
  function record(el) {
    var p = pending();
    if (el.type === "checkbox") { p[el.name] = el.checked; }
    else if (el.name === "age" && el.value !== "" && !el.checkValidity()) { return; }
    else { p[el.name] = el.value; }
    keep(p); flush();
  }
  form.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.name && el.name !== "csrf" && el.name !== "stage") { record(el); }
  });
  // Typed fields are saved shortly after the typing stops, not only when the
  // field loses focus.
  var typing = null;
  form.addEventListener("input", function (ev) {
    var el = ev.target;
    if (el.name !== "age" && el.name !== "notes") { return; }
    clearTimeout(typing);
    typing = setTimeout(function () { record(el); }, 600);
  });
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  // Answers kept from a dropped connection: show them and send them.
  var left = pending();
  Object.keys(left).forEach(function (name) {
    var v = left[name];
    form.querySelectorAll("[name='" + CSS.escape(name) + "']").forEach(function (el) {
      if (el.type === "radio") { el.checked = el.value === v; }
      else if (el.type === "checkbox") { el.checked = v === true; }
      else { el.value = v; }
    });
  });
  flush();
}
