# Copied from the ARCP WebSocket API guide, section "Advanced WebSocket Usage > Custom WebSocket Client".
# Everything below this header is the guide's code, kept unchanged; the conformance test
# packages/e2e/src/reference-examples.int.test.ts runs it against the product.

import asyncio
import json
import websockets
from typing import Dict, Any, Optional

class ARCPWebSocketClient:
    def __init__(self, base_url: str, token: Optional[str] = None):
        self.base_url = base_url.replace('http', 'ws')
        self.token = token
        self.websocket = None
        self.running = False

    async def connect_public(self):
        """Connect to public WebSocket"""
        url = f"{self.base_url}/public/ws"
        self.websocket = await websockets.connect(url)
        self.running = True

        # Send initial ping
        await self.websocket.send("ping")

        # Listen for messages
        async for message in self.websocket:
            if not self.running:
                break

            try:
                data = json.loads(message)
                await self.handle_message(data)
            except json.JSONDecodeError:
                # Handle non-JSON messages (like pong)
                if message == "pong":
                    print("Received pong")

    async def connect_agent(self):
        """Connect to agent WebSocket with authentication"""
        url = f"{self.base_url}/agents/ws"
        self.websocket = await websockets.connect(url)
        self.running = True

        # Wait for auth request
        auth_request = await self.websocket.recv()
        auth_data = json.loads(auth_request)

        if auth_data.get('type') == 'auth_required':
            # Send authentication token
            await self.websocket.send(json.dumps({
                'token': self.token
            }))

            # Wait for auth response
            auth_response = await self.websocket.recv()
            auth_result = json.loads(auth_response)

            if auth_result.get('type') == 'auth_success':
                print("Agent WebSocket authenticated")
            else:
                print(f"Authentication failed: {auth_result.get('message')}")
                return

        # Listen for messages
        async for message in self.websocket:
            if not self.running:
                break

            try:
                data = json.loads(message)
                await self.handle_message(data)
            except json.JSONDecodeError:
                if message == "ping":
                    await self.websocket.send("pong")

    async def handle_message(self, message: Dict[str, Any]):
        """Handle incoming WebSocket messages"""
        message_type = message.get('type', 'unknown')

        if message_type == 'stats_update':
            await self.handle_stats_update(message.get('data', {}))
        elif message_type == 'agents_update':
            await self.handle_agents_update(message.get('data', {}))
        elif message_type == 'auth_required':
            await self.handle_auth_required(message)
        elif message_type == 'auth_success':
            await self.handle_auth_success(message)
        elif message_type == 'auth_error':
            await self.handle_auth_error(message)
        else:
            print(f"Unknown message type: {message_type}")

    async def handle_stats_update(self, data: Dict[str, Any]):
        """Handle stats update messages"""
        print(f"Stats update: {data.get('total_agents', 0)} agents")
        print(f"   Alive: {data.get('alive_agents', 0)}")
        print(f"   Dead: {data.get('dead_agents', 0)}")

    async def handle_agents_update(self, data: Dict[str, Any]):
        """Handle agents update messages"""
        print(f"Agents update: {data.get('total_count', 0)} agents")

    async def handle_auth_required(self, message: Dict[str, Any]):
        """Handle authentication required messages"""
        print(f"Authentication required: {message.get('message')}")

    async def handle_auth_success(self, message: Dict[str, Any]):
        """Handle authentication success messages"""
        print(f"Authentication successful: {message.get('message')}")

    async def handle_auth_error(self, message: Dict[str, Any]):
        """Handle authentication error messages"""
        print(f"Authentication failed: {message.get('message')}")

    async def send_message(self, message: Dict[str, Any]):
        """Send a message through the WebSocket"""
        if self.websocket and self.running:
            await self.websocket.send(json.dumps(message))

    async def disconnect(self):
        """Disconnect from WebSocket"""
        self.running = False
        if self.websocket:
            await self.websocket.close()

# Usage
async def custom_websocket_example():
    client = ARCPWebSocketClient("http://localhost:8001")

    try:
        # Connect to public WebSocket
        await client.connect_public()

        # Keep running for 30 seconds
        await asyncio.sleep(30)

    finally:
        await client.disconnect()

asyncio.run(custom_websocket_example())
