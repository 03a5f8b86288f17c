// Progressive enhancement only: every page works without this file.
// The language switcher keeps the reader's place: heading ids are the same in
// every language, so the current #anchor is carried across, or, without one,
// the last section heading the reader has scrolled past. On the search page
// it carries the query.
const placeHeading = () => {
  let last = null;
  for (const heading of document.querySelectorAll("main :is(h2, h3)[id]")) {
    if (heading.getBoundingClientRect().top > 120) break;
    last = heading;
  }
  return last;
};
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-lang-switch]");
  if (!link) return;
  const url = new URL(link.href);
  const query = document.querySelector("[data-search] input[name=q]");
  if (query && query.value) url.searchParams.set("q", query.value);
  const heading = window.location.hash ? null : placeHeading();
  url.hash = window.location.hash || (heading ? "#" + heading.id : "");
  link.href = url.href;
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

// The glossary's filter: terms whose names, pinyin or definition contain what
// the reader types stay; the others, and topics left empty, are hidden. Pinyin
// matches without its tone marks.
(() => {
  const box = document.querySelector("[data-glossary-filter]");
  if (!box) return;
  const input = box.querySelector("input");
  const status = box.querySelector("[role=status]");
  const entries = [...document.querySelectorAll(".glossary .entry")];
  const plain = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const texts = new Map(entries.map((entry) => [entry, plain(entry.textContent)]));
  box.hidden = false;
  input.addEventListener("input", () => {
    const query = plain(input.value.trim());
    let shown = 0;
    for (const entry of entries) {
      const keep = !query || texts.get(entry).includes(query);
      entry.hidden = !keep;
      if (keep) shown += 1;
    }
    for (const topic of document.querySelectorAll(".glossary-topic")) {
      topic.hidden = !topic.querySelector(".entry:not([hidden])");
    }
    status.textContent = !query ? "" : shown === 0 ? status.dataset.none
      : status.dataset.some.replace("{count}", shown).replace("{total}", entries.length);
  });
})();

// The parallel page shows two editions; the reader picks which, and in which
// column. The choice is kept in the address (?left=…&right=…).
(() => {
  const form = document.querySelector("[data-parallel-pick]");
  if (!form) return;
  const [left, right] = [form.elements.left, form.elements.right];
  const params = new URLSearchParams(window.location.search);
  for (const [select, name] of [[left, "left"], [right, "right"]]) {
    const wanted = params.get(name);
    if (wanted && [...select.options].some((o) => o.value === wanted)) select.value = wanted;
  }
  const apply = () => {
    for (const cell of document.querySelectorAll(".parallel-cell[data-edition]")) {
      const code = cell.dataset.edition;
      cell.hidden = code !== left.value && code !== right.value;
      cell.style.order = code === left.value ? "1" : "2";
    }
    const url = new URL(window.location.href);
    url.searchParams.set("left", left.value);
    url.searchParams.set("right", right.value);
    history.replaceState(null, "", url);
  };
  form.addEventListener("change", (event) => {
    // Picking the edition the other column shows swaps the two.
    const changed = event.target;
    const other = changed === left ? right : left;
    if (changed.value === other.value) other.value = changed.dataset.previous;
    left.dataset.previous = left.value;
    right.dataset.previous = right.value;
    apply();
  });
  if (left.value === right.value) {
    right.value = [...right.options].find((o) => o.value !== left.value).value;
  }
  left.dataset.previous = left.value;
  right.dataset.previous = right.value;
  form.hidden = false;
  apply();
})();

// "On this page" marks the section the reader is in.
(() => {
  const links = [...document.querySelectorAll(".toc a[href^='#']")];
  if (!links.length) return;
  const targets = links.map((a) => document.getElementById(decodeURIComponent(a.hash.slice(1))));
  let pending = false;
  const mark = () => {
    pending = false;
    let current = null;
    targets.forEach((target, i) => {
      if (target && target.getBoundingClientRect().top <= 120) current = links[i];
    });
    for (const link of links) {
      if (link === current) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    }
  };
  document.addEventListener("scroll", () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(mark);
    }
  }, { passive: true });
  mark();
})();
