// A slug typed for you: an input with data-slug-from="#id_name" follows that field as you type
// (accents dropped, lowercase letters, digits and single hyphens, at most its maxlength or 50
// characters, no hyphen at either end), until you edit the slug yourself.
(() => {
  const slugify = (text, max) =>
    text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+/, "")
      .slice(0, max)
      .replace(/-+$/, "");

  document.querySelectorAll("input[data-slug-from]").forEach((slug) => {
    const source = document.querySelector(slug.dataset.slugFrom);
    if (!source) return;
    const max = Number(slug.getAttribute("maxlength")) || 50;
    let followed = slug.value === "" || slug.value === slugify(source.value, max);
    slug.addEventListener("input", () => {
      followed = slug.value === "";
    });
    source.addEventListener("input", () => {
      if (followed) slug.value = slugify(source.value, max);
    });
  });
})();
