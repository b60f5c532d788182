// A checkpoint is one file, written to a temporary name and renamed, so a crash mid-write never
// leaves a half checkpoint: a JSON header (position in the run, config, metrics so far) followed
// by the raw float32 arrays it names.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
const MAGIC = 'RWPCKPT1';
export function checkpointPath(runDir) {
    return join(runDir, 'checkpoint.bin');
}
export function writeCheckpoint(runDir, ckpt) {
    const path = checkpointPath(runDir);
    const names = Object.keys(ckpt.arrays);
    const header = Buffer.from(JSON.stringify({ meta: ckpt.meta, arrays: names.map((n) => ({ name: n, length: ckpt.arrays[n].length })) }));
    const tmp = `${path}.tmp-${process.pid}`;
    const fd = openSync(tmp, 'w');
    try {
        const lead = Buffer.alloc(12);
        lead.write(MAGIC, 0, 'latin1');
        lead.writeUInt32LE(header.length, 8);
        writeSync(fd, lead);
        writeSync(fd, header);
        // Arrays start at a multiple of 4 so they can be read back as Float32Array views.
        const pad = (4 - ((12 + header.length) % 4)) % 4;
        if (pad)
            writeSync(fd, Buffer.alloc(pad));
        for (const n of names) {
            const a = ckpt.arrays[n];
            writeSync(fd, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
        }
        fsyncSync(fd);
    }
    finally {
        closeSync(fd);
    }
    renameSync(tmp, path);
    return path;
}
export class CheckpointError extends Error {
    name = 'CheckpointError';
}
export function readCheckpoint(runDir) {
    const path = checkpointPath(runDir);
    if (!existsSync(path))
        return null;
    const buf = readFileSync(path);
    if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC)
        throw new CheckpointError(`${path} is not an rwp checkpoint (bad magic)`);
    const hlen = buf.readUInt32LE(8);
    if (12 + hlen > buf.length)
        throw new CheckpointError(`${path} is truncated (header of ${hlen} bytes)`);
    let header;
    try {
        header = JSON.parse(buf.toString('utf8', 12, 12 + hlen));
    }
    catch {
        throw new CheckpointError(`${path}: the header is not valid JSON`);
    }
    let off = 12 + hlen + ((4 - ((12 + hlen) % 4)) % 4);
    const total = header.arrays.reduce((s, a) => s + a.length * 4, off);
    if (total !== buf.length)
        throw new CheckpointError(`${path} is truncated or padded: ${buf.length} bytes, expected ${total}`);
    const aligned = new Uint8Array(buf.length - off);
    aligned.set(buf.subarray(off));
    off = 0;
    const arrays = {};
    for (const a of header.arrays) {
        arrays[a.name] = new Float32Array(aligned.buffer, off, a.length);
        off += a.length * 4;
    }
    return { meta: header.meta, arrays };
}
//# sourceMappingURL=checkpoint.js.map