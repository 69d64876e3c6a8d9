/** One page of a newest-first listing; `nextCursor` is the last id shown, or null on the last page. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface PageOptions {
  limit: number;
  /** The last id of the previous page: the next page starts strictly below it. */
  cursor?: string | undefined;
}

/** Listings read one row past the limit: its presence is what says another page exists. */
export function toPage<R, T>(rows: R[], limit: number, idOf: (row: R) => string, view: (row: R) => T): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return { data: shown.map(view), nextCursor: rows.length > limit && last ? idOf(last) : null };
}
