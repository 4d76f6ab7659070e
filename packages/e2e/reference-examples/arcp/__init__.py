"""Clean-room conformance client standing in for the original `arcp` Python package.

The ARCP WebSocket guide's Python examples do `from arcp import ARCPClient`. The original
package cannot be installed here (PyPI is unreachable, and its imports need pydantic 2 and
fastapi), so this module replays the original client's calls (protocol specification, section 8
"Python client library") for conformance testing: the same HTTP requests, headers and WebSocket
handshakes, for exactly the methods the guide's examples use. It follows the 2.0 registration
flow (temporary token, register, read back), without the 2.1 compliance pre-check.

Only the standard library (urllib, run in a worker thread so the calls stay awaitable) and the
`websockets` package (Debian's python3-websockets 10.4, legacy `websockets.connect`) are used.
"""

import asyncio
import json
import urllib.error
import urllib.request
import uuid
from urllib.parse import urljoin

import websockets

__all__ = ["ARCPClient", "ARCPError", "AuthenticationError", "AgentInfo"]

USER_AGENT = "ARCPClient/2.1.2"


class ARCPError(Exception):
    """A failed request, worded as the original client words it."""


class AuthenticationError(Exception):
    """A WebSocket handshake the server refused (not an ARCPError, as in the original)."""


class AgentInfo:
    """The agent record `register_agent` returns, with its fields as attributes."""

    def __init__(self, data):
        self.__dict__.update(data)
        self._data = data

    def dict(self):
        return dict(self._data)

    def __repr__(self):
        return f"AgentInfo(agent_id={self._data.get('agent_id')!r})"


class ARCPClient:
    def __init__(self, base_url, timeout=30.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._token = None
        self._headers = {"User-Agent": USER_AGENT, "X-Client-Fingerprint": str(uuid.uuid4())}

    # -- HTTP -------------------------------------------------------------------------------

    def _request_sync(self, method, path, body=None, token=None, public=False):
        url = urljoin(self.base_url + "/", path.lstrip("/"))
        headers = dict(self._headers)
        bearer = token or (None if public else self._token)
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return _decode(response.read())
        except urllib.error.HTTPError as err:
            raise _error_for(err.code, path, _decode(err.read())) from None

    async def _request(self, method, path, **kwargs):
        return await asyncio.to_thread(self._request_sync, method, path, **kwargs)

    async def request_temp_token(self, agent_id, agent_type, agent_key):
        body = {"agent_id": agent_id, "agent_type": agent_type, "agent_key": agent_key}
        result = await self._request("POST", "/auth/agent/request_temp_token", body=body, public=True)
        self._token = result.get("temp_token")
        return result

    async def validate_token(self, token=None):
        return await self._request("GET", "/tokens/validate", token=token or self._token)

    async def get_agent(self, agent_id, include_metrics=True):
        query = "?include_metrics=true" if include_metrics else ""
        return AgentInfo(await self._request("GET", f"/agents/{agent_id}{query}"))

    async def register_agent(self, agent_id, name, agent_type, endpoint, capabilities, context_brief,
                             version, owner, public_key, communication_mode, metadata=None,
                             features=None, max_tokens=None, language_support=None, rate_limit=None,
                             requirements=None, policy_tags=None, agent_key=None):
        if self._token is None and agent_key:
            await self.request_temp_token(agent_id, agent_type, agent_key)
        fields = {
            "agent_id": agent_id, "name": name, "agent_type": agent_type, "endpoint": endpoint,
            "capabilities": capabilities, "context_brief": context_brief, "version": version,
            "owner": owner, "public_key": public_key, "metadata": metadata,
            "communication_mode": communication_mode, "features": features,
            "max_tokens": max_tokens, "language_support": language_support,
            "rate_limit": rate_limit, "requirements": requirements, "policy_tags": policy_tags,
        }
        body = {k: v for k, v in fields.items() if v is not None}
        result = await self._request("POST", "/agents/register", body=body)
        self._token = result.get("access_token", self._token)
        return await self.get_agent(agent_id, include_metrics=True)

    # -- WebSocket --------------------------------------------------------------------------

    def _ws_url(self, path):
        return self.base_url.replace("https://", "wss://").replace("http://", "ws://") + path

    async def websocket_public(self):
        async with websockets.connect(self._ws_url("/public/ws")) as ws:
            await ws.send(json.dumps({"type": "get_discovery", "page": 1, "page_size": 50}))
            async for message in ws:
                if isinstance(message, str) and message.strip().lower() == "ping":
                    await ws.send("pong")
                    continue
                if isinstance(message, str) and message.strip().lower() == "pong":
                    continue
                try:
                    yield json.loads(message)
                except json.JSONDecodeError:
                    continue

    async def websocket_agent(self, token=None):
        token = token or self._token
        async with websockets.connect(self._ws_url("/agents/ws")) as ws:
            first = json.loads(await ws.recv())
            if isinstance(first, dict) and first.get("type") == "auth_required":
                await ws.send(json.dumps({"token": token}))
                reply = json.loads(await ws.recv())
                if not (isinstance(reply, dict) and reply.get("type") == "auth_success"):
                    detail = reply.get("message") if isinstance(reply, dict) else reply
                    raise AuthenticationError(f"WebSocket authentication failed: {detail}")
            async for message in ws:
                if message == "ping":
                    await ws.send("pong")
                    continue
                try:
                    yield json.loads(message)
                except json.JSONDecodeError:
                    continue


def _decode(raw):
    text = raw.decode("utf-8", "replace") if raw else ""
    try:
        return json.loads(text) if text else {}
    except json.JSONDecodeError:
        return {"message": text}


def _error_for(status, path, body):
    detail = body.get("detail") or body.get("message") if isinstance(body, dict) else body
    if status == 401:
        return ARCPError("Unexpected error: Authentication failed - invalid or expired token")
    if status == 403:
        return ARCPError("Unexpected error: Access forbidden - insufficient permissions")
    if status == 404:
        return ARCPError(f"Endpoint not found: {path}")
    if status == 429:
        return ARCPError("Rate limit exceeded")
    if status >= 500:
        return ConnectionError(f"Server error: {status}")
    return ARCPError(f"Request failed: {detail}")
