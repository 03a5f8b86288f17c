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

// On a phone the menu folds behind a button. Without this script the button is
// a link to the menu, which CSS shows as the link's target.
(() => {
  const link = document.querySelector("[data-menu-button]");
  const header = document.querySelector(".site-header");
  if (!link || !header) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = link.className;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "site-menu");
  button.append(...link.childNodes);
  link.replaceWith(button);
  const toggle = (open) => {
    header.classList.toggle("menu-open", open);
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", () => toggle(!header.classList.contains("menu-open")));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && header.classList.contains("menu-open")) {
      toggle(false);
      button.focus();
    }
  });
})();
