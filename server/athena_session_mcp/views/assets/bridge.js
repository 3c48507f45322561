"use strict";
// The view side of MCP Apps (SEP-1865): JSON-RPC 2.0 over postMessage with the host.
// ui/initialize -> ui/notifications/initialized; the host then sends tool-input and tool-result;
// the view may call tools/call, which the host proxies to this MCP server.
const Bridge = (() => {
  const PROTOCOL_VERSION = "2026-01-26";
  const TIMEOUT_MS = 60000;
  const pending = new Map();
  const handlers = {};
  let nextId = 1;
  let context = {};
  let hostCapabilities = {};

  function post(message) { window.parent.postMessage(message, "*"); }

  function request(method, params) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { pending.delete(id); reject(new Error(method + " timed out")); }, TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      post({ jsonrpc: "2.0", id, method, params });
    });
  }

  function notify(method, params) { post({ jsonrpc: "2.0", method, params: params || {} }); }

  function applyContext(update) {
    if (!update || typeof update !== "object") return;
    context = Object.assign({}, context, update);
    const root = document.documentElement;
    if (context.theme === "dark" || context.theme === "light") root.dataset.theme = context.theme;
    const vars = context.styles && context.styles.variables;
    if (vars && typeof vars === "object") {
      for (const [name, value] of Object.entries(vars)) {
        if (name.startsWith("--") && typeof value === "string") root.style.setProperty(name, value);
      }
    }
  }

  function answer(message) {
    // Requests from the host: teardown and ping get an empty result, anything else "method not found".
    if (message.method === "ui/resource-teardown" || message.method === "ping") {
      post({ jsonrpc: "2.0", id: message.id, result: {} });
    } else {
      post({ jsonrpc: "2.0", id: message.id, error: { code: -32601, message: "Method not found" } });
    }
  }

  window.addEventListener("message", (event) => {
    if (event.source !== window.parent) return;
    const message = event.data;
    if (!message || message.jsonrpc !== "2.0") return;
    if (message.method === undefined) {
      const call = pending.get(message.id);
      if (!call) return;
      pending.delete(message.id);
      clearTimeout(call.timer);
      if (message.error) call.reject(new Error(String(message.error.message || "request failed")));
      else call.resolve(message.result || {});
    } else if (message.id !== undefined) {
      answer(message);
    } else if (message.method === "ui/notifications/host-context-changed") {
      applyContext(message.params);
    } else if (handlers[message.method]) {
      handlers[message.method](message.params || {});
    }
  });

  function reportSize() {
    let last = "";
    const observer = new ResizeObserver(() => {
      const size = { width: Math.ceil(document.documentElement.scrollWidth), height: Math.ceil(document.documentElement.scrollHeight) };
      const key = size.width + "x" + size.height;
      if (key !== last) { last = key; notify("ui/notifications/size-changed", size); }
    });
    observer.observe(document.documentElement);
  }

  return {
    on(method, handler) { handlers[method] = handler; },
    get context() { return context; },
    // serverTools: the host proxies tools/call to this server.
    get canCallTools() { return hostCapabilities !== null && typeof hostCapabilities.serverTools === "object"; },
    async connect(appName) {
      const result = await request("ui/initialize", {
        appCapabilities: { availableDisplayModes: ["inline"] },
        appInfo: { name: appName, version: "1" },
        protocolVersion: PROTOCOL_VERSION,
      });
      applyContext(result.hostContext);
      hostCapabilities = result.hostCapabilities || {};
      notify("ui/notifications/initialized", {});
      reportSize();
      return result;
    },
    // Resolves with the CallToolResult; rejects with the tool's own message when it is an error.
    async callTool(name, args) {
      const result = await request("tools/call", { name, arguments: args });
      if (result.isError) {
        const text = (result.content || []).map((c) => (c && c.type === "text" ? c.text : "")).join(" ").trim();
        throw new Error(text || name + " failed");
      }
      return result;
    },
  };
})();
