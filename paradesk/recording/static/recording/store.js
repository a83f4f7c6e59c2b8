/*
 * Paradesk offline store: every tap goes to IndexedDB (Dexie 4.4.7) before anything else, finalized
 * records wait in an outbox until the sync API has answered for them (docs/architecture.md#nothing-lost).
 *
 * window.Paradesk.store — its contract (docs/architecture.md#the-offline-client):
 *   uuid()                 a new record id (v4 UUID string)
 *   now()                  a Date from Paradesk.clock.now() (tests may replace Paradesk.clock.now)
 *   saveDraft(draft)       put an in-progress sheet (needs draft.id); fills staff_id, updated_at
 *   drafts()               this staff member's drafts
 *   discardDraft(id)
 *   queue(records)         finalized records in the sync-API shape, each with student_id (and
 *                          staff_id, filled in when missing); written to IndexedDB first, then synced.
 *                          A record whose id is already in the outbox is left as it is, so a second
 *                          "Done" never makes a second record.
 *   recordsFor(studentId)  today's records of this staff member for the student (waiting and synced)
 *   status()               {waiting, lastSyncedAt, state} (+ rejected, online; see below)
 *   window event "paradesk:sync" (detail = status()) whenever the status changes.
 *
 * Additions (additive only; the names above keep their meaning):
 *   store.ready            a Promise resolved once the first status has been read
 *   store.records()        today's records of this staff member, all students, oldest first
 *   store.sync()           send waiting records now (batches of at most 500); resolves when done
 *   store.unsynced()       Promise of the number of this staff member's records not yet on the server
 *   store.staffId()        the signed-in staff member's id (from #today-data or the sign-out form)
 *   store.forget()         remove this staff member's synced records older than today (housekeeping)
 *   store.clearPages()     forget the cached Today page (done on sign-out)
 *   Sign-out: a submit of form[data-signout] (base.html) asks to confirm when records wait, naming
 *   their number (data-warning, "%(count)s" replaced), then clears the cached pages; the outbox stays.
 *   status().rejected      how many of today's records the server refused (kept, with their reason)
 *   status().online        navigator.onLine
 *   status().state         "saved" | "waiting" | "syncing" | "offline" | "error" | "signed_out"
 *   Outbox rows returned by recordsFor()/records(): {id, kind, staff_id, student_id, day, state
 *   ("waiting" | "synced" | "rejected"), server_status ("accepted" | "duplicate" | ""), reason,
 *   errors, queued_at, synced_at, record (the API-shape record as queued)}.
 *
 * Sheet framework (window.Paradesk.sheet, defined in sheets.js; documented here as asked):
 *   Paradesk.sheet.current         {student, measure, kind, draft?, correction?} of the open sheet
 *   Paradesk.sheet.open(studentId, measureId|null, kind?, options?)   kind defaults to the measure's
 *                                  method; options.draft resumes a draft, options.correction =
 *                                  {record (an outbox row), reason} opens a correction of that record
 *   Paradesk.sheet.close()         close the open sheet (after Done or Cancel)
 *   Paradesk.sheet.component(kind, spec)  a ready Alpine component for a sheet: spec.start() gives
 *                                  the sheet's initial data, spec.facts(data, seconds) the facts on
 *                                  Done, spec.restore(facts) data from a record's facts (corrections).
 *                                  It offers tap-saving (save()), elapsed(), done(), cancel(),
 *                                  snapshot()/directions() for the student and measure at hand.
 *   Paradesk.sheet.correction()    {corrects, correction_reason} to merge into the record a sheet
 *                                  queues when it was opened as a correction, else {}.
 *   Paradesk.sheet.lastSave        the Promise of the latest draft write (benchmarks wait on it).
 *   Markup: a sheet partial may include "recording/sheets/_header.html" (student, measure, snapshot
 *   essentials, directions; needs studentName(), measureName(), snapshot(), directions(), correcting,
 *   correctionReason — all from component()) and "recording/sheets/_footer.html" (Done / Later /
 *   Discard: done(), later(), discard(), finishing). A sheet without a measure (abc_incident, note...)
 *   finds its student in this.student; Paradesk.today.data is the whole #today-data.
 */
(function () {
  "use strict";

  var P = (window.Paradesk = window.Paradesk || {});
  P.clock = P.clock || {
    now: function () {
      return new Date();
    },
  };

  var BATCH = 500; // the sync API's limit per request
  var MAX_BACKOFF_MS = 60000;
  // School Wi-Fi drops requests without an answer; a request older than this is given up and retried.
  var REQUEST_TIMEOUT_MS = 20000;
  // Kinds whose API shape names the student; for the others the server finds the student itself.
  var KINDS_WITH_STUDENT = { session: 1, abc_incident: 1, care_log: 1, note: 1 };

  var LOGIN_URL = "/accounts/login/";
  var db = new Dexie("paradesk");
  db.version(1).stores({
    drafts: "id, staff_id",
    outbox: "id, staff_id, [staff_id+state], [staff_id+day], order",
    meta: "key",
  });

  var current = { waiting: 0, rejected: 0, lastSyncedAt: null, state: "saved", online: navigator.onLine };
  var syncing = null;
  var failures = 0;
  var retryTimer = null;
  var order = 0;
  var config = null;
  var inflight = null;
  var sending = false;

  function now() {
    return P.clock.now();
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) {
      return (x + 0x100).toString(16).slice(1);
    });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") + "-" +
      h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // The device's calendar day: a record belongs to the day it was made where it was made.
  function localDay(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  function readConfig() {
    if (config) return config;
    var data = document.getElementById("today-data");
    var form = document.querySelector("form[data-signout]");
    var parsed = data ? JSON.parse(data.textContent) : {};
    config = {
      staffId: (parsed.staff && parsed.staff.id) || (form && form.dataset.staffId) || "",
      syncUrl: parsed.sync_url || (form && form.dataset.syncUrl) || "/api/v1/sync",
    };
    return config;
  }

  function staffId() {
    return readConfig().staffId;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function announce() {
    window.dispatchEvent(new CustomEvent("paradesk:sync", { detail: status() }));
  }

  function status() {
    return {
      waiting: current.waiting,
      rejected: current.rejected,
      lastSyncedAt: current.lastSyncedAt,
      state: current.state,
      online: current.online,
    };
  }

  function setState(state) {
    if (current.state === state) return;
    current.state = state;
    announce();
  }

  function stateOf(waiting) {
    if (sending) return "syncing";
    if (!waiting) return "saved";
    if (!current.online) return "offline";
    if (current.state === "error" || current.state === "signed_out") return current.state;
    return "waiting";
  }

  async function refresh() {
    var staff = staffId();
    var waiting = await db.outbox.where("[staff_id+state]").equals([staff, "waiting"]).count();
    var rejected = await db.outbox.where("[staff_id+state]").equals([staff, "rejected"]).count();
    var last = await db.meta.get("last_synced:" + staff);
    current.waiting = waiting;
    current.rejected = rejected;
    current.lastSyncedAt = last ? last.value : null;
    current.online = navigator.onLine;
    current.state = stateOf(waiting);
    announce();
    return status();
  }

  async function deviceId() {
    var row = await db.meta.get("device");
    if (row) return row.value;
    var id = uuid();
    await db.meta.put({ key: "device", value: id });
    return id;
  }

  // Drafts ---------------------------------------------------------------------------------------

  function saveDraft(draft) {
    draft.staff_id = draft.staff_id || staffId();
    draft.updated_at = now().toISOString();
    return db.drafts.put(draft);
  }

  function drafts() {
    return db.drafts.where("staff_id").equals(staffId()).toArray();
  }

  function discardDraft(id) {
    return db.drafts.delete(id);
  }

  // The outbox ---------------------------------------------------------------------------------------

  function apiShape(record) {
    var shaped = {};
    Object.keys(record).forEach(function (key) {
      if (key === "staff_id") return;
      if (key === "student_id" && !KINDS_WITH_STUDENT[record.kind]) return;
      shaped[key] = record[key];
    });
    return shaped;
  }

  function outboxRow(record, at, index) {
    var made = record.recorded_at ? new Date(record.recorded_at) : at;
    return {
      id: record.id,
      kind: record.kind,
      staff_id: record.staff_id || staffId(),
      student_id: record.student_id,
      day: localDay(made),
      state: "waiting",
      server_status: "",
      reason: "",
      errors: {},
      queued_at: at.toISOString(),
      synced_at: null,
      // Sessions are queued before the observations that name them and are sent in this order.
      order: at.getTime() * 1000 + ((order++ + index) % 1000),
      record: apiShape(Object.assign({ recorded_at: at.toISOString() }, record)),
    };
  }

  async function queue(records) {
    var at = now();
    var rows = records.map(function (record, index) {
      return outboxRow(record, at, index);
    });
    await db.transaction("rw", db.outbox, async function () {
      var known = await db.outbox.bulkGet(rows.map(function (r) { return r.id; }));
      var fresh = rows.filter(function (row, i) { return !known[i]; });
      await db.outbox.bulkPut(fresh);
    });
    await refresh();
    scheduleSync(0);
    return rows;
  }

  function records() {
    return db.outbox.where("[staff_id+day]").equals([staffId(), localDay(now())]).sortBy("order");
  }

  async function recordsFor(studentId) {
    var all = await records();
    return all.filter(function (row) { return row.student_id === studentId; });
  }

  function unsynced() {
    return db.outbox.where("[staff_id+state]").equals([staffId(), "waiting"]).count();
  }

  async function forget() {
    var today = localDay(now());
    var staff = staffId();
    await db.outbox
      .where("staff_id").equals(staff)
      .filter(function (row) { return row.state === "synced" && row.day < today; })
      .delete();
  }

  // Sync ----------------------------------------------------------------------------------------------

  function scheduleSync(delay) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { sync(); }, delay);
  }

  function backoff() {
    var base = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, Math.max(0, failures - 1)));
    return base / 2 + Math.random() * (base / 2);
  }

  async function send(batch) {
    // The batch names whose records it carries: if someone else has signed in on this device since,
    // the server refuses it whole (409) and the records wait for their owner.
    var body = {
      device: await deviceId(),
      sent_at: now().toISOString(),
      staff_id: staffId(),
      records: batch.map(function (row) { return row.record; }),
    };
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    inflight = controller;
    var response;
    try {
      response = await fetch(readConfig().syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
    } finally {
      clearTimeout(timer);
      inflight = null;
    }
    if (response.status === 401 || response.status === 403 || response.status === 409) {
      var error = new Error("not signed in");
      error.signedOut = true;
      throw error;
    }
    if (!response.ok) throw new Error("sync answered " + response.status);
    return response.json();
  }

  async function apply(batch, answer) {
    var at = now().toISOString();
    var results = answer.results || [];
    batch.forEach(function (row, i) {
      var result = results[i] || {};
      if (result.status === "accepted" || result.status === "duplicate") {
        row.state = "synced";
        row.server_status = result.status;
        row.synced_at = at;
      } else if (result.status === "rejected") {
        row.state = "rejected";
        row.server_status = "rejected";
        row.reason = result.reason || "";
        row.errors = result.errors || {};
      }
    });
    await db.outbox.bulkPut(batch);
    await db.meta.put({ key: "last_synced:" + staffId(), value: at });
  }

  async function sendAll() {
    var staff = staffId();
    for (;;) {
      var waiting = await db.outbox.where("[staff_id+state]").equals([staff, "waiting"]).sortBy("order");
      if (!waiting.length) return;
      sending = true;
      setState("syncing");
      var batch = waiting.slice(0, BATCH);
      await apply(batch, await send(batch));
      if (waiting.length <= BATCH) return;
    }
  }

  async function run() {
    try {
      if (!navigator.onLine) {
        current.state = "offline";
        return;
      }
      await sendAll();
      failures = 0;
      current.state = "saved";
    } catch (error) {
      failures += 1;
      current.state = error.signedOut ? "signed_out" : navigator.onLine ? "error" : "offline";
      scheduleSync(backoff());
    } finally {
      sending = false;
    }
  }

  function sync() {
    if (syncing) return syncing;
    if (!staffId()) return Promise.resolve(status());
    // Cleared in a later microtask, never before this assignment (run() may finish synchronously).
    syncing = run().then(function () {
      syncing = null;
      return refresh();
    });
    return syncing;
  }

  // A request started before the network came back may never be answered: give it up and resend.
  window.addEventListener("online", function () {
    failures = 0;
    current.state = "waiting";
    if (inflight) inflight.abort();
    (syncing || Promise.resolve()).then(function () { return sync(); });
  });
  window.addEventListener("offline", function () {
    refresh();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") sync();
  });

  P.store = {
    db: db,
    uuid: uuid,
    now: now,
    localDay: localDay,
    saveDraft: saveDraft,
    drafts: drafts,
    discardDraft: discardDraft,
    queue: queue,
    records: records,
    recordsFor: recordsFor,
    unsynced: unsynced,
    forget: forget,
    status: status,
    sync: sync,
    staffId: staffId,
    ready: null,
  };
  // Signing out never drops a record: warn with the number still on the device (they stay in the
  // outbox and are sent at the next sign-in here), then forget the cached Today page, which holds
  // student data, before the sign-out request leaves.
  async function clearPages() {
    if (window.caches) await caches.delete("paradesk-pages");
  }

  // Signing out offline: the device forgets the session at once (the cached Today page and the page
  // on screen go, and the service worker serves no page but "signed out" until the server has ended
  // the session), and the server's session is ended the next time the device is online. Records
  // waiting stay in the outbox as they do after any sign-out.
  var SIGN_OUT_PENDING = "sign_out_pending";

  async function signOutOffline(form) {
    await db.meta.put({
      key: SIGN_OUT_PENDING,
      value: { staff_id: staffId(), csrf: csrfToken(), url: form.action, at: now().toISOString() },
    });
    await clearPages().catch(function () {});
    document.body.textContent = "";
    var notice = document.createElement("main");
    notice.className = "signed-out-offline";
    var text = document.createElement("p");
    text.setAttribute("role", "status");
    text.textContent = form.dataset.offlineText || "Signed out on this device.";
    notice.appendChild(text);
    document.body.appendChild(notice);
  }

  async function finishPendingSignOut() {
    var pending = await db.meta.get(SIGN_OUT_PENDING);
    if (!pending || !navigator.onLine) return false;
    var response = await fetch(pending.value.url, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": pending.value.csrf },
    });
    if (response.type !== "opaqueredirect" && !response.ok) return false;
    await db.meta.delete(SIGN_OUT_PENDING);
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-signout]") || form.dataset.confirmed) return;
    event.preventDefault();
    unsynced().catch(function () { return 0; }).then(function (count) {
      var warning = (form.dataset.warning || "%(count)s").split("%(count)s").join(String(count));
      if (count && !window.confirm(warning)) return;
      if (!navigator.onLine) return signOutOffline(form);
      return clearPages().catch(function () {}).then(function () {
        form.dataset.confirmed = "1";
        form.submit();
      });
    });
  }, true);

  // A sign-out made offline is finished on the server as soon as the device is online again; a page
  // opened before that is left for the sign-in page.
  function settlePendingSignOut() {
    return finishPendingSignOut().then(function (done) {
      if (done) window.location.assign(LOGIN_URL);
    }).catch(function () {});
  }
  window.addEventListener("online", settlePendingSignOut);
  P.store.signOutPending = function () { return db.meta.get(SIGN_OUT_PENDING); };

  P.store.clearPages = clearPages;
  P.store.ready = settlePendingSignOut().then(refresh).then(function () {
    if (current.waiting) scheduleSync(0);
    return status();
  });
})();
