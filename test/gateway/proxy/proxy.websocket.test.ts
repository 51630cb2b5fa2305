// Real-time chat: a real WebSocket through the gateway to the backend's.
import { describe, expect, it } from "vitest";
import { call, expectError } from "../../helpers/api";
import { backend } from "../../helpers/backends";
import { token } from "../../helpers/tokens";

const main = backend("main");

async function open(headers: Record<string, string>): Promise<{ socket: WebSocket; next: () => Promise<string>; closed: Promise<CloseEvent> }> {
  const response = await call("/api/chat/ws", { headers: { Upgrade: "websocket", ...headers } });
  expect(response.status).toBe(101);
  const socket = response.webSocket;
  if (!socket) throw new Error("no WebSocket in the 101 response");
  const queue: string[] = [];
  const waiting: Array<(message: string) => void> = [];
  socket.addEventListener("message", (e) => {
    const text = typeof e.data === "string" ? e.data : "<binary>";
    const resolve = waiting.shift();
    if (resolve) resolve(text);
    else queue.push(text);
  });
  const closed = new Promise<CloseEvent>((resolve) => socket.addEventListener("close", resolve));
  socket.accept();
  const next = () => {
    const queued = queue.shift();
    return queued !== undefined ? Promise.resolve(queued) : new Promise<string>((resolve) => waiting.push(resolve));
  };
  return { socket, next, closed };
}

describe("WebSocket through the gateway", () => {
  it("authenticates the upgrade, passes the identity on, and carries messages both ways", async () => {
    const { socket, next } = await open({ Authorization: `Bearer ${await token({ sub: "dana", tenant: "acme" })}`, "X-Auth-User": "mallory" });
    expect(JSON.parse(await next())).toEqual({ type: "welcome", user: "dana", tenant: "acme" });
    socket.send("hello");
    expect(await next()).toBe("echo: hello");
    socket.send("again");
    expect(await next()).toBe("echo: again");
    socket.close(1000, "done");
  });

  it("closes the client's side when the backend closes", async () => {
    const { socket, next, closed } = await open({ Authorization: `Bearer ${await token({ tenant: "acme" })}` });
    await next();
    socket.send("close");
    const event = await closed;
    expect(event.code).toBe(4000);
    expect(event.reason).toBe("bye");
  });

  it("closes the backend's side when the client closes", async () => {
    const user = `erin-${crypto.randomUUID()}`;
    const { socket, next } = await open({ Authorization: `Bearer ${await token({ sub: user, tenant: "acme" })}` });
    await next();
    socket.close(1000, "client leaves");
    for (let i = 0; i < 200; i++) {
      const mine = (await main.requests("/api/chat/ws")).find((r) => r.headers["x-auth-user"] === user);
      if (mine?.closed) {
        expect(mine.closed).toEqual({ code: 1000, reason: "client leaves" });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error("the backend never saw the close");
  });

  it("refuses an upgrade without a token, and upgrades on routes that do not allow them", async () => {
    await expectError(await call("/api/chat/ws", { headers: { Upgrade: "websocket" } }), 401, "missing_token");
    await expectError(await call("/api/echo/ws", { headers: { Upgrade: "websocket", Authorization: `Bearer ${await token({ tenant: "acme" })}` } }), 400, "invalid_request");
  });
});
