/**
 * A response body that is already JSON (text or UTF-8 bytes, built by the database): the REST adapter
 * sends it as it is instead of serialising an object graph.
 */
export class RawJson {
  constructor(readonly text: string | Uint8Array) {}
}
