import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { WORKER_CONFIG, WorkerConfig } from '../config/worker.config';
import { messageOf } from '@fsd/platform';

/** The channel of the `destination_changed` trigger: the payload is the destination's id. */
export const DESTINATION_CHANGED_CHANNEL = 'fsd_destination_changed';
const RECONNECT_MS = 1000;

/**
 * Listens for changes of destinations (Postgres NOTIFY, sent at commit by a trigger on the table, so every
 * admin change reaches every worker within milliseconds without the admin API knowing the workers). The
 * periodic refresh stays as the fallback for notifications missed while the connection was down: after a
 * reconnection, `onReconnect` listeners run a full refresh.
 */
@Injectable()
export class DestinationChanges implements OnApplicationShutdown {
  private readonly logger = new Logger(DestinationChanges.name);
  private client?: Client;
  private closing = false;
  private timer?: NodeJS.Timeout;
  private changed: (id: string) => void = () => undefined;
  private reconnected: () => void = () => undefined;

  constructor(@Inject(WORKER_CONFIG) private readonly config: WorkerConfig) {}

  /** Starts listening; `onChange` receives each changed destination's id, `onReconnect` runs after a gap. */
  async listen(onChange: (id: string) => void, onReconnect: () => void): Promise<void> {
    this.changed = onChange;
    this.reconnected = onReconnect;
    await this.connect(false);
  }

  private async connect(afterGap: boolean): Promise<void> {
    if (this.closing) return;
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'fsd-worker-listen' });
    client.on('notification', (n) => {
      if (n.channel === DESTINATION_CHANGED_CHANNEL && n.payload) this.changed(n.payload);
    });
    client.on('error', (e) => this.lost(client, e));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${DESTINATION_CHANGED_CHANNEL}`);
      this.client = client;
      if (afterGap) this.reconnected();
    } catch (e) {
      this.lost(client, e);
    }
  }

  private lost(client: Client, e: unknown): void {
    if (this.closing || (this.client !== undefined && this.client !== client) || this.timer) return;
    this.client = undefined;
    this.logger.warn(`destination change notifications interrupted (${messageOf(e)}); reconnecting`);
    client.end().catch(() => undefined);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect(true);
    }, RECONNECT_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    await this.client?.end().catch(() => undefined);
  }
}
