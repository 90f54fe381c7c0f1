// The call records page: the totals, the chart and the table are one partial, so a filter
// change (htmx) redraws the chart too (drawCdrChart is in cdr-chart.js).
(() => {
  const redraw = () => drawCdrChart("cdr-chart", "cdr-chart-data");
  redraw();
  document.body.addEventListener("htmx:afterSwap", redraw);
})();
