// Progressive enhancement only: every page works without this file.
// The language switcher keeps the section the reader is on: heading ids are
// the same in every language, so the current #anchor is carried across.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-lang-switch]");
  if (link && window.location.hash) {
    link.href = link.href.split("#")[0] + window.location.hash;
  }
});
