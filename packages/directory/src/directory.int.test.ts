/** The directory contract on NATS JetStream: the writer and the reader on separate connections. */
import { connectNatsBus, type Bus } from '@arcp/service-kit';
import { natsUrl, uniquePrefix } from '@arcp/testkit';
import { runDirectoryContract } from './test-support/contract';

let writerBus: Bus;
let readerBus: Bus;
const prefix = uniquePrefix('directory');
let n = 0;

beforeAll(async () => {
  writerBus = await connectNatsBus({ servers: [natsUrl()], name: 'directory-writer' });
  readerBus = await connectNatsBus({ servers: [natsUrl()], name: 'directory-reader' });
});
afterAll(async () => {
  await writerBus.close();
  await readerBus.close();
});

runDirectoryContract({ writerBus: () => writerBus, readerBus: () => readerBus, bucket: (name) => `${prefix}_${name}_${++n}` });
