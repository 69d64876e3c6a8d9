// One fetch wrapper for the whole app: JSON in, JSON out, problem+json errors as ApiProblem.
// Credentials never travel in a URL: order access tokens go in the Authorization header and
// staff sessions in the HttpOnly cookie, with the CSRF token in a header on every write.

export interface Money {
  amount: number;
  currency: string;
}

export interface FieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem answer, or a network failure (status 0, code `network_error`). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string | undefined,
    readonly requestId: string | undefined,
    readonly errors: FieldError[] = [],
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(detail ?? code);
  }
}

export interface RequestOptions {
  json?: unknown;
  bearer?: string;
  csrfToken?: string;
  idempotencyKey?: string;
  /** The shop's device id (`X-Device-Id`), a risk signal sent with checkouts. */
  deviceId?: string;
  signal?: AbortSignal;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.json !== undefined) headers["content-type"] = "application/json";
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.csrfToken) headers["x-csrf-token"] = options.csrfToken;
  if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
  if (options.deviceId) headers["x-device-id"] = options.deviceId;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiProblem(0, "network_error", error instanceof Error ? error.message : String(error), undefined);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let body: unknown = null;
  if (text !== "") {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!res.ok) {
    const problem = (body ?? {}) as {
      code?: string;
      detail?: string;
      title?: string;
      requestId?: string;
      errors?: FieldError[];
    };
    const retryAfter = Number(res.headers.get("retry-after"));
    throw new ApiProblem(
      res.status,
      problem.code ?? `http_${res.status}`,
      problem.detail ?? problem.title,
      problem.requestId,
      problem.errors ?? [],
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    );
  }
  return body as T;
}

export const newIdempotencyKey = () => crypto.randomUUID();

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
