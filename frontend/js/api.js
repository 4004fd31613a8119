// The one way pages talk to the API: same origin, under /api, JSON in and out. Failures become an
// ApiError carrying the API's own `{"error": {"code", "message", "details"}}` so pages can name the
// field or the conflict, and describeError() turns any failure into words for the citizen.

import { t } from "./i18n.js";

// A deployment that serves the API elsewhere can say so with <meta name="satu-pintu-api" content="…">.
export const API_BASE = (document.querySelector('meta[name="satu-pintu-api"]')?.content || "/api").replace(
  /\/$/,
  "",
);
const DEFAULT_TIMEOUT_MS = 15000;

/** A failed API call: HTTP status (0 when the network failed), the API's error code, messages and details. */
export class ApiError extends Error {
  constructor(status, code, message, details = null, messageEn = null) {
    super(message || code);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.messageEn = messageEn; // the API's `message_en`, beside the Indonesian `message`
  }
}

/** Build the URL of an API path, dropping empty query values. */
export function apiUrl(path, params = {}) {
  const url = new URL(API_BASE + path, location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, value);
  }
  return url;
}

/**
 * Call the API and return the parsed JSON body.
 * @throws {ApiError} on a network failure, a timeout, a non-2xx answer or an unreadable body.
 */
export async function apiFetch(path, { method = "GET", params, body, headers = {}, signal, timeout, cache } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort("timeout"), timeout ?? DEFAULT_TIMEOUT_MS);
  // A caller's own abort (a newer search replacing an older one) must still cancel the request.
  signal?.addEventListener("abort", () => controller.abort(signal.reason));
  const init = { method, headers: { Accept: "application/json", ...headers }, signal: controller.signal };
  if (cache) init.cache = cache; // e.g. "no-cache" for figures that must be the latest
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  let response;
  try {
    response = await fetch(apiUrl(path, params), init);
  } catch (error) {
    if (signal?.aborted) throw error; // the caller cancelled: not a failure to report
    const timedOut = controller.signal.reason === "timeout";
    throw new ApiError(0, timedOut ? "timeout" : "network", String(error?.message || error));
  } finally {
    clearTimeout(timer);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError(response.status, response.ok ? "bad_response" : `http_${response.status}`, text);
    }
  }
  if (!response.ok) {
    const error = data?.error || {};
    throw new ApiError(
      response.status,
      error.code || `http_${response.status}`,
      error.message,
      error.details,
      error.message_en,
    );
  }
  return data;
}

/** GET `path` with query `params`. */
export function apiGet(path, params, options = {}) {
  return apiFetch(path, { ...options, params });
}

/** POST `body` as JSON to `path`. */
export function apiPost(path, body, options = {}) {
  return apiFetch(path, { ...options, method: "POST", body });
}

/** Say in the citizen's language what went wrong, from the HTTP status or the failure kind. */
export function describeError(error) {
  if (!(error instanceof ApiError)) return t("error.server");
  if (error.code === "network") return t("error.network");
  if (error.code === "timeout") return t("error.timeout");
  if (error.code === "bad_response") return t("error.bad_response");
  if (error.status === 404) return t("error.not_found");
  if (error.status === 401 || error.status === 403) return t("error.unauthorized");
  if (error.status === 429) return t("error.throttled");
  if (error.status >= 400 && error.status < 500) return t("error.bad_request");
  return t("error.server");
}
