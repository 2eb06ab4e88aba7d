// The PubSub websocket of the embedded chain, as a validator serves it: account, program,
// signature, logs, slot, slotsUpdates and root subscriptions with their unsubscribes. Every
// notification a request causes (a sendTransaction landing, an airdrop) is queued and sent only
// after that request has been answered: a client that subscribes, sends, then waits sees the
// reply first and the notifications after it, never the other way round.
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../shared/index.js';
import { encodeBase58 } from '../../shared/base58.js';
import { recordedMeta, type CommitEvent, type EmbeddedChain } from './embedded-chain.js';
import { accountJson, closedAccountJson } from './rpc-encoding.js';
import { matches, parseFilters, type Filter } from './rpc-filters.js';
import { rpcJson } from './rpc-json.js';
import {
  RPC_INVALID_PARAMS,
  RPC_METHOD_NOT_FOUND,
  RPC_PARSE_ERROR,
  RpcError,
  accountEncoding,
  asParams,
  configParam,
  integerParam,
  invalidParam,
  pubkeyParam,
  pubkeyValue,
  stringParam,
} from './rpc-params.js';

type Kind = 'signature' | 'account' | 'program' | 'logs' | 'slot' | 'slotsUpdates' | 'root';
const KINDS: readonly Kind[] = ['signature', 'account', 'program', 'logs', 'slot', 'slotsUpdates', 'root'];

interface Subscription {
  kind: Kind;
  socket: WebSocket;
  /** signature: the signature; account: hex key; program: hex program id; logs: hex key of `mentions` or null for all. */
  key?: string | null;
  encoding?: ReturnType<typeof accountEncoding>;
  filters?: Filter[];
}

export type ErrorReply = (id: string | number | null, error: unknown) => unknown;

/** Attaches the subscriptions to `wss`; returns the function that detaches them. */
export function attachPubSub(chain: EmbeddedChain, wss: WebSocketServer, errorReply: ErrorReply, logger?: Logger): () => void {
  const subscriptions = new Map<number, Subscription>();
  const bySignature = new Map<string, Set<number>>();
  const byAccount = new Map<string, Set<number>>();
  let nextId = 0;
  const send = (socket: WebSocket, payload: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(rpcJson(payload));
  };

  // Notifications wait until the request that caused them has been answered: the HTTP handler
  // writes its reply synchronously within the I/O callback that ran the request, so flushing on
  // setImmediate puts every notification after that reply.
  let queue: (() => void)[] = [];
  const later = (task: () => void) => {
    if (queue.length === 0) setImmediate(flush);
    queue.push(task);
  };
  const flush = () => {
    const tasks = queue;
    queue = [];
    for (const task of tasks) {
      try {
        task();
      } catch (error) {
        logger?.error({ err: error }, 'embedded chain: a subscription notification failed');
      }
    }
  };

  const notify = (id: number, method: string, result: unknown) => {
    const sub = subscriptions.get(id);
    if (sub) send(sub.socket, { jsonrpc: '2.0', method, params: { result, subscription: id } });
  };
  const index = (kind: Kind) => (kind === 'signature' ? bySignature : kind === 'account' ? byAccount : undefined);
  const remove = (id: number) => {
    const sub = subscriptions.get(id);
    if (!sub) return false;
    subscriptions.delete(id);
    const map = index(sub.kind);
    if (map && sub.key) {
      map.get(sub.key)?.delete(id);
      if (map.get(sub.key)?.size === 0) map.delete(sub.key);
    }
    return true;
  };
  const context = (slot: bigint) => ({ slot: Number(slot) });
  const signatureDone = (id: number, slot: bigint, err: unknown) => {
    notify(id, 'signatureNotification', { context: context(slot), value: { err } });
    remove(id);
  };

  const onCommit = (event: CommitEvent) => {
    if (event.signature) {
      const ids = bySignature.get(event.signature);
      if (ids) for (const id of [...ids]) signatureDone(id, event.slot, event.err);
    }
    const accounts = new Map<string, ReturnType<EmbeddedChain['readRaw']>>();
    const read = (hex: string) => {
      if (!accounts.has(hex)) accounts.set(hex, chain.readRaw(Buffer.from(hex, 'hex')));
      return accounts.get(hex) ?? null;
    };
    for (const hex of event.changed) {
      for (const id of byAccount.get(hex) ?? []) {
        const sub = subscriptions.get(id);
        const account = read(hex);
        if (sub)
          notify(id, 'accountNotification', {
            context: context(event.slot),
            value: account
              ? accountJson(chain, account, sub.encoding ?? 'base64', undefined, Buffer.from(hex, 'hex'))
              : closedAccountJson(),
          });
      }
    }
    const record = event.signature ? chain.history.get(event.signature) : undefined;
    let mentioned: Set<string> | undefined;
    for (const [id, sub] of subscriptions) {
      if (sub.kind === 'program') {
        for (const hex of event.changed) {
          const account = read(hex);
          if (!account || Buffer.from(account.owner).toString('hex') !== sub.key || !matches(account.data, sub.filters ?? [])) continue;
          notify(id, 'programNotification', {
            context: context(event.slot),
            value: {
              account: accountJson(chain, account, sub.encoding ?? 'base64', undefined, Buffer.from(hex, 'hex')),
              pubkey: encodeBase58(Buffer.from(hex, 'hex')),
            },
          });
        }
      } else if (sub.kind === 'logs' && record) {
        mentioned ??= new Set(record.accountKeys.map((key) => Buffer.from(key).toString('hex')));
        if (sub.key && !mentioned.has(sub.key)) continue;
        notify(id, 'logsNotification', {
          context: context(event.slot),
          value: { err: record.err, logs: recordedMeta(record.meta).logs, signature: record.signature },
        });
      }
    }
  };
  const onSlot = (slot: bigint) => {
    const timestamp = Date.now();
    for (const [id, sub] of subscriptions) {
      if (sub.kind === 'slot') notify(id, 'slotNotification', { parent: Number(slot - 1n), root: Number(slot), slot: Number(slot) });
      // The embedded chain has no forks: every slot is created, frozen and rooted at once.
      if (sub.kind === 'root') notify(id, 'rootNotification', Number(slot));
      if (sub.kind === 'slotsUpdates') {
        notify(id, 'slotsUpdatesNotification', { parent: Number(slot - 1n), slot: Number(slot), timestamp, type: 'createdBank' });
        notify(id, 'slotsUpdatesNotification', { slot: Number(slot), timestamp, type: 'root' });
      }
    }
  };
  const offCommit = chain.onCommit((event) => later(() => onCommit(event)));
  const offSlot = chain.onSlot((slot) => later(() => onSlot(slot)));

  const add = (sub: Subscription): number => {
    const id = ++nextId;
    subscriptions.set(id, sub);
    const map = index(sub.kind);
    if (map && sub.key) {
      let set = map.get(sub.key);
      if (!set) map.set(sub.key, (set = new Set()));
      set.add(id);
    }
    return id;
  };
  const hexOf = (key: Uint8Array) => Buffer.from(key).toString('hex');

  const subscribeMethods: Record<string, (params: readonly unknown[], socket: WebSocket) => unknown> = {
    signatureSubscribe: (params, socket) => {
      const signature = stringParam(params, 0, 'signature');
      const config = configParam(params, 1);
      const record = chain.history.get(signature);
      const id = add({ kind: 'signature', socket, key: signature });
      // A validator notifies at once when the signature has already reached the commitment.
      if (record) later(() => signatureDone(id, record.slot, record.err));
      else if (config.enableReceivedNotification === true)
        later(() => notify(id, 'signatureNotification', { context: context(chain.slot), value: 'receivedSignature' }));
      return id;
    },
    accountSubscribe: (params, socket) => {
      const key = pubkeyParam(params, 0, 'pubkey');
      const config = configParam(params, 1);
      return add({ kind: 'account', socket, key: hexOf(key), encoding: accountEncoding(config, 'base64') });
    },
    programSubscribe: (params, socket) => {
      const program = pubkeyParam(params, 0, 'programId');
      const config = configParam(params, 1);
      return add({
        kind: 'program',
        socket,
        key: hexOf(program),
        encoding: accountEncoding(config, 'base64'),
        filters: parseFilters(config.filters),
      });
    },
    logsSubscribe: (params, socket) => {
      const filter = params[0];
      configParam(params, 1);
      if (filter === 'all' || filter === 'allWithVotes') return add({ kind: 'logs', socket, key: null });
      const mentions =
        filter && typeof filter === 'object' && !Array.isArray(filter) ? (filter as { mentions?: unknown }).mentions : undefined;
      if (!Array.isArray(mentions)) throw invalidParam('filter (params[0]) must be "all", "allWithVotes" or { mentions: [pubkey] }');
      if (mentions.length !== 1) throw new RpcError(RPC_INVALID_PARAMS, 'Invalid Request: Only 1 address supported');
      return add({ kind: 'logs', socket, key: hexOf(pubkeyValue(mentions[0], 'mentions[0] (params[0].mentions[0])')) });
    },
    slotSubscribe: (_params, socket) => add({ kind: 'slot', socket }),
    slotsUpdatesSubscribe: (_params, socket) => add({ kind: 'slotsUpdates', socket }),
    rootSubscribe: (_params, socket) => add({ kind: 'root', socket }),
  };
  for (const kind of KINDS) {
    subscribeMethods[`${kind}Unsubscribe`] = (params) => {
      const id = integerParam(params, 0, 'subscription id');
      const sub = subscriptions.get(id);
      if (!sub || sub.kind !== kind) throw invalidParam('Invalid subscription id.');
      return remove(id);
    };
  }

  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      let request: Record<string, unknown>;
      try {
        request = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        send(socket, { jsonrpc: '2.0', error: { code: RPC_PARSE_ERROR, message: 'Parse error' }, id: null });
        return;
      }
      const id = typeof request.id === 'number' || typeof request.id === 'string' ? request.id : null;
      // web3.js sends a `ping` notification every few seconds to keep the socket alive.
      if (request.id === undefined) return;
      const method = typeof request.method === 'string' ? request.method : '';
      const handler = Object.hasOwn(subscribeMethods, method) ? subscribeMethods[method] : undefined;
      if (!handler) {
        send(socket, errorReply(id, new RpcError(RPC_METHOD_NOT_FOUND, 'Method not found')));
        return;
      }
      try {
        send(socket, { jsonrpc: '2.0', result: handler(asParams(request.params), socket), id });
      } catch (error) {
        send(socket, errorReply(id, error));
      }
    });
    socket.on('close', () => {
      for (const [id, sub] of subscriptions) if (sub.socket === socket) remove(id);
    });
  });

  return () => {
    offCommit();
    offSlot();
    subscriptions.clear();
    queue = [];
  };
}
