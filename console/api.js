// The page's only contact with the service: the event stream of the whole state and the
// verdict POST. The API token lives in sessionStorage (this tab only, never in a URL) and
// travels in an Authorization header, which another site cannot make the browser send.

const TOKEN_KEY = 'mapek.apiToken';
const NAME_KEY = 'mapek.operator';

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY) ?? '',
  setToken: (t) => (t ? sessionStorage.setItem(TOKEN_KEY, t) : sessionStorage.removeItem(TOKEN_KEY)),
  name: () => sessionStorage.getItem(NAME_KEY) ?? '',
  setName: (n) => sessionStorage.setItem(NAME_KEY, n),
};

function authHeaders() {
  const t = session.token();
  return t ? { authorization: `Bearer ${t}` } : {};
}

async function errorText(res) {
  try {
    const b = await res.json();
    return b.error?.message ?? `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

const sleep = (ms, signal) => new Promise((r) => { const t = setTimeout(r, ms); signal.addEventListener('abort', () => { clearTimeout(t); r(); }); });

/** Reads the server-sent events of /api/v1/console/events until `signal` aborts; reconnects. */
export async function stream(onState, onStatus, signal) {
  while (!signal.aborted) {
    try {
      const res = await fetch('/api/v1/console/events', { headers: authHeaders(), signal });
      if (!res.ok) {
        onStatus({ live: false, status: res.status, error: await errorText(res) });
      } else {
        onStatus({ live: true });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
            if (event === 'state' && data) onState(JSON.parse(data));
          }
        }
        onStatus({ live: false, error: 'stream ended; reconnecting' });
      }
    } catch (err) {
      if (signal.aborted) return;
      onStatus({ live: false, error: `cannot reach the service: ${err.message}` });
    }
    await sleep(2000, signal);
  }
}

/** POST /api/v1/approvals/{id}; resolves {ok, error?}. */
export async function sendVerdict(id, verdict, reason) {
  const body = { verdict, by: session.name(), ...(reason ? { reason } : {}) };
  const res = await fetch(`/api/v1/approvals/${encodeURIComponent(id)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authHeaders() },
    body: JSON.stringify(body),
  });
  if (res.ok) return { ok: true, approval: (await res.json()).approval };
  return { ok: false, status: res.status, error: await errorText(res) };
}
