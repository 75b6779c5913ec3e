import { parseSamples, type Sample } from '@converge/platform';

export { parseSamples, samplesOf, valueOf, type Sample } from '@converge/platform';

/** Scrapes a service's /metrics. */
export async function scrape(
  baseUrl: string,
): Promise<{ contentType: string | null; samples: Sample[]; text: string }> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const text = await response.text();
  return { contentType: response.headers.get('content-type'), samples: parseSamples(text), text };
}
