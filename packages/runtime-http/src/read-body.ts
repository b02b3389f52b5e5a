/**
 * Reading a runtime's answer without trusting it (docs/trust.md "Outbound calls"): the body is read
 * as a stream, decoded when the runtime compressed it although we asked for `identity`, and
 * counted AFTER decoding; past the cap the stream is destroyed (which closes the connection), so
 * no answer can make the process hold more than the cap per call.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import zlib from 'node:zlib';

export class ResponseTooLargeError extends Error {
  constructor(readonly cap: number) {
    super(`response larger than ${cap} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

export class UnsupportedEncodingError extends Error {
  constructor() {
    super('unsupported content-encoding');
    this.name = 'UnsupportedEncodingError';
  }
}

function decoderFor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null {
  switch (encoding) {
    case '':
    case 'identity':
      return null;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      // Anything else, including stacked encodings ("gzip, br"), is refused.
      throw new UnsupportedEncodingError();
  }
}

/** A header value as one lowercased string. */
export function headerValue(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().toLowerCase();
}

export async function readCapped(body: Readable, contentEncoding: string, cap: number): Promise<Buffer> {
  // Destroying the body below makes it emit an abort; that is our doing, not a failure to report.
  body.on('error', () => undefined);
  let decoder: ReturnType<typeof decoderFor>;
  try {
    decoder = decoderFor(contentEncoding);
  } catch (err) {
    body.destroy();
    throw err;
  }
  const source: Readable = decoder
    ? pipeline(body, decoder, () => {
        /* errors surface through the iteration below */
      })
    : body;
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > cap) throw new ResponseTooLargeError(cap);
      chunks.push(chunk);
    }
  } finally {
    if (total > cap || !source.readableEnded) {
      source.destroy();
      body.destroy();
    }
  }
  return Buffer.concat(chunks, total);
}
