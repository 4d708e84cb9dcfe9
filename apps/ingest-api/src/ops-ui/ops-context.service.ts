import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Pool } from 'pg';
import { DestinationPauseService } from '../admin/destinations/destination-pause.service';
import { INGEST_CONFIG, IngestConfig } from '../config/ingest.config';
import { PG_POOL } from '../database/pg-pool.provider';
import { IngestMetrics } from '../metrics/ingest-metrics.service';
import { AdminSessions } from './admin-sessions.service';

/**
 * The operations module's view of providers owned by the root module (configuration, the pg pool,
 * the metrics registry, the destination pause service), looked up once through the module container so the same instances are used.
 */
@Injectable()
export class OpsContext {
  private cachedConfig?: IngestConfig;
  private cachedPool?: Pool;
  private cachedMetrics?: IngestMetrics;
  private cachedSessions?: AdminSessions;
  private cachedPauses?: DestinationPauseService;

  constructor(private readonly moduleRef: ModuleRef) {}

  get config(): IngestConfig {
    return (this.cachedConfig ??= this.moduleRef.get<IngestConfig>(INGEST_CONFIG, { strict: false }));
  }

  get pool(): Pool {
    return (this.cachedPool ??= this.moduleRef.get<Pool>(PG_POOL, { strict: false }));
  }

  get sessions(): AdminSessions {
    return (this.cachedSessions ??= this.moduleRef.get(AdminSessions, { strict: false }));
  }

  /** The admin API's pause service, so the page's Pause / Resume do exactly what the API does. */
  get pauses(): DestinationPauseService {
    return (this.cachedPauses ??= this.moduleRef.get(DestinationPauseService, { strict: false }));
  }

  get metrics(): IngestMetrics {
    return (this.cachedMetrics ??= this.moduleRef.get(IngestMetrics, { strict: false }));
  }
}
