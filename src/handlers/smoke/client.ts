// A small client for the studio's API as the browser uses it: JSON in and out, the session
// cookie carried along, errors turned into one readable line.

/** A non-2xx answer or a network failure. */
export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "ApiCallError";
  }
}

/** The studio API at one origin. */
export class StudioClient {
  readonly origin: string;
  #cookie: string | null = null;
  readonly #signal: AbortSignal;

  constructor(origin: string, signal: AbortSignal) {
    this.origin = origin.replace(/\/$/, "");
    this.#signal = signal;
  }

  // The same session under another signal: clean-up still runs after the run was interrupted.
  withSignal(signal: AbortSignal): StudioClient {
    const other = new StudioClient(this.origin, signal);
    other.#cookie = this.#cookie;
    return other;
  }

  // Unlocks the studio with the access key; keeps the session cookie.
  async unlock(key: string): Promise<void> {
    const res = await this.#fetch("/api/session", { method: "POST", body: { key } });
    const setCookie = res.headers.getSetCookie?.() ?? [];
    const session = setCookie
      .map((c) => c.split(";")[0] ?? "")
      .find((c) => c.startsWith("efs_session="));
    if (!session)
      throw new ApiCallError("the app accepted the key but set no efs_session cookie", res.status);
    this.#cookie = session;
  }

  // JSON request; throws ApiCallError with the API's error message on a non-2xx answer.
  async json<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const res = await this.#fetch(path, init);
    return (await res.json()) as T;
  }

  async #fetch(path: string, init: { method?: string; body?: unknown }): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    if (this.#cookie) headers.cookie = this.#cookie;
    let res: Response;
    try {
      res = await fetch(`${this.origin}${path}`, {
        method: init.method ?? "GET",
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.any([this.#signal, AbortSignal.timeout(60_000)]),
        redirect: "manual",
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new ApiCallError(
        `${init.method ?? "GET"} ${path}: cannot reach ${this.origin} (${cause})`,
        null,
      );
    }
    if (res.status < 200 || res.status > 299) {
      let msg = "";
      try {
        const j = (await res.json()) as { error?: { code?: string; message?: string } };
        msg = [j.error?.code, j.error?.message].filter(Boolean).join(": ");
      } catch {
        msg = res.statusText;
      }
      throw new ApiCallError(
        `${init.method ?? "GET"} ${path} → HTTP ${res.status} ${msg}`.trim(),
        res.status,
      );
    }
    return res;
  }
}
