// Small HTTP helpers over fetch: a bearer token, the body as text, a readable error.

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

export async function request(url: string, token: string | null, init: { method?: string; accept?: string; body?: unknown } = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (token) headers['Authorization'] = `Bearer ${token}`;
  if (init.accept) headers['Accept'] = init.accept;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** The body of a 2xx answer, or an error naming the URL and the answer. */
export async function getOk(url: string, token: string | null, accept?: string): Promise<HttpAnswer> {
  const a = await request(url, token, accept ? { accept } : {});
  if (a.status < 200 || a.status > 299) throw new Error(`GET ${url}: ${a.status} ${a.body.slice(0, 300)}`);
  return a;
}

export async function getJson<T>(url: string, token: string | null): Promise<T> {
  return JSON.parse((await getOk(url, token)).body) as T;
}
