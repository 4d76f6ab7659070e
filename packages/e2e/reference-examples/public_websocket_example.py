# Copied from the ARCP WebSocket API guide, section "Public WebSocket > Python Client".
# Everything below this header is the guide's code, kept unchanged; the conformance test
# packages/e2e/src/reference-examples.int.test.ts runs it against the product.

import asyncio
import json
from arcp import ARCPClient

async def public_websocket_example():
    client = ARCPClient("http://localhost:8001")

    print("Connecting to public WebSocket...")

    message_count = 0
    async for message in client.websocket_public():
        message_count += 1
        print(f"Message {message_count}: {message.get('type', 'unknown')}")

        # Handle different message types
        if message.get('type') == 'welcome':
            print(f"  Welcome: {message.get('message', '')}")
            print(f"  Features: {message.get('features', [])}")

        elif message.get('type') == 'stats_update':
            data = message.get('data', {})
            print(f"  System stats: {data.get('total_agents', 0)} agents")
            print(f"  Alive agents: {data.get('alive_agents', 0)}")

        elif message.get('type') == 'discovery_data':
            data = message.get('data', {})
            pagination = data.get('pagination', {})
            print(f"  Discovery: {pagination.get('total_agents', 0)} total agents")

        elif message.get('type') == 'agents_update':
            data = message.get('data', {})
            print(f"  Agents update: {data.get('total_count', 0)} agents")

        elif message.get('type') == 'pong':
            print(f"  Pong received at: {message.get('timestamp', '')}")

        # Stop after 10 messages
        if message_count >= 10:
            break

    print(f"Received {message_count} messages")

asyncio.run(public_websocket_example())
