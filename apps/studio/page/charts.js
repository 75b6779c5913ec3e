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

/**
 * The window experiment: per delay setting, the share of stale reads at each offset after the
 * write. Offsets sit evenly spaced (they grow roughly tenfold every three), labelled with their ms.
 */
export function drawWindowChart(svg, measurements) {
  const width = 640;
  const height = 240;
  const left = 40;
  const right = 12;
  const top = 12;
  const bottom = 34;
  const offsets = measurements[0].curve.offsetsMs;
  const x = (i) => left + (i / Math.max(1, offsets.length - 1)) * (width - left - right);
  const y = (share) => top + (1 - share) * (height - top - bottom);
  const shapes = [];
  for (const share of [0, 0.5, 1]) {
    shapes.push(el('line', { class: 'axis', x1: left, x2: width - right, y1: y(share), y2: y(share) }));
    shapes.push(el('text', { x: left - 6, y: y(share) + 3, 'text-anchor': 'end' }, `${share * 100}%`));
  }
  offsets.forEach((offset, i) =>
    shapes.push(el('text', { x: x(i), y: height - bottom + 14, 'text-anchor': 'middle' }, String(offset))),
  );
  shapes.push(
    el(
      'text',
      { x: (left + width) / 2, y: height - 4, 'text-anchor': 'middle' },
      'ms after the write was acknowledged',
    ),
  );
  measurements.forEach(({ setting, curve }, s) => {
    const points = curve.staleShare.map((share, i) => `${x(i)},${y(share)}`).join(' ');
    shapes.push(el('polyline', { class: `series-${s}`, points }));
    curve.staleShare.forEach((share, i) => {
      const dot = el('circle', { class: `series-${s}`, cx: x(i), cy: y(share), r: 3 });
      dot.append(el('title', {}, `${label(setting)}: ${Math.round(share * 100)}% stale at ${offsets[i]} ms`));
      shapes.push(dot);
    });
    shapes.push(
      el(
        'text',
        { class: `legend series-${s}`, x: width - right, y: top + 12 + s * 14, 'text-anchor': 'end' },
        label(setting),
      ),
    );
  });
  svg.replaceChildren(...shapes);
}

export function label(setting) {
  return setting.maxMs === 0 ? 'no delay' : `delay ${setting.minMs}–${setting.maxMs} ms`;
}
