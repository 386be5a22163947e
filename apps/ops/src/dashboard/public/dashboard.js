// Ordo ops dashboard: plain browser JavaScript, no build step. Everything it shows comes from the
// ops API with the operator's token; event contents are always inserted as text, never as HTML.

const POLL_MS = 5000;
const MAX_ROWS = 500;
const TOKEN_KEY = 'ordo-ops-token';
const TOPIC_COLOURS = {
  'ordo.prescriptions': '#1f6f43',
  'ordo.dispensing': '#1f5fbf',
  'ordo.fraud': '#c0392b',
  'ordo.fraud.checks': '#d98c00',
  'ordo.fraud.checks.reply': '#7a5c00',
};
const DLQ_COLOURS = ['#8e2a8e', '#b0479e', '#6d2c91', '#c05fbf', '#5b1f70'];

const state = {
  token: '',
  source: null,
  rows: 0,
  pollTimer: null,
  knownTypes: new Set(),
  knownTopics: new Set(),
};

// ---- small DOM helpers -------------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attributes = {}) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = value;
    else node.setAttribute(name, String(value));
  }
  return node;
}

const $ = (selector) => document.querySelector(selector);

function replaceBody(table, rows, emptyText, columns) {
  const body = table.tBodies[0];
  body.replaceChildren(...(rows.length ? rows : [el('tr', { class: 'empty' }, el('td', { colspan: columns, text: emptyText }))]));
}

// ---- formatting --------------------------------------------------------------------------------

/** Prescription IDs are shown grouped, as printed on the paper: 7K3M-9QXR-2HVT-WB4P-42. */
function displaySubject(subject) {
  if (!subject) return '';
  return /^[0-9A-Z]{18}$/.test(subject) ? subject.replace(/^(.{4})(.{4})(.{4})(.{4})(.{2})$/, '$1-$2-$3-$4-$5') : subject;
}

function shortType(type) {
  return type ? type.replace(/^fr\.ordo\./, '') : '(not a CloudEvent)';
}

function typeClass(type) {
  if (!type) return 'type-unparsed';
  const family = type.split('.')[2];
  return `type-${family}`;
}

function time(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return date.toLocaleTimeString([], { hour12: false }) + '.' + String(date.getMilliseconds()).padStart(3, '0');
}

function ago(iso) {
  if (!iso) return '';
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return new Date(iso).toLocaleString();
}

/** One line of the event's data: its scalar fields, without the encrypted patient block. */
function shortData(event) {
  const data = event && event.data;
  if (!data || typeof data !== 'object') return '';
  const parts = [];
  for (const [name, value] of Object.entries(data)) {
    if (name === 'patient' || name === 'prescriptionId') continue;
    if (value === null || typeof value !== 'object') parts.push(`${name}=${value}`);
    else if (Array.isArray(value)) parts.push(`${name}[${value.length}]`);
  }
  return parts.join(' ');
}

// ---- API ---------------------------------------------------------------------------------------

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { authorization: `Bearer ${state.token}`, ...(options.body ? { 'content-type': 'application/json' } : {}) },
  });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401 || response.status === 403) {
    showNotice(`The token was refused (${body.message || response.status}). Paste a token with role ops.`);
    setConnection('error', 'token refused');
    throw new Error(body.message || `HTTP ${response.status}`);
  }
  if (!response.ok) throw new Error(body.message || `HTTP ${response.status}`);
  return body;
}

function showNotice(text) {
  const notice = $('#notice');
  notice.textContent = text;
  notice.hidden = !text;
}

function setConnection(kind, text) {
  const pill = $('#connection');
  pill.className = `pill pill-${kind}`;
  pill.textContent = text;
}

// ---- live stream -------------------------------------------------------------------------------

function currentFilters() {
  const form = $('#filters');
  return {
    type: form.type.value.trim(),
    subject: form.subject.value.trim(),
    source: form.source.value,
    topic: form.topic.value,
  };
}

function connectStream() {
  if (state.source) state.source.close();
  if (!state.token) return;
  const params = new URLSearchParams({ token: state.token, backlog: '200' });
  for (const [name, value] of Object.entries(currentFilters())) if (value) params.set(name, value);
  $('#stream').tBodies[0].replaceChildren();
  state.rows = 0;
  setConnection('wait', 'connecting…');
  const source = new EventSource(`/v1/events/live?${params}`);
  state.source = source;
  let backlogDone = false;
  source.addEventListener('ready', () => {
    backlogDone = true;
    setConnection('live', 'live');
    showNotice('');
    updateStreamCaption();
  });
  source.addEventListener('stream-event', (message) => {
    if ($('#filters').pause.checked && backlogDone) return;
    addEventRow(JSON.parse(message.data), backlogDone);
  });
  source.onerror = () => {
    // EventSource reconnects by itself; a refused token shows up as an API error on the next poll.
    setConnection(
      source.readyState === EventSource.CLOSED ? 'error' : 'wait',
      source.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…',
    );
  };
}

function addEventRow(event, fresh) {
  rememberChoice(event);
  const body = $('#stream').tBodies[0];
  const badges = [];
  if (event.deadLetter) badges.push(el('span', { class: 'badge badge-dlq', text: 'DLQ' }));
  if (event.headers && event.headers['ordo-replay-of'])
    badges.push(el('span', { class: 'badge badge-replay', text: 'replayed', title: `replay of ${event.headers['ordo-replay-of']}` }));
  const row = el(
    'tr',
    {
      class: fresh ? 'fresh' : '',
      'data-testid': 'stream-event',
      'data-type': event.type || '',
      'data-subject': event.subject || '',
      'data-topic': event.topic,
      title: `${event.topic}[${event.partition}]@${event.offset}`,
      onclick: () => toggleDetail(row, event),
    },
    el('td', { class: 'mono', text: time(event.time || event.receivedAt) }),
    el('td', { class: 'mono' }, event.topic, ...badges),
    el('td', { class: `type ${typeClass(event.type)}`, text: shortType(event.type) }),
    el('td', { class: 'mono', text: displaySubject(event.subject) }),
    el('td', { text: (event.source || '').replace(/^\/ordo\//, '') }),
    el('td', { class: 'data mono', text: event.event ? shortData(event.event) : (event.raw || '').slice(0, 200) }),
  );
  body.prepend(row);
  state.rows++;
  while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1);
  updateStreamCaption();
}

function toggleDetail(row, event) {
  const next = row.nextElementSibling;
  if (next && next.classList.contains('detail')) {
    next.remove();
    return;
  }
  const content = {
    topic: event.topic,
    partition: event.partition,
    offset: event.offset,
    headers: event.headers,
    event: event.event ?? event.raw,
  };
  row.after(el('tr', { class: 'detail' }, el('td', { colspan: 6 }, el('pre', { text: JSON.stringify(content, null, 2) }))));
}

function updateStreamCaption() {
  const filters = Object.entries(currentFilters()).filter(([, value]) => value);
  $('#stream-caption').textContent =
    `${$('#stream').tBodies[0].rows.length} shown` +
    (filters.length ? ` · filtered by ${filters.map(([name, value]) => `${name} “${value}”`).join(', ')}` : ' · newest first');
}

function rememberChoice(event) {
  if (event.type && !state.knownTypes.has(event.type)) {
    state.knownTypes.add(event.type);
    $('#known-types').append(el('option', { value: event.type }));
  }
  if (!state.knownTopics.has(event.topic)) {
    state.knownTopics.add(event.topic);
    $('#filter-topic').append(el('option', { value: event.topic, text: event.topic }));
  }
}

// ---- panels polled every few seconds ------------------------------------------------------------

async function refreshServices() {
  const { items } = await api('/v1/services');
  $('#services').replaceChildren(
    ...items.map((service) =>
      el(
        'div',
        {
          class: `service ${service.status}`,
          'data-testid': `service-${service.service}`,
          'data-status': service.status,
          title: service.url || 'this service',
        },
        el('span', { class: 'service-name', text: service.service }),
        el('span', { class: 'service-status', text: service.status + (service.latencyMs !== null ? ` · ${service.latencyMs} ms` : '') }),
        el('span', {
          class: 'service-checks',
          text: Object.entries(service.checks)
            .map(([name, value]) => `${name}: ${value}`)
            .join(' · '),
        }),
      ),
    ),
  );
}

async function refreshSummary() {
  const summary = await api('/v1/stats/summary');
  $('#count-events').textContent = summary.eventsLastHour.toLocaleString();
  $('#count-dead-letters').textContent = summary.deadLetters.toLocaleString();
  $('#count-dead-letters-hour').textContent = `${summary.deadLettersLastHour} in the last hour`;
  $('#count-alerts').textContent = summary.fraud.alerts.toLocaleString();
  $('#count-alerts-detail').textContent =
    `${summary.fraud.alertsForReview} review · ${summary.fraud.alertsForHold} hold · ${summary.fraud.casesClosed} closed`;
  $('#count-holds').textContent = summary.fraud.holdsActive.toLocaleString();
  $('#count-holds-detail').textContent = `${summary.fraud.holdsPlaced} placed · ${summary.fraud.holdsLifted} lifted`;
}

async function refreshRates() {
  const rates = await api('/v1/stats/rates?minutes=15&bucketSeconds=15');
  drawRates(rates);
}

function colourOf(topic, index) {
  return TOPIC_COLOURS[topic] || DLQ_COLOURS[index % DLQ_COLOURS.length];
}

function drawRates(rates) {
  const width = 720;
  const height = 200;
  const left = 36;
  const bottom = 20;
  const top = 8;
  const points = rates.topics[0] ? rates.topics[0].counts.length : 0;
  const max = Math.max(1, ...rates.topics.flatMap((topic) => topic.counts));
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': 'events per topic over time',
  });
  const x = (i) => left + ((width - left - 4) * i) / Math.max(1, points - 1);
  const y = (value) => top + (height - top - bottom) * (1 - value / max);
  for (const fraction of [0, 0.5, 1]) {
    const value = Math.round(max * fraction);
    chart.append(svg('line', { class: 'axis', x1: left, x2: width, y1: y(value), y2: y(value) }));
    chart.append(svg('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end', text: String(value) }));
  }
  chart.append(svg('text', { x: left, y: height - 4, text: '−15 min' }));
  chart.append(svg('text', { x: width - 4, y: height - 4, 'text-anchor': 'end', text: 'now' }));
  let dlqIndex = 0;
  const legend = [];
  for (const topic of rates.topics) {
    const colour = colourOf(topic.topic, topic.topic.endsWith('.dlq') ? dlqIndex++ : 0);
    const path = topic.counts.map((count, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(count).toFixed(1)}`).join(' ');
    chart.append(
      svg('path', {
        d: path,
        fill: 'none',
        stroke: colour,
        'stroke-width': topic.total ? 2 : 1,
        'stroke-dasharray': topic.topic.endsWith('.dlq') ? '4 3' : '',
        'vector-effect': 'non-scaling-stroke',
      }),
    );
    const perMinute = (topic.counts.slice(-4).reduce((sum, n) => sum + n, 0) * 60) / (4 * rates.bucketSeconds);
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = colour; // through the CSSOM: the page's CSP forbids style attributes
    legend.push(
      el(
        'li',
        { 'data-topic': topic.topic },
        swatch,
        `${topic.topic} `,
        el('b', { text: `${perMinute.toFixed(1)}/min` }),
        ` · ${topic.total} in 15 min`,
      ),
    );
  }
  $('#rates-chart').replaceChildren(chart);
  $('#rates-legend').replaceChildren(...legend);
  $('#rates-caption').textContent = `events per ${rates.bucketSeconds} s, by event time`;
}

async function refreshLag() {
  const snapshot = await api('/v1/lag');
  const rows = [];
  for (const group of snapshot.groups) {
    rows.push(
      el(
        'tr',
        { class: 'lag-group', 'data-testid': 'lag-group', 'data-group': group.group, 'data-lag': group.lag },
        el(
          'td',
          {},
          el('span', { text: group.group }),
          ' ',
          el('span', { class: 'caption', text: `${group.state.toLowerCase()}, ${group.members} member${group.members === 1 ? '' : 's'}` }),
        ),
        el('td'),
        el('td'),
        el('td', { class: `num ${group.lag > 0 ? 'lag-behind' : ''}`, text: group.lag.toLocaleString() }),
      ),
    );
    for (const p of group.partitions) {
      rows.push(
        el(
          'tr',
          { 'data-group': group.group, 'data-topic': p.topic, 'data-partition': p.partition },
          el('td', { class: 'mono lag-partition', text: `${p.topic} [${p.partition}]` }),
          el('td', { class: 'num mono', text: p.committed ?? '—' }),
          el('td', { class: 'num mono', text: p.end }),
          el('td', { class: `num ${p.lag > 0 ? 'lag-behind' : ''}`, text: p.lag.toLocaleString() }),
        ),
      );
    }
  }
  replaceBody($('#lag'), rows, 'no consumer group has committed yet', 4);
  const total = snapshot.groups.reduce((sum, group) => sum + group.lag, 0);
  $('#lag-caption').textContent = `${snapshot.groups.length} groups · ${total} behind · measured ${time(snapshot.measuredAt)}`;
}

async function refreshDeadLetters() {
  const { items } = await api('/v1/dead-letters?limit=50');
  const rows = items.map((letter) => {
    const id = `${letter.topic}/${letter.partition}/${letter.offset}`;
    const last = letter.replays[letter.replays.length - 1];
    const replayCell = el('td', { 'data-testid': 'replay-cell' });
    if (last) {
      replayCell.append(
        el('div', {
          class: `outcome-${last.outcome}`,
          'data-testid': 'replay-outcome',
          'data-outcome': last.outcome,
          text: last.outcome.replace(/-/g, ' '),
        }),
        el('div', { class: 'caption mono', text: `→ ${last.topic}[${last.partition}]@${last.offset}` }),
        el('div', {
          class: 'caption',
          text: `${letter.replays.length > 1 ? `${letter.replays.length} replays, last ` : ''}${ago(last.replayedAt)} by ${last.replayedBy}`,
        }),
      );
    }
    const button = el('button', {
      class: last ? 'secondary' : '',
      type: 'button',
      'data-testid': 'replay',
      disabled: !letter.originTopic,
      text: last ? 'Replay again' : 'Replay',
      onclick: () => replay(letter, button),
    });
    replayCell.append(button);
    return el(
      'tr',
      { 'data-testid': 'dead-letter', 'data-id': id, 'data-subject': letter.subject || '', 'data-reason': letter.reason || '' },
      el('td', { class: 'mono', title: letter.deadLetteredAt, text: ago(letter.deadLetteredAt) }),
      el('td', { class: 'mono', text: `${letter.topic}[${letter.partition}]@${letter.offset}` }),
      el('td', {
        class: 'mono',
        text: letter.originTopic ? `${letter.originTopic}[${letter.originPartition}]@${letter.originOffset}` : '—',
      }),
      el('td', { text: letter.service ? `${letter.service} (${letter.consumerGroup})` : '—' }),
      el('td', {}, el('span', { class: 'badge badge-dlq', text: letter.reason || '?' })),
      el('td', { class: 'error-text', text: letter.error || '' }),
      el(
        'td',
        {},
        el('div', { class: `type ${typeClass(letter.type)}`, text: shortType(letter.type) }),
        el('div', { class: 'mono caption', text: displaySubject(letter.subject) }),
      ),
      replayCell,
    );
  });
  replaceBody($('#dead-letters'), rows, 'no dead letters — every message was processed', 8);
  $('#dlq-caption').textContent = `${items.length} latest`;
}

async function replay(letter, button) {
  if (!confirm(`Send ${letter.topic}[${letter.partition}]@${letter.offset} back to ${letter.originTopic}?`)) return;
  button.disabled = true;
  try {
    await api(`/v1/dead-letters/${encodeURIComponent(letter.topic)}/${letter.partition}/${letter.offset}/replay`, { method: 'POST' });
    showNotice('');
  } catch (error) {
    showNotice(`Replay failed: ${error.message}`);
  }
  await refreshDeadLetters().catch(() => undefined);
  // The outcome is known once the consumer group has moved past the copy: look again shortly.
  setTimeout(() => refreshDeadLetters().catch(() => undefined), 1500);
}

async function poll() {
  const results = await Promise.allSettled([refreshServices(), refreshSummary(), refreshRates(), refreshLag(), refreshDeadLetters()]);
  const failed = results.find((result) => result.status === 'rejected');
  if (failed && !/token|role/i.test(failed.reason.message)) showNotice(`Could not refresh: ${failed.reason.message}`);
}

// ---- start -------------------------------------------------------------------------------------

function useToken(token) {
  state.token = token.trim();
  if (state.token) sessionStorage.setItem(TOKEN_KEY, state.token);
  else sessionStorage.removeItem(TOKEN_KEY);
  clearInterval(state.pollTimer);
  if (!state.token) {
    showNotice('Paste an access token with role ops (make -s token ROLE=ops), or open this page with ?token=…');
    return;
  }
  connectStream();
  void poll();
  state.pollTimer = setInterval(() => void poll(), POLL_MS);
}

function start() {
  // A token given in the address is moved to this tab's session storage and taken out of the
  // address bar, so it does not stay in the history or get copied along with the link.
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  const token = fromUrl || sessionStorage.getItem(TOKEN_KEY) || '';
  $('#token').value = token;

  for (const topic of Object.keys(TOPIC_COLOURS)) {
    state.knownTopics.add(topic);
    $('#filter-topic').append(el('option', { value: topic, text: topic }));
  }

  $('#token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    useToken($('#token').value);
  });
  let debounce;
  const refilter = () => {
    clearTimeout(debounce);
    debounce = setTimeout(connectStream, 250);
  };
  $('#filters').addEventListener('input', (event) => {
    if (event.target.name !== 'pause') refilter();
  });
  $('#filters').addEventListener('submit', (event) => event.preventDefault());
  $('#clear-stream').addEventListener('click', () => {
    $('#stream').tBodies[0].replaceChildren();
    updateStreamCaption();
  });
  useToken(token);
}

start();
