/*
 * Draws every chart on the page from data the server put in json_script tags.
 *
 * Markup convention (templates/campaigns/_chart.html):
 *   <figure class="chart-figure">
 *     <div class="chart"><canvas data-chart="ID" role="img" aria-label="..."></canvas></div>
 *     <p class="chart-nojs">Turn on JavaScript to see this as a chart.</p>
 *     <details class="chart-data" open><summary>Show as table</summary><table>...</table></details>
 *     {{ data|json_script:"ID" }}
 *   </figure>
 * Without JavaScript the figure shows the table and the note (app.css hides the empty canvas box);
 * once a chart is drawn the figure gets the class "chart-drawn" (the note goes, the canvas shows)
 * and the table folds into its "Show as table" details, still there for screen readers.
 *
 * The JSON (built by campaigns/charts.py) is
 *   {"type": "bar"|"line"|"doughnut", "labels": [...], "currency": "USD", "stacked": false,
 *    "horizontal": false, "scale": "log" (optional: a logarithmic value axis),
 *    "datasets": [{"label": "Spend", "data": [1.5, null], "kind": "money", "axis": "left",
 *                  "dashed": false, "colour": "#0072b2", "colours": [...], "notes": [...]}],
 *    "axis_titles": {"left": "Leads", "right": "Conversions"} (optional)}
 * kind is "money" (currency units), "percent" (a ratio: 0.1 is 10 %) or "count"; axis is "left"
 * (money) or "right" (counts, ratios): each axis has its own scale. "dashed" marks a 7-day average
 * (drawn dashed in its series' colour, left out of the legend). A log scale starts at the power
 * of ten below the smallest value and labels its powers of ten only; zeros are left undrawn. "colours" gives one colour per
 * point (doughnut slices), "notes" one text per point for the tooltip, "hollow" one flag per point
 * (a partial week or month: drawn as a hollow point with dashed segments). A doughnut's data are
 * shares (kind "percent"): its legend labels carry the percentages.
 *
 * Loaded with `defer` after chart.umd.min.js; no eval, no inline code (strict CSP).
 * Charts are redrawn after every HTMX swap; a missing or broken data tag is skipped silently.
 */
(function () {
  "use strict";

  // Okabe-Ito based: distinguishable with the common colour-vision deficiencies.
  // The first colour is the accent of app.css.
  var PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#6b7280"];
  var KINDS = ["money", "percent", "count"];
  var COLOUR = /^#[0-9a-f]{6}$/i;

  function numberFormat(options) {
    try {
      return new Intl.NumberFormat(undefined, options);
    } catch (error) {
      // An unknown currency code: fall back to a plain number rather than failing the chart.
      return new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
    }
  }

  /** Formatters for one chart: `axis` is short (ticks), `full` is exact (tooltips). */
  function formatters(kind, currency) {
    if (kind === "money") {
      return {
        axis: numberFormat({ style: "currency", currency: currency, maximumFractionDigits: 0 }),
        full: numberFormat({ style: "currency", currency: currency }),
      };
    }
    if (kind === "percent") {
      var percent = numberFormat({ style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
      return { axis: percent, full: percent };
    }
    return {
      axis: numberFormat({ maximumFractionDigits: 0 }),
      full: numberFormat({ maximumFractionDigits: 2 }),
    };
  }

  function format(formatter, value) {
    return typeof value === "number" && isFinite(value) ? formatter.format(value) : "—";
  }

  function readSpec(id) {
    var element = id && document.getElementById(id);
    if (!element) return null;
    try {
      var spec = JSON.parse(element.textContent);
      return spec && Array.isArray(spec.datasets) ? spec : null;
    } catch (error) {
      return null;
    }
  }

  function colourOf(raw, i) {
    return typeof raw.colour === "string" && COLOUR.test(raw.colour) ? raw.colour : PALETTE[i % PALETTE.length];
  }

  function noteOf(raw, index) {
    return Array.isArray(raw.notes) && typeof raw.notes[index] === "string" ? raw.notes[index] : "";
  }

  function buildDoughnut(spec) {
    var raw = spec.datasets[0] || {};
    var data = Array.isArray(raw.data) ? raw.data : [];
    var kind = KINDS.indexOf(raw.kind) >= 0 ? raw.kind : "count";
    var fmt = formatters(kind, spec.currency || "USD");
    var labels = (Array.isArray(spec.labels) ? spec.labels : []).map(function (label, i) {
      return label + " " + format(fmt.full, data[i]);
    });
    var colours = data.map(function (_, i) {
      var c = Array.isArray(raw.colours) ? raw.colours[i] : null;
      return typeof c === "string" && COLOUR.test(c) ? c : PALETTE[i % PALETTE.length];
    });
    return {
      type: "doughnut",
      data: {
        labels: labels,
        datasets: [{ label: raw.label || "", data: data, backgroundColor: colours, borderColor: "#fff", borderWidth: 2, notes: raw.notes }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        cutout: "55%",
        plugins: {
          legend: { position: "right", labels: { boxWidth: 12, boxHeight: 12 } },
          tooltip: {
            callbacks: {
              label: function (context) {
                var note = noteOf(raw, context.dataIndex);
                return format(fmt.full, context.parsed) + (note ? " · " + note : "");
              },
            },
          },
        },
      },
    };
  }

  function buildConfig(spec) {
    if (spec.type === "doughnut") return buildDoughnut(spec);
    var type = spec.type === "line" ? "line" : "bar";
    var horizontal = type === "bar" && spec.horizontal === true;
    var stacked = spec.stacked === true;
    var log = spec.scale === "log";
    var currency = spec.currency || "USD";
    var valueAxis = horizontal ? "x" : "y";
    var indexAxis = horizontal ? "y" : "x";

    function axisTitle(side) {
      var titles = spec.axis_titles;
      return titles && typeof titles[side] === "string" ? titles[side] : "";
    }
    // A log scale starts at the power of ten below the smallest value, so the smallest bar shows.
    var logMin;
    if (log) {
      spec.datasets.forEach(function (raw) {
        (Array.isArray(raw.data) ? raw.data : []).forEach(function (v) {
          if (typeof v === "number" && v > 0 && (logMin === undefined || v < logMin)) logMin = v;
        });
      });
      logMin = logMin === undefined ? 1 : Math.pow(10, Math.floor(Math.log10(logMin)));
    }

    // One value scale per side: "left" (bottom when horizontal) and "right" (top).
    var scales = {};
    var scaleFormat = {};
    scales[indexAxis] = {
      stacked: stacked,
      grid: { display: type === "line" && !horizontal },
      // Every stage of a horizontal bar chart keeps its label; a long day axis thins its own.
      ticks: horizontal ? { autoSkip: false } : { autoSkip: true, maxRotation: 0, autoSkipPadding: 12 },
    };

    function scaleFor(side, kind) {
      var id = side === "right" ? valueAxis + "Right" : valueAxis;
      if (scales[id]) return id;
      var fmt = formatters(kind, currency);
      scaleFormat[id] = fmt;
      scales[id] = {
        type: log ? "logarithmic" : "linear",
        axis: valueAxis,
        position: side === "right" ? (horizontal ? "top" : "right") : (horizontal ? "bottom" : "left"),
        beginAtZero: !log,
        min: log ? logMin : undefined,
        stacked: stacked,
        grid: { drawOnChartArea: side !== "right" },
        title: axisTitle(side) ? { display: true, text: axisTitle(side) } : { display: false },
        ticks: {
          maxRotation: 0,
          precision: kind === "count" && !log ? 0 : undefined,
          callback: function (value) {
            // A log axis labels its powers of ten only: 1, 10, 100, 1,000…
            if (log) {
              var power = Math.log10(value);
              if (Math.abs(power - Math.round(power)) > 1e-9) return "";
            }
            return fmt.axis.format(value);
          },
        },
      };
      return id;
    }

    var datasets = spec.datasets.map(function (raw, i) {
      var kind = KINDS.indexOf(raw.kind) >= 0 ? raw.kind : "count";
      var side = raw.axis === "right" ? "right" : "left";
      var dashed = raw.dashed === true;
      var colour = colourOf(raw, i);
      var data = Array.isArray(raw.data) ? raw.data : [];
      // Zero has no place on a logarithmic axis: it is left undrawn (the table shows it).
      if (log) data = data.map(function (v) { return typeof v === "number" && v > 0 ? v : null; });
      var dataset = {
        label: raw.label || "",
        data: data,
        backgroundColor: colour,
        borderColor: colour,
        borderWidth: type === "line" ? (dashed ? 2 : 1.5) : 0,
        kind: kind,
        dashed: dashed,
        notes: raw.notes,
      };
      dataset[valueAxis + "AxisID"] = scaleFor(side, kind);
      if (type === "line") {
        dataset.tension = 0.2;
        dataset.pointRadius = dashed || data.length > 45 ? 0 : 2.5;
        dataset.pointHoverRadius = 4;
        dataset.fill = false;
        dataset.spanGaps = false;
        if (dashed) dataset.borderDash = [6, 4];
        // A partial week or month: a hollow point, reached by a dashed segment.
        var hollow = Array.isArray(raw.hollow) ? raw.hollow : null;
        if (hollow && hollow.indexOf(true) >= 0) {
          var radius = dataset.pointRadius;
          dataset.pointRadius = data.map(function (_, index) { return hollow[index] === true ? 4 : radius; });
          dataset.pointBackgroundColor = data.map(function (_, index) { return hollow[index] === true ? "#ffffff" : colour; });
          dataset.pointBorderWidth = data.map(function (_, index) { return hollow[index] === true ? 2 : 1; });
          dataset.segment = {
            borderDash: function (ctx) {
              return hollow[ctx.p0DataIndex] === true || hollow[ctx.p1DataIndex] === true ? [4, 4] : undefined;
            },
          };
        }
      } else {
        dataset.borderRadius = 3;
        dataset.maxBarThickness = 48;
      }
      return dataset;
    });

    var shown = datasets.filter(function (ds) { return !ds.dashed; }).length;

    return {
      type: type,
      data: { labels: Array.isArray(spec.labels) ? spec.labels : [], datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: indexAxis,
        interaction: { mode: "index", intersect: false, axis: indexAxis },
        scales: scales,
        plugins: {
          legend: {
            display: shown > 1,
            position: "bottom",
            labels: {
              boxWidth: 12,
              boxHeight: 12,
              // A 7-day average is named by the note under the chart, not in the legend.
              filter: function (item, data) { return !data.datasets[item.datasetIndex].dashed; },
            },
            // Hiding a series hides its average too.
            onClick: function (event, item, legend) {
              var chart = legend.chart;
              var main = chart.data.datasets[item.datasetIndex];
              var visible = chart.isDatasetVisible(item.datasetIndex);
              chart.data.datasets.forEach(function (ds, index) {
                if (index === item.datasetIndex || (ds.dashed && ds.borderColor === main.borderColor && ds[valueAxis + "AxisID"] === main[valueAxis + "AxisID"])) {
                  chart.setDatasetVisibility(index, !visible);
                }
              });
              chart.update();
            },
          },
          tooltip: {
            callbacks: {
              label: function (context) {
                var ds = context.dataset;
                var f = scaleFormat[ds[valueAxis + "AxisID"]];
                var index = context.dataIndex;
                var value = context.parsed ? context.parsed[valueAxis] : null;
                if (log && Array.isArray(spec.datasets[context.datasetIndex].data)) {
                  value = spec.datasets[context.datasetIndex].data[index];
                }
                var note = noteOf(ds, index);
                return (ds.label ? ds.label + ": " : "") + format(f.full, value) + (note ? " · " + note : "");
              },
            },
          },
        },
      },
    };
  }

  function markDrawn(canvas) {
    var figure = canvas.closest && canvas.closest(".chart-figure");
    if (!figure) return;
    figure.classList.remove("chart-drawing");
    figure.classList.add("chart-drawn");
    var details = figure.querySelector("details.chart-data");
    if (details && !figure.hasAttribute("data-table-folded")) {
      details.open = false;
      figure.setAttribute("data-table-folded", "");
    }
  }

  function destroyDetached() {
    // Charts whose canvas an HTMX swap removed would otherwise stay alive in Chart.instances.
    Object.keys(Chart.instances).forEach(function (key) {
      var chart = Chart.instances[key];
      if (chart && chart.canvas && !chart.canvas.isConnected) chart.destroy();
    });
  }

  function drawChart(canvas) {
    var existing = Chart.getChart(canvas);
    if (existing) existing.destroy();
    var spec = readSpec(canvas.getAttribute("data-chart"));
    if (!spec) return;
    var figure = canvas.closest && canvas.closest(".chart-figure");
    // The canvas box is hidden until drawn (no blank box without JavaScript): show it first
    // so that Chart.js measures its real size.
    if (figure) figure.classList.add("chart-drawing");
    try {
      new Chart(canvas, buildConfig(spec));
      markDrawn(canvas);
    } catch (error) {
      if (figure) figure.classList.remove("chart-drawing");
      // A chart that cannot be drawn leaves its canvas empty; the table beside it still has the numbers.
    }
  }

  /** Draw (or redraw) every chart under root, and those whose data tag is under root. */
  function drawCharts(root) {
    if (typeof window.Chart === "undefined" || !root || !root.querySelectorAll) return;
    destroyDetached();
    var canvases = Array.prototype.slice.call(root.querySelectorAll("canvas[data-chart]"));
    if (root.matches && root.matches("canvas[data-chart]")) canvases.push(root);
    Array.prototype.forEach.call(root.querySelectorAll('script[type="application/json"][id]'), function (tag) {
      Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), function (canvas) {
        if (canvas.getAttribute("data-chart") === tag.id && canvases.indexOf(canvas) < 0) canvases.push(canvas);
      });
    });
    canvases.forEach(drawChart);
  }

  function setDefaults() {
    var styles = getComputedStyle(document.body || document.documentElement);
    Chart.defaults.font.family = styles.fontFamily || Chart.defaults.font.family;
    Chart.defaults.color = "#4b5563";
    Chart.defaults.borderColor = "#e5e7eb";
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
      Chart.defaults.animation = false;
    }
  }

  function start() {
    if (typeof window.Chart === "undefined") return;
    setDefaults();
    drawCharts(document);
  }

  window.drawCharts = drawCharts;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    drawCharts((event.detail && event.detail.elt) || event.target);
  });

  // Responsive charts keep their screen size when printed unless resized for the page.
  function resizeAll() {
    if (typeof window.Chart === "undefined") return;
    Object.keys(Chart.instances).forEach(function (key) { Chart.instances[key].resize(); });
  }
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
