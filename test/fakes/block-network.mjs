/**
 * A preload (`node --import ./block-network.mjs`) that lets no connection leave the machine:
 * every socket connection and DNS lookup to anything but loopback or a local socket throws, and
 * is appended to the file named by BLOCKED_NETWORK_LOG, so a test can assert that none was tried.
 * Node's fetch, http(s) and the SDKs all end in net.Socket#connect or dns.lookup.
 */
import { appendFileSync } from "node:fs";
import dns from "node:dns";
import net from "node:net";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1", "0.0.0.0", "::"]);
const log = process.env.BLOCKED_NETWORK_LOG;

function refuse(what) {
  if (log) appendFileSync(log, `${process.pid} ${what}\n`);
  const error = new Error(`network blocked by test/fakes/block-network.mjs: ${what}`);
  error.code = "ENETUNREACH";
  throw error;
}

const isLocal = (host) => host === undefined || LOOPBACK.has(host) || /^127\./.test(host);

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = args[0];
  const options = Array.isArray(first) ? first[0] : first;
  if (typeof options === "object" && options !== null) {
    if (options.path === undefined && !isLocal(options.host))
      refuse(`connect ${options.host}:${options.port}`);
  } else if (
    typeof options === "number" ||
    (typeof options === "string" && /^\d+$/.test(options))
  ) {
    const host = typeof args[1] === "string" ? args[1] : undefined;
    if (!isLocal(host)) refuse(`connect ${host}:${options}`);
  }
  return connect.apply(this, args);
};

for (const target of [dns, dns.promises]) {
  for (const name of ["lookup", "resolve", "resolve4", "resolve6", "resolveAny"]) {
    const original = target[name];
    if (typeof original !== "function") continue;
    target[name] = function (host, ...rest) {
      if (!isLocal(host)) refuse(`dns ${name} ${host}`);
      return original.call(this, host, ...rest);
    };
  }
}
