/**
 * Plain aligned columns, like `docker ps`: a header row in capitals, two spaces between columns, the last
 * column never padded. Hand-written because that is all it takes; no borders to get wrong in a pipe.
 */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => width(row[column] ?? ''))));
  const lines = all.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - width(cell))))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

/** Terminal width of text: ANSI colour codes take none. */
export function width(text: string): number {
  return [...text.replace(ANSI_COLOUR, '')].length;
}

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
