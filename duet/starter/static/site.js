// The language switcher keeps the reader's place: the address's #section goes
// along to the other language's page, whose headings carry the same ids.
(() => {
  const keep = () => {
    for (const link of document.querySelectorAll("a[data-lang-switch]")) {
      const url = new URL(link.href);
      url.hash = window.location.hash;
      link.href = url.href;
    }
  };
  keep();
  window.addEventListener("hashchange", keep);
})();
