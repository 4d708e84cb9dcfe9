/** FullStory's answers are small JSON; anything larger is cut so a hostile or broken server cannot fill memory. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;
export const TRUNCATED_MARKER = '[truncated: the response body was longer than 1 MiB]';

/**
 * Reads at most `limit` bytes of a body and stops reading (destroying the stream) past it. A cut body ends
 * with TRUNCATED_MARKER on its own line; a character split at the cut becomes U+FFFD.
 */
export async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown },
  limit = MAX_RESPONSE_BYTES,
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      body.destroy();
      return { text: `${Buffer.concat(chunks).toString('utf8')}\n${TRUNCATED_MARKER}`, truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}
