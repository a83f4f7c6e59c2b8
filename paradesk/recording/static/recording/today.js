/*
 * The para's Today page: the students and measures due (rendered by the server, with everything
 * needed offline in #today-data; with a schedule, in today's blocks, the current one highlighted),
 * the sync status bar, unfinished sheets, today's records with their server answers, and
 * corrections. Registers the service worker that keeps the page and its scripts for offline use.
 */
(function () {
  "use strict";

  var P = (window.Paradesk = window.Paradesk || {});
  var store = P.store;
  var dataEl = document.getElementById("today-data");
  var labelsEl = document.getElementById("today-labels");
  var data = dataEl ? JSON.parse(dataEl.textContent) : { students: [] };
  var labels = labelsEl ? JSON.parse(labelsEl.textContent) : {};

  function index(list) {
    var map = {};
    (list || []).forEach(function (item) { map[item.id] = item; });
    return map;
  }

  var students = index(data.students);
  var measures = {};
  data.students.forEach(function (s) {
    s.measures.forEach(function (m) { measures[m.id] = { measure: m, student: s }; });
  });

  P.today = { data: data, labels: labels.text || {}, levels: labels.levels || {} };

  // Today's blocks (start and end as instants): the one running now is highlighted by the device's
  // clock, so it moves on through the day without asking the server, online or not.
  var blocks = (data.blocks || []).map(function (b) {
    return { id: b.id, start: new Date(b.start).getTime(), end: new Date(b.end).getTime() };
  });
  var BLOCK_CHECK_MS = 30 * 1000;

  function currentBlock(nowMs) {
    var found = blocks.filter(function (b) { return b.start <= nowMs && nowMs < b.end; })[0];
    return found ? found.id : "";
  }

  function deviceNow() {
    return +(P.clock && P.clock.now ? P.clock.now() : new Date());
  }

  function say(key, values) {
    var template = (labels.text && labels.text[key]) || key;
    Object.keys(values || {}).forEach(function (name) {
      template = template.split("%(" + name + ")s").join(String(values[name]));
    });
    return template;
  }

  function time(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  }

  function clock(seconds) {
    var s = Math.max(0, Math.round(seconds));
    return Math.floor(s / 60) + ":" + (s % 60 < 10 ? "0" : "") + (s % 60);
  }

  // The observed time: the stopwatch's stretches when the sheet timed them, else the whole span.
  function observed(record) {
    var timed = record.facts && record.facts.timed;
    if (timed && timed.length) return timed.reduce(function (sum, w) { return sum + (w[1] - w[0]); }, 0);
    return (new Date(record.ended_at) - new Date(record.started_at)) / 1000;
  }

  // Correct trials at or below the goal's support level: the figure the server stores.
  function trialCounts(t, m) {
    var levels = (m && m.prompt_hierarchy && m.prompt_hierarchy.length) ? m.prompt_hierarchy : null;
    var goal = m && m.goal_support_level;
    return t.filter(function (x) {
      if (x.response !== "correct") return false;
      if (!levels || !goal || levels.indexOf(goal) < 0) return true;
      return levels.indexOf(x.prompt) >= 0 && levels.indexOf(x.prompt) <= levels.indexOf(goal);
    }).length;
  }

  // A few words on what an observation holds, so the para recognizes her own record.
  var SUMMARIES = {
    trials: function (f, m) {
      var t = f.trials || [];
      var ok = trialCounts(t, m);
      var figure = (m && m.figure) || "%";
      return say("summary_trials", { n: t.length, figure: figure, percent: (t.length ? Math.round((100 * ok) / t.length) : 0) + "%" });
    },
    task_analysis: function (f, m) {
      var first = (m && m.prompt_hierarchy && m.prompt_hierarchy[0]) || "independent";
      var steps = f.steps || [];
      var levels = (m && m.prompt_hierarchy && m.prompt_hierarchy.length) ? m.prompt_hierarchy : [first];
      var goal = m && m.goal_support_level;
      var limit = goal && levels.indexOf(goal) >= 0 ? levels.indexOf(goal) : 0;
      var within = steps.filter(function (s) { return levels.indexOf(s) >= 0 && levels.indexOf(s) <= limit; }).length;
      return say("summary_steps", {
        figure: (m && m.figure) || "%", percent: (steps.length ? Math.round((100 * within) / steps.length) : 0) + "%",
        n: within, total: steps.length,
      });
    },
    count: function (f) {
      var n = (f.events || []).length;
      return say(n === 1 ? "summary_event" : "summary_events", { n: n });
    },
    irt: function (f) { return say("summary_events", { n: (f.events || []).length }); },
    rate: function (f, m, r) {
      return say("summary_rate", { n: (f.events || []).length, incorrect: (f.incorrect_events || []).length, time: clock(observed(r)) });
    },
    duration: function (f) {
      var e = f.episodes || [];
      var total = e.reduce(function (sum, x) { return sum + (x[1] - x[0]); }, 0);
      return say("summary_duration", { n: e.length, time: clock(total) });
    },
    latency: function (f) { return say("summary_latency", { n: (f.trials || []).length }); },
  };

  function summary(row) {
    var record = row.record;
    if (record.kind !== "observation") return "";
    var found = measures[record.measure_id];
    var write = SUMMARIES[found ? found.measure.method : ""];
    return write ? write(record.facts || {}, found && found.measure, record) : "";
  }

  function what(row) {
    var record = row.record;
    if (record.kind === "observation") {
      var found = measures[record.measure_id];
      return found ? found.measure.name : say("kind_observation");
    }
    return (labels.kinds && labels.kinds[row.kind]) || row.kind;
  }

  function stateText(row) {
    if (row.state === "rejected") return say("state_rejected");
    if (row.state === "synced") return say("state_synced");
    return say("state_waiting");
  }

  function reasonText(row) {
    if (row.state !== "rejected") return "";
    var details = [];
    Object.keys(row.errors || {}).forEach(function (field) {
      details = details.concat(row.errors[field]);
    });
    return [row.reason].concat(details).filter(Boolean).join(" ");
  }

  function decorate(rows) {
    var corrected = {};
    rows.forEach(function (row) { if (row.record.corrects) corrected[row.record.corrects] = true; });
    return rows
      .filter(function (row) { return row.kind !== "session"; })
      .map(function (row) {
        var student = students[row.student_id];
        return {
          id: row.id,
          row: row,
          time: time(row.record.recorded_at),
          student: student ? student.name : "",
          what: what(row),
          summary: summary(row),
          state: row.state,
          stateText: stateText(row),
          reason: reasonText(row),
          isCorrection: Boolean(row.record.corrects),
          corrected: Boolean(corrected[row.id]),
          canCorrect: !corrected[row.id] && row.state !== "rejected",
        };
      })
      .reverse();
  }

  // New local observations the server had not counted when it rendered the page.
  function newSince(rows) {
    var since = data.generated_at ? new Date(data.generated_at) : new Date(0);
    var counts = {};
    rows.forEach(function (row) {
      var record = row.record;
      if (record.kind !== "observation" || record.corrects || row.state === "rejected") return;
      if (row.synced_at && new Date(row.synced_at) <= since) return;
      counts[record.measure_id] = (counts[record.measure_id] || 0) + 1;
    });
    return counts;
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator) || !data.service_worker_url) return;
    var first = !navigator.serviceWorker.controller;
    navigator.serviceWorker.register(data.service_worker_url, { scope: "/" }).then(function () {
      // The first visit was not served through the worker: keep a copy now for offline reloads,
      // by the worker's own rule (sw.js networkFirst): never a redirect (a sign-in page) or a refusal,
      // which a browser will not show for a page it reloads.
      if (first && window.caches && navigator.onLine) {
        return fetch(location.pathname, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok || response.redirected) return undefined;
          return caches.open("paradesk-pages").then(function (cache) { return cache.put(location.pathname, response); });
        });
      }
    }).catch(function () { /* offline use is a bonus the page works without */ });
  }

  document.addEventListener("alpine:init", function () {
    window.Alpine.data("today", function () {
      return {
        openKind: "",
        status: store.status(),
        rows: [],
        records: [],
        drafts: [],
        fresh: {},
        correcting: null,
        reason: "",
        nowBlock: "",

        init: function () {
          var self = this;
          if (blocks.length) {
            this.nowBlock = currentBlock(deviceNow());
            setInterval(function () { self.nowBlock = currentBlock(deviceNow()); }, BLOCK_CHECK_MS);
          }
          window.addEventListener("paradesk:sync", function (event) {
            self.status = event.detail;
            self.load();
          });
          window.addEventListener("paradesk:sheet-open", function (event) {
            self.openKind = event.detail.kind || "";
            window.scrollTo(0, 0);
          });
          window.addEventListener("paradesk:sheet-close", function () {
            self.openKind = "";
            self.load();
          });
          store.ready.then(function () { self.load(); });
          registerWorker();
        },

        load: async function () {
          var rows = await store.records();
          var drafts = await store.drafts();
          this.rows = rows;
          this.records = decorate(rows);
          this.fresh = newSince(rows);
          this.drafts = drafts.map(function (d) {
            var found = measures[d.measure_id];
            var student = students[d.student_id];
            return {
              id: d.id, draft: d, time: time(d.started_at), student: student ? student.name : "",
              what: found ? found.measure.name : (labels.kinds && labels.kinds[d.kind]) || d.kind,
            };
          });
        },

        isNow: function (blockId) { return this.nowBlock === blockId; },
        blockClass: function (blockId) { return this.nowBlock === blockId ? "is-now" : ""; },

        isOpen: function (kind) { return this.openKind === kind; },
        sheetOpen: function () { return this.openKind !== ""; },
        listShown: function () { return this.openKind === ""; },

        open: function (event) {
          var b = event.currentTarget;
          P.sheet.open(b.dataset.student, b.dataset.measure || null, b.dataset.kind || null);
        },

        resume: function (event) {
          var id = event.currentTarget.dataset.draft;
          var item = this.drafts.filter(function (d) { return d.id === id; })[0];
          if (!item) return;
          var d = item.draft;
          P.sheet.open(d.student_id, d.measure_id || null, d.kind, { draft: d });
        },

        discardDraft: async function (event) {
          if (!window.confirm(say("discard_confirm"))) return;
          await store.discardDraft(event.currentTarget.dataset.draft);
          this.load();
        },

        hasDrafts: function () { return this.drafts.length > 0; },
        hasRecords: function () { return this.records.length > 0; },
        noRecords: function () { return this.records.length === 0; },

        recordedCount: function (measureId) {
          var found = measures[measureId];
          return (found ? found.measure.recorded_today : 0) + (this.fresh[measureId] || 0);
        },

        recordedText: function (measureId) {
          return say("recorded_today", { n: this.recordedCount(measureId) });
        },

        isDue: function (measureId) {
          var found = measures[measureId];
          if (!found || !found.measure.due) return false;
          var schedule = found.measure.schedule || {};
          var fresh = this.fresh[measureId] || 0;
          if (schedule.kind === "per_week") return (schedule.done_this_week || 0) + fresh < schedule.per_week;
          return fresh === 0;
        },

        isDone: function (measureId) {
          return !this.isDue(measureId) && this.recordedCount(measureId) > 0;
        },

        statusText: function () {
          var s = this.status;
          if (s.state === "syncing") return say("status_syncing", { n: s.waiting });
          if (!s.waiting && !s.rejected) return say("status_saved");
          if (!s.waiting) return say("status_rejected", { n: s.rejected });
          if (s.state === "offline") return say("status_offline", { n: s.waiting });
          if (s.state === "signed_out") return say("status_signed_out", { n: s.waiting });
          return say("status_waiting", { n: s.waiting });
        },

        statusClass: function () {
          var s = this.status;
          if (s.rejected) return "sync-status is-rejected";
          return s.waiting ? "sync-status is-waiting" : "sync-status is-saved";
        },

        lastSyncedText: function () {
          return this.status.lastSyncedAt ? say("last_synced", { time: time(this.status.lastSyncedAt) }) : "";
        },

        syncNow: function () { store.sync(); },

        askCorrection: function (event) {
          var id = event.currentTarget.dataset.record;
          this.correcting = this.records.filter(function (r) { return r.id === id; })[0] || null;
          this.reason = "";
          var dialog = this.$refs.correction;
          if (dialog && dialog.showModal) dialog.showModal();
        },

        correctionTitle: function () {
          return this.correcting ? this.correcting.what + " · " + this.correcting.time : "";
        },

        cancelCorrection: function () {
          this.correcting = null;
          this.$refs.correction.close();
        },

        startCorrection: function () {
          var reason = (this.reason || "").trim();
          if (!reason || !this.correcting) return;
          var row = this.correcting.row;
          this.$refs.correction.close();
          this.correcting = null;
          var measureId = row.record.measure_id || null;
          var kind = measureId && measures[measureId] ? measures[measureId].measure.method : row.kind;
          if (kind === "abc") kind = "abc_incident";
          P.sheet.open(row.student_id, measureId, kind, { correction: { record: row, reason: reason } });
        },
      };
    });
  });
})();
