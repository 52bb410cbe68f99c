import { isFinished, type ConnectionTestView } from './model.js';

export interface RecorderSinks {
  /** Stores the test as it stands (the metadata store). */
  write(test: ConnectionTestView): Promise<void>;
  /** Tells subscribers (the event bus). */
  publish(test: ConnectionTestView): void;
}

/**
 * Publishes every change of a test at once, in order, and stores it without making the checks wait
 * for the metadata store. The first change is written at once; a later one at most `spacingMs` after
 * the write before it started, the changes made meanwhile collapsing into the newest state; the final
 * state at once. So a test that ends within `spacingMs` costs the store two writes, and a slow one
 * (a check waiting on its timeout) is stored as it stands at least every `spacingMs` plus a write.
 * The final state is published only once it is stored, so that a subscriber who reads the stored
 * test never waits for an end that was already announced. A failed write (the store is down) is a
 * failure of the service, thrown by `flush` so that the job is retried.
 */
export class TestRecorder {
  private pending: ConnectionTestView | undefined;
  /** Set and cleared by drain() itself, so that a save after its last look at `pending` starts another. */
  private draining = false;
  private writing: Promise<void> | undefined;
  private failure: Error | undefined;
  private current: ConnectionTestView;
  /** When the last write started (performance.now()). */
  private lastWriteAt = -Infinity;
  /** Ends the wait for the next write early: a final state came, or `flush` was called. */
  private wake: (() => void) | undefined;
  private flushing = false;

  constructor(
    private readonly sinks: RecorderSinks,
    initial: ConnectionTestView,
    private readonly spacingMs = 0,
  ) {
    this.current = structuredClone(initial);
  }

  /** The test as last saved (a copy: changes go through `save`). */
  get state(): ConnectionTestView {
    return structuredClone(this.current);
  }

  /**
   * Publishes the change, and stores the test as it now stands. `changes` is kept as it is given, but
   * for its checks array, which is copied: the caller may put other records in that array afterwards,
   * but must not change a record, or any other object it saved (the runner replaces a check's record
   * rather than changing it). A deep copy at every save cost 190 µs of CPU per test.
   */
  save(changes: Partial<ConnectionTestView>): void {
    // A fresh object at every save, never changed afterwards: the snapshot published and written.
    const snapshot = { ...this.current, ...changes, revision: this.current.revision + 1 };
    if (changes.checks) snapshot.checks = [...changes.checks];
    this.current = snapshot;
    if (!isFinished(snapshot)) this.sinks.publish(snapshot);
    this.pending = snapshot;
    if (isFinished(snapshot)) this.wake?.();
    if (!this.draining) {
      this.draining = true;
      this.writing = this.drain();
    }
  }

  private async drain(): Promise<void> {
    for (let snapshot = this.pending; snapshot; snapshot = this.pending) {
      const wait = this.lastWriteAt + this.spacingMs - performance.now();
      if (wait > 0 && !isFinished(snapshot) && !this.flushing && !this.failure) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        continue; // with the newest state, which may be final by now
      }
      this.pending = undefined;
      if (this.failure) continue;
      this.lastWriteAt = performance.now();
      try {
        await this.sinks.write(snapshot);
        if (isFinished(snapshot)) this.sinks.publish(snapshot);
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      }
    }
    this.draining = false;
  }

  /** Writes what is still pending at once, and waits for it; throws the first failed write. */
  async flush(): Promise<void> {
    this.flushing = true;
    this.wake?.();
    while (this.draining) await this.writing;
    if (this.failure) throw this.failure;
  }
}
