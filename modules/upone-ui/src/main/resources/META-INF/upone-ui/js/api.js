// The HTTP API, same origin. A refusal is thrown as ApiError carrying the server's problem
// ({code, message, errors: [{field, reason}]}), so forms can put each reason next to its field.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.message || `request failed with status ${status}`);
    this.status = status;
    this.code = problem.code || `http_${status}`;
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }
}

// With API tokens on (see security.md) the page asks for one at the first 401 and keeps it for the
// browser session; with tokens off it never asks.
const TOKEN_KEY = 'upone.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

/** Headers that carry the token, if one was given. */
export function authHeaders() {
  return token() ? { Authorization: `Bearer ${token()}` } : {};
}

/** Asks for a token after a 401 (or a 403, for one with more rights); says whether one was given. */
export function askToken(status) {
  const t = window.prompt(status === 403 ? 'This needs a token with more rights. API token:' : 'API token:');
  if (!t) return false;
  sessionStorage.setItem(TOKEN_KEY, t.trim());
  return true;
}

async function request(method, path, body, retried) {
  const init = { method, headers: { Accept: 'application/json', ...authHeaders() } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, { code: 'unreachable', message: 'the server did not answer: ' + e.message });
  }
  const text = await res.text();
  let json = {};
  if (text) {
    try { json = JSON.parse(text); } catch { json = { message: text }; }
  }
  if ((res.status === 401 || res.status === 403) && !retried && askToken(res.status)) {
    return request(method, path, body, true);
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/** `/demo/web` -> `demo/web` for paths under /v1/apps and /v1/jobs (each segment encoded). */
export function idPath(id) {
  return id.replace(/^\//, '').split('/').map(encodeURIComponent).join('/');
}

export const api = {
  get: (p) => request('GET', p),
  post: (p, b) => request('POST', p, b === undefined ? '' : b),
  put: (p, b) => request('PUT', p, b),
  del: (p) => request('DELETE', p),
};
