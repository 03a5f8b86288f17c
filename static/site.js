// Progressive enhancement only: every page works without this file.
// The language switcher keeps the section the reader is on: heading ids are
// the same in every language, so the current #anchor is carried across.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-lang-switch]");
  if (link && window.location.hash) {
    link.href = link.href.split("#")[0] + window.location.hash;
  }
});

// Glossary definitions show on hover and focus (CSS); Escape hides the one
// that is open, as content that appears on hover must be dismissible.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const tip of document.querySelectorAll(".term-tip")) tip.classList.add("dismissed");
});
document.addEventListener("focusin", () => {
  for (const tip of document.querySelectorAll(".term-tip.dismissed")) {
    tip.classList.remove("dismissed");
  }
});
