// Copied from the ARCP WebSocket API guide, section "Public WebSocket > Connection (JavaScript example)".
// Everything below this header is the guide's code, kept unchanged; the conformance test
// packages/e2e/src/reference-examples.int.test.ts runs it against the product.
// The browser globals it uses are provided by harness/browser-globals.js.
/* global WebSocket */
/* eslint-disable @typescript-eslint/no-unused-vars -- the guide's handlers name an unused `event` */

// JavaScript example
const ws = new WebSocket('ws://localhost:8001/public/ws');

ws.onopen = function (event) {
  console.log('Connected to public WebSocket');

  // Send ping to test connection
  ws.send('ping');
};

ws.onmessage = function (event) {
  const message = JSON.parse(event.data);
  console.log('Received:', message);

  // Handle different message types
  switch (message.type) {
    case 'welcome':
      console.log('Welcome message:', message.message);
      console.log('Available features:', message.features);
      break;
    case 'stats_update':
      console.log('System stats:', message.data);
      break;
    case 'discovery_data':
      console.log('Discovery data:', message.data);
      break;
    case 'agents_update':
      console.log('Agents update:', message.data);
      break;
    case 'pong':
      console.log('Pong received:', message.timestamp);
      break;
  }
};

ws.onclose = function (event) {
  console.log('WebSocket closed:', event.code, event.reason);
};

ws.onerror = function (error) {
  console.error('WebSocket error:', error);
};
