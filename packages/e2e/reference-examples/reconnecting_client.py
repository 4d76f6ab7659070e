# Copied from the ARCP WebSocket API guide, section "Advanced WebSocket Usage > WebSocket with Reconnection".
# Everything below this header is the guide's code, kept unchanged; the conformance test
# packages/e2e/src/reference-examples.int.test.ts runs it against the product.

import asyncio
import json
import websockets
from typing import Optional, Dict, Any

class ReconnectingWebSocketClient:
    def __init__(self, base_url: str, token: Optional[str] = None):
        self.base_url = base_url.replace('http', 'ws')
        self.token = token
        self.websocket = None
        self.running = False
        self.reconnect_delay = 5
        self.max_reconnect_delay = 60

    async def connect_with_reconnect(self):
        """Connect with automatic reconnection"""
        while self.running:
            try:
                await self.connect()
                await self.listen()
            except websockets.exceptions.ConnectionClosed:
                print("WebSocket connection closed, reconnecting...")
                await asyncio.sleep(self.reconnect_delay)
                self.reconnect_delay = min(self.reconnect_delay * 2, self.max_reconnect_delay)
            except Exception as e:
                print(f"WebSocket error: {e}")
                await asyncio.sleep(self.reconnect_delay)

    async def connect(self):
        """Establish WebSocket connection"""
        self.websocket = await websockets.connect(self.base_url)
        print("WebSocket connected")

    async def listen(self):
        """Listen for messages"""
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
        """Handle incoming messages"""
        print(f"Message: {message.get('type', 'unknown')}")

    def start(self):
        """Start the WebSocket client"""
        self.running = True
        return asyncio.create_task(self.connect_with_reconnect())

    def stop(self):
        """Stop the WebSocket client"""
        self.running = False
        if self.websocket:
            asyncio.create_task(self.websocket.close())

# Usage
async def reconnecting_example():
    client = ReconnectingWebSocketClient("ws://localhost:8001/public/ws")

    # Start client
    task = client.start()

    try:
        # Keep running for 2 minutes
        await asyncio.sleep(120)
    finally:
        client.stop()
        task.cancel()

asyncio.run(reconnecting_example())
