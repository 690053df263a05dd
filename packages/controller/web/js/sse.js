/**
 * The live event stream (GET /api/v1/events) read with fetch(), because EventSource cannot send the
 * Authorization header and the API takes tokens in that header only (a token in the URL would end up in
 * logs and history). The parser follows the server-sent-events format; the loop reconnects by itself with
 * back-off (capped by the server's `retry:`), sends Last-Event-ID so the server replays what was missed,
 * and treats a stream silent for longer than three heartbeats as dead.
 */
const SILENCE_LIMIT_MS = 45_000;

export class LiveEvents {
  /**
   * @param {{token: () => string, onEvent: (event: object) => void, onState: (state: string) => void,
   *          onUnauthorized: () => void}} options
   */
  constructor(options) {
    this.options = options;
    this.lastEventId = undefined;
    this.retryMs = 3000;
    this.stopped = true;
    this.controller = undefined;
    this.seen = new Set();
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    void this.loop();
  }

  stop() {
    this.stopped = true;
    this.controller?.abort();
  }

  async loop() {
    let failures = 0;
    while (!this.stopped) {
      this.options.onState(failures === 0 ? 'connecting' : 'reconnecting');
      const opened = await this.connectOnce().catch(() => false);
      if (this.stopped) break;
      failures = opened ? 1 : failures + 1;
      this.options.onState('reconnecting');
      const delay = Math.min(this.retryMs, 500 * 2 ** Math.min(failures, 5)) + Math.random() * 250;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    this.options.onState('stopped');
  }

  /** One connection: resolves true if it was opened (then dropped), false if it never opened. */
  async connectOnce() {
    const controller = new AbortController();
    this.controller = controller;
    const headers = { accept: 'text/event-stream', authorization: `Bearer ${this.options.token()}` };
    if (this.lastEventId !== undefined) headers['last-event-id'] = this.lastEventId;
    const response = await fetch('/api/v1/events', { headers, signal: controller.signal, cache: 'no-store' });
    if (response.status === 401) {
      this.stopped = true;
      this.options.onUnauthorized();
      return false;
    }
    if (!response.ok || response.body === null) return false;
    this.options.onState('open');

    let watchdog;
    const feed = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => controller.abort(), SILENCE_LIMIT_MS);
    };
    feed();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        feed();
        buffer += value.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          this.dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // Dropped or aborted: the loop reconnects.
    } finally {
      clearTimeout(watchdog);
    }
    return true;
  }

  dispatch(block) {
    let id;
    let type = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    if (id !== undefined) this.lastEventId = id;
    if (data.length === 0) return;
    // A replay after reconnecting may repeat an event already shown.
    if (id !== undefined) {
      if (this.seen.has(id)) return;
      this.seen.add(id);
      if (this.seen.size > 2000) this.seen = new Set([...this.seen].slice(-1000));
    }
    let payload;
    try {
      payload = JSON.parse(data.join('\n'));
    } catch {
      return;
    }
    this.options.onEvent({ ...payload, type: payload.type ?? type });
  }
}
