import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { INGEST_CONFIG, IngestConfig } from '../../config/ingest.config';
import { DeliveryEnqueuer } from '../../outbox/delivery-enqueuer.service';
import { WriteKeyService } from '../../tracking/write-key.service';

/**
 * The admin API's view of providers owned by the root module (configuration, the write-key cache,
 * the delivery enqueuer). They are registered on AppModule without being exported, so they are
 * looked up once through the module container; the same instances as the tracking side are used,
 * which matters for the write-key cache.
 */
@Injectable()
export class AdminContext {
  private cachedConfig?: IngestConfig;
  private cachedEnqueuer?: DeliveryEnqueuer;
  private cachedWriteKeys?: WriteKeyService;

  constructor(private readonly moduleRef: ModuleRef) {}

  get config(): IngestConfig {
    return (this.cachedConfig ??= this.moduleRef.get<IngestConfig>(INGEST_CONFIG, { strict: false }));
  }

  get enqueuer(): DeliveryEnqueuer {
    return (this.cachedEnqueuer ??= this.moduleRef.get(DeliveryEnqueuer, { strict: false }));
  }

  get writeKeys(): WriteKeyService {
    return (this.cachedWriteKeys ??= this.moduleRef.get(WriteKeyService, { strict: false }));
  }
}
