/**
 * nowMicros on scripted clocks (Date.now and process.hrtime.bigint). The clock anchors on its
 * first reading, and each test file has its own copy of the module: the tests below run in order
 * on one clock, each starting from the state the previous one left.
 */
import { nowMicros } from './time';

const W = 1_757_280_528_000; // wall clock at the first reading, ms
let wallMs = W;
// The monotonic clock's origin is arbitrary: here 10 ms ahead of the wall clock, so that only
// anchoring on the first reading explains a first reading equal to the wall clock.
let hrNs = BigInt(W) * 1_000_000n + 10_000_000n;
const advance = (ms: number) => (hrNs += BigInt(Math.round(ms * 1_000_000)));

beforeAll(() => {
  jest.spyOn(Date, 'now').mockImplementation(() => wallMs);
  jest.spyOn(process.hrtime, 'bigint').mockImplementation(() => hrNs);
});
afterAll(() => jest.restoreAllMocks());

it('starts at the wall clock and adds monotonic microseconds', () => {
  expect(nowMicros()).toBe(W * 1000);
  advance(0.25);
  expect(nowMicros()).toBe(W * 1000 + 250);
});

it('re-anchors on the wall clock once the two drift more than 20 ms apart, not at 20 ms', () => {
  advance(19.75); // 20 ms past the wall clock
  expect(nowMicros()).toBe(W * 1000 + 20_000);
  advance(0.001); // 20.001 ms: re-anchored on the wall clock (the step back is smoothed)
  expect(nowMicros()).toBe(W * 1000 + 20_001);
  wallMs += 50;
  advance(50);
  expect(nowMicros()).toBe((W + 50) * 1000); // follows the new anchor, not the old one (+70.001 ms)
});

it('smooths a step back under one second and never repeats a reading', () => {
  const last = (W + 50) * 1000;
  expect(nowMicros()).toBe(last + 1); // same clocks: one microsecond later
  wallMs -= 500;
  expect(nowMicros()).toBe(last + 2);
  advance(1);
  expect(nowMicros()).toBe(last + 3);
});

it('follows a jump forward, and a step back of one second or more (a real clock change)', () => {
  wallMs = W + 2000;
  expect(nowMicros()).toBe((W + 2000) * 1000);
  wallMs = W + 1000;
  expect(nowMicros()).toBe((W + 1000) * 1000);
});
