/**
 * The URL a charger connects to: the central system's base URL with the charger's id as the last path
 * segment (OCPP-J 1.6 section 3.1.1, 2.0.1 part 4 section 3.1.1), unless the base already ends with it.
 */
export function chargerUrl(base: URL, id: string): string {
  const segments = base.pathname.split("/").filter(Boolean);
  if (segments.at(-1) === encodeURIComponent(id)) return base.href;
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/$/, "")}/${encodeURIComponent(id)}`;
  return url.href;
}
