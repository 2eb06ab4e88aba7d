// The Solana transaction wire format, parsed just enough for the RPC hot path: signatures,
// header, account keys (with writability), recent blockhash, instructions and address-table
// lookups. Parsing bytes directly avoids building web3.js objects for every transaction.

export interface WireInstruction {
  programIdIndex: number;
  accounts: Uint8Array;
  data: Uint8Array;
}

export interface WireLookup {
  accountKey: Uint8Array;
  writableIndexes: Uint8Array;
  readonlyIndexes: Uint8Array;
}

export interface WireTransaction {
  signatures: Uint8Array[];
  version: 'legacy' | 0;
  /** Offset of the message inside the raw bytes (what the signatures sign). */
  messageOffset: number;
  header: { numRequiredSignatures: number; numReadonlySignedAccounts: number; numReadonlyUnsignedAccounts: number };
  staticKeys: Uint8Array[];
  /** Offset of the 32-byte recent blockhash inside the raw bytes. */
  blockhashOffset: number;
  recentBlockhash: Uint8Array;
  instructions: WireInstruction[];
  lookups: WireLookup[];
}

export class WireFormatError extends Error {}

class Reader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}
  u8(): number {
    if (this.offset >= this.bytes.length) throw new WireFormatError('transaction is truncated');
    return this.bytes[this.offset++] as number;
  }
  compactU16(): number {
    let value = 0;
    for (let shift = 0; shift < 21; shift += 7) {
      const byte = this.u8();
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new WireFormatError('invalid compact-u16 length');
  }
  take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) throw new WireFormatError('transaction is truncated');
    const out = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }
}

export function parseWireTransaction(bytes: Uint8Array): WireTransaction {
  const reader = new Reader(bytes);
  const signatureCount = reader.compactU16();
  const signatures: Uint8Array[] = [];
  for (let i = 0; i < signatureCount; i++) signatures.push(reader.take(64));
  const messageOffset = reader.offset;
  const message = parseMessageFrom(reader);
  if (reader.offset !== bytes.length) throw new WireFormatError('trailing bytes after the message');
  if (signatureCount === 0 || signatureCount !== message.header.numRequiredSignatures) {
    throw new WireFormatError(
      `transaction has ${signatureCount} signatures but its message requires ${message.header.numRequiredSignatures}`,
    );
  }
  return { signatures, messageOffset, ...message };
}

/** Parses a bare message (getFeeForMessage). */
export function parseWireMessage(bytes: Uint8Array): Omit<WireTransaction, 'signatures' | 'messageOffset'> {
  const reader = new Reader(bytes);
  const message = parseMessageFrom(reader);
  if (reader.offset !== bytes.length) throw new WireFormatError('trailing bytes after the message');
  return message;
}

function parseMessageFrom(reader: Reader): Omit<WireTransaction, 'signatures' | 'messageOffset'> {
  let version: 'legacy' | 0 = 'legacy';
  const first = reader.bytes[reader.offset];
  if (first !== undefined && (first & 0x80) !== 0) {
    const number = first & 0x7f;
    if (number !== 0) throw new WireFormatError(`unsupported transaction version ${number}`);
    version = 0;
    reader.offset++;
  }
  const header = { numRequiredSignatures: reader.u8(), numReadonlySignedAccounts: reader.u8(), numReadonlyUnsignedAccounts: reader.u8() };
  const keyCount = reader.compactU16();
  const staticKeys: Uint8Array[] = [];
  for (let i = 0; i < keyCount; i++) staticKeys.push(reader.take(32));
  const blockhashOffset = reader.offset;
  const recentBlockhash = reader.take(32);
  const instructions: WireInstruction[] = [];
  const instructionCount = reader.compactU16();
  for (let i = 0; i < instructionCount; i++) {
    const programIdIndex = reader.u8();
    const accounts = reader.take(reader.compactU16());
    const data = reader.take(reader.compactU16());
    instructions.push({ programIdIndex, accounts, data });
  }
  const lookups: WireLookup[] = [];
  if (version === 0) {
    const lookupCount = reader.compactU16();
    for (let i = 0; i < lookupCount; i++) {
      const accountKey = reader.take(32);
      const writableIndexes = reader.take(reader.compactU16());
      const readonlyIndexes = reader.take(reader.compactU16());
      lookups.push({ accountKey, writableIndexes, readonlyIndexes });
    }
  }
  if (header.numRequiredSignatures > keyCount) throw new WireFormatError('message requires more signatures than it has account keys');
  return { version, header, staticKeys, blockhashOffset, recentBlockhash, instructions, lookups };
}

/** Whether static key `index` is writable according to the message header. */
export function isStaticWritable(tx: Pick<WireTransaction, 'header' | 'staticKeys'>, index: number): boolean {
  const { numRequiredSignatures, numReadonlySignedAccounts, numReadonlyUnsignedAccounts } = tx.header;
  if (index < numRequiredSignatures) return index < numRequiredSignatures - numReadonlySignedAccounts;
  return index < tx.staticKeys.length - numReadonlyUnsignedAccounts;
}
