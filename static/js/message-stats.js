// The message statistics' chart: sent, delivered, not delivered and received per day, drawn
// with the vendored Chart.js from the JSON that `json_script` wrote (messaging/selectors.py, message_stats). The
// form, the totals and the chart are one partial: a period change (htmx) draws it again. No
// inline script starts it (Content-Security-Policy).
(() => {
  const draw = () => {
    const canvas = document.getElementById("stats-chart");
    const source = document.getElementById("stats-chart-data");
    if (!canvas || !source) return;
    Chart.getChart(canvas)?.destroy();
    const data = JSON.parse(source.textContent);
    const bar = (label, values, color) => ({type: "bar", label, data: values, backgroundColor: color});
    new Chart(canvas, {
      data: {labels: data.labels, datasets: [
        bar("Sent", data.sent, "#0d6efd"),
        bar("Delivered", data.delivered, "#198754"),
        bar("Not delivered", data.failed, "#dc3545"),
        bar("Could not be sent", data.sent_failed, "#ffc107"),
        {type: "line", label: "Received", data: data.received, borderColor: "#6f42c1", backgroundColor: "#6f42c1"},
      ]},
      options: {scales: {y: {beginAtZero: true, ticks: {precision: 0}}}},
    });
  };
  draw();
  document.body.addEventListener("htmx:afterSwap", draw);
})();
