/** A few DOM helpers: the page is plain DOM, no framework. */

type Child = Node | string | number | null | undefined | false;

/** An element with attributes (`on*` functions become listeners, `class` the class name) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, unknown> = {},
  ...children: readonly Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value as EventListener);
    else if (name === "class") element.className = String(value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

/** 14:03:27 in local time. */
export const clock = (iso: string | undefined): string => (iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : "");

/** 1 234 Wh -> "1.23 kWh". */
export const kWh = (wh: number): string => `${(wh / 1000).toFixed(2)} kWh`;
export const kW = (w: number | undefined): string => (w === undefined ? "–" : `${(w / 1000).toFixed(1)} kW`);

export const versionClass = (version: string): string => `v v-${version.replaceAll(".", "")}`;

/** `status=Accepted interval=300`: the scalar fields of a payload, for a one-line summary. */
export function summary(payload: unknown, limit = 140): string {
  const parts: string[] = [];
  const visit = (value: unknown, key: string, depth: number) => {
    if (parts.length > 12 || value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const item of value.slice(0, 3)) visit(item, key, depth + 1);
    } else if (typeof value === "object") {
      const sample = value as { value?: unknown; measurand?: unknown; unit?: unknown; unitOfMeasure?: { unit?: unknown } };
      // A sampled value reads best as measurand=value+unit, at any depth.
      if (key === "sampledValue" && sample.value !== undefined) {
        parts.push(
          `${String(sample.measurand ?? "Energy.Active.Import.Register")}=${String(sample.value)}${String(sample.unit ?? sample.unitOfMeasure?.unit ?? "")}`,
        );
      } else if (depth < 4) for (const [child, childValue] of Object.entries(value)) visit(childValue, child, depth + 1);
    } else if (key !== "timestamp" && key !== "currentTime") parts.push(`${key}=${String(value)}`);
  };
  visit(payload, "", 0);
  const text = parts.join(" ");
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
