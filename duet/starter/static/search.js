// Search with Pagefind. The form works as a plain GET form: the query comes
// back in ?q=, and this script runs it against the index of the page's
// language (Pagefind picks it from <html lang>). Results are built as DOM
// nodes: the excerpts' text, with Pagefind's <mark>s kept.
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

  const excerpt = (html) => {
    const holder = document.createElement("template");
    holder.innerHTML = html;
    const paragraph = document.createElement("p");
    for (const node of holder.content.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        paragraph.append(mark);
      } else {
        paragraph.append(document.createTextNode(node.textContent));
      }
    }
    return paragraph;
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
      const search = await pagefind.search(query.trim());
      const pages = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
      if (ticket !== latest) return;
      list.replaceChildren(...pages.map((page) => {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = page.url;
        link.textContent = page.meta.title || page.url;
        item.append(link, excerpt(page.excerpt));
        return item;
      }));
      say(status.dataset.results, { count: search.results.length });
    } catch (error) {
      if (ticket === latest) say(status.dataset.failed, {});
    }
  };

  const submit = () => {
    const url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    history.replaceState(null, "", url);
    run(input.value);
  };
  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(submit, 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    submit();
  });
  const initial = new URLSearchParams(window.location.search).get("q") || "";
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
