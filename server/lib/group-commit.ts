/**
 * Group commit: writes that arrive while one batch is being written wait and go together in the
 * next, so N concurrent callers share one transaction (one commit, one fsync, one lock on a shared
 * row such as a hash-chain head) instead of queueing for it one by one. Nothing waits on purpose: a
 * lone caller is written at once, as a batch of one.
 *
 * If a batch fails it is split in halves and retried, down to single items, so one bad item fails
 * only its own caller and the others still commit (in a few transactions).
 */
export class GroupCommit<In, Out> {
  private queue: Entry<In, Out>[] = [];
  private running = false;
  /** Callers that said an item is on its way (see expect). */
  private expected = 0;
  private wake: (() => void) | null = null;

  constructor(
    /**
     * Open a transaction, call `take()` once inside it for the items to write (the batch is formed
     * when the database is ready for it, so callers that arrived while it was busy join), write
     * them and answer one result per item, in order.
     */
    private readonly writeBatch: (take: () => In[]) => Promise<Out[]>,
    private readonly maxBatch = 64,
    /** The longest a batch waits for items announced by expect() to arrive. */
    private readonly maxWaitMs = 50,
  ) {}

  /**
   * Announce an item that is still being prepared; call the returned function just before submitting
   * it (or when giving up). A batch about to start waits (at most maxWaitMs) for announced items, so when the
   * database serialises everything (PGlite), callers preparing in turn still commit together.
   */
  expect(): () => void {
    this.expected++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.expected--;
      this.wake?.();
    };
  }

  /** Write one item, with whatever else is waiting; resolves after the transaction holding it committed. */
  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.wake?.();
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        // Let pending I/O run first: with an in-process database (PGlite) a request can run from
        // start to end in promise callbacks alone, so requests whose bodies are still unread would
        // otherwise only start after this batch.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const until = performance.now() + this.maxWaitMs;
        while (this.expected > 0 && this.queue.length < this.maxBatch && performance.now() < until) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            setTimeout(resolve, Math.max(0, until - performance.now()));
          });
          this.wake = null;
        }
        let taken: Entry<In, Out>[] = [];
        const take = () => {
          taken = this.queue.splice(0, this.maxBatch);
          return taken.map((b) => b.item);
        };
        try {
          const outs = await this.writeBatch(take);
          for (const [i, b] of taken.entries()) b.resolve(outs[i] as Out);
        } catch (e) {
          // Failed before taking anything (the transaction did not open): fail the oldest caller, so
          // a broken database cannot spin this loop.
          if (taken.length === 0) taken = this.queue.splice(0, 1);
          if (taken.length === 1) taken[0]?.reject(e);
          else await this.retryHalves(taken);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** A failed batch is split in halves and each retried, so one bad item costs about log2(n) extra transactions. */
  private async retryHalves(entries: Entry<In, Out>[]): Promise<void> {
    const mid = Math.ceil(entries.length / 2);
    for (const part of [entries.slice(0, mid), entries.slice(mid)]) {
      if (part.length === 0) continue;
      try {
        const outs = await this.writeBatch(() => part.map((b) => b.item));
        for (const [i, b] of part.entries()) b.resolve(outs[i] as Out);
      } catch (e) {
        if (part.length === 1) part[0]?.reject(e);
        else await this.retryHalves(part);
      }
    }
  }
}

interface Entry<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (e: unknown) => void;
}
