/**
 * The same scenario on both inboxes: a thread of this process stops while it holds one
 * delivery, another live one holds a second; a processor started with the stopped thread's
 * owner id takes the first up at once (attempt 2) and leaves the second alone. Both leases
 * last the default 60 s and their pid (this one) is alive, so only the hand-over can do it.
 */
import type { Inbox, InboxDelivery } from "../../src/core/index.js";

type OwnedInbox = Inbox & { readonly owner: string };

export async function handOverFromStoppedOwner<I extends OwnedInbox>(
  make: (options: { graceMs?: number; stoppedOwners?: readonly string[] }) => I,
  delivery: (n: number) => InboxDelivery,
): Promise<{ attempts: string[]; live: I }> {
  const attempts: string[] = [];
  const until = async (count: number) => {
    for (const end = Date.now() + 5_000; attempts.length < count;) {
      if (Date.now() > end) throw new Error(`timed out waiting; handled: ${attempts.join(", ")}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const holdForever = (inbox: I, who: string, n: number) => {
    inbox.process(async (d) => {
      attempts.push(`${who}:${d.id}`);
      await new Promise<void>(() => {});
    }, 1);
    return inbox.put(delivery(n));
  };
  const stopped = make({ graceMs: 10 });
  await holdForever(stopped, "stopped", 1);
  await until(1);
  const live = make({ graceMs: 10 });
  await holdForever(live, "live", 2);
  await until(2);
  const next = make({ stoppedOwners: [stopped.owner] });
  next.process(async (d, { attempt }) => void attempts.push(`next:${d.id}:${attempt}`), 1);
  await until(3);
  await new Promise((r) => setTimeout(r, 300)); // several polls: the live one's stays its own
  return { attempts, live };
}
