// Canned replies: choosing one inserts its text at the cursor of the reply box, and the
// box's "input" event makes the segment counter (htmx) count again.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-insert-into]");
  if (!select || !select.value) return;
  const box = document.getElementById(select.dataset.insertInto);
  if (!box) return;
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? box.value.length;
  box.value = box.value.slice(0, start) + select.value + box.value.slice(end);
  box.focus();
  box.selectionStart = box.selectionEnd = start + select.value.length;
  box.dispatchEvent(new Event("input", { bubbles: true }));
  select.value = "";
});
