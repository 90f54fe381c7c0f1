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
