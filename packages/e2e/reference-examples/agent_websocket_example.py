# Copied from the ARCP WebSocket API guide, section "Agent WebSocket > Python Client".
# Everything below this header is the guide's code, kept unchanged; the conformance test
# packages/e2e/src/reference-examples.int.test.ts runs it against the product.

import asyncio
from arcp import ARCPClient

async def agent_websocket_example():
    client = ARCPClient("http://localhost:8001")

    # Register the agent
    registration_response = await client.register_agent(
        agent_id="my-agent-001",
        name="My testing Agent",
        agent_type="testing",
        endpoint="http://localhost:8010",
        capabilities=["processing", "analysis"],
        context_brief="A testing agent for WebSocket demo",
        version="1.0.0",
        owner="Test User",
        public_key="test-public-key-that-is-at-least-32-characters-long-for-validation",
        communication_mode="remote",
        metadata={"environment": "test", "purpose": "websocket-demo"},
        agent_key="test-agent-001"
    )

    print(f"Agent registered successfully: {registration_response.agent_id}")

    print("Connecting to agent WebSocket...")

    message_count = 0
    async for message in client.websocket_agent():
        message_count += 1
        print(f"Agent message {message_count}: {message}")

        # Handle different message types - message might be a list or dict
        if isinstance(message, list):
            print(f"  Received agent list with {len(message)} agents")
            for agent in message:
                if isinstance(agent, dict) and 'agent_id' in agent:
                    print(f"    - Agent: {agent.get('agent_id')} ({agent.get('status', 'unknown')})")
        elif isinstance(message, dict):
            # Handle authentication and control messages
            if message.get('type') == 'auth_required':
                print(f"  Authentication required: {message.get('message')}")

            elif message.get('type') == 'auth_success':
                print(f"  Authentication successful: {message.get('message')}")

            elif message.get('type') == 'auth_error':
                print(f"  Authentication failed: {message.get('message')}")

            elif message.get('type') == 'pong':
                print(f"  Pong received at: {message.get('timestamp', '')}")

            else:
                print(f"  Other message type: {message.get('type', 'unknown')}")

        # Stop after 5 messages
        if message_count >= 5:
            break

    print(f"Received {message_count} agent messages")

asyncio.run(agent_websocket_example())
