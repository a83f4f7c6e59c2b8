/*
 * Data sheets: the framework every sheet is built on (Paradesk.sheet, documented at the top of
 * store.js) and the sheets for trials, task analysis, count, rate, duration, latency and
 * inter-response time. sheets-more.js adds the other kinds on the same framework.
 *
 * Every tap changes the sheet's data (shown at once by Alpine) and writes the draft to IndexedDB;
 * "Done" turns the draft into a session and an observation in the outbox. Times inside facts are
 * seconds since the observation's start (paradesk/recording/methods.py).
 */
(function () {
  "use strict";

  var P = (window.Paradesk = window.Paradesk || {});
  var store = P.store;
  var sheet = (P.sheet = P.sheet || {});
  var MARKS_SHOWN = 30;
  var DEFAULT_LEVELS = ["independent", "gestural", "verbal", "model", "partial_physical", "full_physical"];

  sheet.current = null;
  sheet.lastSave = Promise.resolve();

  // Methods recorded on another kind's sheet: ABC data are incidents, not observations.
  var SHEET_OF_METHOD = { abc: "abc_incident" };

  function sheetKind(kind) {
    return SHEET_OF_METHOD[kind] || kind;
  }

  sheet.kindOf = sheetKind;

  function find(list, id) {
    return (list || []).filter(function (item) { return item.id === id; })[0] || null;
  }

  function plain(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function round(seconds) {
    return Math.round(seconds * 100) / 100;
  }

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var m = Math.floor(s / 60);
    return m + ":" + (s % 60 < 10 ? "0" : "") + (s % 60);
  }

  function text(key, fallback) {
    var labels = (P.today && P.today.labels) || {};
    return labels[key] || fallback;
  }

  sheet.clock = clock;
  sheet.text = text;

  sheet.open = function (studentId, measureId, kind, options) {
    var data = (P.today && P.today.data) || { students: [] };
    var student = find(data.students, studentId);
    var measure = student && measureId ? find(student.measures, measureId) : null;
    options = options || {};
    sheet.current = {
      student: student,
      measure: measure,
      kind: kind || sheetKind(measure && measure.method),
      draft: options.draft || null,
      correction: options.correction || null,
    };
    window.dispatchEvent(new CustomEvent("paradesk:sheet-open", { detail: sheet.current }));
  };

  sheet.close = function () {
    sheet.current = null;
    window.dispatchEvent(new CustomEvent("paradesk:sheet-close"));
  };

  sheet.correction = function () {
    var c = sheet.current && sheet.current.correction;
    return c ? { corrects: c.record.id, correction_reason: c.reason } : {};
  };

  // What every sheet shares; a sheet's own spec (start, facts, restore and its tap methods) is
  // merged over it.
  var base = {
    student: null,
    measure: null,
    draftId: "",
    sessionId: "",
    startedAt: "",
    data: null,
    correcting: false,
    correctionReason: "",
    fixedSeconds: null,
    tick: 0,
    finishing: false,
    _timer: null,

    init: function () {
      var c = sheet.current || {};
      this.student = c.student;
      this.measure = c.measure;
      if (c.draft) this.resume(c.draft);
      else if (c.correction) this.beginCorrection(c.correction);
      else this.begin();
      var self = this;
      this._timer = setInterval(function () { self.tick += 1; }, 1000);
      this.save();
    },

    destroy: function () {
      clearInterval(this._timer);
    },

    begin: function () {
      this.draftId = store.uuid();
      this.sessionId = store.uuid();
      this.startedAt = store.now().toISOString();
      this.data = this.start();
    },

    resume: function (draft) {
      this.draftId = draft.id;
      this.sessionId = draft.session_id;
      this.startedAt = draft.started_at;
      this.data = this.resumed(draft.data);
      if (draft.correction) this.takeCorrection(draft.correction);
    },

    beginCorrection: function (correction) {
      this.draftId = store.uuid();
      this.takeCorrection({ record: correction.record, reason: correction.reason });
      this.sessionId = correction.record.record.session_id || store.uuid();
      this.data = this.restore(plain(correction.record.record.facts || {}));
    },

    takeCorrection: function (correction) {
      var original = correction.record.record;
      this.correcting = true;
      this.correctionReason = correction.reason;
      this.correctionOf = correction.record;
      this.startedAt = original.started_at;
      // The corrected facts keep the original observation's stretch of time.
      this.fixedSeconds = (new Date(original.ended_at) - new Date(original.started_at)) / 1000;
    },

    // Seconds since the observation began, the unit of every time inside facts.
    seconds: function () {
      var elapsed = (store.now() - new Date(this.startedAt)) / 1000;
      return round(this.fixedSeconds === null ? elapsed : Math.min(elapsed, this.fixedSeconds));
    },

    elapsed: function () {
      void this.tick;
      return clock(this.seconds());
    },

    save: function () {
      var draft = {
        id: this.draftId,
        kind: sheetKind(this.measure ? this.measure.method : sheet.current && sheet.current.kind),
        student_id: this.student && this.student.id,
        measure_id: this.measure && this.measure.id,
        session_id: this.sessionId,
        started_at: this.startedAt,
        data: plain(this.data),
        correction: this.correcting
          ? { record: plain(this.correctionOf), reason: this.correctionReason }
          : null,
      };
      sheet.lastSave = store.saveDraft(draft);
      return sheet.lastSave;
    },

    studentName: function () {
      return this.student ? this.student.name : "";
    },

    measureName: function () {
      return this.measure ? this.measure.name : "";
    },

    goalText: function () {
      return this.measure ? this.measure.goal_text : "";
    },

    snapshot: function () {
      return (this.student && this.student.snapshot) || {};
    },

    directions: function () {
      var measure = this.measure;
      if (!measure || !this.student) return [];
      return (this.student.directions || []).filter(function (d) {
        return d.measure_id === measure.id || (!d.measure_id && d.goal_id && d.goal_id === measure.goal_id);
      });
    },

    hasDirections: function () {
      return this.directions().length > 0;
    },

    levels: function () {
      var levels = this.measure && this.measure.prompt_hierarchy;
      return levels && levels.length ? levels : DEFAULT_LEVELS;
    },

    levelLabel: function (level) {
      var labels = (P.today && P.today.levels) || {};
      return labels[level] || String(level).replace(/_/g, " ");
    },

    records: function (endedAt) {
      var end = endedAt.toISOString();
      var observed = (endedAt - new Date(this.startedAt)) / 1000;
      // Plain copies: Alpine's reactive proxies cannot be stored in IndexedDB.
      var facts = plain(this.facts(this.fixedSeconds === null ? round(observed) : this.fixedSeconds));
      var studentId = this.student.id;
      if (this.correcting) {
        var original = this.correctionOf.record;
        return [Object.assign({
          kind: "observation", id: this.draftId, student_id: studentId, session_id: original.session_id,
          measure_id: original.measure_id, started_at: original.started_at, ended_at: original.ended_at,
          facts: facts, recorded_at: end,
        }, { corrects: this.correctionOf.id, correction_reason: this.correctionReason })];
      }
      return [
        { kind: "session", id: this.sessionId, student_id: studentId, started_at: this.startedAt,
          ended_at: end, setting: "", recorded_at: end },
        { kind: "observation", id: this.draftId, student_id: studentId, session_id: this.sessionId,
          measure_id: this.measure.id, started_at: this.startedAt, ended_at: end, facts: facts,
          recorded_at: end },
      ];
    },

    done: async function () {
      if (this.finishing || !this.canFinish()) return;
      this.finishing = true;
      await sheet.lastSave;
      try {
        await store.queue(this.records(store.now()));
        await store.discardDraft(this.draftId);
      } finally {
        this.finishing = false;
      }
      sheet.close();
    },

    // The draft stays: the sheet is listed as unfinished on the Today page and can be resumed.
    later: function () {
      sheet.close();
    },

    discard: async function () {
      if (!window.confirm(text("discard_confirm", "Throw away this unfinished sheet?"))) return;
      await store.discardDraft(this.draftId);
      sheet.close();
    },

    // The defaults a sheet overrides.
    canFinish: function () { return true; },
    resumed: function (data) { return data; },
    start: function () { return {}; },
    facts: function () { return {}; },
    restore: function (facts) { return facts; },
  };

  sheet.component = function (kind, spec) {
    var component = { kind: kind };
    Object.keys(base).forEach(function (key) { component[key] = base[key]; });
    Object.keys(spec || {}).forEach(function (key) { component[key] = spec[key]; });
    return component;
  };

  // Trials --------------------------------------------------------------------------------------

  var trials = {
    chosenLevel: "",
    start: function () { return { trials: [] }; },
    restore: function (facts) { return { trials: facts.trials || [] }; },
    facts: function () { return { trials: this.data.trials }; },
    firstLevel: function () { return this.levels()[0]; },
    levelNow: function () { return this.chosenLevel || this.firstLevel(); },
    isChosen: function (level) { return this.levelNow() === level; },
    levelClass: function (level) { return this.isChosen(level) ? "is-chosen" : ""; },
    lastLevelClass: function (level) { return this.isLastLevel(level) ? "is-chosen" : ""; },
    markClass: function (t) { return "mark mark-" + t.response; },
    chooseLevel: function (level) { this.chosenLevel = level; },
    score: function (response) {
      this.data.trials.push({ response: response, prompt: this.levelNow() });
      this.chosenLevel = "";
      return this.save();
    },
    correct: function () { return this.score("correct"); },
    incorrect: function () { return this.score("incorrect"); },
    noResponse: function () { return this.score("no_response"); },
    // Response first, then the level: the level is changed on the trial just scored.
    setLastLevel: function (level) {
      var last = this.data.trials[this.data.trials.length - 1];
      if (!last) return;
      last.prompt = level;
      return this.save();
    },
    undo: function () {
      this.data.trials.pop();
      return this.save();
    },
    count: function () { return this.data.trials.length; },
    correctCount: function () {
      return this.data.trials.filter(function (t) { return t.response === "correct"; }).length;
    },
    // The session value the server stores (docs/measurement.md): correct trials at or below the
    // goal's support level; with none set, every correct trial.
    countsToward: function (t) {
      if (t.response !== "correct") return false;
      var levels = this.levels();
      var goal = this.measure && this.measure.goal_support_level;
      if (!goal || levels.indexOf(goal) < 0) return true;
      return levels.indexOf(t.prompt) >= 0 && levels.indexOf(t.prompt) <= levels.indexOf(goal);
    },
    successCount: function () {
      var self = this;
      return this.data.trials.filter(function (t) { return self.countsToward(t); }).length;
    },
    figureName: function () { return (this.measure && this.measure.figure) || text("percent_correct", "% correct"); },
    percent: function () {
      var n = this.count();
      return n ? Math.round((100 * this.successCount()) / n) + "%" : "–";
    },
    anyPromptDiffers: function () { return this.successCount() !== this.correctCount(); },
    percentAnyPrompt: function () {
      var n = this.count();
      return n ? Math.round((100 * this.correctCount()) / n) + "%" : "–";
    },
    planned: function () { return (this.measure && this.measure.trials_per_session) || 0; },
    progress: function () {
      var planned = this.planned();
      return planned ? this.count() + " / " + planned : String(this.count());
    },
    hasLast: function () { return this.data.trials.length > 0; },
    lastLevel: function () {
      var last = this.data.trials[this.data.trials.length - 1];
      return last ? last.prompt : "";
    },
    isLastLevel: function (level) { return this.lastLevel() === level; },
    lastText: function () {
      var last = this.data.trials[this.data.trials.length - 1];
      if (!last) return "";
      return text(last.response, last.response) + " · " + this.levelLabel(last.prompt);
    },
    // The latest trials only: the tally counts them all, and a long strip would cost every tap time.
    marks: function () {
      var from = Math.max(0, this.data.trials.length - MARKS_SHOWN);
      return this.data.trials.slice(from).map(function (t, i) {
        return { n: from + i + 1, mark: t.response === "correct" ? "+" : t.response === "incorrect" ? "−" : "0",
                 response: t.response };
      });
    },
  };

  // Task analysis ------------------------------------------------------------------------------------

  var taskAnalysis = {
    steps: function () { return (this.measure && this.measure.task_steps) || []; },
    start: function () {
      return { steps: this.steps().map(function () { return ""; }) };
    },
    restore: function (facts) { return { steps: (facts.steps || []).slice() }; },
    facts: function () {
      return { steps: this.data.steps.map(function (s) { return s || "not_done"; }) };
    },
    rows: function () {
      var scored = this.data.steps;
      return this.steps().map(function (step, i) {
        return { index: i, n: i + 1, text: typeof step === "string" ? step : step.text || String(step),
                 level: scored[i] || "" };
      });
    },
    scoreStep: function (index, level) {
      this.data.steps[index] = this.data.steps[index] === level ? "" : level;
      return this.save();
    },
    isScored: function (index, level) { return this.data.steps[index] === level; },
    stepClass: function (index, level) { return this.isScored(index, level) ? "is-chosen" : ""; },
    scoredCount: function () { return this.data.steps.filter(function (s) { return s; }).length; },
    independentCount: function () {
      var first = this.levels()[0];
      return this.data.steps.filter(function (s) { return s === first; }).length;
    },
    // The stored value (docs/measurement.md): steps at or below the goal's support level, of all steps.
    withinSupport: function (level) {
      var levels = this.levels();
      var goal = this.measure && this.measure.goal_support_level;
      var limit = goal && levels.indexOf(goal) >= 0 ? levels.indexOf(goal) : 0;
      return levels.indexOf(level) >= 0 && levels.indexOf(level) <= limit;
    },
    successCount: function () {
      var self = this;
      return this.data.steps.filter(function (s) { return self.withinSupport(s); }).length;
    },
    figureName: function () { return (this.measure && this.measure.figure) || text("percent_steps", "% of steps independent"); },
    percent: function () {
      var n = this.steps().length;
      return n ? Math.round((100 * this.successCount()) / n) + "%" : "–";
    },
    progress: function () { return this.scoredCount() + " / " + this.steps().length; },
    unscored: function () { return this.scoredCount() < this.steps().length; },
  };

  // The observer's stopwatch (count, rate, irt, duration) -----------------------------------------
  // Start, Pause and Stop mark the stretches the observer timed (facts.timed): the observed time is
  // their sum, not the time the sheet was open (reading the directions is not observing). Taps count
  // only while it runs. A correction of a record made before the stopwatch keeps its whole span.

  var stopwatch = {
    withTiming: function (data, facts) {
      var timed = facts && facts.timed;
      if (!timed && facts && this.fixedSeconds !== null) timed = [[0, this.fixedSeconds]];
      data.timed = (timed || []).map(function (w) { return [w[0], w[1]]; });
      data.running_since = null;
      data.stopped = data.timed.length > 0;
      return data;
    },
    windows: function () {
      if (!this.data.timed) this.data.timed = [];
      return this.data.timed;
    },
    // A draft begun before the sheets had a stopwatch timed everything from its opening: it keeps
    // that, so its taps stay inside the observed time.
    resumed: function (data) {
      if (data.timed === undefined) {
        data.timed = [[0, round(Math.max(0, (store.now() - new Date(this.startedAt)) / 1000))]];
        data.running_since = null;
        data.stopped = true;
      }
      return data;
    },
    runningSince: function () {
      return this.data.running_since === undefined ? null : this.data.running_since;
    },
    timing: function (observed) {
      var windows = this.windows().slice();
      var since = this.runningSince();
      if (since !== null) windows.push([since, Math.max(since, observed)]);
      return windows;
    },
    isRunning: function () { return this.runningSince() !== null; },
    notRunning: function () { return this.runningSince() === null; },
    neverTimed: function () { return this.windows().length === 0 && this.notRunning(); },
    isPaused: function () { return this.windows().length > 0 && this.notRunning() && !this.data.stopped; },
    isStopped: function () { return this.notRunning() && !!this.data.stopped; },
    canFinish: function () { return !this.neverTimed(); },
    startTiming: function () {
      if (this.isRunning()) return;
      this.data.running_since = this.seconds();
      this.data.stopped = false;
      return this.save();
    },
    pauseTiming: function () {
      var since = this.runningSince();
      if (since === null) return;
      var now = this.seconds();
      this.beforePause(now);
      this.windows().push([since, Math.max(now, since)]);
      this.data.running_since = null;
      return this.save();
    },
    stopTiming: function () {
      this.data.stopped = true;
      return this.pauseTiming() || this.save();
    },
    beforePause: function () {},
    timedSeconds: function () {
      void this.tick;
      var total = this.windows().reduce(function (sum, w) { return sum + (w[1] - w[0]); }, 0);
      var since = this.runningSince();
      if (since !== null) total += Math.max(0, this.seconds() - since);
      return total;
    },
    timedClock: function () { return clock(this.timedSeconds()); },
    // Where a moment falls on the stopwatch: the gaps of inter-response times leave pauses out.
    onStopwatch: function (moment) {
      return this.timing(this.seconds()).reduce(function (sum, w) {
        return sum + Math.max(0, Math.min(moment, w[1]) - w[0]);
      }, 0);
    },
  };

  // A time in the unit the measure declares, as the sheet shows it ("2.3 min", "45 s").
  function inUnit(measure, seconds) {
    if (measure && measure.unit === "minutes") return (Math.round((seconds / 60) * 100) / 100) + " " + text("unit_min", "min");
    return round(seconds) + " " + text("unit_s", "s");
  }

  sheet.inUnit = inUnit;

  // Count, rate, irt ------------------------------------------------------------------------------

  var count = Object.assign({}, stopwatch, {
    start: function () { return this.withTiming({ events: [] }, null); },
    restore: function (facts) { return this.withTiming({ events: facts.events || [] }, facts); },
    facts: function (observed) { return { events: this.data.events, timed: this.timing(observed) }; },
    tap: function () {
      if (this.notRunning()) return;
      this.data.events.push(this.seconds());
      return this.save();
    },
    undo: function () {
      this.data.events.pop();
      return this.save();
    },
    total: function () { return this.data.events.length; },
    timesWord: function () {
      return this.data.events.length === 1 ? text("time_one", "time") : text("time_other", "times");
    },
    hasEvents: function () { return this.data.events.length > 0; },
    lastStamp: function () {
      var events = this.data.events;
      return events.length ? clock(this.onStopwatch(events[events.length - 1])) : "";
    },
  });

  var rate = Object.assign({}, count, {
    start: function () { return this.withTiming({ events: [], incorrect_events: [], taps: [] }, null); },
    restore: function (facts) {
      return this.withTiming(
        { events: facts.events || [], incorrect_events: facts.incorrect_events || [], taps: [] }, facts);
    },
    facts: function (observed) {
      return { events: this.data.events, incorrect_events: this.data.incorrect_events, timed: this.timing(observed) };
    },
    tap: function () { return this.tapCorrect(); },
    tapCorrect: function () {
      if (this.notRunning()) return;
      this.data.events.push(this.seconds());
      this.data.taps.push("events");
      return this.save();
    },
    tapIncorrect: function () {
      if (this.notRunning()) return;
      this.data.incorrect_events.push(this.seconds());
      this.data.taps.push("incorrect_events");
      return this.save();
    },
    undo: function () {
      var which = this.data.taps.pop();
      if (which) this.data[which].pop();
      return this.save();
    },
    hasEvents: function () { return this.data.taps.length > 0; },
    incorrectTotal: function () { return this.data.incorrect_events.length; },
    // The rate the server will store: per minute of timed time, or per hour when declared so.
    perMinute: function (n) {
      var minutes = this.timedSeconds() / 60;
      var factor = this.measure && this.measure.unit === "per_hour" ? 60 : 1;
      return minutes > 0 ? ((factor * n) / minutes).toFixed(1) : "0.0";
    },
    rateWord: function (which) {
      var hour = this.measure && this.measure.unit === "per_hour";
      return text(which + (hour ? "_per_hour" : "_per_minute"), which);
    },
    correctRate: function () { return this.perMinute(this.data.events.length); },
    incorrectRate: function () { return this.perMinute(this.data.incorrect_events.length); },
  });

  var irt = Object.assign({}, count, {
    gaps: function () {
      var self = this;
      var e = this.data.events.map(function (t) { return self.onStopwatch(t); });
      e.sort(function (a, b) { return a - b; });
      return e.slice(1).map(function (t, i) { return t - e[i]; });
    },
    lastGap: function () {
      var g = this.gaps();
      return g.length ? inUnit(this.measure, g[g.length - 1]) : "–";
    },
    meanGap: function () {
      var g = this.gaps();
      if (!g.length) return "–";
      return inUnit(this.measure, g.reduce(function (a, b) { return a + b; }, 0) / g.length);
    },
  });

  // Duration ---------------------------------------------------------------------------------------

  var duration = Object.assign({}, stopwatch, {
    start: function () { return this.withTiming({ episodes: [], onset: null }, null); },
    restore: function (facts) { return this.withTiming({ episodes: facts.episodes || [], onset: null }, facts); },
    facts: function (observed) {
      var episodes = this.data.episodes.slice();
      if (this.data.onset !== null) episodes.push([this.data.onset, Math.max(this.data.onset, observed)]);
      return { episodes: episodes, timed: this.timing(observed) };
    },
    // An episode going on when the observer pauses ends there: unobserved time is not its time.
    beforePause: function (now) {
      if (this.data.onset === null) return;
      this.data.episodes.push([this.data.onset, Math.max(now, this.data.onset)]);
      this.data.onset = null;
    },
    running: function () { return this.data.onset !== null; },
    stopped: function () { return this.data.onset === null; },
    toggle: function () {
      var t = this.seconds();
      if (this.data.onset === null && this.notRunning()) return;
      if (this.data.onset === null) this.data.onset = t;
      else {
        this.data.episodes.push([this.data.onset, Math.max(t, this.data.onset)]);
        this.data.onset = null;
      }
      return this.save();
    },
    undo: function () {
      if (this.data.onset !== null) this.data.onset = null;
      else this.data.episodes.pop();
      return this.save();
    },
    hasEpisodes: function () { return this.data.episodes.length > 0 || this.data.onset !== null; },
    episodeCount: function () { return this.data.episodes.length + (this.data.onset !== null ? 1 : 0); },
    totalSeconds: function () {
      void this.tick;
      var total = this.data.episodes.reduce(function (sum, e) { return sum + (e[1] - e[0]); }, 0);
      if (this.data.onset !== null) total += Math.max(0, this.seconds() - this.data.onset);
      return total;
    },
    total: function () { return clock(this.totalSeconds()); },
    current: function () {
      void this.tick;
      return this.data.onset === null ? "" : clock(this.seconds() - this.data.onset);
    },
  });

  // Latency -------------------------------------------------------------------------------------------

  var latency = {
    start: function () { return { trials: [], cue: null }; },
    restore: function (facts) { return { trials: facts.trials || [], cue: null }; },
    facts: function () {
      var trials = this.data.trials.slice();
      if (this.data.cue !== null) trials.push([this.data.cue, null]);
      return { trials: trials };
    },
    waiting: function () { return this.data.cue !== null; },
    notWaiting: function () { return this.data.cue === null; },
    cue: function () {
      if (this.data.cue !== null) this.data.trials.push([this.data.cue, null]);
      this.data.cue = this.seconds();
      return this.save();
    },
    respond: function () {
      if (this.data.cue === null) return;
      this.data.trials.push([this.data.cue, Math.max(this.seconds(), this.data.cue)]);
      this.data.cue = null;
      return this.save();
    },
    noResponse: function () {
      if (this.data.cue === null) return;
      this.data.trials.push([this.data.cue, null]);
      this.data.cue = null;
      return this.save();
    },
    undo: function () {
      if (this.data.cue !== null) this.data.cue = null;
      else this.data.trials.pop();
      return this.save();
    },
    hasTrials: function () { return this.data.trials.length > 0 || this.data.cue !== null; },
    trialCount: function () { return this.data.trials.length; },
    sinceCue: function () {
      void this.tick;
      return this.data.cue === null ? "" : clock(this.seconds() - this.data.cue);
    },
    lastLatency: function () {
      var last = this.data.trials[this.data.trials.length - 1];
      if (!last) return "–";
      return last[1] === null ? text("no_response", "No response") : inUnit(this.measure, last[1] - last[0]);
    },
  };

  sheet.specs = {
    trials: trials,
    task_analysis: taskAnalysis,
    count: count,
    rate: rate,
    duration: duration,
    latency: latency,
    irt: irt,
  };

  document.addEventListener("alpine:init", function () {
    Object.keys(sheet.specs).forEach(function (kind) {
      window.Alpine.data("sheet_" + kind, function () {
        return sheet.component(kind, sheet.specs[kind]);
      });
    });
  });
})();
