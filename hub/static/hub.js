/* Draws the counts chart from the JSON the page carries (no inline script: CSP).
   A withheld count, a day not received (today's, for one) or not yet published is null:
   Chart.js leaves a gap there rather than draw a number. Labels come translated. */
(function () {
  "use strict";
  var source = document.getElementById("series");
  var canvas = document.getElementById("counts");
  if (!source || !canvas || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.days,
      datasets: [
        { label: data.labels.visits, data: data.visits, borderColor: "#005f73", tension: 0.2 },
        { label: data.labels.prints, data: data.prints, borderColor: "#ee9b00", tension: 0.2 },
        { label: data.labels.tests, data: data.tests, borderColor: "#9b2226", tension: 0.2 }
      ]
    },
    options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
})();
