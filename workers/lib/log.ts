/**
 * Structured JSON logs. Values under keys that can hold a code, secret, key or token are
 * replaced before anything is written, so a careless call site cannot leak one.
 */
const SECRET_KEYS = /code|secret|token|password|apikey|api_key|authorization|cookie|key$/i;
const SAFE_KEYS = new Set(["requestId", "codeId", "errorCode", "idempotencyKeyPresent", "keyId"]);

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) && !SAFE_KEYS.has(key) ? "[redacted]" : redact(inner, depth + 1);
  }
  return out;
}

export function createLogger(base: LogFields = {}): Logger {
  const write = (level: string, msg: string, fields: LogFields = {}) => {
    const line = JSON.stringify({
      level,
      msg,
      at: new Date().toISOString(),
      ...(redact({ ...base, ...fields }) as object),
    });
    if (level === "error") console.error(line);
    else console.log(line);
  };
  return {
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger({ ...base, ...fields }),
  };
}
