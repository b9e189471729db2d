import { el } from "./api.js";
import { clearCharts } from "./charts.js";
import { renderHealth } from "./health-page.js";
import { renderLive } from "./live-page.js";
import { renderOverview } from "./overview-page.js";
import { readTokenView, renderToken } from "./token-page.js";

const root = document.getElementById("page") as HTMLElement;
let leavePage: (() => void) | undefined;

/** Renders the page the URL names; `data-ready` tells tests (and screen readers, via focus) it is done. */
async function render(): Promise<void> {
  leavePage?.();
  leavePage = undefined;
  clearCharts();
  root.replaceChildren();
  root.dataset.ready = "false";
  const url = new URL(location.href);
  const page = url.pathname.startsWith("/tokens/")
    ? "token"
    : url.pathname === "/live"
      ? "live"
      : url.pathname === "/data-health"
        ? "health"
        : "overview";
  for (const a of document.querySelectorAll<HTMLAnchorElement>("nav a[data-nav]")) {
    if (a.dataset.nav === page) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  root.dataset.page = page;
  try {
    if (page === "token") await renderToken(root, readTokenView(url), navigate);
    else if (page === "live") leavePage = await renderLive(root);
    else if (page === "health") await renderHealth(root);
    else await renderOverview(root);
  } catch (error) {
    root.append(el("p", { role: "alert" }, `Could not load this page: ${(error as Error).message}`));
  }
  root.dataset.ready = "true";
}

function navigate(url: string): void {
  history.pushState(null, "", url);
  void render();
}

document.addEventListener("click", (event) => {
  const a = (event.target as HTMLElement).closest("a");
  if (!a || a.origin !== location.origin || a.pathname.startsWith("/docs") || event.metaKey || event.ctrlKey)
    return;
  event.preventDefault();
  navigate(a.pathname + a.search);
});
window.addEventListener("popstate", () => void render());
void render();
