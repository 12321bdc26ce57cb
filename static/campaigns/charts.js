/*
 * Draws every chart on the page from data the server put in json_script tags.
 *
 * Markup convention:
 *   <div class="chart"><canvas data-chart="ID" role="img" aria-label="..."></canvas></div>
 *   {{ data|json_script:"ID" }}
 * where the JSON is
 *   {"type": "bar"|"line", "labels": [...], "currency": "USD", "stacked": false,
 *    "horizontal": false, "datasets": [{"label": "Spend", "data": [1.5, null], "kind": "money"}]}
 * kind is "money" (currency units), "percent" (a ratio: 0.1 is 10 %) or "count".
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

  function buildConfig(spec) {
    var type = spec.type === "line" ? "line" : "bar";
    var horizontal = type === "bar" && spec.horizontal === true;
    var stacked = spec.stacked === true;
    var currency = spec.currency || "USD";
    var valueAxis = horizontal ? "x" : "y";
    var indexAxis = horizontal ? "y" : "x";

    // One value scale per distinct kind: the first on the left (bottom), the others opposite.
    var kindScale = {};
    var scales = {};
    var scaleFormat = {};
    scales[indexAxis] = { stacked: stacked, grid: { display: type === "line" && !horizontal } };

    var datasets = spec.datasets.map(function (raw, i) {
      var kind = KINDS.indexOf(raw.kind) >= 0 ? raw.kind : "count";
      if (!kindScale[kind]) {
        var n = Object.keys(kindScale).length;
        var id = n === 0 ? valueAxis : valueAxis + n;
        var fmt = formatters(kind, currency);
        kindScale[kind] = id;
        scaleFormat[id] = fmt;
        scales[id] = {
          axis: valueAxis,
          position: n === 0 ? (horizontal ? "bottom" : "left") : (horizontal ? "top" : "right"),
          beginAtZero: true,
          stacked: stacked,
          grid: { drawOnChartArea: n === 0 },
          ticks: {
            precision: kind === "count" ? 0 : undefined,
            callback: (function (f) {
              return function (value) { return f.axis.format(value); };
            })(fmt),
          },
        };
      }
      var colour = PALETTE[i % PALETTE.length];
      var dataset = {
        label: raw.label || "",
        data: Array.isArray(raw.data) ? raw.data : [],
        backgroundColor: colour,
        borderColor: colour,
        borderWidth: type === "line" ? 2 : 0,
      };
      dataset[valueAxis + "AxisID"] = kindScale[kind];
      if (type === "line") {
        dataset.tension = 0.2;
        dataset.pointRadius = dataset.data.length > 45 ? 0 : 2.5;
        dataset.pointHoverRadius = 4;
        dataset.fill = false;
      } else {
        dataset.borderRadius = 3;
        dataset.maxBarThickness = 48;
      }
      return dataset;
    });

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
            display: datasets.length > 1,
            position: "bottom",
            labels: { boxWidth: 12, boxHeight: 12 },
          },
          tooltip: {
            callbacks: {
              label: function (context) {
                var ds = context.dataset;
                var f = scaleFormat[ds[valueAxis + "AxisID"]];
                var value = context.parsed ? context.parsed[valueAxis] : null;
                return (ds.label ? ds.label + ": " : "") + format(f.full, value);
              },
            },
          },
        },
      },
    };
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
    try {
      new Chart(canvas, buildConfig(spec));
    } catch (error) {
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
  window.addEventListener("beforeprint", function () {
    if (typeof window.Chart === "undefined") return;
    Object.keys(Chart.instances).forEach(function (key) { Chart.instances[key].resize(); });
  });
})();
