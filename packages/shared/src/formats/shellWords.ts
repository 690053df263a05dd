/**
 * Splits a command string into argv the way a POSIX shell splits words, without expanding anything:
 * whitespace separates words, '…' keeps text literally, "…" keeps text with \" \\ \$ \` escapes, and a
 * backslash outside quotes escapes the next character. This is what docker compose does with a string
 * `command:`/`entrypoint:`, so `sh -c "echo hi"` becomes ["sh", "-c", "echo hi"] rather than a shell
 * invocation Graphium would have to invent.
 */
export type ShellWordsResult = { ok: true; words: string[] } | { ok: false; reason: string };

export function splitShellWords(text: string): ShellWordsResult {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { ok: false, reason: 'has an unterminated single quote' };
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text.charAt(i);
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        const next = text.charAt(i + 1);
        if (c === '\\' && (next === '"' || next === '\\' || next === '$' || next === '`')) {
          word += next;
          i += 2;
        } else if (c === '\\' && next === '\n') {
          i += 2;
        } else {
          word += c;
          i++;
        }
      }
      if (!closed) return { ok: false, reason: 'has an unterminated double quote' };
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 >= text.length) return { ok: false, reason: 'ends with a lone backslash' };
      const next = text.charAt(i + 1);
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
      i += 2;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return { ok: true, words };
}
