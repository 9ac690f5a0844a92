// Calls to the three APIs from the browser: JSON in and out, the session's token, one retry after
// refreshing an expired access token, and every refusal as an ApiError with its field errors.
import { apis } from "/config.js";
import { session } from "./session.js";

const PORTS = { registration: 8081, teams: 8082, notifications: 8083 };

/** The base URL of a service: configured by the server, else this host on the service's port. */
export function apiBase(service) {
  return apis[service] || `${location.protocol}//${location.hostname}:${PORTS[service]}`;
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
    // 422: {"errors": {"json": {field: [messages]}}} (or "query"); flattened to {field: [..]}.
    const errors = this.body.errors || {};
    this.fields = Object.assign({}, errors.json || {}, errors.query || {}, errors.form || {});
  }
}

async function send(service, path, { method = "GET", body, token, headers = {}, raw = false }) {
  const init = { method, headers: { Accept: raw ? "*/*" : "application/json", ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  if (token) init.headers.Authorization = `Bearer ${token}`;
  return fetch(`${apiBase(service)}${path}`, init);
}

/**
 * One request; `auth: true` sends the session's access token (refreshing it once on 401).
 * Answers the parsed JSON (null for 204); `raw: true` answers the Response (downloads).
 * POSTs carry an Idempotency-Key unless one is given, so a retried click applies once.
 */
export async function call(service, path, options = {}) {
  const { auth = false, raw = false } = options;
  const headers = { ...(options.headers || {}) };
  if (options.method === "POST" && !headers["Idempotency-Key"]) {
    headers["Idempotency-Key"] = crypto.randomUUID();
  }
  let token = auth ? session.accessToken() : null;
  let response = await send(service, path, { ...options, headers, token });
  // Refreshed meanwhile (for another request): try again with the new token, else refresh.
  const renewed = () => session.accessToken() !== token || session.refresh();
  if (auth && response.status === 401 && (await renewed())) {
    token = session.accessToken();
    response = await send(service, path, { ...options, headers, token });
  }
  if (!response.ok) {
    let payload = null;
    try {
      payload = await response.json();
    } catch {
      payload = null;
    }
    throw new ApiError(response.status, payload);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

/** Download an answer (CSV, XLSX, PDF, ICS) under `filename` through a temporary link. */
export async function download(service, path, filename) {
  const response = await call(service, path, { auth: true, raw: true });
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
