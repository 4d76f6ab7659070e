import { spawnManaged, type ManagedProc } from './process';
import { DEFAULT_RESTART_POLICY, restartDelay, Supervisor, type SupervisedUnit } from './supervisor';

const FAST = { initialMs: 20, maxMs: 80, resetAfterMs: 60_000 };
const spawned: ManagedProc[] = [];
const sleeper = async () => {
  const proc = spawnManaged('sleeper', 'sleep', ['30']);
  spawned.push(proc);
  return proc;
};
const crasher = async () => {
  const proc = spawnManaged('crasher', process.execPath, ['-e', 'process.exit(3)']);
  spawned.push(proc);
  return proc;
};

async function waitFor(ok: () => boolean, opts: { timeoutMs: number; what: string }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The supervisor decides (and counts) a restart when it sees the exit: after this, it has. */
async function exitSeen(proc: ManagedProc): Promise<void> {
  await proc.exited;
  await new Promise((r) => setImmediate(r));
}

afterEach(async () => {
  await Promise.all(spawned.splice(0).map((p) => p.stop('SIGKILL', 1000)));
});

async function started(sup: Supervisor, name: string, spawn: () => Promise<ManagedProc>): Promise<SupervisedUnit> {
  const unit = sup.unit(name, spawn);
  unit.adopt(await spawn());
  return unit;
}

describe('restartDelay', () => {
  it('doubles from 500 ms and stops at 15 s', () => {
    const delays = Array.from({ length: 8 }, (_, i) => restartDelay(DEFAULT_RESTART_POLICY, i));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
    expect(restartDelay(DEFAULT_RESTART_POLICY, 1000)).toBe(15_000);
  });
});

describe('Supervisor', () => {
  it('starts a killed child again and counts the restart in one log line', async () => {
    const lines: string[] = [];
    const sup = new Supervisor({ enabled: true, policy: FAST, log: (l) => lines.push(l) });
    const unit = await started(sup, 'svc', sleeper);
    sup.arm();
    const first = unit.current()!;
    first.child.kill('SIGKILL');
    await waitFor(() => unit.current() !== first && !unit.current()!.isExited(), { timeoutMs: 5000, what: 'a new process' });
    expect(unit.current()!.pid).not.toBe(first.pid);
    expect(unit.restarts).toBe(1);
    expect(sup.restartCounts()).toEqual({ svc: 1 });
    expect(lines[0]).toBe('svc exited (signal SIGKILL); restart 1 in 20 ms');
    await sup.stop();
  });

  it('backs off exponentially up to the cap while a child keeps failing, with its exit code', async () => {
    const lines: string[] = [];
    const sup = new Supervisor({ enabled: true, policy: FAST, log: (l) => lines.push(l) });
    const unit = await started(sup, 'bad', crasher);
    sup.arm();
    await waitFor(() => unit.restarts >= 5, { timeoutMs: 10_000, what: 'five restarts' });
    await sup.stop();
    const delays = lines.filter((l) => l.includes('exited')).map((l) => Number(/in (\d+) ms/.exec(l)![1]));
    expect(delays.slice(0, 5)).toEqual([20, 40, 80, 80, 80]);
    expect(lines[0]).toContain('exited (code 3)');
  });

  it('starts the delay over after a child ran for the reset period', async () => {
    const lines: string[] = [];
    const sup = new Supervisor({ enabled: true, policy: { ...FAST, resetAfterMs: 0 }, log: (l) => lines.push(l) });
    const unit = await started(sup, 'bad', crasher);
    sup.arm();
    await waitFor(() => unit.restarts >= 3, { timeoutMs: 10_000, what: 'three restarts' });
    await sup.stop();
    expect(lines.filter((l) => l.includes('exited')).every((l) => l.endsWith('in 20 ms'))).toBe(true);
  });

  it('leaves a restart made by the caller alone', async () => {
    const sup = new Supervisor({ enabled: true, policy: FAST, log: () => {} });
    const unit = await started(sup, 'svc', sleeper);
    sup.arm();
    const first = unit.current()!;
    const fresh = await unit.replace(async () => {
      await first.stop('SIGKILL');
      return sleeper();
    });
    await exitSeen(first);
    expect(unit.current()).toBe(fresh);
    expect(unit.restarts).toBe(0);
    expect(spawned.filter((p) => !p.isExited())).toEqual([fresh]);
    await sup.stop();
  });

  it('keeps a held child down and leaves all children down once stopped', async () => {
    const sup = new Supervisor({ enabled: true, policy: FAST, log: () => {} });
    const held = await started(sup, 'held', sleeper);
    const other = await started(sup, 'other', sleeper);
    sup.arm();
    await held.hold(() => held.current()!.stop('SIGKILL'));
    await sup.stop();
    const last = other.current()!;
    await last.stop('SIGKILL');
    await exitSeen(last);
    await exitSeen(held.current()!);
    expect([held.restarts, other.restarts]).toEqual([0, 0]);
    expect(spawned.every((p) => p.isExited())).toBe(true);
  });

  it('reports an exit during the start instead of restarting', async () => {
    const early: string[] = [];
    const sup = new Supervisor({ enabled: true, policy: FAST, log: () => {}, onStartupExit: (unit) => early.push(unit.name) });
    const unit = await started(sup, 'svc', sleeper);
    unit.current()!.child.kill('SIGKILL');
    await waitFor(() => early.length > 0, { timeoutMs: 5000, what: 'the startup exit' });
    expect(early).toEqual(['svc']);
    expect(unit.restarts).toBe(0);
    await sup.stop();
  });

  it('does not restart when disabled', async () => {
    const sup = new Supervisor({ enabled: false, policy: FAST, log: () => {} });
    const unit = await started(sup, 'svc', sleeper);
    sup.arm();
    const proc = unit.current()!;
    await proc.stop('SIGKILL');
    await exitSeen(proc);
    expect(unit.restarts).toBe(0);
    await sup.stop();
  });
});
