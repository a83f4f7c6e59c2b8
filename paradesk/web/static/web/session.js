/*
 * The session's limits (paradesk/access/sessions.py): a warning a little before the session ends
 * without activity, with "Stay signed in"; a warning before its absolute end. Using the page (a tap,
 * a key) counts as activity: while the network is there it tells the server, at most once a minute,
 * so a para recording offline-first on a data sheet is not signed out mid-sheet. When the session has
 * ended the page reloads and the server sends it to sign-in; records and drafts stay on the device
 * (store.js).
 */
(function () {
  "use strict";

  var box = document.getElementById("session-limits");
  if (!box || window.location.pathname === box.dataset.loginUrl) return;
  // The server's times, moved onto this device's clock (a tablet's clock may be off by hours).
  var offset = Date.now() - Number(box.dataset.serverNow) * 1000;
  function onDevice(serverSeconds) { return Number(serverSeconds) * 1000 + offset; }
  var idleEndsAt = onDevice(box.dataset.idleEndsAt);
  var absoluteEndsAt = onDevice(box.dataset.absoluteEndsAt);
  if (!isFinite(idleEndsAt) || !isFinite(absoluteEndsAt)) return;
  var warnMs = Number(box.dataset.warnSeconds) * 1000;
  var TOUCH_EVERY_MS = 60 * 1000;
  var lastTouch = Date.now();
  var timer = null;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function say(template, values) {
    Object.keys(values).forEach(function (name) {
      template = template.split("%(" + name + ")s").join(String(values[name]));
    });
    return template;
  }

  function show(text, canStay) {
    box.querySelector(".session-warning-text").textContent = text;
    box.querySelector(".session-stay").hidden = !canStay;
    box.hidden = false;
  }

  function schedule() {
    clearTimeout(timer);
    var now = Date.now();
    var end = Math.min(idleEndsAt, absoluteEndsAt);
    if (now >= end) {
      // The server decides: an ended session goes to sign-in, one kept alive elsewhere reloads.
      window.location.reload();
      return;
    }
    var absoluteFirst = absoluteEndsAt <= idleEndsAt;
    if (now >= end - warnMs) {
      if (absoluteFirst) {
        var at = new Date(absoluteEndsAt).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
        show(say(box.dataset.absoluteText, { time: at }), false);
      } else {
        show(say(box.dataset.idleText, { minutes: Math.max(1, Math.ceil((end - now) / 60000)) }), true);
      }
      timer = setTimeout(schedule, Math.min(end - now, 15000));
      return;
    }
    box.hidden = true;
    timer = setTimeout(schedule, end - warnMs - now);
  }

  function stay() {
    if (!navigator.onLine) return Promise.resolve();
    lastTouch = Date.now();
    return fetch(box.dataset.keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    }).then(function (response) {
      if (!response.ok) return;
      return response.json().then(function (limits) {
        offset = Date.now() - limits.now * 1000;
        idleEndsAt = onDevice(limits.idle_ends_at);
        absoluteEndsAt = onDevice(limits.absolute_ends_at);
        schedule();
      });
    }).catch(function () {});
  }

  function used() {
    if (Date.now() - lastTouch >= TOUCH_EVERY_MS) stay();
  }

  box.querySelector(".session-stay").addEventListener("click", stay);
  document.addEventListener("pointerdown", used, { passive: true });
  document.addEventListener("keydown", used);
  schedule();
  window.Paradesk = window.Paradesk || {};
  window.Paradesk.session = { stay: stay, schedule: schedule };
})();
