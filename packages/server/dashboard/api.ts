/** GET an API route; a non-2xx answer becomes an Error with the server's named error and message. */
export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path);
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string; message?: string };
    throw new Error(`${body.error ?? response.status}: ${body.message ?? response.statusText}`);
  }
  return (await response.json()) as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): HTMLElement {
  const head = el("tr", {}, ...headers.map((h) => el("th", { scope: "col" }, h)));
  const body = rows.map((r) =>
    el("tr", {}, ...r.map((c) => el("td", typeof c === "number" ? { class: "num" } : {}, formatCell(c)))),
  );
  return el("div", { class: "scroll" }, el("table", {}, el("thead", {}, head), el("tbody", {}, ...body)));
}

function formatCell(c: string | number): string {
  if (typeof c === "string") return c;
  return Math.abs(c) >= 1000
    ? c.toLocaleString("en-US", { maximumFractionDigits: 0 })
    : String(Number(c.toPrecision(6)));
}

export function picker(
  label: string,
  name: string,
  options: readonly string[],
  value: string,
  onChange: (v: string) => void,
) {
  const select = el(
    "select",
    { name, "aria-label": label },
    ...options.map((o) => el("option", { value: o }, o)),
  );
  select.value = value;
  select.addEventListener("change", () => onChange(select.value));
  return el("label", {}, label, select);
}
