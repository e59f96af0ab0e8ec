// Draws the dashboard's chart from the JSON block the page carries (the CSP
// allows no inline script). Chart.js is the vendored UMD build (window.Chart).
const data = JSON.parse(document.getElementById('chart-data').textContent);
const canvas = document.getElementById('findings-chart');
// Colour-blind-safe (Okabe-Ito); the table under the chart has every number too.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];

if (canvas && window.Chart) {
  new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels: data.days,
      datasets: data.categories.map((c, i) => ({
        label: c.label,
        data: c.data,
        backgroundColor: COLOURS[i % COLOURS.length],
      })),
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  });
}
