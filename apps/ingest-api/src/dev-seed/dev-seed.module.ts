import { Module } from '@nestjs/common';
import { DevSeedService } from './dev-seed.service';

/** Outside production: a development source and destination on first start. */
@Module({ providers: [DevSeedService] })
export class DevSeedModule {}
