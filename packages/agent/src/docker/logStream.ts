/**
 * Docker multiplexes stdout and stderr of a container without a TTY into frames: one byte stream id, three
 * zero bytes, a big-endian uint32 length, then the payload. A TTY container sends raw bytes instead.
 */
export function demuxLogs(buffer: Buffer): string {
  const looksFramed = buffer.length >= 8 && buffer[0]! <= 2 && buffer[1] === 0 && buffer[2] === 0 && buffer[3] === 0;
  if (!looksFramed) return buffer.toString('utf8');
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The last `count` non-empty lines, oldest first. */
export function lastLines(text: string, count: number): string[] {
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  return count <= 0 ? [] : lines.slice(-count);
}
