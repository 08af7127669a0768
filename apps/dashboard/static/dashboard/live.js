// The live feed of /ws/risk-updates (docs/websocket.md): the session cookie authenticates it,
// `risk.state` replaces everything held, an event applies only when its prev_seq is the seq
// held for its portfolio, otherwise the client asks for the state again (`resync`) and
// ignores events until it arrives. A closed socket reconnects with capped, jittered backoff.

const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 30000;

export class LiveFeed {
  constructor({ onState, onEvent, onStatus }) {
    this.onState = onState;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.held = new Map(); // portfolio id -> last seq held
    this.awaitingState = true;
    this.attempt = 0;
    this.socket = null;
  }

  url() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    return `${scheme}://${window.location.host}/ws/risk-updates`;
  }

  start() {
    this.awaitingState = true;
    this.onStatus("connecting");
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener("open", () => this.onStatus("open"));
    socket.addEventListener("message", (message) => this.receive(JSON.parse(message.data)));
    socket.addEventListener("close", (event) => this.closed(event));
  }

  closed(event) {
    this.socket = null;
    if (event.code === 4401) {
      // The session expired: only a new login helps.
      this.onStatus("logged-out");
      window.location.assign(`/login/?next=${encodeURIComponent(window.location.pathname)}`);
      return;
    }
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
    this.attempt += 1;
    this.onStatus("reconnecting", delay);
    window.setTimeout(() => this.start(), delay * (0.5 + Math.random() / 2));
  }

  receive(frame) {
    if (frame.type === "risk.state") {
      this.held = new Map(Object.entries(frame.seq).map(([pk, seq]) => [Number(pk), seq]));
      this.awaitingState = false;
      this.attempt = 0;
      this.onStatus("live", frame.reason);
      this.onState(frame);
      return;
    }
    if (frame.type === "error") {
      console.warn("live feed refused a message", frame.error);
      return;
    }
    if (this.awaitingState) {
      return;
    }
    const held = this.held.get(frame.portfolio_id) ?? 0;
    if (frame.prev_seq !== held) {
      this.resync();
      return;
    }
    this.held.set(frame.portfolio_id, frame.seq);
    this.onEvent(frame);
  }

  resync() {
    this.awaitingState = true;
    this.onStatus("resync");
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: "resync" }));
    }
  }
}
