/** D1 binds at most 100 parameters per statement; multi-row inserts are split to fit. */
export const MAX_BOUND_PARAMETERS = 100;

export function chunkRows<T extends object>(rows: readonly T[], maxParameters = MAX_BOUND_PARAMETERS): T[][] {
  const columns = Math.max(1, ...rows.map((row) => Object.keys(row).length));
  const size = Math.max(1, Math.floor(maxParameters / columns));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}
