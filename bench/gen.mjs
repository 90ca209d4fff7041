// Load generator on the official socket.io-client: the widget/agent contract, a ladder of rates.
//
//   node bench/gen.mjs --url http://127.0.0.1:5077 --target product --rates 100,200,300 --step 8
//
// --target product: sets up like a user (register the manager, create a project
// allowing ORIGIN, invite and log in the agents, POST /api/v1/widget/session with
// Origin for every visitor). --target relay: a reference relay of bench/, which
// accepts any token, so no HTTP set-up. Then, in both cases: V visitors, one
// socket each on /widget, A agents on /agent; every visitor opens its conversation
// (first message, 50 at a time: the opening burst), then for each rate of the
// ladder visitors send `message:send` naming their conversation for --step
// seconds. Measured per step: ack latency (send → ack), visitor → agent latency
// (send → each agent's `message:new`, same process, same clock), acked / refused
// (error acks by code) / unanswered, lost (acked but missed by an agent) and
// duplicated (the same (conversation_id, seq) twice at one agent). The ladder
// stops after the first saturated step. Prints one JSON document on stdout.
import { performance } from "node:perf_hooks";
import { randomUUID } from "node:crypto";
import { io } from "socket.io-client";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith("--")) pairs.push([arg.slice(2), all[i + 1] && !all[i + 1].startsWith("--") ? all[i + 1] : "1"]);
    return pairs;
  }, []),
);
const URL_ = args.url ?? "http://127.0.0.1:5077";
const TARGET = args.target ?? "product";
const VISITORS = Number(args.visitors ?? 200);
const AGENTS = Number(args.agents ?? 5);
const RATES = (args.rates ?? "100,200,300,500,700,1000").split(",").map(Number);
const STEP_SECONDS = Number(args.step ?? 8);
const SETTLE_SECONDS = Number(args.settle ?? 8);
const OPENING_BATCH = Number(args.opening ?? 50);
const ORIGIN = "https://bench.example.com";
const USER_AGENT =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
// A step is saturated when sends go unanswered or the tail passes this.
const SATURATED_P99_MS = Number(args["saturated-p99"] ?? 1000);

const log = (...parts) => process.stderr.write(`[gen ${TARGET}] ${parts.join(" ")}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values, p) {
  if (!values.length) return null;
  const sorted = Float64Array.from(values).sort();
  return Math.round(sorted[Math.min(sorted.length - 1, Math.round((p / 100) * (sorted.length - 1)))] * 10) / 10;
}

async function http(method, path, body, headers = {}) {
  const response = await fetch(URL_ + path, {
    method,
    headers: { "Content-Type": "application/json", "User-Agent": USER_AGENT, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

function connect(namespace, auth, extraHeaders = {}) {
  return new Promise((resolve, reject) => {
    const socket = io(URL_ + namespace, {
      transports: ["websocket"], reconnection: false, auth, extraHeaders, timeout: 30000, forceNew: true,
    });
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (error) => reject(new Error(`${namespace}: ${error.message}`)));
  });
}

// --- set-up -----------------------------------------------------------------------

async function setUpProduct() {
  const password = "bench password 123";
  const run = randomUUID().slice(0, 8);
  const email = (name) => `${name}-${run}@bench.example.com`;
  const manager = await http("POST", "/api/v1/auth/register", { email: email("manager"), password, name: "Manager" });
  const auth = { Authorization: `Bearer ${manager.access_token}` };
  const project = await http("POST", "/api/v1/projects", { name: "Bench", allowed_origins: [ORIGIN] }, auth);
  const agentTokens = [manager.access_token];
  for (let n = 1; n < AGENTS; n++) {
    const member = await http("POST", "/api/v1/auth/register", { email: email(`agent${n}`), password, name: `Agent ${n}` });
    const invitation = await http("POST", `/api/v1/projects/${project.id}/invitations`,
      { email: member.user.email, role: "AGENT" }, auth);
    const token = invitation.accept_url.split("/").pop();
    await http("POST", `/api/v1/invitations/${token}/accept`, undefined, { Authorization: `Bearer ${member.access_token}` });
    const login = await http("POST", "/api/v1/auth/login", { email: member.user.email, password });
    agentTokens.push(login.access_token);
  }
  const sessionMs = [];
  const visitorAuth = [];
  const sessionsStarted = performance.now();
  for (let i = 0; i < VISITORS; i += 20) {
    await Promise.all(Array.from({ length: Math.min(20, VISITORS - i) }, async (_, k) => {
      const started = performance.now();
      const session = await http("POST", "/api/v1/widget/session", {
        project_key: project.public_key,
        page: { url: `${ORIGIN}/pricing?v=${i + k}`, title: "Pricing", referrer: "https://www.google.com/" },
      }, { Origin: ORIGIN });
      sessionMs.push(performance.now() - started);
      visitorAuth.push({ project_key: project.public_key, visitor_token: session.visitor_token });
    }));
  }
  const sessionsPerS = Math.round((VISITORS / ((performance.now() - sessionsStarted) / 1000)) * 10) / 10;
  return { agentTokens, visitorAuth, sessionMs, sessionsPerS };
}

function setUpRelay() {
  return {
    agentTokens: Array.from({ length: AGENTS }, (_, i) => `agent-${i}`),
    visitorAuth: Array.from({ length: VISITORS }, (_, i) => ({ project_key: "bench", visitor_token: `visitor-${i}` })),
    sessionMs: [],
    sessionsPerS: null,
  };
}

// --- the load ---------------------------------------------------------------------

const sent = new Map(); // client_msg_id -> {at, step, ackAt, key, error, seen: agents count}
const received = []; // per agent: Map "conv:seq" -> count

function onAgentMessage(agent, message) {
  const now = performance.now();
  const key = `${message.conversation_id}:${message.seq}`;
  const seen = received[agent];
  const count = (seen.get(key) ?? 0) + 1;
  seen.set(key, count);
  if (count !== 1 || message.sender_type !== "visitor") return;
  const record = sent.get(message.client_msg_id);
  if (record) {
    record.seen += 1;
    record.latency.push(now - record.at);
  }
}

function send(visitor, step) {
  const clientMsgId = randomUUID().replaceAll("-", "");
  const payload = { client_msg_id: clientMsgId, content: "bench " + "x".repeat(80) };
  if (visitor.conversationId) payload.conversation_id = visitor.conversationId;
  const record = { at: performance.now(), step, ackAt: null, key: null, error: null, seen: 0, latency: [] };
  sent.set(clientMsgId, record);
  return new Promise((resolve) => {
    visitor.socket.emit("message:send", payload, (ack) => {
      record.ackAt = performance.now();
      if (ack && ack.ok) {
        record.key = `${ack.message.conversation_id}:${ack.message.seq}`;
        visitor.conversationId = ack.message.conversation_id;
      } else {
        record.error = ack?.error?.code ?? "bad_ack";
      }
      resolve(record);
    });
  });
}

async function settle(records, seconds) {
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    if (records.every((r) => r.ackAt !== null && (r.error || r.seen >= AGENTS))) return;
    await sleep(50);
  }
}

function summarise(records, seconds, rate) {
  const acked = records.filter((r) => r.ackAt !== null && !r.error);
  const ack = acked.map((r) => r.ackAt - r.at);
  const latency = records.flatMap((r) => r.latency);
  const refused = {};
  for (const r of records) if (r.error) refused[r.error] = (refused[r.error] ?? 0) + 1;
  const lastAck = Math.max(...acked.map((r) => r.ackAt), 0);
  const firstSend = Math.min(...records.map((r) => r.at));
  let lost = 0;
  for (const r of acked) for (const seen of received) if (!seen.has(r.key)) lost += 1;
  const acksPerKey = new Map();
  for (const r of acked) acksPerKey.set(r.key, (acksPerKey.get(r.key) ?? 0) + 1);
  return {
    rate,
    seconds,
    sent: records.length,
    acked: acked.length,
    refused,
    unanswered: records.filter((r) => r.ackAt === null).length,
    acked_per_s: acked.length ? Math.round((acked.length / Math.max(seconds, (lastAck - firstSend) / 1000)) * 10) / 10 : 0,
    ack_p50: percentile(ack, 50), ack_p95: percentile(ack, 95), ack_p99: percentile(ack, 99),
    lat_p50: percentile(latency, 50), lat_p95: percentile(latency, 95), lat_p99: percentile(latency, 99),
    lat_max: latency.length ? Math.round(Math.max(...latency)) : null,
    deliveries: latency.length,
    lost,
    // Two acks naming one stored message (the server answered a send as a retry of another).
    duplicated_acks: [...acksPerKey.values()].reduce((n, c) => n + c - 1, 0),
  };
}

async function main() {
  const setUp = TARGET === "product" ? await setUpProduct() : setUpRelay();
  log(`set up: ${setUp.visitorAuth.length} visitors, ${setUp.agentTokens.length} agents`);
  const agents = [];
  for (const [i, token] of setUp.agentTokens.entries()) {
    received.push(new Map());
    const socket = await connect("/agent", { token });
    socket.on("message:new", (event) => onAgentMessage(i, event.message));
    agents.push(socket);
  }
  const visitors = [];
  for (let i = 0; i < setUp.visitorAuth.length; i += 25) {
    const batch = setUp.visitorAuth.slice(i, i + 25);
    const sockets = await Promise.all(batch.map((auth) => connect("/widget", auth, { Origin: ORIGIN })));
    for (const socket of sockets) visitors.push({ socket, conversationId: null });
  }
  log("connected");

  // Opening: every visitor's first message creates its conversation, OPENING_BATCH at a time.
  const openingRecords = [];
  const openingStarted = performance.now();
  for (let i = 0; i < visitors.length; i += OPENING_BATCH) {
    openingRecords.push(...(await Promise.all(visitors.slice(i, i + OPENING_BATCH).map((v) => send(v, "opening")))));
  }
  await settle(openingRecords, SETTLE_SECONDS);
  const opening = summarise(openingRecords, (performance.now() - openingStarted) / 1000, null);
  log(`opening: ack p50 ${opening.ack_p50} p99 ${opening.ack_p99}`);

  const steps = [];
  for (const rate of RATES) {
    const started = performance.now();
    const end = started + STEP_SECONDS * 1000;
    let issued = 0;
    // Pace by the clock: whatever the timer's jitter, `rate × elapsed` sends are issued.
    while (performance.now() < end) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      for (; issued < due; issued++) {
        const visitor = visitors[Math.floor(Math.random() * visitors.length)];
        send(visitor, rate);
      }
      await sleep(2);
    }
    const stepRecords = [...sent.values()].filter((r) => r.step === rate);
    await settle(stepRecords, SETTLE_SECONDS);
    const summary = summarise(stepRecords, STEP_SECONDS, rate);
    const saturated = summary.unanswered > 0 || summary.acked < summary.sent * 0.99 ||
      (summary.lat_p99 ?? Infinity) > SATURATED_P99_MS || summary.acked_per_s < rate * 0.9;
    summary.saturated = saturated;
    steps.push(summary);
    log(`${rate}/s: acked ${summary.acked}/${summary.sent} refused ${JSON.stringify(summary.refused)} ` +
      `unanswered ${summary.unanswered} lat p50/p99 ${summary.lat_p50}/${summary.lat_p99} ms ` +
      `ack p99 ${summary.ack_p99} lost ${summary.lost}`);
    if (saturated) break;
    await sleep(1000);
  }
  let duplicated = 0;
  for (const seen of received) for (const count of seen.values()) if (count > 1) duplicated += count - 1;
  for (const socket of [...visitors.map((v) => v.socket), ...agents]) socket.disconnect();
  process.stdout.write(JSON.stringify({
    target: TARGET, url: URL_, visitors: VISITORS, agents: AGENTS, step_seconds: STEP_SECONDS,
    session_p50: percentile(setUp.sessionMs, 50), session_p99: percentile(setUp.sessionMs, 99),
    sessions_per_s: setUp.sessionsPerS,
    opening, steps, duplicated_deliveries: duplicated,
  }) + "\n");
  process.exit(0);
}

main().catch((error) => {
  log("failed:", error.stack ?? error);
  process.exit(1);
});
