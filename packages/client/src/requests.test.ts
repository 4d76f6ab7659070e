/**
 * A request on a channel that is not open is refused at once, and leaves nothing behind: no
 * waiter whose deadline would later reject an answer nobody awaits (an unhandled rejection in the
 * caller's process, seen while the edge was down in the fault suite).
 */
import WebSocket from 'ws';
import { AgentsChannel, DashboardChannel, PublicChannel } from './index';

const url = 'ws://127.0.0.1:1/x';

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

describe('requests on a channel that is not open', () => {
  it.each([
    ['public ping', () => new PublicChannel({ url, WebSocket }).ping(50)],
    ['public discovery', () => new PublicChannel({ url, WebSocket }).getDiscovery({}, 50)],
    ['public text ping', () => new PublicChannel({ url, WebSocket }).pingText(50)],
    ['agents ping', () => new AgentsChannel({ url, WebSocket, token: 't' }).ping(50)],
    ['dashboard ping', () => new DashboardChannel({ url, WebSocket, token: 't' }).ping(50)],
    ['dashboard refresh', () => new DashboardChannel({ url, WebSocket, token: 't' }).refresh(50)],
  ])('%s is refused at once and leaves no deadline pending', async (_, ask) => {
    await expect(ask()).rejects.toThrow('cannot send: the channel is idle');
    expect(jest.getTimerCount()).toBe(0);
  });
});
