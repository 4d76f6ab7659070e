# Copied from the ARCP WebSocket API guide, section "Troubleshooting > Common Issues > Message Parsing Errors".
# Everything below this header is the guide's code, kept unchanged; the conformance test
# packages/e2e/src/reference-examples.int.test.ts runs it against the product.

# Handle non-JSON messages gracefully
async def handle_message_safely(message: str):
    try:
        data = json.loads(message)
        return data
    except json.JSONDecodeError:
        # Handle non-JSON messages (like pong)
        if message == "pong":
            return {"type": "pong"}
        elif message == "ping":
            return {"type": "ping"}
        else:
            print(f"Unknown non-JSON message: {message}")
            return None
