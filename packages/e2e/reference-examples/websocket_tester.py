# Copied from the ARCP WebSocket API guide, section "Testing WebSocket Connections > WebSocket Test Client".
# Everything below this header is the guide's code, kept unchanged; the conformance test
# packages/e2e/src/reference-examples.int.test.ts runs it against the product.

import asyncio
import json
import websockets

class WebSocketTester:
    def __init__(self, base_url: str):
        self.base_url = base_url.replace('http', 'ws')
        self.results = []

    async def test_public_websocket(self):
        """Test public WebSocket connection"""
        print("Testing public WebSocket...")

        try:
            async with websockets.connect(f"{self.base_url}/public/ws") as ws:
                ping_pong_success = False

                # Wait for messages
                message_count = 0
                async for message in ws:
                    message_count += 1
                    try:
                        data = json.loads(message)
                        print(f"Received message: {data.get('type', 'unknown')}")
                        self.results.append(("public_websocket", "message_received", "success"))
                    except json.JSONDecodeError:
                        print(f"Received non-JSON: {message}")
                        if message == "ping":
                            # Respond to server ping with pong
                            await ws.send("pong")
                            print("Responded to ping with pong")
                            ping_pong_success = True

                    if message_count >= 3:
                        break

                if ping_pong_success:
                    print("Ping/pong successful")
                    self.results.append(("public_websocket", "ping_pong", "success"))
                else:
                    print("No ping received from server")
                    self.results.append(("public_websocket", "ping_pong", "failed"))

                print(f"Received {message_count} messages")

        except Exception as e:
            print(f"Public WebSocket test failed: {e}")
            self.results.append(("public_websocket", "connection", "failed"))

    async def test_agent_websocket(self, token: str):
        """Test agent WebSocket connection"""
        print("Testing agent WebSocket...")

        try:
            async with websockets.connect(f"{self.base_url}/agents/ws") as ws:
                # Wait for auth request
                auth_request = await ws.recv()
                auth_data = json.loads(auth_request)

                if auth_data.get('type') == 'auth_required':
                    # Send token
                    await ws.send(json.dumps({'token': token}))

                    # Wait for auth response
                    auth_response = await ws.recv()
                    auth_result = json.loads(auth_response)

                    if auth_result.get('type') == 'auth_success':
                        print("Agent WebSocket authentication successful")
                        self.results.append(("agent_websocket", "authentication", "success"))
                    else:
                        print("Agent WebSocket authentication failed")
                        self.results.append(("agent_websocket", "authentication", "failed"))
                        return

                # Wait for messages
                message_count = 0
                async for message in ws:
                    message_count += 1
                    try:
                        data = json.loads(message)
                        print(f"Received agent message: {data.get('type', 'unknown')}")
                        self.results.append(("agent_websocket", "message_received", "success"))
                    except json.JSONDecodeError:
                        if message == "ping":
                            await ws.send("pong")

                    if message_count >= 3:
                        break

                print(f"Received {message_count} agent messages")

        except Exception as e:
            print(f"Agent WebSocket test failed: {e}")
            self.results.append(("agent_websocket", "connection", "failed"))

    def print_results(self):
        """Print test results"""
        print("\nWebSocket Test Results:")
        print("=" * 50)

        for test_type, test_name, result in self.results:
            print(f"{test_type}: {test_name} - {result}")

# Usage
async def test_websockets():
    tester = WebSocketTester("http://localhost:8001")

    # Test public WebSocket
    await tester.test_public_websocket()

    # Test agent WebSocket (requires valid token)
    # await tester.test_agent_websocket("your-jwt-token")

    # Print results
    tester.print_results()

asyncio.run(test_websockets())
