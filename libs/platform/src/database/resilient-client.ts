import { Client, type ClientConfig } from 'pg';
import { logErrors } from '../errors/rate-limited-log';

/**
 * The pg client every pool of ours creates (`Client: ResilientClient` in the pool's options). A pool listens for
 * the errors of its idle clients only; a checked-out client whose connection drops (Postgres stopped, the network
 * cut) emits 'error', and with no listener that ended the process: ingest-api died when Postgres went away under
 * load. The error still fails the client's queries and the pool discards the client on release; here it is logged.
 */
export class ResilientClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    logErrors(this, 'postgres connection lost while in use');
  }
}
