import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { DevSeedService } from './dev-seed.service';

/** Outside production: a development source and destination on first start, through the admin repositories. */
@Module({ imports: [AdminModule], providers: [DevSeedService] })
export class DevSeedModule {}
