/**
 * The one contract every Bus engine must pass: `runBusContract` registers a Jest suite covering
 * pub/sub, queue groups, request/reply, KV and streams, and the lifecycle. Engines run it from
 * their own test file (memory: unit; NATS: integration against a real server).
 */
import { type Bus } from '../bus';
import { runToken } from './helpers';
import { kvContract } from './kv-contract';
import { lifecycleContract, messagingContract } from './messaging-contract';
import { streamContract } from './stream-contract';

/** What each case group gets: the bus under test and a generator of collision-free names. */
export interface ContractContext {
  bus(): Bus;
  /** A fresh subject prefix / bucket / stream name (tokens of [A-Za-z0-9_]). */
  name(base: string): string;
}

export interface BusContractOptions {
  /** Prefix for every subject, bucket and stream the suite creates (unique per test file). */
  prefix?: string;
}

export function runBusContract(
  name: string,
  makeBus: () => Promise<Bus>,
  cleanup?: () => Promise<void>,
  opts: BusContractOptions = {},
): void {
  describe(`Bus contract: ${name}`, () => {
    const prefix = `${opts.prefix ?? 'contract'}_${runToken()}`;
    let current: Bus | undefined;
    let counter = 0;
    const ctx: ContractContext = {
      bus: () => {
        if (!current) throw new Error('bus not created');
        return current;
      },
      name: (base) => `${prefix}_${base}${++counter}`,
    };

    beforeEach(async () => {
      current = await makeBus();
    });
    afterEach(async () => {
      if (current && current.status() !== 'closed') await current.close();
      current = undefined;
    });
    if (cleanup) afterAll(cleanup);

    describe('messaging', () => messagingContract(ctx));
    describe('kv', () => kvContract(ctx));
    describe('streams', () => streamContract(ctx));
    describe('lifecycle', () => lifecycleContract(ctx));
  });
}
