/**
 * The AsyncAPI 3.0 document of the three WebSocket channels, generated from the protocol's
 * channel catalog. It describes the ARCP server: `send` operations are frames the server sends,
 * `receive` operations frames it accepts. Auth happens in-band (a first message), which AsyncAPI
 * has no security scheme for, so each channel says it in words and lists its auth message; close
 * codes are the `x-close-codes` extension.
 */
import { CLOSE_CODE_INFO } from '@arcp/protocol';
import { frameEntries, type FrameEntry } from './frames';
import { components, type JsonSchema } from './json-schema';

export const ASYNCAPI_TITLE = 'ARCP realtime WebSocket channels';

const closeCodesText = CLOSE_CODE_INFO.map((c) => `- ${c.code} (${c.action}): ${c.meaning}`).join('\n');

function message(entry: FrameEntry): JsonSchema {
  return {
    name: entry.message.name,
    title: entry.message.name,
    summary: entry.message.summary,
    contentType: entry.contentType,
    payload: { $ref: `#/components/schemas/${entry.id}` },
    ...(entry.examples.length > 0 ? { examples: entry.examples.map((payload) => ({ payload })) } : {}),
  };
}

export function asyncApiDocument(version: string): JsonSchema {
  const entries = frameEntries();
  const channels: Record<string, JsonSchema> = {};
  const operations: Record<string, JsonSchema> = {};
  const messages: Record<string, JsonSchema> = {};
  for (const entry of entries) messages[entry.id] = message(entry);
  for (const name of ['public', 'agents', 'dashboard'] as const) {
    const mine = entries.filter((e) => e.channel.name === name);
    const channel = mine[0]!.channel;
    channels[name] = {
      address: channel.path,
      title: channel.path,
      summary: channel.summary,
      description: `Authentication: ${channel.auth}`,
      messages: Object.fromEntries(mine.map((e) => [`${e.side}.${e.message.name}`, { $ref: `#/components/messages/${e.id}` }])),
    };
    for (const [side, action] of [
      ['server', 'send'],
      ['client', 'receive'],
    ] as const) {
      operations[`${name}.${action}`] = {
        action,
        channel: { $ref: `#/channels/${name}` },
        summary: action === 'send' ? `Frames the server sends on ${channel.path}` : `Frames a client may send on ${channel.path}`,
        messages: mine.filter((e) => e.side === side).map((e) => ({ $ref: `#/channels/${name}/messages/${side}.${e.message.name}` })),
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: ASYNCAPI_TITLE,
      version,
      description:
        'Agents register over HTTP (see /openapi.json); people and programs watch the agent ecosystem live on three WebSocket channels. ' +
        'Every channel answers a plain-text "ping" with "pong" and a JSON {"type":"ping"} with {"type":"pong","timestamp":<epoch seconds>}.\n\n' +
        `Close codes (action: what a client does):\n${closeCodesText}`,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      standalone: { host: 'localhost:8001', protocol: 'ws', description: '`pnpm start`: the whole product on one port' },
    },
    channels,
    operations,
    components: {
      schemas: components(
        entries.map((e) => [e.id, e.schema] as const),
        'draft-7',
      ),
      messages,
    },
    'x-close-codes': CLOSE_CODE_INFO.map((c) => ({ ...c })),
  };
}
