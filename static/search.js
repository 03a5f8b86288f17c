// Search with Pagefind. The form works as a plain GET form: the query comes
// back in ?q=, and this script runs it against the index of the page's
// language (Pagefind picks it from <html lang>). Results are built as DOM
// nodes; only <mark> is kept from Pagefind's excerpts.
(() => {
  const form = document.querySelector("[data-search]");
  if (!form) return;
  const input = form.querySelector("input[name=q]");
  const status = document.querySelector("[data-search-status]");
  const list = document.querySelector("[data-search-results]");
  let pagefind = null;
  let latest = 0;

  const say = (template, values) => {
    status.hidden = false;
    status.textContent = template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
  };

  // Chinese editions: Pagefind joins the text of separate blocks with ". ";
  // after Chinese text that becomes the full stop Chinese uses.
  const chinese = document.documentElement.lang.toLowerCase().startsWith("zh");
  const han = "\\u3400-\\u9fff\\uff01-\\uff5e\\u3001-\\u300f\\u201c\\u201d\\u2018\\u2019";
  const afterHan = new RegExp(`([${han}])((?:</?mark>)*)\\.(?:\\s+|$)`, "g");
  const beforeHan = new RegExp(`\\.\\s+((?:</?mark>)*)(?=[${han}])`, "g");
  const punctuate = (html) => chinese
    ? html.replace(afterHan, "$1$2。").replace(beforeHan, "。$1")
    : html;

  // Pagefind marks the words it matched; where the excerpt has the query as
  // written (in either script), that is what is marked instead, whole.
  const excerptNodes = (html, phrases) => {
    const holder = document.createElement("template");
    holder.innerHTML = punctuate(html);
    const fragment = document.createDocumentFragment();
    const text = holder.content.textContent;
    const lower = text.toLowerCase();
    const spans = [];
    for (const phrase of phrases) {
      for (let at = lower.indexOf(phrase); phrase && at >= 0; at = lower.indexOf(phrase, at + 1)) {
        spans.push([at, at + phrase.length]);
      }
    }
    if (spans.length) {
      spans.sort((a, b) => a[0] - b[0]);
      let last = 0;
      for (const [start, end] of spans) {
        if (start < last) continue;
        fragment.append(document.createTextNode(text.slice(last, start)));
        const mark = document.createElement("mark");
        mark.textContent = text.slice(start, end);
        fragment.append(mark);
        last = end;
      }
      fragment.append(document.createTextNode(text.slice(last)));
      return fragment;
    }
    for (const node of holder.content.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        fragment.append(mark);
      } else {
        fragment.append(document.createTextNode(node.textContent));
      }
    }
    return fragment;
  };

  // A query in the other Chinese script is also looked for in this edition's:
  // the search page carries the characters that differ between the two.
  const variants = (() => {
    if (!form.dataset.variants) return null;
    const toTraditional = JSON.parse(form.dataset.variants);
    if (form.dataset.script === "traditional") return toTraditional;
    return Object.fromEntries(Object.entries(toTraditional).map(([s, t]) => [t, s]));
  })();
  const inThisScript = (query) => variants
    ? [...query].map((c) => variants[c] ?? c).join("") : query;

  // Pagefind ranks pages by the words it finds; a Chinese word it splits into
  // characters would rank a page that shares one character with it as high as
  // a page that has the word. So the results are put in tiers, each kept
  // in Pagefind's order: a glossary entry whose term has the query (the page
  // says it is the glossary in Pagefind's metadata), a section whose heading
  // has it, pages that have the query as written (most often first), the rest.
  const plain = (text) => text.replace(/\s+/g, " ").toLowerCase();
  const occurrences = (text, phrase) => phrase ? plain(text).split(phrase).length - 1 : 0;
  const rank = (pages, phrases) => pages.map((page, order) => {
    const subs = (page.sub_results || []).filter((sub) => sub.url);
    const named = subs.find((sub) => sub.url.includes("#")
      && phrases.some((p) => plain(sub.title).includes(p)));
    const count = phrases.reduce((sum, p) => sum + occurrences(page.content || "", p), 0);
    const holding = subs.filter((sub) => phrases.some((p) => plain(sub.excerpt
      .replace(/<\/?mark>/g, "")).includes(p)));
    const busiest = (list) => list.reduce((best, sub) =>
      !best || sub.locations.length > best.locations.length ? sub : best, null);
    const section = named || busiest(holding) || busiest(subs);
    const tier = named ? (page.meta.kind === "glossary" ? 0 : 1) : count > 0 ? 2 : 3;
    return { page, section, order, tier, count };
  }).sort((a, b) => a.tier - b.tier || (a.tier === 2 ? b.count - a.count : 0)
    || a.order - b.order);

  const render = (ranked, phrases) => {
    list.replaceChildren(...ranked.map(({ page, section }) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      const inSection = section && section.url.includes("#");
      link.href = inSection ? section.url : page.url;
      link.textContent = page.meta.title || page.url;
      item.append(link);
      if (inSection && section.title && section.title !== page.meta.title) {
        const where = document.createElement("p");
        where.className = "result-section";
        where.textContent = section.title;
        item.append(where);
      }
      const excerpt = document.createElement("p");
      excerpt.append(excerptNodes(inSection ? section.excerpt : page.excerpt, phrases));
      item.append(excerpt);
      return item;
    }));
  };

  const run = async (query) => {
    const ticket = ++latest;
    if (!query.trim()) {
      list.replaceChildren();
      status.hidden = true;
      return;
    }
    say(status.dataset.searching, {});
    try {
      if (!pagefind) {
        pagefind = await import(form.dataset.bundle + "pagefind.js");
        await pagefind.options({ baseUrl: form.dataset.base });
        await pagefind.init();
      }
      const forms = [...new Set([query.trim(), inThisScript(query.trim())])];
      const searches = await Promise.all(forms.map((q) => pagefind.search(q)));
      const found = new Map();
      for (const search of searches) {
        for (const result of search.results) {
          const known = found.get(result.id);
          if (!known || known.score < result.score) found.set(result.id, result);
        }
      }
      const best = [...found.values()].sort((a, b) => b.score - a.score).slice(0, 40);
      const pages = await Promise.all(best.map((r) => r.data()));
      if (ticket !== latest) return;
      const ranked = rank(pages, forms.map(plain)).slice(0, 20);
      render(ranked, forms.map(plain));
      const count = found.size;
      const template = count === 0 ? status.dataset.none
        : count === 1 ? status.dataset.one : status.dataset.many;
      say(template, { query, count });
      if (forms.length > 1 && count > 0) {
        status.textContent += (chinese ? "" : " ")
          + status.dataset.also.replace("{variant}", forms[1]);
      }
    } catch (error) {
      if (ticket === latest) say(status.dataset.failed, {});
    }
  };

  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const url = new URL(window.location.href);
      url.searchParams.set("q", input.value);
      history.replaceState(null, "", url);
      run(input.value);
    }, 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    const url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    history.replaceState(null, "", url);
    run(input.value);
  });
  const initial = new URLSearchParams(window.location.search).get("q") || "";
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
