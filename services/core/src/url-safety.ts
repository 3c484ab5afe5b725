// URLs users paste may carry credentials: `https://user:password@host/…` or a signed query
// (`?token=…`, `X-Amz-Signature=…`). The full URL is kept only where it is needed to fetch;
// everything shown or logged (titles, job views, errors, log lines) uses displayUrl().

// `scheme://host[:port]/path`, without user info, query or fragment ("?…" marks a dropped
// query). Text that does not parse has everything between "//" and "@" and from "?" removed.
export function displayUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const query = u.search || u.hash ? "?…" : "";
    return `${u.protocol}//${u.host}${u.pathname}${query}`;
  } catch {
    return raw
      .replace(/\/\/[^/?#]*@/, "//")
      .replace(/[?#].*$/s, "?…")
      .slice(0, 200);
  }
}

// Splits `user:password@` off a URL: the URL without it, and the Basic authorization header
// value it stood for (null when the URL had none).
export function splitUrlCredentials(raw: string): { url: URL; authorization: string | null } {
  const url = new URL(raw);
  if (!url.username && !url.password) return { url, authorization: null };
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = "";
  url.password = "";
  const token = Buffer.from(`${user}:${password}`, "utf8").toString("base64");
  return { url, authorization: `Basic ${token}` };
}
