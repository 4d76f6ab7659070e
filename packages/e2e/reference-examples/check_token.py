# Copied from the ARCP WebSocket API guide, section "Troubleshooting > Common Issues > Authentication Errors".
# Everything below this header is the guide's code, kept unchanged; the conformance test
# packages/e2e/src/reference-examples.int.test.ts runs it against the product.

# Check token validity
import asyncio
from arcp import ARCPClient

async def check_token():
    client = ARCPClient("http://localhost:8001")
    result = await client.validate_token("fewfwfewfewfew")
    print(f"Token valid: {result}")

asyncio.run(check_token())
