// A process that adds to a spend ledger file, for the test that several processes share one:
//   node ledger-child.mjs <dist/ledger/index.js> <file> <repository> <count> <usd>
// Prints "done" once all its adds are in.
import { pathToFileURL } from "node:url";

const [, , modulePath, file, repository, count, usd] = process.argv;
const { openSqliteSpendLedger } = await import(pathToFileURL(modulePath).href);
const ledger = openSqliteSpendLedger({ file });
const scopes = [
  { kind: "repository", id: repository },
  { kind: "installation", id: "4711" },
];
for (let i = 0; i < Number(count); i++) await ledger.add(scopes, Number(usd));
await ledger.close();
process.stdout.write("done\n");
