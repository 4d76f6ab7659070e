# Copied from the ARCP WebSocket API guide, section "Performance Optimization > WebSocket Connection Pooling".
# Everything below this header is the guide's code, kept unchanged; the conformance test
# packages/e2e/src/reference-examples.int.test.ts runs it against the product.

import asyncio
import websockets
from typing import List

class WebSocketPool:
    def __init__(self, base_url: str, pool_size: int = 5):
        self.base_url = base_url.replace('http', 'ws')
        self.pool_size = pool_size
        self.connections: List[websockets.WebSocketServerProtocol] = []
        self.available: asyncio.Queue = asyncio.Queue()

    async def initialize(self):
        """Initialize connection pool"""
        for _ in range(self.pool_size):
            ws = await websockets.connect(f"{self.base_url}/public/ws")
            self.connections.append(ws)
            await self.available.put(ws)

    async def get_connection(self):
        """Get an available connection from the pool"""
        return await self.available.get()

    async def return_connection(self, ws):
        """Return a connection to the pool"""
        await self.available.put(ws)

    async def close_all(self):
        """Close all connections"""
        for ws in self.connections:
            await ws.close()

# Usage
async def websocket_pool_example():
    pool = WebSocketPool("http://localhost:8001", pool_size=3)

    try:
        await pool.initialize()

        # Use connections from pool
        for i in range(5):
            ws = await pool.get_connection()
            try:
                await ws.send("ping")
                response = await ws.recv()
                print(f"Request {i+1}: {response}")
            finally:
                await pool.return_connection(ws)

    finally:
        await pool.close_all()

asyncio.run(websocket_pool_example())
