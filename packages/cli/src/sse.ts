/** A reader of server-sent events (the `text/event-stream` format): frames of `id:`, `event:`, `data:` lines. */

export interface SseFrame {
  id?: string;
  event?: string;
  /** Data lines joined with "\n"; absent for frames without data (comments, `retry:`). */
  data?: string;
}

export async function* readServerSentEvents(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    buffer = buffer.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = frameOf(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (frame !== undefined) yield frame;
    }
  }
}

function frameOf(block: string): SseFrame | undefined {
  const frame: SseFrame = {};
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'id') frame.id = value;
    else if (field === 'event') frame.event = value;
  }
  if (data.length > 0) frame.data = data.join('\n');
  return frame.data === undefined && frame.event === undefined ? undefined : frame;
}
