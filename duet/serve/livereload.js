// Dev server only (never part of a built site): reload the page when the site
// is rebuilt, and show build problems over the page until the next good build.
(() => {
  "use strict";
  const OVERLAY_ID = "duet-build-problems";

  function hideProblems() {
    const overlay = document.getElementById(OVERLAY_ID);
    if (overlay) overlay.remove();
  }

  function showProblems(problems) {
    hideProblems();
    const overlay = document.createElement("div");
    overlay.id = OVERLAY_ID;
    overlay.setAttribute("role", "alert");
    overlay.lang = "en";
    Object.assign(overlay.style, {
      position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto",
      background: "rgba(20, 20, 20, 0.94)", color: "#fff", padding: "2rem",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      whiteSpace: "pre-wrap",
    });
    const title = document.createElement("h2");
    title.textContent = "The last save did not build; this is the last good site.";
    Object.assign(title.style, { font: "bold 16px/1.4 sans-serif", margin: "0 0 1rem" });
    overlay.append(title);
    for (const problem of problems) {
      const line = document.createElement("p");
      line.textContent = problem;
      Object.assign(line.style, { margin: "0 0 0.5rem", color: "#ffb4a9" });
      overlay.append(line);
    }
    const hint = document.createElement("p");
    hint.textContent = "Fix the file and save: this page reloads by itself.";
    Object.assign(hint.style, { margin: "1rem 0 0", color: "#ccc", fontFamily: "sans-serif" });
    overlay.append(hint);
    document.body.append(overlay);
  }

  const events = new EventSource("/__duet/events");
  events.addEventListener("reload", () => window.location.reload());
  events.addEventListener("problems", (event) => showProblems(JSON.parse(event.data)));
  events.addEventListener("ok", hideProblems);
})();
