// The platform overview's changes per day (audit entries), from its `json_script` data.
(() => {
  const canvas = document.getElementById("changes-chart");
  if (!canvas) return;
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  new Chart(canvas, {
    type: "bar",
    data: {labels: read("chart-labels"),
           datasets: [{label: "Changes", data: read("chart-values"), backgroundColor: "#0d6efd"}]},
    options: {plugins: {legend: {display: false}}, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}},
  });
})();
