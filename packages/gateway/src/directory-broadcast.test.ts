import { createDirectoryBroadcast } from './directory-broadcast';

/** A directory whose barrier the test releases. */
function fakeDirectory() {
  const waiting: Array<() => void> = [];
  return {
    version: 0,
    syncs: 0,
    sync(): Promise<'ok'> {
      this.syncs++;
      return new Promise((resolve) => waiting.push(() => resolve('ok')));
    },
    release() {
      for (const done of waiting.splice(0)) done();
    },
  };
}

const turn = () => new Promise((r) => setImmediate(r));

/** Signals a change at `version` and lets the run it starts pass the barrier. */
async function change(b: { signal(): void }, directory: ReturnType<typeof fakeDirectory>, version: number): Promise<void> {
  directory.version = version;
  b.signal();
  await turn();
  directory.release();
  await turn();
}

describe('createDirectoryBroadcast', () => {
  it('publishes after the barrier, once per directory version', async () => {
    const directory = fakeDirectory();
    const sent: number[] = [];
    const b = createDirectoryBroadcast({ directory, windowMs: 0, publish: () => sent.push(directory.version), onError: fail });
    directory.version = 1;
    b.signal();
    await turn();
    expect(directory.syncs).toBe(1);
    expect(sent).toEqual([]); // held until the barrier resolves
    // A change that lands while the barrier is pending is in this frame already.
    directory.version = 2;
    b.signal();
    directory.release();
    await turn();
    expect(sent).toEqual([2]);
    // The trailing run finds nothing new: no second frame of version 2.
    await turn();
    directory.release();
    await turn();
    expect(sent).toEqual([2]);
    b.stop();
  });

  it('does not send the version it was settled at', async () => {
    const directory = fakeDirectory();
    const sent: number[] = [];
    const b = createDirectoryBroadcast({ directory, windowMs: 0, publish: () => sent.push(directory.version), onError: fail });
    directory.version = 5;
    b.settle();
    await change(b, directory, 5);
    expect(sent).toEqual([]);
    await change(b, directory, 6);
    expect(sent).toEqual([6]);
    b.stop();
  });

  it('reports a failing publish and keeps going', async () => {
    const directory = fakeDirectory();
    const errors: unknown[] = [];
    let calls = 0;
    const b = createDirectoryBroadcast({
      directory,
      windowMs: 0,
      publish: () => {
        calls++;
        if (calls === 1) throw new Error('socket gone');
      },
      onError: (err) => errors.push(err),
    });
    await change(b, directory, 1);
    expect(errors).toEqual([new Error('socket gone')]);
    await change(b, directory, 2);
    expect(calls).toBe(2);
    b.stop();
  });
});

function fail(err: unknown): never {
  throw err;
}
