import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionTestView } from '../../src/connection-tests/model.js';
import { TestRecorder } from '../../src/connection-tests/recorder.js';
import { deferred, settle, type Deferred } from '../support/unit.js';

// The recorder with in-memory sinks whose writes complete when the test says so: the order of
// publishes, writes collapsing while one is in flight, and the final state told only once stored.

const initial: ConnectionTestView = {
  id: '0e9c7e55-0000-4000-8000-000000000001',
  dataSourceId: null,
  status: 'QUEUED',
  revision: 0,
  checks: [],
  errorCode: null,
  message: null,
  server: null,
  standbyServer: null,
  queuedAt: new Date(Date.UTC(2024, 0, 1)),
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  attempts: 0,
};

function fakeSinks() {
  const writes: { test: ConnectionTestView; done: Deferred<void> }[] = [];
  const published: ConnectionTestView[] = [];
  /** Every sink call in order: `write:<revision>` and `publish:<revision>`. */
  const calls: string[] = [];
  return {
    writes,
    published,
    calls,
    sinks: {
      write(test: ConnectionTestView) {
        calls.push(`write:${test.revision}`);
        const done = deferred();
        writes.push({ test, done });
        return done.promise;
      },
      publish(test: ConnectionTestView) {
        calls.push(`publish:${test.revision}`);
        published.push(test);
      },
    },
    /** Completes the oldest write still open, and lets the recorder react. */
    async complete(index: number, error?: Error) {
      const write = writes[index];
      if (!write) throw new Error(`no write #${index}`);
      if (error) write.done.reject(error);
      else write.done.resolve();
      await settle();
    },
  };
}

const running = (message: string): Partial<ConnectionTestView> => ({ status: 'RUNNING', message });

describe('TestRecorder', () => {
  it('publishes every change at once, in order, each with the next revision', () => {
    const fake = fakeSinks();
    const recorder = new TestRecorder(fake.sinks, { ...initial, revision: 7 });
    recorder.save(running('one'));
    recorder.save(running('two'));
    recorder.save(running('three'));
    expect(fake.published.map((test) => [test.revision, test.message])).toEqual([
      [8, 'one'],
      [9, 'two'],
      [10, 'three'],
    ]);
    expect(recorder.state).toMatchObject({ revision: 10, status: 'RUNNING', message: 'three' });
  });

  it('starts writing the first change at once', () => {
    const fake = fakeSinks();
    new TestRecorder(fake.sinks, initial).save(running('one'));
    expect(fake.writes.map((write) => write.test.message)).toEqual(['one']);
  });

  it('collapses the changes made while a write is in flight into the newest, written next', async () => {
    const fake = fakeSinks();
    const recorder = new TestRecorder(fake.sinks, initial);
    recorder.save(running('one'));
    recorder.save(running('two'));
    recorder.save(running('three'));
    recorder.save(running('four'));
    expect(fake.writes).toHaveLength(1); // nothing more while the first is in flight
    await fake.complete(0);
    expect(fake.writes.map((write) => [write.test.revision, write.test.message])).toEqual([
      [1, 'one'],
      [4, 'four'],
    ]);
    await fake.complete(1);
    await recorder.flush();
    expect(fake.writes).toHaveLength(2);
  });

  it('writes again when a change comes after the previous write completed', async () => {
    const fake = fakeSinks();
    const recorder = new TestRecorder(fake.sinks, initial);
    recorder.save(running('one'));
    await fake.complete(0);
    recorder.save(running('two'));
    expect(fake.writes.map((write) => write.test.message)).toEqual(['one', 'two']);
    await fake.complete(1);
    await recorder.flush();
  });

  it('publishes the final state only once it is stored', async () => {
    const fake = fakeSinks();
    const recorder = new TestRecorder(fake.sinks, initial);
    recorder.save(running('checks'));
    recorder.save({ status: 'PASSED', message: 'All checks passed.' });
    expect(fake.published.map((test) => test.status)).toEqual(['RUNNING']);
    await fake.complete(0); // the RUNNING state is stored; the final one is being written
    expect(fake.published.map((test) => test.status)).toEqual(['RUNNING']);
    await fake.complete(1);
    expect(fake.calls).toEqual(['publish:1', 'write:1', 'write:2', 'publish:2']);
    expect(fake.published.at(-1)).toMatchObject({ status: 'PASSED', revision: 2 });
  });

  it.each(['PASSED', 'FAILED'])('treats %s as final', async (status) => {
    const fake = fakeSinks();
    const recorder = new TestRecorder(fake.sinks, initial);
    recorder.save({ status: status as ConnectionTestView['status'] });
    expect(fake.published).toEqual([]);
    await fake.complete(0);
    expect(fake.published.map((test) => test.status)).toEqual([status]);
  });

  it('writes a change saved in the microtask right after a write completed', async () => {
    const fake = fakeSinks();
    const recorder = new TestRecorder(fake.sinks, initial);
    recorder.save(running('checks'));
    fake.writes[0]?.done.resolve();
    await Promise.resolve();
    recorder.save({ status: 'PASSED' });
    await settle();
    fake.writes[1]?.done.resolve();
    await recorder.flush();
    expect(fake.writes.map((write) => write.test.status)).toEqual(['RUNNING', 'PASSED']);
    expect(fake.published.at(-1)?.status).toBe('PASSED');
  });

  it('flush waits for the last write', async () => {
    const fake = fakeSinks();
    const recorder = new TestRecorder(fake.sinks, initial);
    recorder.save(running('one'));
    recorder.save({ status: 'PASSED' });
    let flushed = false;
    const flushing = recorder.flush().then(() => (flushed = true));
    await fake.complete(0);
    expect(flushed).toBe(false);
    await fake.complete(1);
    await flushing;
    expect(flushed).toBe(true);
  });

  it('flush resolves at once when nothing was saved', async () => {
    const fake = fakeSinks();
    await new TestRecorder(fake.sinks, initial).flush();
    expect(fake.calls).toEqual([]);
  });

  it('throws a failed write from flush, and attempts no later write', async () => {
    const fake = fakeSinks();
    const recorder = new TestRecorder(fake.sinks, initial);
    const down = new Error('the metadata store is down');
    recorder.save(running('one'));
    recorder.save(running('two')); // pending while the first write fails
    await fake.complete(0, down);
    recorder.save({ status: 'FAILED' });
    await settle();
    await expect(recorder.flush()).rejects.toBe(down);
    expect(fake.writes.map((write) => write.test.message)).toEqual(['one']);
    // Never stored, so never told: subscribers keep the last state that was.
    expect(fake.published.map((test) => test.status)).toEqual(['RUNNING', 'RUNNING']);
  });

  it('wraps a write that rejects with a non-Error', async () => {
    const fake = fakeSinks();
    const recorder = new TestRecorder(fake.sinks, initial);
    recorder.save(running('one'));
    fake.writes[0]?.done.reject('connection reset');
    await expect(recorder.flush()).rejects.toThrow('connection reset');
  });

  describe('with a spacing between writes', () => {
    const spacingMs = 100;
    afterEach(() => vi.useRealTimers());
    /** On a fake clock, a recorder whose first write has completed: the next one waits for the spacing. */
    const afterFirstWrite = async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
      const fake = fakeSinks();
      const recorder = new TestRecorder(fake.sinks, initial, spacingMs);
      recorder.save(running('one'));
      await fake.complete(0);
      return { fake, recorder };
    };

    it('writes a later change only once the spacing has passed since the write before it started', async () => {
      const { fake, recorder } = await afterFirstWrite();
      recorder.save(running('two'));
      recorder.save(running('three'));
      await vi.advanceTimersByTimeAsync(spacingMs - 1);
      expect(fake.writes.map((write) => write.test.message)).toEqual(['one']);
      expect(fake.published.map((test) => test.message)).toEqual(['one', 'two', 'three']); // told at once
      await vi.advanceTimersByTimeAsync(1);
      expect(fake.writes.map((write) => write.test.message)).toEqual(['one', 'three']);
      await fake.complete(1);
      await recorder.flush();
    });

    it('writes the final state at once, with the changes before it, and then publishes it', async () => {
      const { fake, recorder } = await afterFirstWrite();
      recorder.save(running('two')); // waiting for the spacing
      await vi.advanceTimersByTimeAsync(10);
      recorder.save({ status: 'PASSED', message: 'All checks passed.' });
      await settle();
      expect(fake.writes.map((write) => [write.test.revision, write.test.status])).toEqual([
        [1, 'RUNNING'],
        [3, 'PASSED'],
      ]);
      await fake.complete(1);
      await recorder.flush();
      expect(fake.published.at(-1)).toMatchObject({ status: 'PASSED', revision: 3 });
    });

    it('flush writes a change still waiting for the spacing at once', async () => {
      const { fake, recorder } = await afterFirstWrite();
      recorder.save(running('two'));
      const flushing = recorder.flush();
      await settle();
      expect(fake.writes.map((write) => write.test.message)).toEqual(['one', 'two']);
      await fake.complete(1);
      await flushing;
    });
  });

  it('keeps its own copies: neither a record the caller puts in its checks array afterwards nor a reader of `state` changes what it holds', async () => {
    const fake = fakeSinks();
    const recorder = new TestRecorder(fake.sinks, initial);
    const running = {
      endpoint: 'PRIMARY' as const,
      name: 'RESOLVE',
      status: 'RUNNING',
      code: null,
      message: null,
      hint: null,
      durationMs: null,
    };
    const checks = [running];
    recorder.save({ status: 'RUNNING', checks });
    checks[0] = { ...running, status: 'PASSED' }; // as the runner records a check: a new record
    const state = recorder.state;
    state.message = 'changed by a reader';
    state.checks[0]!.status = 'FAILED';
    expect(recorder.state.checks).toEqual([running]);
    expect(recorder.state.message).toBeNull();
    expect(fake.writes[0]?.test.checks).toEqual([running]);
    expect(fake.published[0]?.checks).toEqual([running]);
    recorder.save({ checks });
    expect(fake.published.map((test) => test.checks[0]?.status)).toEqual(['RUNNING', 'PASSED']);
    await fake.complete(0);
  });
});
