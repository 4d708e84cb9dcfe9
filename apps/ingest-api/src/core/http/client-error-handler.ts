import type { Socket } from 'net';

/**
 * Errors Node raises before a request reaches fastify (malformed HTTP, headers too large, a body
 * that never finishes arriving): answered with our JSON error shape, then the socket is closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const timeout = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = timeout ? 408 : tooLarge ? 431 : 400;
  const reason = timeout ? 'Request Timeout' : tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  const body = JSON.stringify({
    success: false,
    code: timeout ? 'request_timeout' : tooLarge ? 'headers_too_large' : 'bad_request',
    message: timeout
      ? 'The request did not arrive completely in time'
      : tooLarge
        ? 'The request headers are too large'
        : 'The request is not valid HTTP',
  });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
