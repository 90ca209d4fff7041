// The bare Node socket.io reference relay: the product's widget/agent events, nothing stored.
//
//   node bench/relay_node.mjs 5078
//
// Any auth is accepted. A visitor's first `message:send` creates its conversation
// (announced to agents as `conversation:created`); every message gets the next seq
// of its conversation, is acked `{ok, message}` and emitted as `message:new` to the
// agents' room on /agent and to the visitor's room on /widget, as the product does.
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.argv[2] ?? 5078);
const httpServer = createServer((request, response) => {
  response.writeHead(request.url === "/readyz" ? 200 : 404).end();
});
const server = new Server(httpServer, { cors: { origin: "*" }, transports: ["websocket"] });

let nextVisitor = 0;
let nextConversation = 0;
let nextMessage = 0;
let nextEvent = 0;
const conversations = new Map(); // id -> {visitorId, lastSeq}

server.of("/agent").on("connection", (socket) => socket.join("project:1"));

server.of("/widget").on("connection", (socket) => {
  const visitorId = ++nextVisitor;
  socket.join(`visitor:${visitorId}`);
  let openConversation = null;
  socket.on("message:send", (data, ack) => {
    if (typeof ack !== "function") return;
    if (!data || typeof data.client_msg_id !== "string") {
      ack({ ok: false, error: { code: "validation_failed", message: "client_msg_id is required", details: {} } });
      return;
    }
    let conversation = conversations.get(data.conversation_id ?? openConversation);
    if (!conversation || conversation.visitorId !== visitorId) {
      conversation = { id: ++nextConversation, visitorId, lastSeq: 0 };
      conversations.set(conversation.id, conversation);
      openConversation = conversation.id;
      server.of("/agent").to("project:1").emit("conversation:created", {
        id: conversation.id, project_id: 1, visitor_id: visitorId, status: "open", event_id: ++nextEvent,
      });
    }
    const message = {
      id: ++nextMessage, conversation_id: conversation.id, seq: ++conversation.lastSeq, sender_type: "visitor",
      sender_id: visitorId, sender: null, content: String(data.content ?? ""), private: false,
      client_msg_id: data.client_msg_id, created_at: new Date().toISOString(), attachments: [],
    };
    const eventId = ++nextEvent;
    ack({ ok: true, message });
    server.of("/agent").to("project:1").emit("message:new", { event_id: eventId, project_id: 1, message });
    server.of("/widget").to(`visitor:${visitorId}`).emit("message:new", { event_id: eventId, message });
  });
});

httpServer.listen(port, "127.0.0.1", () => process.stderr.write(`node relay on ${port}\n`));
