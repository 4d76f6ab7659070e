import { probe } from '@arcp/auth';
import uWS from 'uWebSockets.js';
test('probe', async () => { expect(await probe()).toBe(true); expect(typeof uWS.App).toBe('function'); });
