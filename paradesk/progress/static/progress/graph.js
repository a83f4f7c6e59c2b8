/*
 * A measure's progress graph, drawn with uPlot from the JSON the page carries
 * (progress.graphs.graph_data, in a json_script element named by data-graph).
 *
 * x values in the JSON are day numbers (Python's date.toordinal()); uPlot gets seconds at midnight
 * UTC of that day and shows every date in UTC, so a session's day never shifts with the reader's
 * time zone. Lines made of two ends (baseline, aimline, trend) sit on the same x array as the
 * sessions: where a series has no value it is `undefined`, which uPlot passes over and joins
 * across; `null` is a real gap and breaks the data path at each phase line.
 * Phase-change lines and their labels are drawn by a plugin after the series.
 */
(function () {
  "use strict";

  var EPOCH_ORDINAL = 719163; // date(1970, 1, 1).toordinal()
  var DAY_SECONDS = 86400;
  // The same colors as the PDF graph (progress/graphs.py COLORS).
  var COLORS = {
    data: "#1b1f24",
    probe: "#6b4fa0",
    baseline: "#8a5300",
    aimline: "#0b5cad",
    trend: "#a4161a",
    mastery: "#1e6b35",
    phase: "#4a5360",
    independent: "#1e6b35",
    prompt: "#8a5300",
  };
  var LABEL_ROW_PX = 16;
  var NAMED_LEVELS_MIN_WIDTH = 560;

  function seconds(day) {
    return (day - EPOCH_ORDINAL) * DAY_SECONDS;
  }

  function language() {
    return document.documentElement.lang || "en";
  }

  /* The x values of everything drawn, in order, each once; and where each one sits. */
  function xAxisOf(data) {
    var found = {};
    function add(day) {
      if (day !== null && day !== undefined) found[day] = true;
    }
    data.sessions.forEach(function (row) { add(row.x); });
    data.phases.forEach(function (phase) { add(phase.line_x); });
    [data.baseline, data.aimline, data.trend].forEach(function (line) {
      if (line) { add(line.from.x); add(line.to.x); }
    });
    var days = Object.keys(found).map(Number).sort(function (a, b) { return a - b; });
    var index = {};
    days.forEach(function (day, i) { index[day] = i; });
    return { days: days, index: index };
  }

  function column(length) {
    return new Array(length).fill(undefined);
  }

  function sessionColumn(data, axis, pick, keep) {
    var values = column(axis.days.length);
    data.sessions.forEach(function (row) {
      if (keep(row)) values[axis.index[row.x]] = pick(row);
    });
    return values;
  }

  function lineColumn(axis, line) {
    var values = column(axis.days.length);
    if (line) {
      values[axis.index[line.from.x]] = line.from.value;
      values[axis.index[line.to.x]] = line.to.value;
    }
    return values;
  }

  /* The value of a two-ended line at the cursor, so hovering anywhere reads the line there (half a
   * day past either end still reads the end: a finger is not that precise). */
  function lineValueAt(u, line, format) {
    if (!line || u.cursor.left === undefined || u.cursor.left < 0) return "–";
    var day = u.posToVal(u.cursor.left, "x") / DAY_SECONDS + EPOCH_ORDINAL;
    if (day < line.from.x - 0.5 || day > line.to.x + 0.5) return "–";
    day = Math.min(line.to.x, Math.max(line.from.x, day));
    var share = (day - line.from.x) / (line.to.x - line.from.x || 1);
    return format(line.from.value + share * (line.to.value - line.from.value));
  }

  function build(data, width, view) {
    var lang = language();
    var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
    var dayFormat = new Intl.DateTimeFormat(lang, { month: "short", day: "numeric", timeZone: "UTC" });
    var words = data.labels;
    var axis = xAxisOf(data);
    var rowAt = column(axis.days.length);
    data.sessions.forEach(function (row) { rowAt[axis.index[row.x]] = row; });

    var sessionsPath = sessionColumn(data, axis, function (row) { return row.value; }, function (row) { return !row.probe; });
    data.phases.forEach(function (phase) {
      if (phase.line_x !== null) sessionsPath[axis.index[phase.line_x]] = null;
    });
    function shown(value) { return value === null || value === undefined ? "–" : number.format(value); }
    function session(u, value, seriesIndex, index) {
      return index === null || value === null || value === undefined ? "–" : number.format(value);
    }
    function valueOf(row) { return row.value; }
    var columns = [axis.days.map(seconds)];
    var series = [
      {
        label: words.date,
        value: function (u, value, seriesIndex, index) {
          if (index === null || index === undefined) return "–";
          var row = rowAt[index];
          return row ? row.date_label : dayFormat.format(new Date(value * 1000));
        },
      },
    ];
    // Only what the graph has gets a series (and a legend entry).
    function add(values, options) {
      columns.push(values);
      series.push(options);
    }
    add(sessionsPath, {
      label: words.sessions, stroke: COLORS.data, width: 2, value: session, pointed: true,
      points: { show: true, size: 7, fill: COLORS.data },
    });
    if (data.sessions.some(function (row) { return row.probe; })) {
      add(sessionColumn(data, axis, valueOf, function (row) { return row.probe; }), {
        label: words.probes, stroke: COLORS.probe, width: 0, value: session, pointed: true,
        paths: function () { return null; }, points: { show: true, size: 9, fill: "#fff", width: 2 },
      });
    }
    if (data.sessions.some(function (row) { return row.mastery; })) {
      add(sessionColumn(data, axis, valueOf, function (row) { return row.mastery; }), {
        label: words.mastery, stroke: COLORS.mastery, width: 0, value: session, pointed: true,
        paths: function () { return null; }, points: { show: true, size: 12, fill: COLORS.mastery },
      });
    }
    [
      ["baseline", data.baseline, []],
      ["aimline", data.aimline, [8, 5]],
      ["trend", data.trend, [10, 4, 2, 4]],
    ].forEach(function (entry) {
      var name = entry[0];
      var line = entry[1];
      if (!line) return;
      add(lineColumn(axis, line), {
        label: words[name], stroke: COLORS[name], width: 2, dash: entry[2], points: { show: false },
        value: function (u) { return lineValueAt(u, line, shown); },
      });
    });
    var axes = [
      {
        values: function (u, splits) {
          return splits.map(function (split) { return dayFormat.format(new Date(split * 1000)); });
        },
      },
      { label: data.axis_label, size: 56 },
    ];
    if (data.support.shown) addSupport(data, axis, columns, series, axes, number, rowAt, width);
    return {
      options: {
        width: width,
        height: heightFor(width),
        tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
        scales: {
          // The sessions' days first; "Show up to the goal date" switches to the whole aimline.
          x: { time: true, range: data.x_range ? function () { return [seconds(view.x[0]), seconds(view.x[1])]; } : null },
          y: { range: data.y_range },
        },
        series: series,
        axes: axes,
        cursor: {
          // Within 40 px of a session the legend reads it; farther away it reads nothing.
          hover: { prox: 40 },
          points: {
            // Only sessions get a point under the cursor; a line's two ends are not data.
            show: function (u, seriesIndex) {
              return series[seriesIndex].pointed ? document.createElement("div") : null;
            },
          },
        },
        legend: { live: true },
        plugins: [phaseLines(data)],
      },
      columns: columns,
    };
  }

  /* Trials and task analysis: percent independent and the mean prompt level (shown on the same
   * percent scale, named by level on a right-hand axis, as in the PDF graph). */
  function addSupport(data, axis, columns, series, axes, number, rowAt, width) {
    var levels = data.support.levels;
    var steps = Math.max(1, levels.length - 1);
    var acquisition = function (row) { return !row.probe && row.prompt_y !== null; };
    columns.push(sessionColumn(data, axis, function (row) { return row.percent_independent; }, acquisition));
    columns.push(sessionColumn(data, axis, function (row) { return row.prompt_y; }, acquisition));
    series.push({
      label: data.labels.independent, stroke: COLORS.independent, width: 1, dash: [2, 3], pointed: true,
      points: { show: true, size: 5, fill: COLORS.independent },
      value: function (u, value) { return value === null || value === undefined ? "–" : number.format(value) + "%"; },
    });
    series.push({
      label: data.labels.prompt, stroke: COLORS.prompt, width: 1, dash: [2, 3], pointed: true,
      points: { show: true, size: 5, fill: COLORS.prompt },
      value: function (u, value, seriesIndex, index) {
        var row = index === null || index === undefined ? null : rowAt[index];
        if (!row || row.mean_prompt_rank === null || value === undefined || value === null) return "–";
        return levels[Math.round(row.mean_prompt_rank)] || number.format(row.mean_prompt_rank);
      },
    });
    axes.push({
      scale: "y",
      side: 1,
      // On a phone the level names would leave the sessions too little room; the legend names
      // the level under the cursor instead.
      show: width >= NAMED_LEVELS_MIN_WIDTH,
      size: 110,
      grid: { show: false },
      stroke: COLORS.prompt,
      splits: function () { return levels.map(function (level, rank) { return 100 * (1 - rank / steps); }); },
      values: function (u, splits) {
        return splits.map(function (split) { return levels[Math.round((1 - split / 100) * steps)] || ""; });
      },
    });
  }

  function heightFor(width) {
    return Math.round(Math.max(240, Math.min(380, width * 0.5)));
  }

  /* Phase-change lines and each phase's label at the top of its stretch; a label that would run
   * into the one before it goes down a row. */
  function phaseLines(data) {
    function draw(u) {
      var ctx = u.ctx;
      var ratio = uPlot.pxRatio;
      var top = u.bbox.top;
      var bottom = top + u.bbox.height;
      var ends = [];
      ctx.save();
      ctx.beginPath();
      ctx.rect(u.bbox.left, top, u.bbox.width, u.bbox.height);
      ctx.clip();
      ctx.font = Math.round(13 * ratio) + "px system-ui, 'DejaVu Sans', sans-serif";
      ctx.fillStyle = COLORS.phase;
      ctx.strokeStyle = COLORS.phase;
      ctx.lineWidth = ratio;
      ctx.textBaseline = "top";
      data.phases.forEach(function (phase) {
        var at = phase.line_x !== null ? phase.line_x : phase.x - 0.5;
        var x = Math.max(u.bbox.left, u.valToPos(seconds(at), "x", true));
        if (phase.line_x !== null) {
          ctx.setLineDash([6 * ratio, 4 * ratio]);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, bottom);
          ctx.stroke();
        }
        var left = x + 4 * ratio;
        var width = ctx.measureText(phase.label).width + 8 * ratio;
        var row = 0;
        while (row < ends.length && ends[row] > left) row++;
        ends[row] = left + width;
        ctx.fillText(phase.label, left, top + 4 * ratio + row * LABEL_ROW_PX * ratio);
      });
      ctx.restore();
    }
    return { hooks: { draw: draw } };
  }

  function mount(holder) {
    var source = document.getElementById(holder.dataset.graph);
    if (!source || typeof uPlot === "undefined") return;
    var data = JSON.parse(source.textContent);
    if (!data.sessions.length) return;
    var view = { x: data.x_range };
    var built = build(data, holder.clientWidth, view);
    var plot = new uPlot(built.options, built.columns, holder);
    holder.classList.add("drawn");
    addGoalToggle(holder, data, view, plot);
    var lastWidth = holder.clientWidth;
    new ResizeObserver(function () {
      var width = holder.clientWidth;
      if (width === lastWidth || !width) return;
      lastWidth = width;
      plot.setSize({ width: width, height: heightFor(width) });
    }).observe(holder);
  }

  // The goal date is often months past the sessions: one button shows it, the other comes back.
  function addGoalToggle(holder, data, view, plot) {
    var full = data.full_x_range;
    if (!full || !data.x_range || full[1] <= data.x_range[1]) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary graph-goal-toggle";
    button.textContent = data.labels.show_goal;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var wide = view.x === data.x_range;
      view.x = wide ? full : data.x_range;
      button.textContent = wide ? data.labels.show_sessions : data.labels.show_goal;
      button.setAttribute("aria-pressed", wide ? "true" : "false");
      plot.setScale("x", { min: seconds(view.x[0]), max: seconds(view.x[1]) });
    });
    holder.parentNode.insertBefore(button, holder.nextSibling);
  }

  function start() {
    document.querySelectorAll("[data-graph]").forEach(mount);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
