import { isFinished, type ConnectionTestView } from './model.js';

export interface RecorderSinks {
  /** Stores the test as it stands (the metadata store). */
  write(test: ConnectionTestView): Promise<void>;
  /** Tells subscribers (the event bus). */
  publish(test: ConnectionTestView): void;
}

/**
 * Publishes every change of a test at once, in order, and keeps the stored test at most one write
 * behind, without making the checks wait for the metadata store: while a write is in flight, later
 * changes collapse into the newest state, which is written next. The final state is published only
 * once it is stored, so that a subscriber who reads the stored test never waits for an end that was
 * already announced. A failed write (the store is down) is a failure of the service, thrown by
 * `flush` so that the job is retried.
 */
export class TestRecorder {
  private pending: ConnectionTestView | undefined;
  /** Set and cleared by drain() itself, so that a save after its last look at `pending` starts another. */
  private draining = false;
  private writing: Promise<void> | undefined;
  private failure: Error | undefined;
  private current: ConnectionTestView;

  constructor(
    private readonly sinks: RecorderSinks,
    initial: ConnectionTestView,
  ) {
    this.current = structuredClone(initial);
  }

  /** The test as last saved (a copy: changes go through `save`). */
  get state(): ConnectionTestView {
    return structuredClone(this.current);
  }

  /** Publishes the change, and stores the test as it now stands. */
  save(changes: Partial<ConnectionTestView>): void {
    // A fresh object at every save, never changed afterwards: the snapshot published and written.
    const snapshot = { ...this.current, ...structuredClone(changes), revision: this.current.revision + 1 };
    this.current = snapshot;
    if (!isFinished(snapshot)) this.sinks.publish(snapshot);
    this.pending = snapshot;
    if (!this.draining) {
      this.draining = true;
      this.writing = this.drain();
    }
  }

  private async drain(): Promise<void> {
    for (let snapshot = this.pending; snapshot; snapshot = this.pending) {
      this.pending = undefined;
      if (this.failure) continue;
      try {
        await this.sinks.write(snapshot);
        if (isFinished(snapshot)) this.sinks.publish(snapshot);
      } catch (error) {
        this.failure = error instanceof Error ? error : new Error(String(error));
      }
    }
    this.draining = false;
  }

  async flush(): Promise<void> {
    while (this.draining) await this.writing;
    if (this.failure) throw this.failure;
  }
}
