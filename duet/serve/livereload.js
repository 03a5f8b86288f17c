// Dev server only (never part of a built site): reload the page when the site
// is rebuilt, and show build problems over the page until the next good build.
(() => {
  "use strict";
  const OVERLAY_ID = "duet-build-problems";
  const WARNINGS_ID = "duet-build-warnings";

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
    appendLines(overlay, problems, { margin: "0 0 0.5rem", color: "#ffb4a9" });
    const hint = document.createElement("p");
    hint.textContent = "Fix the file and save: this page reloads by itself.";
    Object.assign(hint.style, { margin: "1rem 0 0", color: "#ccc", fontFamily: "sans-serif" });
    overlay.append(hint);
    document.body.append(overlay);
  }

  // One paragraph per message, styled alike.
  function appendLines(parent, messages, style) {
    for (const message of messages) {
      const line = document.createElement("p");
      line.textContent = message;
      Object.assign(line.style, style);
      parent.append(line);
    }
  }

  // The warnings a rebuild added: a panel in a corner, closed by its button.
  function showWarnings(warnings) {
    const old = document.getElementById(WARNINGS_ID);
    if (old) old.remove();
    const panel = document.createElement("section");
    panel.id = WARNINGS_ID;
    panel.setAttribute("role", "status");
    panel.setAttribute("aria-label", "New build warnings");
    panel.lang = "en";
    Object.assign(panel.style, {
      position: "fixed", right: "1rem", bottom: "1rem", zIndex: "2147483647",
      maxWidth: "min(40rem, calc(100vw - 2rem))", maxHeight: "40vh", overflow: "auto",
      background: "#2b2414", color: "#fff", padding: "0.75rem 1rem", borderRadius: "6px",
      font: "13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      whiteSpace: "pre-wrap", boxShadow: "0 2px 12px rgba(0, 0, 0, 0.4)",
    });
    const title = document.createElement("h2");
    title.textContent = `This save added ${warnings.length} warning(s)`;
    Object.assign(title.style, { font: "bold 14px/1.4 sans-serif", margin: "0 0 0.5rem" });
    const close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", () => panel.remove());
    Object.assign(close.style, { float: "right", marginLeft: "1rem" });
    panel.append(close, title);
    appendLines(panel, warnings, { margin: "0 0 0.4rem", color: "#ffe2a8" });
    const link = document.createElement("a");
    link.href = "/__duet/translations";
    link.textContent = "Translation dashboard";
    link.style.color = "#cfe3ff";
    panel.append(link);
    document.body.append(panel);
  }

  const events = new EventSource("/__duet/events");
  events.addEventListener("warnings", (event) => showWarnings(JSON.parse(event.data)));
  events.addEventListener("reload", () => window.location.reload());
  events.addEventListener("problems", (event) => showProblems(JSON.parse(event.data)));
  events.addEventListener("ok", hideProblems);
})();
