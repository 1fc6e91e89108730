// Small progressive enhancement; every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Put the cursor on the first field the server marked as wrong (for a group
  // of answers, on its first answer).
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad && bad.tagName === "FIELDSET") { bad = bad.querySelector("input"); }
  if (bad) { bad.focus(); }
  // Signing out forgets the answers an interview kept in this tab.
  document.querySelectorAll('form[action="/logout"]').forEach(function (f) {
    f.addEventListener("submit", forgetKeptAnswers);
  });
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
  if (form && form.dataset.canEdit === "true") { saveAsYouGo(form); }
});

var keptPrefix = "alliance.screening.";

function forgetKeptAnswers() {
  for (var i = sessionStorage.length - 1; i >= 0; i--) {
    var k = sessionStorage.key(i);
    if (k && k.indexOf(keptPrefix) === 0) { sessionStorage.removeItem(k); }
  }
}

// saveAsYouGo sends each answer to the API as soon as it is given, so that a
// dropped connection loses nothing. An answer that cannot be sent for want of
// a connection waits in sessionStorage (this tab only, gone when it closes or
// the user signs out) and is sent again when the connection returns or the
// page is opened again. An answer the server refuses is not sent again: the
// page says why. Every save names the revision the page last saw, so that a
// kept answer never silently overwrites a change made meanwhile elsewhere.
function saveAsYouGo(form) {
  var id = form.dataset.id, csrf = form.dataset.csrf;
  var key = keptPrefix + form.dataset.user + "." + id;
  var revision = Number(form.dataset.revision);
  var status = document.getElementById("save-status");
  var msgs = { saving: form.dataset.saving, saved: form.dataset.saved, failed: form.dataset.failed,
    refused: form.dataset.refused, conflict: form.dataset.conflict };
  var sending = false, submitting = false;

  function pending() {
    try { return JSON.parse(sessionStorage.getItem(key)) || {}; } catch (e) { return {}; }
  }
  function keep(p) {
    if (Object.keys(p).length === 0) { sessionStorage.removeItem(key); } else { sessionStorage.setItem(key, JSON.stringify(p)); }
  }
  function show(state, detail) {
    status.textContent = (msgs[state] || "") + (detail ? " " + detail : "");
    status.className = "save-status " + state;
    form.dataset.saveState = state;
  }
  function body(p) {
    var b = { revision: revision, answers: { questions: {}, indicators: {} } };
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
  // dropSent forgets what was sent, unless it changed again meanwhile.
  function dropSent(p) {
    var now = pending();
    Object.keys(p).forEach(function (k) { if (now[k] === p[k]) { delete now[k]; } });
    keep(now);
    return now;
  }
  // retryable: no answer at all, or one that may change by itself.
  function retryable(code) { return code === 0 || code === 401 || code === 408 || code === 429 || code >= 500; }
  function flush() {
    var p = pending();
    if (sending || submitting || Object.keys(p).length === 0) { return; }
    sending = true; show("saving");
    var abort = new AbortController();
    var timer = setTimeout(function () { abort.abort(); }, 15000);
    var code = 0;
    fetch("/api/v1/assessments/" + id, {
      method: "PATCH", credentials: "same-origin", signal: abort.signal,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body(p))
    }).then(function (resp) {
      code = resp.status;
      return resp.json().catch(function () { return {}; });
    }).then(function (data) {
      clearTimeout(timer); sending = false;
      if (code === 200) {
        revision = data.revision;
        if (Object.keys(dropSent(p)).length) { flush(); } else { show("saved"); }
        return;
      }
      if (retryable(code)) { show("failed"); return; }
      // Refused: sending it again would be refused again.
      dropSent(p);
      var why = data.error && data.error.message ? data.error.message : "";
      show(code === 409 ? "conflict" : "refused", why);
    }).catch(function () {
      clearTimeout(timer); sending = false; show("failed");
    });
  }
  function record(el) {
    var p = pending();
    if (el.type === "checkbox") { p[el.name] = el.checked; }
    else if (el.name === "age" && el.value !== "" && !el.checkValidity()) { return; }
    else { p[el.name] = el.value; }
    keep(p); flush();
  }
  function shown(el) {
    if (el.type === "radio") { var c = form.querySelector("[name='" + CSS.escape(el.name) + "']:checked"); return c ? c.value : ""; }
    if (el.type === "checkbox") { return el.checked; }
    return el.value;
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
  // The form carries every answer of the page: what was kept is saved with it.
  form.addEventListener("submit", function () {
    submitting = true; clearTimeout(typing); sessionStorage.removeItem(key);
  });
  window.addEventListener("beforeunload", function (ev) {
    if (!submitting && Object.keys(pending()).length) { ev.preventDefault(); ev.returnValue = ""; }
  });
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  // Answers kept from a dropped connection: show them and send them, unless
  // the page already shows them saved.
  var left = pending();
  Object.keys(left).forEach(function (name) {
    var v = left[name];
    var els = form.querySelectorAll("[name='" + CSS.escape(name) + "']");
    if (els.length === 0 || shown(els[0]) === v) { delete left[name]; return; }
    els.forEach(function (el) {
      if (el.type === "radio") { el.checked = el.value === v; }
      else if (el.type === "checkbox") { el.checked = v === true; }
      else { el.value = v; }
    });
  });
  keep(left);
  flush();
}
