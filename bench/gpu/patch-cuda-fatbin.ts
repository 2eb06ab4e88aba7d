// Makes the prebuilt `@node-llama-cpp/linux-x64-cuda` libggml-cuda.so run on an sm_90 GPU (H100,
// H200) under a CUDA 13.0 driver. The library was built with CUDA 13.1: it carries machine code
// for sm_86/89/120/121 and, for sm_90, only PTX of ISA 9.1, which a 13.0 driver cannot JIT. This
// takes each kernel file's sm_90 PTX out of the library's fatbins, relabels it ISA 9.0, assembles
// it with CUDA 13.0's ptxas into sm_90 machine code, and writes a fatbin holding only that cubin
// back in place of the original (same offset, the rest zeroed, so the host code's pointers hold).
// The result runs on sm_90 only, and compresses to a tenth of the original.
//   node --import tsx bench/gpu/patch-cuda-fatbin.ts --lib libggml-cuda.so --out patched.so \
//     [--work DIR] [--cuda /usr/local/cuda-13.0] [--jobs N] [--ptx-version 9.0] [--partial]
// ptxas takes about half an hour of one core for all 143 kernel files. With --partial, the files
// whose cubin is not in DIR yet are left as zeroed slots, listed in DIR/pending.json with their
// relabelled PTX beside it; `--finish --lib patched.so --work DIR` then assembles those (on the
// GPU machine, with all its cores) and fills the slots.
// Needs `zstd` on PATH (the PTX is zstd-compressed), ptxas and fatbinary from the CUDA toolkit.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const FATBIN_MAGIC = 0xba55ed50;
const KIND_PTX = 1;
const KIND_ELF = 2;
const FLAG_ZSTD = 0x8000;
const FLAG_LZ4 = 0x2000;

interface Entry {
  kind: number;
  sm: number;
  flags: bigint;
  /** Offset of the payload inside the section. */
  payload: number;
  payloadSize: number;
  uncompressedSize: number;
}

interface Fatbin {
  /** Offset inside the section; the host code's wrapper points here. */
  start: number;
  /** Header plus entries, in bytes. */
  size: number;
  entries: Entry[];
}

/** The file offset and size of an ELF64 section, by name. */
export function elfSection(file: Buffer, name: string): { offset: number; size: number } {
  if (file.readUInt32BE(0) !== 0x7f454c46 || file[4] !== 2) throw new Error('not an ELF64 file');
  const shoff = Number(file.readBigUInt64LE(0x28));
  const shentsize = file.readUInt16LE(0x3a);
  const shnum = file.readUInt16LE(0x3c);
  const shstrndx = file.readUInt16LE(0x3e);
  const header = (i: number) => shoff + i * shentsize;
  const strtab = Number(file.readBigUInt64LE(header(shstrndx) + 0x18));
  for (let i = 0; i < shnum; i++) {
    const nameOffset = file.readUInt32LE(header(i));
    const end = file.indexOf(0, strtab + nameOffset);
    if (file.toString('latin1', strtab + nameOffset, end) === name) {
      return { offset: Number(file.readBigUInt64LE(header(i) + 0x18)), size: Number(file.readBigUInt64LE(header(i) + 0x20)) };
    }
  }
  throw new Error(`no ${name} section`);
}

/** The fatbins one after another in a .nv_fatbin section (8-byte aligned, zero padding between). */
export function parseFatbins(section: Buffer): Fatbin[] {
  const fatbins: Fatbin[] = [];
  let pos = 0;
  while (pos + 16 <= section.length) {
    if (section.readUInt32LE(pos) !== FATBIN_MAGIC) {
      pos += 8;
      continue;
    }
    const headerSize = section.readUInt16LE(pos + 6);
    const bodySize = Number(section.readBigUInt64LE(pos + 8));
    const entries: Entry[] = [];
    let p = pos + headerSize;
    const end = p + bodySize;
    while (p < end) {
      const entryHeader = section.readUInt32LE(p + 4);
      const padded = Number(section.readBigUInt64LE(p + 8));
      entries.push({
        kind: section.readUInt16LE(p),
        sm: section.readUInt32LE(p + 28),
        flags: section.readBigUInt64LE(p + 40),
        payload: p + entryHeader,
        payloadSize: section.readUInt32LE(p + 16),
        uncompressedSize: Number(section.readBigUInt64LE(p + 56)),
      });
      p += entryHeader + padded;
    }
    fatbins.push({ start: pos, size: headerSize + bodySize, entries });
    pos = end;
  }
  return fatbins;
}

function payloadOf(section: Buffer, entry: Entry): Buffer {
  const raw = section.subarray(entry.payload, entry.payload + entry.payloadSize);
  if (entry.flags & BigInt(FLAG_LZ4)) throw new Error('LZ4-compressed fatbin entries are not supported');
  if (!(entry.flags & BigInt(FLAG_ZSTD))) return Buffer.from(raw);
  const out = execFileSync('zstd', ['-dc'], { input: raw, maxBuffer: 1 << 30 });
  if (out.length !== entry.uncompressedSize) throw new Error(`zstd gave ${out.length} bytes, the entry says ${entry.uncompressedSize}`);
  return out;
}

interface Slot {
  index: number;
  start: number;
  size: number;
}

const baseName = (work: string, index: number): string => join(work, String(index).padStart(3, '0'));

/** ptxas on every `index` whose cubin is missing, largest PTX first, `jobs` at a time. */
async function assemble(indexes: readonly number[], work: string, cuda: string, sm: number, jobs: number): Promise<void> {
  const ptxas = join(cuda, 'bin', 'ptxas');
  const run = promisify(execFile);
  const queue = indexes
    .filter((i) => !existsSync(`${baseName(work, i)}.cubin`))
    .sort((a, b) => statSync(`${baseName(work, b)}.ptx`).size - statSync(`${baseName(work, a)}.ptx`).size);
  const total = queue.length;
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, jobs) }, async () => {
      for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
        const name = baseName(work, index);
        await run(ptxas, [`-arch=sm_${sm}`, '-O3', `${name}.ptx`, '-o', `${name}.cubin.tmp`], { maxBuffer: 1 << 26 });
        renameSync(`${name}.cubin.tmp`, `${name}.cubin`);
        done++;
        if (done % 10 === 0 || done === total)
          console.log(`  assembled ${done}/${total} (${Math.round((performance.now() - started) / 1000)} s)`);
      }
    }),
  );
}

/** Writes a fatbin holding the sm_XX cubin of `slot` into its place in the section; false when its cubin is missing. */
function fill(section: Buffer, slot: Slot, work: string, cuda: string, sm: number): 'plain' | 'compressed' | 'missing' {
  const name = baseName(work, slot.index);
  if (!existsSync(`${name}.cubin`)) {
    section.fill(0, slot.start, slot.start + slot.size);
    return 'missing';
  }
  const fatbinary = join(cuda, 'bin', 'fatbinary');
  const make = (extra: string[]): Buffer => {
    execFileSync(fatbinary, [`--create=${name}.fatbin`, '-64', ...extra, `--image3=kind=elf,sm=${sm},file=${name}.cubin`]);
    return readFileSync(`${name}.fatbin`);
  };
  let bytes = make([]);
  let how: 'plain' | 'compressed' = 'plain';
  if (bytes.length > slot.size) {
    bytes = make(['--compress-all']);
    how = 'compressed';
  }
  if (bytes.length > slot.size)
    throw new Error(`fatbin ${slot.index}: the sm_${sm} fatbin (${bytes.length} bytes) does not fit in the original's ${slot.size}`);
  section.fill(0, slot.start, slot.start + slot.size);
  bytes.copy(section, slot.start);
  return how;
}

/** Reads the section back: one sm_XX cubin at the start of every slot. */
function verify(section: Buffer, slots: readonly Slot[], sm: number): void {
  const found = new Map(parseFatbins(section).map((f) => [f.start, f]));
  for (const slot of slots) {
    const fatbin = found.get(slot.start);
    if (!fatbin || fatbin.entries.length !== 1 || fatbin.entries[0]?.kind !== KIND_ELF || fatbin.entries[0]?.sm !== sm) {
      throw new Error(`slot ${slot.index} at ${slot.start} does not hold one sm_${sm} cubin`);
    }
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lib: { type: 'string' },
      out: { type: 'string' },
      work: { type: 'string', default: '/tmp/steward-fatbin' },
      cuda: { type: 'string', default: '/usr/local/cuda-13.0' },
      jobs: { type: 'string', default: String(cpus().length) },
      'ptx-version': { type: 'string', default: '9.0' },
      sm: { type: 'string', default: '90' },
      partial: { type: 'boolean', default: false },
      finish: { type: 'boolean', default: false },
    },
  });
  if (!values.lib || (!values.out && !values.finish)) {
    throw new Error(
      'usage: patch-cuda-fatbin.ts --lib libggml-cuda.so --out patched.so [--work DIR] [--cuda DIR] [--jobs N] [--partial] | --finish --lib patched.so --work DIR',
    );
  }
  const sm = Number(values.sm);
  const jobs = Number(values.jobs);
  const work = resolve(values.work);
  mkdirSync(work, { recursive: true });
  const file = readFileSync(values.lib);
  const { offset, size } = elfSection(file, '.nv_fatbin');
  const section = file.subarray(offset, offset + size);

  if (values.finish) {
    const pending = JSON.parse(readFileSync(join(work, 'pending.json'), 'utf8')) as { sm: number; slots: Slot[]; all: Slot[] };
    console.log(`${pending.slots.length} of ${pending.all.length} kernel files to assemble for sm_${pending.sm}`);
    await assemble(
      pending.slots.map((s) => s.index),
      work,
      values.cuda,
      pending.sm,
      jobs,
    );
    for (const slot of pending.slots) fill(section, slot, work, values.cuda, pending.sm);
    verify(section, pending.all, pending.sm);
    writeFileSync(values.out ?? values.lib, file);
    console.log(`filled ${pending.slots.length} slots; all ${pending.all.length} fatbins hold sm_${pending.sm} machine code`);
    return;
  }

  rmSync(join(work, 'pending.json'), { force: true });
  const fatbins = parseFatbins(section);
  console.log(`${fatbins.length} fatbins in .nv_fatbin (${(size / 2 ** 20).toFixed(1)} MiB)`);
  // 1. The sm_XX PTX of every fatbin, relabelled (a cubin from an earlier run is kept when its PTX is the same).
  fatbins.forEach((fatbin, index) => {
    const entry = fatbin.entries.find((e) => e.kind === KIND_PTX && e.sm === sm);
    if (!entry)
      throw new Error(
        `fatbin ${index} has no sm_${sm} PTX (entries: ${fatbin.entries.map((e) => `${e.kind === KIND_ELF ? 'sass' : 'ptx'}_${e.sm}`).join(', ')})`,
      );
    const text = payloadOf(section, entry).toString('latin1').replace(/\0+$/, '');
    const relabelled = text.replace(/^\.version \d+\.\d+$/m, `.version ${values['ptx-version']}`);
    const name = baseName(work, index);
    const previous = existsSync(`${name}.ptx`) ? readFileSync(`${name}.ptx`, 'latin1') : null;
    if (previous !== relabelled) {
      writeFileSync(`${name}.ptx`, relabelled, 'latin1');
      rmSync(`${name}.cubin`, { force: true });
    }
  });
  const slots: Slot[] = fatbins.map((f, index) => ({ index, start: f.start, size: f.size }));
  // 2. ptxas (unless --partial: then what is missing is left for --finish).
  if (!values.partial)
    await assemble(
      slots.map((s) => s.index),
      work,
      values.cuda,
      sm,
      jobs,
    );
  // 3. One fatbin per kernel file, holding the sm_XX cubin only, written where the old one was.
  const outcome = slots.map((slot) => fill(section, slot, work, values.cuda, sm));
  const missing = slots.filter((_, i) => outcome[i] === 'missing');
  if (missing.length) {
    writeFileSync(join(work, 'pending.json'), `${JSON.stringify({ sm, slots: missing, all: slots })}\n`);
    console.log(`${missing.length} kernel files left for --finish (listed in ${join(work, 'pending.json')})`);
  } else {
    verify(section, slots, sm);
  }
  writeFileSync(values.out!, file);
  console.log(
    `wrote ${values.out}: ${slots.length - missing.length} of ${slots.length} fatbins hold sm_${sm} machine code only (${outcome.filter((o) => o === 'compressed').length} compressed to fit)`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
