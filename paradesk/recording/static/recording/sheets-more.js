/*
 * Data sheets for interval recording (partial-interval, whole-interval, momentary time sampling),
 * rating scales and permanent products, and the log forms (ABC incident, accommodation delivered,
 * service minutes, care log, note to the case manager), on the framework of sheets.js.
 *
 * Every tap or field change is written to the sheet's draft first (store.saveDraft) and shown at
 * once; "Done"/"Save" checks the sheet as the server would (recording/sync/, methods.py) and queues
 * the record(s) in the sync API's shape (docs/api.md#sync). Every string a person reads comes from the
 * sheet's template ({% translate %}), read from the data-msg-* attributes of its
 * [data-sheet-messages] element: nothing English is written here.
 */
(function () {
  "use strict";

  var P = (window.Paradesk = window.Paradesk || {});
  var sheet = P.sheet;
  var store = P.store;
  // The framework's own methods, to run before or after a sheet's additions.
  var base = sheet.component("base", {});
  // recording/sync/batch.py: a time more than this far after the device's "now" is refused.
  var FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
  var MAX_MINUTES = 24 * 60;
  var MAX_ITEMS = 1000000; // methods.py MAX_ITEMS

  // Helpers -----------------------------------------------------------------------------------------

  // The timer module (interval-timer.js, loaded by today.html before this file and kept in the
  // service worker's shell), looked up at each call.
  var timing = {};
  ["create", "start", "pause", "resume", "endedCount", "currentIndex", "msUntilNextEnd", "secondsLeft"].forEach(
    function (name) {
      timing[name] = function () {
        return P.intervalTimer[name].apply(null, arguments);
      };
    }
  );

  function plain(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function nowMs() {
    return +P.clock.now();
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // The value of an <input type="datetime-local">, in the device's time zone (the school's).
  function localInput(date) {
    return (
      date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" +
      pad(date.getHours()) + ":" + pad(date.getMinutes())
    );
  }

  function isoFromLocal(value) {
    var date = value ? new Date(value) : null;
    return date && !isNaN(date.getTime()) ? date.toISOString() : "";
  }

  function today() {
    var data = P.today && P.today.data;
    return (data && data.day) || store.localDay(store.now());
  }

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : match;
    });
  }

  function wholeNumber(value) {
    if (value === "" || value === null || value === undefined) return null;
    var n = Number(value);
    return Number.isInteger(n) ? n : NaN;
  }

  function messagesOf(el) {
    var holder = el && (el.matches("[data-sheet-messages]") ? el : el.querySelector("[data-sheet-messages]"));
    var found = {};
    if (!holder) return found;
    Object.keys(holder.dataset).forEach(function (key) {
      if (key.indexOf("msg") === 0) found[key.charAt(3).toLowerCase() + key.slice(4)] = holder.dataset[key];
    });
    return found;
  }

  // What every sheet here adds to the framework: its messages, field errors, and a checked "Done".
  var common = {
    messages: {},
    errors: {},
    saving: false,

    init: function () {
      this.messages = messagesOf(this.$el);
      base.init.call(this);
      this.afterInit();
    },
    afterInit: function () {},

    msg: function (key) {
      return this.messages[key] || "";
    },
    hasError: function (field) {
      return Boolean(this.errors[field]);
    },
    error: function (field) {
      return this.errors[field] || "";
    },
    hasErrors: function () {
      return Object.keys(this.errors).length > 0;
    },
    fieldCss: function (field) {
      return this.hasError(field) ? "has-error" : "";
    },
    invalid: function (field) {
      return this.hasError(field) ? "true" : "false";
    },
    // A field changed: keep it in the draft, and take back its message once it is right.
    changed: function () {
      if (this.hasErrors()) this.errors = this.check();
      return this.save();
    },
    check: function () {
      return {};
    },
    done: async function () {
      this.errors = this.check();
      if (this.hasErrors()) {
        this.focusFirstError();
        return;
      }
      this.saving = true;
      try {
        await base.done.call(this);
      } finally {
        this.saving = false;
      }
    },
    focusFirstError: function () {
      var root = this.$el;
      window.requestAnimationFrame(function () {
        var field = root.querySelector("[aria-invalid='true']");
        if (field) field.focus();
      });
    },
    correctionFields: function () {
      return this.correcting ? { corrects: this.correctionOf.id, correction_reason: this.correctionReason } : {};
    },
  };

  function spec(own) {
    var merged = {};
    Object.keys(common).forEach(function (key) { merged[key] = common[key]; });
    Object.keys(own).forEach(function (key) { merged[key] = own[key]; });
    return merged;
  }

  // Sound and vibration for the interval cue ---------------------------------------------------------

  var audio = null;

  // Browsers let a page play sound only after a tap; the tap on "Start" opens the audio here.
  function unlockAudio() {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!audio && Context) audio = new Context();
      if (audio && audio.state === "suspended") audio.resume();
    } catch (e) {
      audio = null;
    }
  }

  function tone() {
    if (!audio || audio.state !== "running") return;
    try {
      var at = audio.currentTime;
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.25, at);
      gain.gain.exponentialRampToValueAtTime(0.001, at + 0.35);
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.35);
    } catch (e) {
      /* no sound: the cue is still on screen and announced */
    }
  }

  function buzz() {
    var activated = !navigator.userActivation || navigator.userActivation.hasBeenActive;
    if (navigator.vibrate && activated) {
      try {
        navigator.vibrate([200, 100, 200]);
      } catch (e) {
        /* no vibration on this device */
      }
    }
  }

  // Partial-interval, whole-interval, momentary time sampling -----------------------------------------

  var interval = spec({
    now: 0, // the clock's reading at the last look, so the countdown and grid follow it
    ended: 0, // intervals ended at that reading
    cueCount: 0, // cues given so far (the flash restarts on each)
    _cued: 0,
    _alarm: null,
    _onVisible: null,

    start: function () {
      return { timer: timing.create(this.intervalSeconds(), this.intervalCount()), marks: [] };
    },
    // A correction shows the recorded intervals for changing, without a running timer.
    restore: function (facts) {
      return { timer: timing.create(this.intervalSeconds(), this.intervalCount()), marks: (facts.intervals || []).slice() };
    },
    facts: function () {
      return { intervals: this.data.marks.slice() };
    },
    intervalSeconds: function () {
      return (this.measure && this.measure.interval_seconds) || 10;
    },
    intervalCount: function () {
      return (this.measure && this.measure.interval_count) || 1;
    },

    afterInit: function () {
      var self = this;
      this.look();
      this._cued = this.ended;
      this.arm();
      this._onVisible = function () {
        // Timers sleep in a background tab; on return everything is recomputed from the clock.
        self.look();
        self.arm();
      };
      document.addEventListener("visibilitychange", this._onVisible);
      window.addEventListener("focus", this._onVisible);
      window.addEventListener("pageshow", this._onVisible);
    },
    destroy: function () {
      base.destroy.call(this);
      clearTimeout(this._alarm);
      document.removeEventListener("visibilitychange", this._onVisible);
      window.removeEventListener("focus", this._onVisible);
      window.removeEventListener("pageshow", this._onVisible);
    },

    // Read the clock: what has ended, and cue the intervals that ended since the last look.
    look: function () {
      this.now = nowMs();
      this.ended = timing.endedCount(this.data.timer, this.now);
      if (this.ended > this._cued) {
        this._cued = this.ended;
        this.cue();
      }
    },
    // The next look: when the running interval ends (computed from the clock, so no drift), or
    // sooner to move the countdown on.
    arm: function () {
      var self = this;
      clearTimeout(this._alarm);
      var wait = timing.msUntilNextEnd(this.data.timer, nowMs());
      if (wait === null) return;
      this._alarm = setTimeout(function () {
        self.look();
        self.arm();
      }, Math.max(0, Math.min(wait, 1000)));
    },
    cue: function () {
      this.cueCount += 1;
      tone();
      buzz();
    },

    started: function () {
      return this.data.timer.startedAt !== null;
    },
    notStarted: function () {
      return !this.started() && !this.correcting;
    },
    paused: function () {
      return this.data.timer.pausedAt !== null;
    },
    running: function () {
      return this.started() && !this.paused() && !this.timerFinished();
    },
    timerFinished: function () {
      return this.ended >= this.intervalCount();
    },
    canPause: function () {
      return this.running();
    },
    canResume: function () {
      return this.started() && this.paused();
    },
    // Intervals that have ended and wait for their mark.
    awaiting: function () {
      return this.correcting ? 0 : Math.max(0, this.ended - this.data.marks.length);
    },
    canScore: function () {
      return this.awaiting() > 0;
    },
    cannotScore: function () {
      return !this.canScore();
    },
    allScored: function () {
      return this.data.marks.length >= this.intervalCount();
    },
    hasMarks: function () {
      return this.data.marks.length > 0;
    },
    noMarks: function () {
      return !this.hasMarks();
    },

    startTimer: function () {
      unlockAudio();
      var at = nowMs();
      timing.start(this.data.timer, at);
      this.startedAt = new Date(at).toISOString(); // the observation starts with the timer
      this._cued = 0;
      this.look();
      this.arm();
      return this.save();
    },
    pauseTimer: function () {
      timing.pause(this.data.timer, nowMs());
      clearTimeout(this._alarm);
      this.look();
      return this.save();
    },
    resumeTimer: function () {
      unlockAudio();
      timing.resume(this.data.timer, nowMs());
      this.look();
      this.arm();
      return this.save();
    },
    score: function (occurred) {
      if (!this.canScore()) return;
      this.data.marks.push(Boolean(occurred));
      this.errors = {};
      return this.save();
    },
    scoreYes: function () {
      return this.score(true);
    },
    scoreNo: function () {
      return this.score(false);
    },
    undo: function () {
      this.data.marks.pop();
      return this.save();
    },
    // In a correction each recorded interval can be changed by tapping it.
    toggleMark: function (index) {
      if (!this.correcting || index >= this.data.marks.length) return;
      this.data.marks[index] = !this.data.marks[index];
      return this.save();
    },

    // The interval waiting for a mark, or the one running (1-based), for the cue and the countdown.
    cueText: function () {
      if (!this.canScore()) return "";
      return fill(this.msg("cue"), { n: this.data.marks.length + 1, total: this.intervalCount() });
    },
    cueKey: function () {
      return this.canScore() ? "cue cue-" + (this.cueCount % 2 ? "odd" : "even") : "cue";
    },
    statusText: function () {
      if (this.correcting) return this.msg("correcting");
      if (!this.started()) return fill(this.msg("ready"), { total: this.intervalCount(), seconds: this.intervalSeconds() });
      if (this.allScored()) return this.msg("allScored");
      if (this.timerFinished()) return this.msg("timerFinished");
      var index = timing.currentIndex(this.data.timer, this.now);
      var values = {
        n: index + 1,
        total: this.intervalCount(),
        left: sheet.clock(timing.secondsLeft(this.data.timer, this.now)),
      };
      return fill(this.msg(this.paused() ? "paused" : "running"), values);
    },
    scoredText: function () {
      var yes = this.data.marks.filter(function (m) { return m; }).length;
      var total = this.data.marks.length;
      var percent = total ? Math.round((100 * yes) / total) : 0;
      return fill(this.msg("scored"), { yes: yes, total: total, percent: percent });
    },
    cells: function () {
      var marks = this.data.marks;
      var running = this.correcting ? null : timing.currentIndex(this.data.timer, this.now);
      var ended = this.ended;
      var self = this;
      var cells = [];
      for (var i = 0; i < this.intervalCount(); i++) {
        var state = "future";
        if (i < marks.length) state = marks[i] ? "yes" : "no";
        else if (!self.correcting && i < ended) state = "awaiting";
        else if (i === running) state = "running";
        cells.push({
          index: i,
          n: i + 1,
          state: state,
          css: "interval-cell " + state + (i === marks.length && state === "awaiting" ? " next" : ""),
          sign: { yes: "+", no: "−", awaiting: "?", running: "•", future: "" }[state],
          label: fill(self.msg("cell" + state.charAt(0).toUpperCase() + state.slice(1)), { n: i + 1 }),
          current: i === running || (state === "awaiting" && i === marks.length) ? "true" : "false",
        });
      }
      return cells;
    },

    check: function () {
      var errors = {};
      if (!this.hasMarks()) errors.marks = this.msg("noMarks");
      else if (this.data.marks.length > this.intervalCount()) errors.marks = this.msg("tooManyMarks");
      return errors;
    },
  });

  // Rating scale -------------------------------------------------------------------------------------

  var rating = spec({
    start: function () {
      return { rating: null, typed: "" };
    },
    restore: function (facts) {
      var value = typeof facts.rating === "number" ? facts.rating : null;
      return { rating: value, typed: value === null ? "" : String(value) };
    },
    facts: function () {
      return { rating: this.data.rating };
    },
    low: function () {
      var m = this.measure;
      return m && m.rating_min !== null && m.rating_min !== undefined ? m.rating_min : 1;
    },
    high: function () {
      var m = this.measure;
      return m && m.rating_max !== null && m.rating_max !== undefined ? m.rating_max : 5;
    },
    // More than a phone's row of buttons: a number field instead.
    manyValues: function () {
      return this.high() - this.low() > 10;
    },
    fewValues: function () {
      return !this.manyValues();
    },
    values: function () {
      var labels = (this.measure && this.measure.rating_labels) || {};
      var chosen = this.data.rating;
      var found = [];
      for (var v = this.low(); v <= this.high() && !this.manyValues(); v++) {
        found.push({
          value: v,
          label: labels[String(v)] || "",
          pressed: chosen === v ? "true" : "false",
          css: "button rating-value" + (chosen === v ? " chosen" : ""),
        });
      }
      return found;
    },
    observationWindow: function () {
      return (this.measure && this.measure.observation_window) || "";
    },
    hasWindow: function () {
      return Boolean(this.observationWindow());
    },
    choose: function (value) {
      this.data.rating = value;
      return this.changed();
    },
    typed: function () {
      var n = Number(this.data.typed);
      this.data.rating = this.data.typed === "" || isNaN(n) ? null : n;
      return this.changed();
    },
    chosenText: function () {
      if (this.data.rating === null) return "";
      var labels = (this.measure && this.measure.rating_labels) || {};
      var label = labels[String(this.data.rating)];
      return fill(this.msg("chosen"), { value: this.data.rating }) + (label ? " · " + label : "");
    },
    check: function () {
      var r = this.data.rating;
      if (r === null || r === undefined) return { rating: this.msg("ratingRequired") };
      if (r < this.low() || r > this.high()) return { rating: fill(this.msg("ratingRange"), { min: this.low(), max: this.high() }) };
      return {};
    },
  });

  // Permanent product --------------------------------------------------------------------------------

  var permanentProduct = spec({
    start: function () {
      return { attempted: 0, correct: 0, minutes: "" };
    },
    restore: function (facts) {
      return {
        attempted: facts.attempted || 0,
        correct: facts.correct || 0,
        minutes: facts.minutes === null || facts.minutes === undefined ? "" : facts.minutes,
      };
    },
    facts: function () {
      var minutes = this.data.minutes === "" || this.data.minutes === null ? null : Number(this.data.minutes);
      return { attempted: wholeNumber(this.data.attempted), correct: wholeNumber(this.data.correct), minutes: minutes };
    },
    step: function (field, delta) {
      var n = wholeNumber(this.data[field]);
      this.data[field] = Math.max(0, (isNaN(n) || n === null ? 0 : n) + delta);
      return this.changed();
    },
    attemptedUp: function () { return this.step("attempted", 1); },
    attemptedDown: function () { return this.step("attempted", -1); },
    correctUp: function () { return this.step("correct", 1); },
    correctDown: function () { return this.step("correct", -1); },
    percentText: function () {
      var a = wholeNumber(this.data.attempted);
      var c = wholeNumber(this.data.correct);
      if (!a || isNaN(a) || c === null || isNaN(c)) return "–";
      return Math.round((100 * c) / a) + "%";
    },
    countProblem: function (value) {
      var n = wholeNumber(value);
      if (n === null || isNaN(n)) return this.msg("wholeNumber");
      if (n < 0) return this.msg("notNegative");
      if (n > MAX_ITEMS) return this.msg("tooMany");
      return "";
    },
    check: function () {
      var errors = {};
      var attempted = this.countProblem(this.data.attempted);
      var correct = this.countProblem(this.data.correct);
      if (attempted) errors.attempted = attempted;
      if (correct) errors.correct = correct;
      if (!attempted && !correct && Number(this.data.correct) > Number(this.data.attempted)) {
        errors.correct = this.msg("correctAboveAttempted");
      }
      if (this.data.minutes !== "" && this.data.minutes !== null && !(Number(this.data.minutes) > 0)) {
        errors.minutes = this.msg("minutesPositive");
      }
      return errors;
    },
  });

  // Log forms: one record (or one per accommodation) instead of a session and an observation ------------

  function logSheet(kind, own) {
    return spec(
      Object.assign(
        {
          // A correction starts from the corrected record's fields.
          beginCorrection: function (correction) {
            this.draftId = store.uuid();
            this.takeCorrection({ record: correction.record, reason: correction.reason });
            this.data = this.fromRecord(plain(correction.record.record));
          },
          fromRecord: function (record) {
            return Object.assign(this.start(), record);
          },
          measureName: function () {
            return this.msg("title");
          },
          records: function (endedAt) {
            var recordedAt = endedAt.toISOString();
            var student = this.student.id;
            var correction = this.correctionFields();
            return this.logRecords().map(function (record) {
              return Object.assign({ kind: kind, student_id: student, recorded_at: recordedAt }, record, correction);
            });
          },
          notFuture: function (iso, errors, field) {
            if (iso && new Date(iso).getTime() > nowMs() + FUTURE_TOLERANCE_MS) errors[field] = this.msg("future");
          },
        },
        own
      )
    );
  }

  // ABC incident
  var abcIncident = logSheet("abc_incident", {
    // Opened from a measure of method "abc": the incident names it (data.measure_id); the framework
    // files the draft under "abc_incident" (sheets.js, sheetKind).
    start: function () {
      var behaviors = this.behaviors();
      var fromMeasure = this.measure && this.measure.method === "abc" ? this.measure.id : null;
      return {
        measure_id: fromMeasure,
        occurred_at: localInput(store.now()),
        setting: "",
        target_behavior_id: behaviors.length === 1 ? behaviors[0].id : "",
        antecedent_codes: [],
        behavior_codes: [],
        consequence_codes: [],
        antecedent_text: "",
        behavior_text: "",
        consequence_text: "",
        intensity: null,
        duration_minutes: "",
        duration_seconds: "",
      };
    },
    fromRecord: function (record) {
      var data = Object.assign(this.start(), record);
      data.occurred_at = record.occurred_at ? localInput(new Date(record.occurred_at)) : data.occurred_at;
      data.target_behavior_id = record.target_behavior_id || "";
      var seconds = record.duration_seconds;
      data.duration_minutes = seconds === null || seconds === undefined ? "" : Math.floor(seconds / 60);
      data.duration_seconds = seconds === null || seconds === undefined ? "" : seconds % 60;
      return data;
    },
    behaviors: function () {
      return (this.student && this.student.target_behaviors) || [];
    },
    severalBehaviors: function () {
      return this.behaviors().length > 1;
    },
    options: function (category) {
      var all = (this.student && this.student.abc_options) || {};
      var chosen = this.data[category + "_codes"];
      return (all[category] || []).map(function (option) {
        var on = chosen.indexOf(option.id) >= 0;
        return { id: option.id, label: option.label, pressed: on ? "true" : "false", css: "chip" + (on ? " on" : "") };
      });
    },
    hasOptions: function (category) {
      return this.options(category).length > 0;
    },
    toggle: function (category, id) {
      var codes = this.data[category + "_codes"];
      var at = codes.indexOf(id);
      if (at >= 0) codes.splice(at, 1);
      else codes.push(id);
      return this.changed();
    },
    intensities: function () {
      var chosen = this.data.intensity;
      return [1, 2, 3, 4, 5].map(function (n) {
        return { value: n, pressed: chosen === n ? "true" : "false", css: "button intensity" + (chosen === n ? " chosen" : "") };
      });
    },
    setIntensity: function (n) {
      this.data.intensity = this.data.intensity === n ? null : n;
      return this.changed();
    },
    durationSeconds: function () {
      var m = wholeNumber(this.data.duration_minutes);
      var s = wholeNumber(this.data.duration_seconds);
      if (m === null && s === null) return null;
      return (m || 0) * 60 + (s || 0);
    },
    check: function () {
      var errors = {};
      var at = isoFromLocal(this.data.occurred_at);
      if (!at) errors.occurred_at = this.msg("timeRequired");
      this.notFuture(at, errors, "occurred_at");
      if (!this.data.behavior_codes.length && !this.data.behavior_text.trim()) errors.behavior = this.msg("behaviorRequired");
      var m = wholeNumber(this.data.duration_minutes);
      var s = wholeNumber(this.data.duration_seconds);
      if (isNaN(m) || isNaN(s) || m < 0 || s < 0 || s > 59) errors.duration = this.msg("durationInvalid");
      if (this.data.setting.length > 100) errors.setting = this.msg("tooLong");
      return errors;
    },
    logRecords: function () {
      var d = this.data;
      return [
        {
          id: this.draftId,
          occurred_at: isoFromLocal(d.occurred_at),
          setting: d.setting.trim(),
          target_behavior_id: d.target_behavior_id || null,
          measure_id: d.measure_id || null,
          antecedent_codes: d.antecedent_codes.slice(),
          behavior_codes: d.behavior_codes.slice(),
          consequence_codes: d.consequence_codes.slice(),
          antecedent_text: d.antecedent_text.trim(),
          behavior_text: d.behavior_text.trim(),
          consequence_text: d.consequence_text.trim(),
          intensity: d.intensity,
          duration_seconds: this.durationSeconds(),
        },
      ];
    },
  });

  // Accommodations delivered: one record per accommodation marked, all for the same class or period.
  var accommodationDelivery = logSheet("accommodation_delivery", {
    start: function () {
      var rows = {};
      this.accommodations().forEach(function (a) {
        rows[a.id] = { status: "", note: "", record_id: store.uuid() };
      });
      return { date: today(), class_name: "", rows: rows };
    },
    fromRecord: function (record) {
      var data = this.start();
      data.date = record.date;
      data.class_name = record.class_name || "";
      data.rows = {};
      data.rows[record.accommodation_id] = { status: record.status, note: record.note || "", record_id: this.draftId };
      data.only = record.accommodation_id;
      return data;
    },
    accommodations: function () {
      var only = this.data && this.data.only;
      return ((this.student && this.student.accommodations) || []).filter(function (a) {
        return a.log_delivery && (!only || a.id === only);
      });
    },
    hasAccommodations: function () {
      return this.accommodations().length > 0;
    },
    noAccommodations: function () {
      return !this.hasAccommodations();
    },
    items: function () {
      var rows = this.data.rows;
      return this.accommodations().map(function (a) {
        var row = rows[a.id] || { status: "", note: "" };
        return { id: a.id, wording: a.wording, status: row.status, noteId: "acc-note-" + a.id, groupId: "acc-" + a.id };
      });
    },
    row: function (id) {
      if (!this.data.rows[id]) this.data.rows[id] = { status: "", note: "", record_id: store.uuid() };
      return this.data.rows[id];
    },
    setStatus: function (id, status) {
      this.row(id).status = status;
      return this.changed();
    },
    setNote: function (id, event) {
      this.row(id).note = event.target.value;
      return this.changed();
    },
    noteOf: function (id) {
      var row = this.data.rows[id];
      return row ? row.note : "";
    },
    marked: function () {
      var rows = this.data.rows;
      return this.accommodations().filter(function (a) { return rows[a.id] && rows[a.id].status; });
    },
    check: function () {
      var errors = {};
      if (!this.marked().length) errors.rows = this.msg("noneMarked");
      if (this.data.class_name.length > 200) errors.class_name = this.msg("tooLong");
      return errors;
    },
    logRecords: function () {
      var d = this.data;
      return this.marked().map(function (a) {
        var row = d.rows[a.id];
        return {
          id: row.record_id,
          accommodation_id: a.id,
          date: d.date,
          class_name: d.class_name.trim(),
          status: row.status,
          note: row.note.trim(),
        };
      });
    },
  });

  // Service minutes
  var serviceLog = logSheet("service_log", {
    start: function () {
      var services = this.services();
      var only = services.length === 1 ? services[0] : null;
      return {
        service_id: only ? only.id : "",
        date: today(),
        status: "delivered",
        minutes: only ? only.minutes : "",
        missed_reason: "",
        note: "",
      };
    },
    fromRecord: function (record) {
      return Object.assign(this.start(), record);
    },
    services: function () {
      return (this.student && this.student.services) || [];
    },
    severalServices: function () {
      return this.services().length > 1;
    },
    oneService: function () {
      return this.services().length === 1;
    },
    onlyServiceName: function () {
      var services = this.services();
      return services.length ? services[0].name : "";
    },
    chooseService: function () {
      var id = this.data.service_id;
      var service = this.services().filter(function (s) { return s.id === id; })[0];
      if (service && this.data.minutes === "") this.data.minutes = service.minutes;
      return this.changed();
    },
    missed: function () {
      return this.data.status === "missed";
    },
    minutesLabel: function () {
      return this.msg(this.missed() ? "minutesMissed" : "minutesDelivered");
    },
    check: function () {
      var errors = {};
      if (!this.data.service_id) errors.service_id = this.msg("serviceRequired");
      if (!this.data.date) errors.date = this.msg("dateRequired");
      else if (this.data.date > today()) errors.date = this.msg("futureDate");
      var minutes = wholeNumber(this.data.minutes);
      if (minutes === null || isNaN(minutes) || minutes < 0 || minutes > MAX_MINUTES) {
        errors.minutes = fill(this.msg("minutesRange"), { max: MAX_MINUTES });
      } else if (!this.missed() && minutes < 1) {
        errors.minutes = this.msg("minutesDeliveredRequired");
      }
      if (this.missed() && !this.data.missed_reason) errors.missed_reason = this.msg("reasonRequired");
      return errors;
    },
    logRecords: function () {
      var d = this.data;
      return [
        {
          id: this.draftId,
          service_id: d.service_id,
          date: d.date,
          minutes: wholeNumber(d.minutes),
          status: d.status,
          missed_reason: this.missed() ? d.missed_reason : "",
          note: d.note.trim(),
        },
      ];
    },
  });

  // Personal care
  var careLog = logSheet("care_log", {
    start: function () {
      return { occurred_at: localInput(store.now()), care_kind: "", note: "" };
    },
    fromRecord: function (record) {
      return {
        occurred_at: record.occurred_at ? localInput(new Date(record.occurred_at)) : localInput(store.now()),
        care_kind: record.care_kind || "",
        note: record.note || "",
      };
    },
    check: function () {
      var errors = {};
      var at = isoFromLocal(this.data.occurred_at);
      if (!at) errors.occurred_at = this.msg("timeRequired");
      this.notFuture(at, errors, "occurred_at");
      if (!this.data.care_kind) errors.care_kind = this.msg("kindRequired");
      return errors;
    },
    logRecords: function () {
      var d = this.data;
      return [{ id: this.draftId, occurred_at: isoFromLocal(d.occurred_at), care_kind: d.care_kind, note: d.note.trim() }];
    },
  });

  // Note to the case manager
  var note = logSheet("note", {
    start: function () {
      return { text: "" };
    },
    fromRecord: function (record) {
      return { text: record.text || "" };
    },
    left: function () {
      return fill(this.msg("left"), { n: Math.max(0, 1000 - this.data.text.length) });
    },
    check: function () {
      return this.data.text.trim() ? {} : { text: this.msg("textRequired") };
    },
    logRecords: function () {
      return [{ id: this.draftId, text: this.data.text.trim() }];
    },
  });

  var more = {
    partial_interval: interval,
    whole_interval: interval,
    momentary: interval,
    rating: rating,
    permanent_product: permanentProduct,
    abc_incident: abcIncident,
    accommodation_delivery: accommodationDelivery,
    service_log: serviceLog,
    care_log: careLog,
    note: note,
  };
  sheet.specs = sheet.specs || {};
  Object.keys(more).forEach(function (kind) {
    sheet.specs[kind] = more[kind];
  });
  // For tests and the benchmark: the pure helpers behind the forms.
  sheet.more = { localInput: localInput, isoFromLocal: isoFromLocal, fill: fill };

  // sheets.js registers every spec in sheet.specs at alpine:init; registering here as well keeps
  // these sheets working whichever of the two files the page loads first.
  document.addEventListener("alpine:init", function () {
    Object.keys(more).forEach(function (kind) {
      window.Alpine.data("sheet_" + kind, function () {
        return sheet.component(kind, more[kind]);
      });
    });
  });
})();
