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

  const excerptNodes = (html) => {
    const holder = document.createElement("template");
    holder.innerHTML = html;
    const fragment = document.createDocumentFragment();
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

  const render = (results) => {
    list.replaceChildren(...results.map((result) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = result.url;
      link.textContent = result.meta.title || result.url;
      const excerpt = document.createElement("p");
      excerpt.append(excerptNodes(result.excerpt));
      item.append(link, excerpt);
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
      const search = await pagefind.search(query);
      const results = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
      if (ticket !== latest) return;
      render(results);
      const count = search.results.length;
      const template = count === 0 ? status.dataset.none
        : count === 1 ? status.dataset.one : status.dataset.many;
      say(template, { query, count });
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
