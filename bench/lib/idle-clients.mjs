/**
 * A process of idle charge points for bench/idle.mjs: `node idle-clients.mjs <url> <first> <count>
 * <parallel> <source address>`. The open-files limit is per process (20,000 here, and a container may
 * not raise it), so 20,000 connections need their clients spread over several processes; each process
 * uses its own loopback source address (127.0.0.x), so no one address runs out of ephemeral ports.
 * Over IPC: "heartbeat" sends one Heartbeat from every client at once and replies with how many were
 * answered; "close" closes them all and exits.
 */
import { bareClient, openMany } from "./clients.mjs";

const [url, first, count, parallel, localAddress] = process.argv.slice(2);
const clients = await openMany(Number(count), Number(parallel), (i) => bareClient(url, `CP-${Number(first) + i}`, { localAddress }));
process.on("message", async (message) => {
  if (message.type === "heartbeat") {
    const answers = await Promise.all(clients.map((client) => client.heartbeat()));
    process.send({ type: "heartbeat", answered: answers.filter((answer) => typeof answer?.currentTime === "string").length });
  } else if (message.type === "close") {
    await Promise.all(clients.map((client) => client.close()));
    process.exit(0);
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ type: "ready" });
