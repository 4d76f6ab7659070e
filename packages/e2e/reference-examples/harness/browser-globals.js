// Preloaded (`node --require`) before the guide's JavaScript examples, which are written for a
// browser page: a browser-like `WebSocket` global on top of the `ws` package, and the dashboard
// page's own functions that the dashboard example calls (`updateMonitoringData`, ...).
//
// Browser semantics kept on purpose: an exception thrown by an `on*` handler (for instance
// `JSON.parse` on the plain-text `pong`/`ping` frames) is reported as "Uncaught ..." and the socket
// carries on, and a connection error never ends the program.
const { WebSocket: NodeWebSocket } = require('ws');

function reportUncaught(err) {
  console.error(`Uncaught ${err && err.name ? `${err.name}: ${err.message}` : String(err)}`);
}

class BrowserWebSocket extends NodeWebSocket {
  constructor(url, protocols) {
    super(url, protocols);
    // A browser reports a failed connection as an `error` event, never as a thrown exception.
    this.on('error', () => {});
  }
}

const handlers = Symbol('on-event handlers as the page set them');
for (const type of ['open', 'message', 'close', 'error']) {
  const inherited = Object.getOwnPropertyDescriptor(NodeWebSocket.prototype, `on${type}`);
  Object.defineProperty(BrowserWebSocket.prototype, `on${type}`, {
    configurable: true,
    enumerable: true,
    get() {
      return this[handlers]?.[type] ?? null;
    },
    set(handler) {
      this[handlers] = { ...this[handlers], [type]: handler };
      const guarded =
        typeof handler === 'function'
          ? function (event) {
              try {
                return handler.call(this, event);
              } catch (err) {
                reportUncaught(err);
              }
            }
          : handler;
      inherited.set.call(this, guarded);
    },
  });
}

globalThis.WebSocket = BrowserWebSocket;

// The dashboard page's functions: each prints which frame it was handed and the frame's fields.
function pageFunction(name) {
  return (value) => {
    const fields = value && typeof value === 'object' ? Object.keys(value).join(', ') : String(value);
    console.log(`[page] ${name}(${fields})`);
  };
}

globalThis.updateMonitoringData = pageFunction('updateMonitoringData');
globalThis.updateHealthStatus = pageFunction('updateHealthStatus');
globalThis.updateAgentsData = pageFunction('updateAgentsData');
globalThis.updateLogsDisplay = pageFunction('updateLogsDisplay');
globalThis.handleAlerts = pageFunction('handleAlerts');
globalThis.handleAcknowledgment = (message) => console.log(`[page] handleAcknowledgment(${message.type})`);
