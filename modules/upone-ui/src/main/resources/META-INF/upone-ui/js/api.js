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

async function request(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
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
