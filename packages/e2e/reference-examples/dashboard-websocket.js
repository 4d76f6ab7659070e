// Copied from the ARCP WebSocket API guide, section "Dashboard WebSocket > Connection (JavaScript example)".
// Everything below this header is the guide's code, kept unchanged; the conformance test
// packages/e2e/src/reference-examples.int.test.ts runs it against the product.
// The browser globals it uses are provided by harness/browser-globals.js.
/* global WebSocket, updateMonitoringData, updateHealthStatus, updateAgentsData, updateLogsDisplay, handleAlerts, handleAcknowledgment */
/* eslint-disable @typescript-eslint/no-unused-vars -- the guide's handlers name an unused `event` */

// JavaScript example for dashboard
const ws = new WebSocket('ws://localhost:8001/dashboard/ws');

ws.onopen = function (event) {
  console.log('Connected to dashboard WebSocket');

  // Send authentication
  ws.send(
    JSON.stringify({
      type: 'auth',
      token: 'your-admin-jwt-token',
    }),
  );
};

ws.onmessage = function (event) {
  const message = JSON.parse(event.data);

  // Handle different dashboard frame types
  switch (message.type) {
    case 'monitoring':
      // System monitoring data (agents, performance metrics)
      updateMonitoringData(message.data);
      break;
    case 'health':
      // System health status and component health
      updateHealthStatus(message.data);
      break;
    case 'agents':
      // Agent information and status
      updateAgentsData(message.data);
      break;
    case 'logs':
      // System logs
      updateLogsDisplay(message.data);
      break;
    case 'alert':
      // System alerts and notifications
      handleAlerts(message.data);
      break;
    case 'pause_ack':
    case 'resume_ack':
    case 'refresh_ack':
      // Acknowledgment messages for client requests
      handleAcknowledgment(message);
      break;
    default:
      console.log('Unknown dashboard message type:', message.type);
  }
};
