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

/** Terminal columns of text (code points, so `█` and `✗` count one each). */
function width(text: string): number {
  return [...text].length;
}
