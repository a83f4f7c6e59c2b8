/* Paradesk interval timer: when each interval of a partial-interval, whole-interval or momentary
 * time-sampling session ends, and which one is running.
 *
 * Pure: no DOM, no timers of its own. Every answer is computed from the start time, the pauses and
 * the clock's reading, never by counting ticks, so it cannot drift and is right again the moment a
 * phone wakes or a background tab comes back. The clock is injected (`{now: () => Date | number}`)
 * so tests drive it. The state is plain data, so a sheet can keep it in its draft and pick up after
 * a reload.
 */
(function (root) {
  "use strict";

  function millis(reading) {
    return typeof reading === "number" ? reading : reading.getTime();
  }

  /** A fresh, not yet started timer state. */
  function create(intervalSeconds, intervalCount) {
    if (!(intervalSeconds > 0) || !(intervalCount >= 1)) {
      throw new RangeError("interval timer needs interval_seconds > 0 and interval_count >= 1");
    }
    return {
      intervalSeconds: intervalSeconds,
      intervalCount: Math.floor(intervalCount),
      startedAt: null, // ms since the epoch, device clock
      pausedAt: null, // ms, while paused
      pausedMs: 0, // total paused time before pausedAt
    };
  }

  function intervalMs(state) {
    return state.intervalSeconds * 1000;
  }

  /** Milliseconds of running (not paused) time since the start. */
  function elapsedMs(state, nowMs) {
    if (state.startedAt === null) return 0;
    var until = state.pausedAt === null ? nowMs : state.pausedAt;
    return Math.max(0, until - state.startedAt - state.pausedMs);
  }

  /** Running time (ms since the start, pauses left out) at which interval i (0-based) ends. */
  function intervalEndsAt(state, index) {
    return (index + 1) * intervalMs(state);
  }

  /** How many intervals have ended: interval i has ended once elapsed >= (i + 1) x length. */
  function endedCount(state, nowMs) {
    var ended = Math.floor(elapsedMs(state, nowMs) / intervalMs(state));
    return Math.min(state.intervalCount, ended);
  }

  function isFinished(state, nowMs) {
    return endedCount(state, nowMs) >= state.intervalCount;
  }

  /** The interval now running (0-based), or null before the start and after the last one ends. */
  function currentIndex(state, nowMs) {
    if (state.startedAt === null || isFinished(state, nowMs)) return null;
    return endedCount(state, nowMs);
  }

  /** Wall-clock ms until the running interval ends; null when not running. */
  function msUntilNextEnd(state, nowMs) {
    var index = currentIndex(state, nowMs);
    if (index === null || state.pausedAt !== null) return null;
    return intervalEndsAt(state, index) - elapsedMs(state, nowMs);
  }

  /** Seconds left in the running interval, rounded up (what a person reads on the countdown). */
  function secondsLeft(state, nowMs) {
    var index = currentIndex(state, nowMs);
    if (index === null) return 0;
    return Math.ceil((intervalEndsAt(state, index) - elapsedMs(state, nowMs)) / 1000);
  }

  function start(state, nowMs) {
    state.startedAt = nowMs;
    state.pausedAt = null;
    state.pausedMs = 0;
    return state;
  }

  function pause(state, nowMs) {
    if (state.startedAt !== null && state.pausedAt === null) state.pausedAt = nowMs;
    return state;
  }

  function resume(state, nowMs) {
    if (state.pausedAt !== null) {
      state.pausedMs += Math.max(0, nowMs - state.pausedAt);
      state.pausedAt = null;
    }
    return state;
  }

  /** The intervals (0-based) that ended since `knownEnded` had ended: each deserves one cue. */
  function endedSince(state, knownEnded, nowMs) {
    var ended = endedCount(state, nowMs);
    var fresh = [];
    for (var i = knownEnded; i < ended; i++) fresh.push(i);
    return fresh;
  }

  /** A timer bound to a clock: the same answers, read at the clock's current time. */
  function IntervalTimer(options) {
    this.clock = options.clock || { now: Date.now };
    this.state = options.state || create(options.intervalSeconds, options.intervalCount);
    this.cued = endedCount(this.state, this.nowMs());
  }
  IntervalTimer.prototype = {
    nowMs: function () {
      return millis(this.clock.now());
    },
    start: function () {
      start(this.state, this.nowMs());
      this.cued = 0;
      return this;
    },
    pause: function () {
      pause(this.state, this.nowMs());
      return this;
    },
    resume: function () {
      resume(this.state, this.nowMs());
      return this;
    },
    get started() {
      return this.state.startedAt !== null;
    },
    get paused() {
      return this.state.pausedAt !== null;
    },
    elapsedMs: function () {
      return elapsedMs(this.state, this.nowMs());
    },
    endedCount: function () {
      return endedCount(this.state, this.nowMs());
    },
    currentIndex: function () {
      return currentIndex(this.state, this.nowMs());
    },
    finished: function () {
      return isFinished(this.state, this.nowMs());
    },
    msUntilNextEnd: function () {
      return msUntilNextEnd(this.state, this.nowMs());
    },
    secondsLeft: function () {
      return secondsLeft(this.state, this.nowMs());
    },
    /** The intervals that ended since the last poll (each cued once), in order. */
    poll: function () {
      var fresh = endedSince(this.state, this.cued, this.nowMs());
      this.cued += fresh.length;
      return fresh;
    },
  };

  var api = {
    create: create,
    start: start,
    pause: pause,
    resume: resume,
    elapsedMs: elapsedMs,
    intervalEndsAt: intervalEndsAt,
    endedCount: endedCount,
    isFinished: isFinished,
    currentIndex: currentIndex,
    msUntilNextEnd: msUntilNextEnd,
    secondsLeft: secondsLeft,
    endedSince: endedSince,
    IntervalTimer: IntervalTimer,
  };
  root.Paradesk = root.Paradesk || {};
  root.Paradesk.intervalTimer = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
