export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** One HTTP call that answers JSON; the body is typed by the caller's expectation. */
export async function requestJson<T = Record<string, unknown>>(
  url: string,
  init: RequestInit = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
}
