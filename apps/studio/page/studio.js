import { drawHistogram, drawTrack, drawWindowChart, label } from './charts.js';

// A phone shows a dozen journeys; a desktop, a screenful more.
const FEED_ROWS = matchMedia('(max-width: 720px)').matches ? 12 : 40;
const PANE_PAUSE_MS = 250;
const $ = (id) => document.getElementById(id);

const state = {
  cartId: localStorage.getItem('converge.studio.cart') ?? undefined,
  journeys: new Map(),
  paused: false,
  rendering: false,
};

// ——— talking to the studio ———

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function say(message, bad = false) {
  const status = $('status');
  status.textContent = message;
  status.style.color = bad ? 'var(--stale)' : '';
}

function refused(answer) {
  return `${answer.status} ${answer.body?.code ?? ''} ${answer.body?.message ?? ''}`.trim();
}

// ——— writing ———

function selectCart(cartId) {
  state.cartId = cartId;
  localStorage.setItem('converge.studio.cart', cartId);
  $('cart-id').textContent = cartId;
}

async function newCart() {
  const answer = await api('POST', '/api/carts');
  if (answer.status !== 201 && answer.status !== 200) return say(`new cart refused: ${refused(answer)}`, true);
  selectCart(answer.body.id);
  say(`cart created at v${answer.body.version}`);
}

async function change(kind) {
  if (!state.cartId) await newCart();
  const sku = encodeURIComponent($('sku').value.trim());
  const quantity = Number($('quantity').value);
  const base = `/api/carts/${state.cartId}/items`;
  const call = {
    add: () => api('POST', base, { sku: decodeURIComponent(sku), quantity }),
    set: () => api('PATCH', `${base}/${sku}`, { quantity }),
    remove: () => api('DELETE', `${base}/${sku}`),
    clear: () => api('DELETE', base),
  }[kind];
  const answer = await call();
  if (answer.status !== 200) return say(`${kind} refused: ${refused(answer)}`, true);
  say(`${kind}: acknowledged at v${answer.body.version}`);
}

async function burst(count) {
  if (!state.cartId) await newCart();
  say(`sending ${count} writes…`);
  const answer = await api('POST', `/api/carts/${state.cartId}/burst`, { count });
  if (answer.status !== 200) return say(`burst refused: ${refused(answer)}`, true);
  const { acknowledged, refused: failed, tookMs, lastVersion } = answer.body;
  say(`burst: ${acknowledged} acknowledged, ${failed} refused, in ${tookMs} ms (up to v${lastVersion ?? '–'})`);
}

// ——— operating ———

async function togglePaused() {
  const paused = !state.paused;
  const answer = await api('PUT', '/api/operations/consumption', { paused });
  if (answer.status !== 200) return say(`could not ${paused ? 'pause' : 'resume'}: ${refused(answer)}`, true);
  showOperations(answer.body.instances);
  say(paused ? 'consumption paused on every Cart-Query instance' : 'consumption resumed');
}

async function setDelay(minMs, maxMs) {
  const answer = await api('PUT', '/api/operations/replication-delay', { minMs, maxMs });
  if (answer.status !== 200) return say(`delay refused: ${refused(answer)}`, true);
  showOperations(answer.body.instances);
}

function showOperations(instances) {
  state.paused = instances.some((instance) => instance.paused);
  const button = $('consumption');
  button.setAttribute('aria-pressed', String(state.paused));
  button.textContent = state.paused ? 'Resume consumption' : 'Pause consumption';
  const delay = instances.find((instance) => instance.replicationDelay)?.replicationDelay;
  $('delay-now').textContent =
    delay && delay.maxMs > 0 ? `injected: ${delay.minMs}–${delay.maxMs} ms before each batch` : 'no delay injected';
}

// ——— the two readers ———

function renderPane(pane, read, expected) {
  const box = $(pane);
  const field = (name) => box.querySelector(`[data-field="${name}"]`);
  if (read.status === 200) {
    const behind = expected !== undefined && read.version < expected;
    box.className = `pane ${behind ? 'stale' : 'fresh'}`;
    field('version').textContent = `v${read.version}`;
    field('meta').textContent =
      `${behind ? `stale: the write model is at v${expected}` : 'up to date with your writes'} · ${read.tookMs} ms · ${time(read.at)}`;
    field('items').replaceChildren(...read.items.map((item) => li(`${item.sku} × ${item.quantity}`)));
  } else if (read.status === 503) {
    // Behind the token, past the wait bound: the service said so rather than answer stale.
    box.className = 'pane waiting';
    field('version').textContent = `needs v${read.required ?? '?'}`;
    field('meta').textContent = `${read.code ?? 'unavailable'} after waiting ${read.tookMs} ms · ${time(read.at)}`;
    field('items').replaceChildren();
  } else {
    box.className = 'pane stale';
    field('version').textContent = read.status === 404 ? 'not there yet' : `${read.status}`;
    field('meta').textContent = `${read.code ?? ''} after ${read.tookMs} ms · ${time(read.at)}`;
    field('items').replaceChildren();
  }
}

function li(text) {
  const item = document.createElement('li');
  item.textContent = text;
  return item;
}

/** Each pane reads again as soon as its last read answered, a beat apart: a token read may wait. */
async function keepReading(pane, token) {
  for (;;) {
    if (state.cartId) {
      const waiting = setTimeout(() => {
        if (!token) return;
        const box = $(pane);
        box.className = 'pane waiting';
        box.querySelector('[data-field="version"]').textContent = 'waiting…';
        box.querySelector('[data-field="meta"]').textContent = 'for the read model to reach your last write';
      }, 150);
      try {
        const answer = await api('GET', `/api/carts/${state.cartId}/read?token=${token}`);
        const expected = latestWrite(state.cartId);
        if (answer.status === 200) renderPane(pane, answer.body, expected);
      } catch {
        // The studio restarting: the next round tries again.
      } finally {
        clearTimeout(waiting);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, PANE_PAUSE_MS));
  }
}

function latestWrite(cartId) {
  const cart = state.windows?.find((window) => window.cartId === cartId);
  return cart?.writeVersion;
}

async function readLatest() {
  if (!state.cartId) return say('create a cart first', true);
  const answer = await api('GET', `/api/carts/${state.cartId}/latest`);
  if (answer.status !== 200) return say(`read latest failed: ${refused(answer)}`, true);
  const { write, read } = answer.body;
  const show = (side, read, behind) => {
    $(`latest-${side}-v`).textContent = read.status === 200 ? `v${read.version}` : `${read.status} ${read.code ?? ''}`;
    $(`latest-${side}-v`).className = behind ? 'behind' : '';
    $(`latest-${side}-at`).textContent = time(read.at);
    $(`latest-${side}-took`).textContent = `${read.tookMs} ms`;
  };
  show('write', write, false);
  show('read', read, read.status !== 200 || read.version < write.version);
}

// ——— the inconsistency window ———

const WINDOW_SETTINGS = [
  { minMs: 0, maxMs: 0 },
  { minMs: 50, maxMs: 200 },
];

async function measureWindow(rounds) {
  $('window-run').disabled = true;
  $('window-state').textContent = `measuring: ${rounds} writes per setting, each read at every offset…`;
  try {
    const answer = await api('POST', '/api/experiments/window', { settings: WINDOW_SETTINGS, rounds });
    if (answer.status !== 200) {
      $('window-state').textContent = `refused: ${refused(answer)}`;
      return;
    }
    showWindow(answer.body.measurements);
    $('window-state').textContent = `measured at ${time(Date.now())}`;
  } finally {
    $('window-run').disabled = false;
  }
}

function showWindow(measurements) {
  drawWindowChart($('window-chart'), measurements);
  $('window-table').replaceChildren(
    ...measurements.map(({ setting, curve }) => {
      const row = document.createElement('tr');
      row.innerHTML = '<td></td><td></td><td></td><td></td>';
      const wait = curve.tokenWaitMs;
      row.children[0].textContent = label(setting);
      row.children[1].textContent = wait.p50 === undefined ? '–' : `${wait.p50} ms`;
      row.children[2].textContent = wait.p99 === undefined ? '–' : `${wait.p99} ms`;
      row.children[3].textContent = `${Math.round(curve.staleShare[0] * 100)}%`;
      return row;
    }),
  );
}

// ——— anti-entropy ———

async function showBuckets() {
  const answer = await api('GET', '/api/anti-entropy/buckets').catch(() => undefined);
  if (!answer || answer.status !== 200) {
    $('buckets-state').textContent = `could not read the digests${answer ? `: ${refused(answer)}` : ''}`;
    return;
  }
  const { buckets, writeCarts, readCarts, at } = answer.body;
  $('buckets').replaceChildren(
    ...buckets.map((bucket) => {
      const cell = document.createElement('span');
      const empty = !bucket.write && !bucket.read;
      cell.className = bucket.differs ? 'differs' : empty ? '' : 'equal';
      cell.title = `${bucket.prefix}: Cart ${bucket.write?.carts ?? 0} carts, Cart-Query ${bucket.read?.carts ?? 0}${bucket.differs ? ' (differ)' : ''}`;
      return cell;
    }),
  );
  const differing = buckets.filter((bucket) => bucket.differs).length;
  $('buckets-state').textContent =
    `Cart ${writeCarts} carts, Cart-Query ${readCarts}; ${differing} of 256 buckets differ · ${time(at)}`;
}

async function reconcile() {
  $('reconcile').disabled = true;
  try {
    const answer = await api('POST', '/api/anti-entropy/reconcile');
    const outcome = answer.body;
    $('reconcile-result').textContent =
      outcome.status === 200
        ? `pass of ${outcome.carts} carts: ${outcome.divergent} divergent, ${outcome.repaired} repaired, in ${outcome.tookMs} ms`
        : `refused: ${outcome.status} ${outcome.code ?? ''}`;
    await showBuckets();
  } finally {
    $('reconcile').disabled = false;
  }
}

function renderRepairs(repairs) {
  const show = (id, value) => ($(id).textContent = repairs ? String(value) : '–');
  show('repairs-divergent', repairs?.divergent);
  show('repairs-anti-entropy', repairs?.antiEntropy);
  show('repairs-read-repair', repairs?.readRepair);
  show('repairs-applied', repairs?.applied);
}

async function keepComparing() {
  for (;;) {
    await showBuckets();
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

// ——— the feed ———

function take(update) {
  for (const journey of update.journeys) state.journeys.set(journey.eventId, journey);
  // Newest first, bounded: a burst of a thousand writes keeps the page to a few dozen rows.
  const newest = [...state.journeys.values()].sort((a, b) => b.committedAt - a.committedAt || b.version - a.version);
  state.journeys = new Map(newest.slice(0, FEED_ROWS * 3).map((j) => [j.eventId, j]));
  state.windows = update.carts;
  state.update = update;
  if (!state.rendering) {
    state.rendering = true;
    requestAnimationFrame(render);
  }
}

function render() {
  state.rendering = false;
  const update = state.update;
  renderFeed();
  renderSync(update);
  drawHistogram($('histogram'), update.lag);
  renderPartitions(update.gauges.consumerLag);
  renderWindows(update.carts);
  renderRepairs(update.gauges.repairs);
}

function renderFeed() {
  const now = Date.now();
  const rows = [...state.journeys.values()].slice(0, FEED_ROWS);
  const totals = rows.map((j) => (j.visibleAt ?? j.appliedAt ?? now) - j.committedAt);
  const scale = Math.max(20, ...totals.filter((t) => t < 60_000));
  $('feed').replaceChildren(...rows.map((journey) => journeyRow(journey, scale, now)));
  const totalsSeen = state.update.totals;
  $('feed-count').textContent =
    `${totalsSeen.published} published · ${totalsSeen.applied} applied · scale ${Math.round(scale)} ms`;
}

function journeyRow(journey, scale, now) {
  const row = document.createElement('li');
  row.className = 'journey';
  row.dataset.cartId = journey.cartId;
  row.dataset.version = journey.version;
  const what = document.createElement('div');
  what.className = 'what';
  what.innerHTML = '<span class="type"></span> <span class="mono"></span> <div class="cart mono"></div>';
  what.querySelector('.type').textContent = journey.type;
  what.querySelector('.mono').textContent = `v${journey.version} · p${journey.partition}@${journey.offset}`;
  what.querySelector('.cart').textContent = journey.cartId;
  const track = document.createElement('div');
  track.className = 'track';
  track.setAttribute('role', 'img');
  drawTrack(track, journey, scale, now);
  const hops = document.createElement('div');
  hops.className = 'hops';
  hops.textContent = describeHops(journey);
  track.setAttribute('aria-label', hops.textContent);
  row.append(what, track, hops);
  return row;
}

function describeHops(j) {
  const hop = (from, to) =>
    from !== undefined && to !== undefined && to !== null ? `${Math.max(0, to - from)} ms` : '…';
  return [
    `committed ${time(j.committedAt)}`,
    `published +${hop(j.committedAt, j.publishedAt)}`,
    `applied +${hop(j.publishedAt ?? j.committedAt, j.appliedAt)}`,
    `visible +${hop(j.appliedAt, j.visibleAt)}`,
  ].join(' · ');
}

function renderSync(update) {
  const ms = (value) => (value === undefined ? '–' : `${value} ms`);
  $('lag-p50').textContent = ms(update.lag.p50);
  $('lag-p99').textContent = ms(update.lag.p99);
  // The sync indicator: the watermark's age bounds how stale any answer of the read model can be.
  const age = update.gauges.watermarkAgeMs;
  $('watermark-age').textContent =
    age === undefined ? '–' : age < 1000 ? `${age} ms ago` : `${(age / 1000).toFixed(1)} s ago`;
  $('watermark-age').classList.toggle('bad', age !== undefined && age > 2000);
  const backlog = update.gauges.outboxBacklog;
  $('backlog').textContent = backlog ?? '–';
  const lag = update.gauges.consumerLag.reduce((sum, p) => sum + p.lag, 0);
  $('consumer-lag-total').textContent = update.gauges.consumerLag.length ? lag : '–';
  $('consumer-lag-total').classList.toggle('bad', lag > 0);
  const connected = update.streams.filter((s) => s.connected).length;
  $('streams').textContent = `${connected}/${update.streams.length} connected`;
  $('streams').classList.toggle('bad', connected < update.streams.length);
}

function renderPartitions(partitions) {
  const max = Math.max(1, ...partitions.map((p) => p.lag));
  $('partitions').replaceChildren(
    ...partitions.map((p) => {
      const item = document.createElement('li');
      item.innerHTML = '<span></span><span class="meter"><span></span></span><span class="mono"></span>';
      item.children[0].textContent = `partition ${p.partition}`;
      item.querySelector('.meter span').style.width = `${(p.lag / max) * 100}%`;
      item.children[2].textContent = p.lag;
      return item;
    }),
  );
}

function renderWindows(carts) {
  const now = Date.now();
  $('windows').replaceChildren(
    ...carts.map((cart) => {
      const row = document.createElement('tr');
      const behind = cart.behindSince !== undefined && cart.behindSince !== null;
      row.innerHTML = '<td class="mono"></td><td></td><td></td><td></td>';
      row.children[0].textContent = `${cart.cartId.slice(0, 8)}…`;
      row.children[0].title = cart.cartId;
      row.children[1].textContent = cart.writeVersion < 0 ? '–' : `v${cart.writeVersion}`;
      row.children[2].textContent = cart.readVersion < 0 ? '–' : `v${cart.readVersion}`;
      row.children[3].textContent = behind ? `${now - cart.behindSince} ms` : 'level';
      row.children[3].className = behind ? 'behind' : 'level';
      return row;
    }),
  );
}

function time(at) {
  if (at === undefined || at === null) return '–';
  const date = new Date(at);
  return `${date.toLocaleTimeString([], { hour12: false })}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

// ——— start ———

function connectFeed() {
  const feed = new EventSource('/api/feed');
  feed.addEventListener('opening', (message) => take(JSON.parse(message.data)));
  feed.addEventListener('update', (message) => take(JSON.parse(message.data)));
  feed.onerror = () => say('live feed lost; reconnecting…', true);
  feed.onopen = () => say('live');
}

function wire() {
  $('new-cart').addEventListener('click', newCart);
  $('item-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void change('add');
  });
  for (const button of document.querySelectorAll('#item-form button[type="button"]')) {
    button.addEventListener('click', () => change(button.dataset.change));
  }
  $('burst-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void burst(Number($('burst-count').value));
  });
  $('consumption').addEventListener('click', togglePaused);
  $('delay-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void setDelay(Number($('delay-min').value), Number($('delay-max').value));
  });
  $('delay-off').addEventListener('click', () => setDelay(0, 0));
  $('read-latest').addEventListener('click', readLatest);
  $('reconcile').addEventListener('click', reconcile);
  $('window-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void measureWindow(Number($('window-rounds').value));
  });
}

wire();
if (state.cartId) $('cart-id').textContent = state.cartId;
connectFeed();
api('GET', '/api/operations').then((answer) => answer.status === 200 && showOperations(answer.body));
void keepReading('pane-eventual', false);
void keepReading('pane-session', true);
void keepComparing();
