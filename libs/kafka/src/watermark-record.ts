/**
 * A watermark is a record on an events topic that is not an event: "every event committed before
 * this instant precedes me on this partition". It has no key and no value, so a consumer that does
 * not know it sees an empty record and skips it; the instant travels in a header.
 */
export const WATERMARK_HEADER = 'converge-watermark';

/** What a broadcast to every partition carries: headers and no value. */
export interface WatermarkRecord {
  headers: Record<string, string>;
}

/** The instant is epoch milliseconds, in decimal: exact, unlike a parsed date with sub-ms digits. */
export function watermarkRecord(atMs: number): WatermarkRecord {
  return { headers: { [WATERMARK_HEADER]: String(Math.floor(atMs)) } };
}

/** The watermark's instant (epoch ms), or undefined for any other record. */
export function readWatermark(message: { headers: Record<string, string>; value: Buffer | null }): number | undefined {
  const header = message.headers[WATERMARK_HEADER];
  if (header === undefined || (message.value !== null && message.value.length > 0)) return undefined;
  if (!/^\d{1,15}$/.test(header)) return undefined;
  return Number(header);
}
