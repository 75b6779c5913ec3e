// Two small SVG drawings: the feed needs no charting library, and the page stays a few kilobytes.
const SVG = 'http://www.w3.org/2000/svg';

function el(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Bars of the lag histogram: one per bucket, labelled with its upper bound. */
export function drawHistogram(svg, { bucketsMs, counts }) {
  const width = 280;
  const height = 120;
  const base = height - 16;
  const max = Math.max(1, ...counts);
  const slot = width / counts.length;
  const shapes = counts.flatMap((count, i) => {
    const h = Math.round((count / max) * (base - 12));
    const label = i < bucketsMs.length ? short(bucketsMs[i]) : `>${short(bucketsMs.at(-1))}`;
    const bar = el('rect', { class: 'bar', x: i * slot + 2, y: base - h, width: slot - 4, height: h, rx: 1 });
    bar.append(el('title', {}, `${i < bucketsMs.length ? '≤' : ''}${label} ms: ${count}`));
    const parts = [bar, el('text', { x: i * slot + slot / 2, y: height - 4, 'text-anchor': 'middle' }, label)];
    if (count > 0) parts.push(el('text', { x: i * slot + slot / 2, y: base - h - 2, 'text-anchor': 'middle' }, count));
    return parts;
  });
  svg.replaceChildren(...shapes);
}

function short(ms) {
  return ms >= 1000 ? `${ms / 1000}s` : String(ms);
}

/**
 * A journey's hops on a shared scale: relay, consume, read; a stage not reached yet is drawn
 * pending up to now, so a stalled event visibly grows.
 */
export function drawTrack(track, journey, scaleMs, now) {
  const start = journey.committedAt;
  const stops = [journey.publishedAt, journey.appliedAt, journey.visibleAt];
  const names = ['relay', 'consume', 'read'];
  const segments = [];
  let from = start;
  for (let i = 0; i < stops.length; i++) {
    const reached = stops[i] !== undefined && stops[i] !== null;
    const to = reached ? Math.max(stops[i], from) : now;
    segments.push(segment(reached ? names[i] : 'pending', from - start, to - from, scaleMs));
    if (!reached) break;
    from = to;
  }
  track.replaceChildren(...segments);
}

function segment(kind, offsetMs, lengthMs, scaleMs) {
  const span = document.createElement('span');
  span.className = `seg ${kind}`;
  span.style.left = `${Math.min(100, (offsetMs / scaleMs) * 100)}%`;
  span.style.width = `${Math.min(100, (lengthMs / scaleMs) * 100)}%`;
  return span;
}
