// Copied from the ARCP WebSocket API guide, section "Agent WebSocket > Authentication Flow (JavaScript example)".
// Everything below this header is the guide's code, kept unchanged; the conformance test
// packages/e2e/src/reference-examples.int.test.ts runs it against the product.
// The browser globals it uses are provided by harness/browser-globals.js.
/* global WebSocket */
/* eslint-disable @typescript-eslint/no-unused-vars -- the guide's handlers name an unused `event` */

// JavaScript example with authentication
const ws = new WebSocket('ws://localhost:8001/agents/ws');

ws.onopen = function (event) {
  console.log('Connected to agent WebSocket');
};

ws.onmessage = function (event) {
  const message = JSON.parse(event.data);

  if (message.type === 'auth_required') {
    console.log('Authentication required');

    // Send authentication token
    ws.send(
      JSON.stringify({
        token: 'your-jwt-token-here',
      }),
    );
  } else if (message.type === 'auth_success') {
    console.log('Agent authentication successful');
  } else if (message.type === 'auth_error') {
    console.error('Authentication failed:', message.message);
  } else {
    // Handle other message types
    console.log('Agent message:', message);
  }
};
