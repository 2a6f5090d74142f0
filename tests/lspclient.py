"""A minimal Language Server Protocol client over stdio, to drive the real yaml-language-server
(the engine of VS Code's YAML extension) the way an editor does: open a file, read the
diagnostics it publishes, ask for hover and completion."""
from __future__ import annotations

import json
import queue
import subprocess
import threading
from pathlib import Path
from typing import Any

from conftest import REPO

TOOLS = REPO / ".tools" / "node_modules"
SERVER = TOOLS / "yaml-language-server" / "bin" / "yaml-language-server"
SETUP = "安装测试工具：bash .ci/install-test-tools.sh"

# What VS Code's YAML extension sends by default; schemas come from each file's modeline.
SETTINGS = {"yaml": {"validate": True, "hover": True, "completion": True, "format": {"enable": False},
                     "schemaStore": {"enable": False}, "schemas": {}, "keyOrdering": False}}


class LanguageServer:
    """One yaml-language-server process; requests are synchronous, notifications queued."""

    def __init__(self, root: Path, locale: str = "en") -> None:
        assert SERVER.exists(), f"缺少 yaml-language-server；{SETUP}"
        self.process = subprocess.Popen(["node", str(SERVER), "--stdio"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.responses: dict[int, queue.Queue] = {}
        self.diagnostics: "queue.Queue[dict]" = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.request("initialize", {
            "processId": None, "locale": locale, "rootUri": root.as_uri(), "workspaceFolders": [{"uri": root.as_uri(), "name": "repo"}],
            "capabilities": {"textDocument": {
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "completion": {"completionItem": {"documentationFormat": ["markdown", "plaintext"]}},
                "publishDiagnostics": {}},
                "workspace": {"configuration": True}},
            "initializationOptions": {}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        self.process.stdin.flush()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(stream.read(length))
            self._dispatch(message)

    def _dispatch(self, message: dict) -> None:
        if "id" in message and "method" in message:  # the server asks us something
            result: Any = None
            if message["method"] == "workspace/configuration":
                result = [SETTINGS.get(item.get("section", ""), SETTINGS["yaml"])
                          if item.get("section") != "yaml" else SETTINGS["yaml"]
                          for item in message["params"]["items"]]
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})
        elif "id" in message:
            self.responses.setdefault(message["id"], queue.Queue()).put(message)
        elif message.get("method") == "textDocument/publishDiagnostics":
            self.diagnostics.put(message["params"])

    def request(self, method: str, params: dict, timeout: float = 30) -> Any:
        self.next_id += 1
        answer = self.responses.setdefault(self.next_id, queue.Queue())
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        message = answer.get(timeout=timeout)
        assert "error" not in message, message
        return message["result"]

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.resolve().as_uri()
        text = path.read_text(encoding="utf-8") if text is None else text
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": text}})
        return uri

    def diagnose(self, path: Path, text: str | None = None, timeout: float = 30) -> list[dict]:
        """Open ``path`` (with ``text`` if given) and return the diagnostics published for it
        once its schema is loaded; closes it again."""
        uri = self.open(path, text)
        try:
            while True:
                params = self.diagnostics.get(timeout=timeout)
                if params["uri"] == uri:
                    return params["diagnostics"]
        finally:
            self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def hover(self, uri: str, line: int, character: int) -> str:
        result = self.request("textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
        if not result:
            return ""
        contents = result["contents"]
        return contents["value"] if isinstance(contents, dict) else str(contents)

    def complete(self, uri: str, line: int, character: int) -> list[dict]:
        result = self.request("textDocument/completion", {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
        return result["items"] if isinstance(result, dict) else (result or [])

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.process.wait(timeout=10)
        except Exception:
            self.process.kill()
            self.process.wait()
