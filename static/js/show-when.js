// Parts of a form shown only while another field has a given value: a wrapper marked
// data-show-when="name=value" (templates/includes/form_field.html takes `show_when`). While
// hidden, its inputs are disabled, so what the user cannot see is not sent either.
(() => {
  const update = () => {
    document.querySelectorAll("[data-show-when]").forEach((wrapper) => {
      const form = wrapper.closest("form");
      if (!form) return;
      const [name, value] = wrapper.dataset.showWhen.split("=");
      const shown = form.elements[name]?.value === value;
      wrapper.hidden = !shown;
      wrapper.querySelectorAll("input, select, textarea, button").forEach((input) => {
        input.disabled = !shown;
      });
    });
  };
  document.addEventListener("DOMContentLoaded", update);
  document.addEventListener("change", update);
  document.addEventListener("htmx:afterSwap", update);
})();
