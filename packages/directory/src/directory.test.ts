/** The directory contract on the memory bus (one bus: the process shares it, as in standalone). */
import { createMemoryBus, type Bus } from '@arcp/service-kit';
import { runDirectoryContract } from './test-support/contract';

let bus: Bus;
let n = 0;
beforeEach(() => {
  bus = createMemoryBus();
});
afterEach(async () => {
  await bus.close();
});

runDirectoryContract({ writerBus: () => bus, readerBus: () => bus, bucket: (name) => `t_${name}_${++n}` });
