// Calls (bars) and cost (line) per day, drawn with the vendored Chart.js from the JSON that
// `json_script` wrote (`selectors.cdr_per_day`): the call records page and the platform
// overview. Drawing again (after an htmx swap) replaces the chart. No inline script starts it
// (Content-Security-Policy): each known chart is drawn where its canvas is on the page.
function drawCdrChart(canvasId, dataId) {
  const canvas = document.getElementById(canvasId);
  const source = document.getElementById(dataId);
  if (!canvas || !source) return;
  Chart.getChart(canvas)?.destroy();
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    data: {labels: data.labels, datasets: [
      {type: "bar", label: "Calls", data: data.calls, backgroundColor: "#0d6efd", yAxisID: "calls"},
      {type: "line", label: "Cost (USD)", data: data.cost, borderColor: "#fd7e14", backgroundColor: "#fd7e14", yAxisID: "cost"},
    ]},
    options: {scales: {calls: {position: "left", beginAtZero: true, ticks: {precision: 0}},
                       cost: {position: "right", beginAtZero: true, grid: {drawOnChartArea: false}}}},
  });
}

(() => {
  // The call records page's chart (in its htmx partial) and the overview's recent calls.
  const charts = [["cdr-chart", "cdr-chart-data"], ["calls-chart", "calls-chart-data"]];
  const drawAll = () => charts.forEach(([canvas, data]) => drawCdrChart(canvas, data));
  drawAll();
  // The totals, the chart and the table are one partial: a filter change (htmx) redraws all.
  document.body.addEventListener("htmx:afterSwap", drawAll);
})();
