/**
 * `@arcp/protocol/wire`: the part of the protocol a client needs at run time, with no zod and no
 * Node globals at import, so a browser bundle of `@arcp/client` stays small and loads anywhere.
 * Frame *types* come from the package root (`import type`), which costs nothing at run time.
 */
export {
  CloseCodes,
  CloseReasons,
  CLOSE_CODE_INFO,
  MAX_CLOSE_REASON_BYTES,
  isReconnectCode,
  type CloseAction,
  type CloseCode,
  type CloseCodeInfo,
} from './codes';
export { PING_TEXT, PONG_TEXT } from './encode';
export { CHANNELS, CHANNEL_NAMES, channelPath, type ChannelName } from './channels';
