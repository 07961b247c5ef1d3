// Team health trend on the team dashboard: one Chart.js line chart of the team's measures
// across the survey's waves, with a picker for the measure. The data comes from the page
// (json_script "health-trend-data"); the same values are in the table below the chart, which is
// what screen readers and visitors without JavaScript get. Labels are only ever set as text.
"use strict";

(() => {
  const COLOURS = ["#1f6feb", "#d97706", "#059669", "#9333ea", "#dc2626", "#0891b2"];

  function format(value, percent) {
    if (value === null || value === undefined) return "—";
    return percent ? `${Math.round(value * 100)} %` : value.toFixed(2);
  }

  function datasets(measure) {
    return measure.series.map((series, i) => ({
      label: series.label,
      data: series.values,
      borderColor: COLOURS[i % COLOURS.length],
      backgroundColor: COLOURS[i % COLOURS.length],
      spanGaps: false, // a withheld wave stays a gap, not a line through it
      tension: 0.2,
    }));
  }

  function setUp() {
    const source = document.getElementById("health-trend-data");
    const figure = document.getElementById("health-trend");
    const select = document.getElementById("health-trend-measure");
    const canvas = document.getElementById("health-trend-chart");
    if (!source || !figure || !select || !canvas || typeof Chart === "undefined") return;
    const data = JSON.parse(source.textContent);
    if (!data.measures || data.measures.length === 0) return;

    data.measures.forEach((measure, i) => {
      const option = document.createElement("option");
      option.value = String(i);
      option.textContent = measure.label;
      select.appendChild(option);
    });
    figure.hidden = false;

    let measure = data.measures[0];
    const chart = new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets(measure) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          y: {
            beginAtZero: true,
            suggestedMax: 1,
            ticks: { callback: (value) => format(value, measure.percent) },
          },
        },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) => `${item.dataset.label}: ${format(item.raw, measure.percent)}`,
            },
          },
        },
      },
    });

    select.addEventListener("change", () => {
      measure = data.measures[Number(select.value)];
      chart.data.datasets = datasets(measure);
      chart.update();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
