/** Every benchmark, in the order `pnpm bench` runs them. */
import type { Bench } from '../lib/types';
import { convergence } from './convergence';
import { fanout } from './fanout';
import { idleMemory } from './idle-memory';
import { latency } from './latency';
import { natsIngress } from './nats-ingress';
import { reconnectStorm } from './reconnect-storm';
import { scaleOut } from './scale-out';
import { slowConsumer } from './slow-consumer';

export const BENCHES: Bench[] = [fanout, idleMemory, latency, convergence, reconnectStorm, natsIngress, slowConsumer, scaleOut];
