/**
 * The page script, as text inlined into report.html after Chart.js. It reads the JSON in
 * `#report-data`, builds one Chart.js chart per spec (see chart-spec.ts) and paints the mask heat maps.
 * Formatters and the whisker plugin live here because functions cannot travel inside the JSON.
 * When everything is drawn it sets `window.__reportReady = true`; failures go to `window.__reportErrors`
 * and into the card, so a broken chart is visible rather than blank.
 */
export const REPORT_CLIENT_SCRIPT = String.raw`
(() => {
  "use strict";
  const errors = [];
  window.__reportErrors = errors;
  const KEPT = "#1d4e89", PRUNED = "#dde4ec", GAP = "#ffffff";

  const formatter = (axis) => (value) => {
    const v = Number(value);
    if (axis.log) {
      if (v <= 0) return "";
      const mantissa = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
      if (![1, 2, 5].some((k) => Math.abs(mantissa - k) < 1e-6)) return "";
    }
    if (axis.format === "percent") return (v * 100).toFixed(Math.abs(v) < 0.01 ? 2 : 1) + "%";
    if (axis.format === "scientific") return v === 0 ? "0" : v.toExponential(1);
    return Math.abs(v) >= 1000 ? v.toLocaleString("en-US") : String(Number(v.toPrecision(4)));
  };

  const axisConfig = (axis, position) => ({
    type: axis.log ? "logarithmic" : "linear",
    position,
    beginAtZero: axis.format === "percent" || axis.format === "scientific",
    title: { display: true, text: axis.title },
    // Log axes label only 1-2-5 steps themselves; a tick limit would thin those out further.
    ticks: axis.log ? { callback: formatter(axis), autoSkip: false } : { callback: formatter(axis), maxTicksLimit: 7 },
  });

  // Legend keys are small drawn line samples so each series keeps its dash and width in the legend
  // (Chart.js's own keys are boxes, or point styles that ignore borderDash).
  const lineSample = (color, dash, width) => {
    const canvas = document.createElement("canvas");
    canvas.width = 30;
    canvas.height = 10;
    const ctx = canvas.getContext("2d");
    ctx.strokeStyle = color;
    ctx.lineWidth = Math.max(2, width || 0);
    ctx.setLineDash(dash || []);
    ctx.beginPath();
    ctx.moveTo(1, 5);
    ctx.lineTo(29, 5);
    ctx.stroke();
    return canvas;
  };
  const legend = {
    position: "bottom",
    labels: {
      usePointStyle: true,
      pointStyleWidth: 30,
      boxHeight: 10,
      padding: 12,
      generateLabels: (chart) =>
        Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => {
          const dataset = chart.data.datasets[item.datasetIndex];
          return Object.assign(item, { pointStyle: lineSample(dataset.borderColor, dataset.borderDash, dataset.borderWidth) });
        }),
    },
  };

  const lineConfig = (spec) => {
    const scales = {
      x: { type: "linear", title: { display: true, text: spec.x.title }, ticks: { maxTicksLimit: 8 } },
      y: axisConfig(spec.y, "left"),
    };
    if (spec.y2) scales.y2 = Object.assign(axisConfig(spec.y2, "right"), { grid: { drawOnChartArea: false } });
    const axisOf = (dataset) => (dataset.yAxisID === "y2" && spec.y2 ? spec.y2 : spec.y);
    return {
      type: "line",
      data: {
        datasets: spec.series.map((s) => ({
          label: s.label,
          data: s.points.map((p) => ({ x: p[0], y: p[1] })),
          borderColor: s.color,
          backgroundColor: s.color,
          borderDash: s.dash || [],
          borderWidth: s.width || 1.5,
          pointRadius: s.markers ? 2.5 : 0,
          pointHoverRadius: 4,
          yAxisID: s.axis || "y",
          tension: 0,
          fill: false,
        })),
      },
      options: {
        scales,
        interaction: { mode: "nearest", axis: "x", intersect: false },
        plugins: {
          legend,
          tooltip: {
            callbacks: {
              title: (items) => (items.length ? "step " + items[0].parsed.x : ""),
              label: (ctx) => ctx.dataset.label + ": " + formatter(Object.assign({}, axisOf(ctx.dataset), { log: false }))(ctx.parsed.y),
            },
          },
        },
      },
    };
  };

  // Draws each bar's ± spread as a whisker with caps, above the bars.
  const whiskers = {
    id: "whiskers",
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = "#1f2937";
      ctx.lineWidth = 1.2;
      chart.data.datasets.forEach((dataset, index) => {
        const meta = chart.getDatasetMeta(index);
        if (meta.hidden || !dataset.errors) return;
        const scale = chart.scales[meta.yAxisID];
        meta.data.forEach((bar, i) => {
          const mean = dataset.data[i], spread = dataset.errors[i];
          if (mean == null || !spread) return;
          const top = scale.getPixelForValue(mean + spread);
          const bottom = scale.getPixelForValue(Math.max(mean - spread, scale.min));
          const cap = Math.min(bar.width * 0.3, 6);
          ctx.beginPath();
          ctx.moveTo(bar.x, top); ctx.lineTo(bar.x, bottom);
          ctx.moveTo(bar.x - cap, top); ctx.lineTo(bar.x + cap, top);
          ctx.moveTo(bar.x - cap, bottom); ctx.lineTo(bar.x + cap, bottom);
          ctx.stroke();
        });
      });
      ctx.restore();
    },
  };

  const barConfig = (spec) => ({
    type: "bar",
    data: {
      labels: spec.categories,
      datasets: spec.series.map((s) => ({
        label: s.label,
        data: s.values,
        errors: s.errors,
        backgroundColor: s.color,
        borderRadius: 3,
        maxBarThickness: 34,
      })),
    },
    options: {
      // Hovering anywhere over a method shows every set with its spread.
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { grid: { display: false }, ticks: { autoSkip: false, maxRotation: 40 } },
        y: Object.assign(axisConfig(Object.assign({}, spec.y, { log: false }), "left"), { beginAtZero: true }),
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 14, boxHeight: 14, padding: 10 } },
        tooltip: {
          callbacks: {
            label: (ctx) => {
              const spread = ctx.dataset.errors[ctx.dataIndex];
              return ctx.dataset.label + ": " + ctx.parsed.y.toFixed(2) + (spread ? " ± " + spread.toFixed(2) : "");
            },
          },
        },
      },
    },
    plugins: [whiskers],
  });

  const drawMask = (mask) => {
    const canvas = document.getElementById(mask.id);
    const ctx = canvas.getContext("2d");
    const bits = atob(mask.data);
    const b = mask.block;
    const gap = b >= 5 ? 1 : 0; // a hairline between blocks once they are big enough to see one
    ctx.fillStyle = GAP;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    for (let r = 0; r < mask.rows; r++) {
      for (let c = 0; c < mask.cols; c++) {
        ctx.fillStyle = bits.charCodeAt(r * mask.cols + c) !== 0 ? KEPT : PRUNED;
        ctx.fillRect(c * b, r * b, b - gap, b - gap);
      }
    }
  };

  const fail = (id, error) => {
    errors.push(id + ": " + (error && error.message ? error.message : String(error)));
    const canvas = document.getElementById(id);
    const box = canvas && canvas.parentElement;
    if (box) box.insertAdjacentHTML("beforeend", '<p class="chart-error">This chart failed to draw: ' +
      String(error && error.message ? error.message : error).replace(/[<&]/g, "") + "</p>");
  };

  const data = JSON.parse(document.getElementById("report-data").textContent);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = "#4b5563";
  Chart.defaults.borderColor = "#e8eaee";
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  for (const spec of data.charts) {
    try {
      const config = spec.kind === "bar" ? barConfig(spec) : lineConfig(spec);
      new Chart(document.getElementById(spec.id), config);
    } catch (error) {
      fail(spec.id, error);
    }
  }
  for (const mask of data.masks) {
    try {
      drawMask(mask);
    } catch (error) {
      fail(mask.id, error);
    }
  }
  window.__reportReady = true;
  document.documentElement.setAttribute("data-ready", "true");
})();
`;
