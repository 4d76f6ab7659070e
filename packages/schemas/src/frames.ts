/**
 * Every frame of the three channels, both directions, as one flat list with stable ids
 * (`public.server.welcome`, `dashboard.client.auth`), its schema, and the protocol guide's
 * examples that the schema accepts. Plain-text keep-alives get a string schema of their text.
 */
import { REFERENCE_EXAMPLES, WS_API, type WsChannel, type WsMessage } from '@arcp/protocol';
import { z } from 'zod';

export type Side = 'client' | 'server';

export interface FrameEntry {
  readonly id: string;
  readonly channel: WsChannel;
  readonly side: Side;
  readonly message: WsMessage;
  readonly schema: z.ZodType;
  readonly contentType: 'application/json' | 'text/plain';
  /** Examples from the protocol guide (parsed JSON, or the text of a text frame). */
  readonly examples: readonly unknown[];
}

function examplesFor(channel: WsChannel, side: Side, message: WsMessage, schema: z.ZodType): unknown[] {
  if (message.text !== undefined) return [message.text];
  const direction = side === 'client' ? 'in' : 'out';
  return REFERENCE_EXAMPLES.filter((e) => e.channel === channel.name && e.direction === direction)
    .map((e) => JSON.parse(e.json) as unknown)
    .filter((value) => schema.safeParse(value).success);
}

export function frameEntries(): FrameEntry[] {
  const out: FrameEntry[] = [];
  for (const channel of WS_API) {
    for (const [side, messages] of [['client', channel.fromClient], ['server', channel.fromServer]] as const) {
      for (const message of messages) {
        const schema = message.schema ?? z.literal(message.text ?? '').describe(`The plain-text frame "${message.text}" (not JSON)`);
        out.push({
          id: `${channel.name}.${side}.${message.name}`,
          channel,
          side,
          message,
          schema,
          contentType: message.schema ? 'application/json' : 'text/plain',
          examples: examplesFor(channel, side, message, schema),
        });
      }
    }
  }
  return out;
}
