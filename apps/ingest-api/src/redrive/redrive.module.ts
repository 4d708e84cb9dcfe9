import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { RedriveController } from './redrive.controller';
import { RedriveService } from './redrive.service';

/** POST /admin/deliveries/redrive: bulk redrive of failed deliveries. */
@Module({
  imports: [AuditModule],
  controllers: [RedriveController],
  providers: [RedriveService],
})
export class RedriveModule {}
