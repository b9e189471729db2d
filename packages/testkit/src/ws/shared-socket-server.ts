import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";

interface Member {
  readonly accepts: (path: string) => boolean;
  readonly onConnection: (ws: WebSocket) => void;
}

interface SharedServer {
  readonly wss: WebSocketServer;
  readonly members: Set<Member>;
  readonly onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

const shared = new WeakMap<Server, SharedServer>();

/**
 * Several feeds of one exchange share a websocket path (Binance's liquidations and trades both live
 * under fstream's `/market/ws`), and an upgrade can be answered only once. Each feed joins the one
 * websocket server of its HTTP server; a socket on a path is handed to every feed that accepts the
 * path, and each feed listens for the subscriptions it understands. Returns `leave`.
 */
export function joinSharedSocketServer(
  server: Server,
  accepts: (path: string) => boolean,
  onConnection: (ws: WebSocket) => void,
): () => void {
  let entry = shared.get(server);
  if (!entry) {
    const wss = new WebSocketServer({ noServer: true });
    const members = new Set<Member>();
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
      const takers = [...members].filter((m) => m.accepts(path));
      if (takers.length === 0) return;
      wss.handleUpgrade(req, socket, head, (ws) => {
        for (const m of takers) m.onConnection(ws);
      });
    };
    server.on("upgrade", onUpgrade);
    entry = { wss, members, onUpgrade };
    shared.set(server, entry);
  }
  const member: Member = { accepts, onConnection };
  entry.members.add(member);
  const joined = entry;
  return () => {
    joined.members.delete(member);
    if (joined.members.size > 0) return;
    server.off("upgrade", joined.onUpgrade);
    joined.wss.close();
    shared.delete(server);
  };
}
