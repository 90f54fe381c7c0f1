// Confirmation for destructive actions: a form with data-confirm="…" asks first, and so does
// a submit button with its own data-confirm (one form, several actions).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const source = event.submitter?.dataset.confirm ? event.submitter : form;
  if (!source.dataset.confirm || form.dataset.confirmed === "yes") return;
  event.preventDefault();
  const modalEl = document.getElementById("confirm-modal");
  document.getElementById("confirm-body").textContent = source.dataset.confirm;
  const ok = document.getElementById("confirm-ok");
  ok.textContent = source.dataset.confirmLabel || "Confirm";
  const modal = bootstrap.Modal.getOrCreateInstance(modalEl);
  ok.onclick = () => {
    form.dataset.confirmed = "yes";
    modal.hide();
    form.requestSubmit(event.submitter || undefined);
  };
  modal.show();
});

// Copy-to-clipboard buttons (the API token shown once).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copyTarget);
  navigator.clipboard?.writeText(source.value || source.textContent.trim());
  button.innerHTML = '<i class="bi bi-check2"></i> Copied';
});

// "Select all" checkboxes: data-select-all="<selector of the boxes it ticks>".
document.addEventListener("change", (event) => {
  const box = event.target.closest("[data-select-all]");
  if (!box) return;
  document.querySelectorAll(box.dataset.selectAll).forEach((c) => { c.checked = box.checked; });
});

// Progress bars: data-progress="<percent>" sets the width (from script, as the
// Content-Security-Policy allows no style attribute), on load and in content htmx swaps in.
function showProgress(root) {
  root.querySelectorAll("[data-progress]").forEach((bar) => {
    bar.style.width = `${Math.max(0, Math.min(100, Number(bar.dataset.progress) || 0))}%`;
  });
}
htmx.onLoad(showProgress);

// A select whose request carries a value of its chosen option: data-option-param="name:key"
// sends the option's data-<key> as `name` (in place of htmx's js: values, which need eval).
document.addEventListener("htmx:configRequest", (event) => {
  const select = event.detail.elt;
  const spec = select.dataset?.optionParam;
  if (!spec || !select.selectedOptions) return;
  const [name, key] = spec.split(":");
  event.detail.parameters[name] = select.selectedOptions[0]?.dataset[key] ?? "";
});

// A field whose request sends its value under another name: data-param-as="text" lets the
// keyword-replies boxes (stop_text, help_text…) use the compose page's segment counter.
document.addEventListener("htmx:configRequest", (event) => {
  const field = event.detail.elt;
  const name = field.dataset?.paramAs;
  if (!name || !("value" in field)) return;
  event.detail.parameters[name] = field.value;
});
