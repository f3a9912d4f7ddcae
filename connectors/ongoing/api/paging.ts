/**
 * Ongoing's list endpoints page by an inclusive "id from" and a "max to get", not by page number,
 * so paging means walking an id cursor.
 */

/** `from` is inclusive, so the next page starts one past the highest id seen; a short page is the last. */
export async function* pages<T>(
  fetchPage: (from: number | undefined, max: number) => Promise<T[]>,
  idOf: (item: T) => number,
  pageSize: number,
  from?: number,
): AsyncGenerator<T[]> {
  let cursor = from;
  for (;;) {
    const page = await fetchPage(cursor, pageSize);
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    cursor = Math.max(...page.map(idOf)) + 1;
  }
}

export async function collect<T>(pages: AsyncGenerator<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}
