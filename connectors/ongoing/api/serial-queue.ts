/** Runs work one item at a time, in arrival order (e.g. every write of this process to one Ongoing goods owner). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work, work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Keyed by `${baseUrl}|${goodsOwnerId}` and module-wide, so that every OngoingApi of the process
 * (sink, goods-receipt source, tools) that writes to one goods owner waits in the same line.
 */
const writeQueues = new Map<string, SerialQueue>();

export function writeQueueFor(baseUrl: string, goodsOwnerId: number): SerialQueue {
  const key = `${baseUrl}|${goodsOwnerId}`;
  let queue = writeQueues.get(key);
  if (!queue) writeQueues.set(key, (queue = new SerialQueue()));
  return queue;
}
